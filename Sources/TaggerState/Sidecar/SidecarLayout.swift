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
///   Dovecot's `,S=`/`,W=` size fields stay. Flag changes keep the same sidecar. A unique name
///   over 200 bytes is cut to its first 160 bytes plus `~` and a 16-hex-digit hash (see
///   ``stem(unique:)``), so that the sidecar name fits in the 255-byte limit.
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

    /// Unique names longer than this (in bytes) are shortened in sidecar file names.
    public static let maxStemBytes = 200

    /// The sidecar file name for a unique name: `<unique>.json`, or for a unique name over
    /// ``maxStemBytes`` bytes (a Maildir file name may be 255 bytes, and `.json` plus the
    /// writer's temporary-name suffix must still fit in NAME_MAX) ``stem(unique:)`` + `.json`.
    public func fileName(unique: String) -> String { stem(unique: unique) + ".json" }

    /// The sidecar name without `.json`: the unique name itself, or when it is longer than
    /// ``maxStemBytes`` bytes its first 160 bytes (whole characters), `~`, and 16 hex digits
    /// of the 64-bit FNV-1a hash of the whole unique name. The `message.unique` field inside the
    /// sidecar keeps the full name.
    public func stem(unique: String) -> String {
        guard unique.utf8.count > Self.maxStemBytes else { return unique }
        var prefix = ""
        var bytes = 0
        for scalar in unique.unicodeScalars {
            let n = String(scalar).utf8.count
            if bytes + n > 160 { break }
            prefix.unicodeScalars.append(scalar)
            bytes += n
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in unique.utf8 {
            hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return prefix + "~" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The full sidecar path of a message in the Maildir called `maildirName`.
    public func path(maildirName: String, message: MaildirMessage) -> String {
        ([stateDirectory] + components(maildirName: maildirName, folder: message.folder)
            + [fileName(unique: message.unique)]).joined(separator: "/")
    }
}
