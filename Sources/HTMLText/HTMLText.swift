// Implemented by the HTML work: see HTMLExtractor.
