import Foundation

/// Text as one word of a POSIX shell command line, for commands tagger prints for the user to
/// run or writes into scripts.
public enum ShellWord {
    /// `text` as it is when it holds only characters no shell treats specially, else in single
    /// quotes (a `'` inside written as `'\''`).
    public static func quoted(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "._-/+,=@%:".unicodeScalars.contains($0)
        }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
