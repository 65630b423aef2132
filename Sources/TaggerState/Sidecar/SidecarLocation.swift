import Foundation
import TaggerMaildir

extension Sidecar.Message {
    /// The `message` object of a message file in the Maildir whose root is `root`: its unique
    /// name, `path` (relative, `INBOX/...` for the root folder, as schema 1 always had it), and
    /// the absolute `root` and `file` scripts can use without knowing tagger's layout.
    public init(_ m: MaildirMessage, root: String, messageID: String?) {
        self.init(unique: m.unique, path: m.relativePath, messageID: messageID)
        locate(m, root: root)
    }

    /// Points the object at `m` (after a move or flag change): `path`, `root` and `file`.
    public mutating func locate(_ m: MaildirMessage, root: String) {
        path = m.relativePath
        let r = Self.absolute(root)
        self.root = r
        file = Self.file(m, root: r)
    }

    /// The absolute path of `m` below `root` (made absolute).
    public static func file(_ m: MaildirMessage, root: String) -> String {
        let folder = m.folder.relativePath
        return absolute(root) + (folder.isEmpty ? "" : "/" + folder) + "/" + m.subdirectory + "/" + m.fileName
    }

    /// The absolute form of a Maildir root (a relative one is taken from the working folder).
    public static func absolute(_ root: String) -> String {
        if root.hasPrefix("/") { return root }
        let cwd = FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: cwd + "/" + root).standardizedFileURL.path
    }

    /// The absolute paths the file a sidecar `path` (`INBOX/cur/NAME`, `.Lists/new/NAME`,
    /// `Work/Projects/cur/NAME`) may be at below `root`: `INBOX/` names the root folder (not a
    /// folder on disk), or a real folder named `INBOX` directly under the root, which shares the
    /// root's sidecars (see ``SidecarLayout``); the root folder comes first.
    public static func candidateFiles(root: String, relativePath path: String) -> [String] {
        if path.hasPrefix("INBOX/"), path.split(separator: "/", omittingEmptySubsequences: false).count == 3 {
            return [root + "/" + path.dropFirst("INBOX/".count), root + "/" + path]
        }
        return [root + "/" + path]
    }
}
