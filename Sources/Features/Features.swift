// Implemented by the features work.
