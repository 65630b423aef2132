/// One Maildir folder: a directory holding `cur/`, `new/` (and `tmp/`).
public struct MaildirFolder: Sendable, Hashable {
    /// The folder's directory, absolute.
    public var path: String
    /// Path relative to the Maildir root, as written on disk: `""` for the root (INBOX),
    /// `.Sub.Folder` for a Maildir++ folder, `Work/Projects` for a nested ("verbatim") one.
    public var relativePath: String

    public init(path: String, relativePath: String) {
        self.path = path
        self.relativePath = relativePath
    }

    /// The folder's name in sidecar paths: `INBOX` for the root, else ``relativePath``.
    public var sidecarName: String { relativePath.isEmpty ? "INBOX" : relativePath }
}

/// A message file found in a folder.
public struct MaildirMessage: Sendable, Hashable {
    /// The folder that holds it.
    public var folder: MaildirFolder
    /// `new` or `cur`.
    public var subdirectory: String
    /// The file name, info part included.
    public var fileName: String

    public init(folder: MaildirFolder, subdirectory: String, fileName: String) {
        self.folder = folder
        self.subdirectory = subdirectory
        self.fileName = fileName
    }

    /// The message's unique name (see ``MaildirName/unique(ofFile:)``).
    public var unique: String { MaildirName.unique(ofFile: fileName) }
    /// Absolute path of the file.
    public var path: String { folder.path + "/" + subdirectory + "/" + fileName }
    /// Path relative to the Maildir root, as stored in the sidecar's `message.path`
    /// (`INBOX/cur/NAME` for the root folder, `.Sub/cur/NAME` for others).
    public var relativePath: String { folder.sidecarName + "/" + subdirectory + "/" + fileName }
}
