/// One configured Maildir: its root folder and the name sidecar paths use for it (the root's
/// last path component).
public struct MaildirRoot: Sendable, Equatable {
    /// The Maildir's root folder.
    public var root: String
    /// Its name in sidecar paths and catalog keys.
    public var name: String

    public init(root: String, name: String) {
        self.root = root
        self.name = name
    }
}
