import TaggerMaildir

/// Where a message's sidecar lives. The mapping, for scripts that look a sidecar up without tagger:
///
///     <state_dir>/sidecars/<maildir-name>/<folder>/<unique>.json
///
/// - `<state_dir>`: the configured state directory (default `$XDG_STATE_HOME/tagger`, i.e.
///   `~/.local/state/tagger`).
/// - `<maildir-name>`: the last path component of the configured Maildir root (`~/Maildir` →
///   `Maildir`; two configured Maildirs may not share a last component).
/// - `<folder>`: `INBOX` for the Maildir root itself; otherwise the folder's directory path
///   relative to the root exactly as on disk: `.Lists.swift` (Maildir++), `Work/Projects`
///   (nested layout). `cur`/`new` are *not* part of it, so `new/`→`cur/` moves keep the sidecar.
/// - `<unique>`: the message file name up to the first `:` (or `!`), i.e. without `:2,FLAGS`;
///   Dovecot's `,S=`/`,W=` size fields stay. Flag changes keep the same sidecar.
///
/// Example: `~/Maildir/.Lists/cur/1732611111.M1P2.host,S=42:2,RS` →
/// `~/.local/state/tagger/sidecars/Maildir/.Lists/1732611111.M1P2.host,S=42.json`.
/// A maildir folder literally named `INBOX` directly under the root shares the root's directory.
public struct SidecarLayout: Sendable, Equatable {
    /// The state directory.
    public var stateDirectory: String

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    /// The directory every sidecar lives under: `<state_dir>/sidecars`.
    public var root: String { StateDirectory(stateDirectory).sidecars }

    /// Directory components below the state dir for a folder's sidecars.
    public func components(maildirName: String, folder: MaildirFolder) -> [String] {
        components(maildirName: maildirName, folderSidecarName: folder.sidecarName)
    }

    /// Directory components below the state dir for the sidecars of the folder whose sidecar
    /// name (``MaildirFolder/sidecarName``) is `folderSidecarName`.
    public func components(maildirName: String, folderSidecarName: String) -> [String] {
        [StateDirectory.sidecarsFolderName, maildirName] + folderSidecarName.split(separator: "/").map(String.init)
    }

    /// The sidecar file name for a unique name: `<unique>.json`.
    public func fileName(unique: String) -> String { unique + ".json" }

    /// The full sidecar path of a message in the Maildir called `maildirName`.
    public func path(maildirName: String, message: MaildirMessage) -> String {
        ([stateDirectory] + components(maildirName: maildirName, folder: message.folder)
            + [fileName(unique: message.unique)]).joined(separator: "/")
    }
}
