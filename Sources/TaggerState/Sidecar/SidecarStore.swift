#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TaggerSystem
import TaggerMaildir

/// Reads, writes and removes sidecars under ``SidecarLayout``, atomically and without following
/// symlinks inside the state directory (files 0600, directories 0700).
public struct SidecarStore: Sendable {
    /// The path mapping.
    public let layout: SidecarLayout

    /// Sidecar folders kept open between writes.
    private let directories = DirectoryCache()

    public init(layout: SidecarLayout) {
        self.layout = layout
    }

    /// What ``write(maildirName:folder:unique:build:)`` did.
    public enum WriteResult: Sendable, Equatable {
        /// The file was (re)written.
        case written
        /// The new content equalled the old one apart from `tagged_at`; nothing was written.
        case unchanged
        /// Written under a temporary name (not yet durable): `commit` it after a filesystem sync.
        /// `basis` is the file the new content was built on (nil: there was none).
        case pending(SecureDirectory, SecureDirectory.PendingFile, basis: FileIdentity?)

        public static func == (a: WriteResult, b: WriteResult) -> Bool {
            switch (a, b) {
            case (.written, .written), (.unchanged, .unchanged): return true
            case (.pending(_, let x, _), .pending(_, let y, _)): return x.temporary == y.temporary
            default: return false
            }
        }
    }

    /// The canonical bytes of a sidecar: pretty-printed JSON, sorted keys, trailing newline.
    /// - Throws: when a score is not finite (never from a model, whose scores are sigmoids).
    public static func encode(_ sidecar: Sidecar) throws -> [UInt8] {
        var bytes = try SidecarJSON.encode(sidecar)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Reads a message's sidecar; nil when there is none.
    /// - Throws: `SystemError` (unreadable, symlink) or `DecodingError` (not a schema-1 sidecar).
    public func read(maildirName: String, folder: MaildirFolder, unique: String) throws -> Sidecar? {
        guard let dir = try directories.existingDirectory(
            base: layout.stateDirectory, components: layout.components(maildirName: maildirName, folder: folder)),
            let bytes = try dir.read(layout.fileName(unique: unique)) else { return nil }
        return try JSONDecoder().decode(Sidecar.self, from: Data(bytes))
    }

    /// Writes a message's sidecar (only `TagStore` writes: it keeps the catalog in step). `build`
    /// receives the existing sidecar (nil when absent or unreadable as JSON) so it can keep its
    /// `user` object, and returns the new content. The file is replaced only when the new bytes
    /// differ from the old ones ignoring `tagged_at`.
    /// - Throws: `SystemError` (ENOSPC, permission, symlinked component); the old file is then intact.
    @discardableResult
    func write(
        maildirName: String, folder: MaildirFolder, unique: String, syncDirectory: Bool = true,
        deferred: Bool = false, build: (Sidecar?) -> Sidecar
    ) throws -> WriteResult {
        let dir = try directories.directory(
            base: layout.stateDirectory, components: layout.components(maildirName: maildirName, folder: folder),
            create: true)
        let name = layout.fileName(unique: unique)
        // Taken before the read: a file replaced in between then counts as changed (never the reverse).
        let basis = deferred ? try dir.status(name).map(FileIdentity.init) : nil
        let oldBytes = try dir.read(name)
        let old = oldBytes.flatMap { try? JSONDecoder().decode(Sidecar.self, from: Data($0)) }
        var new = build(old)
        if let old, let oldBytes {
            let stamp = new.taggedAt
            new.taggedAt = old.taggedAt
            if try Self.encode(new) == oldBytes { return .unchanged }
            new.taggedAt = stamp
        }
        if deferred {
            return .pending(dir, try dir.writePending(name, bytes: try Self.encode(new), fsyncFile: false), basis: basis)
        }
        try dir.writeAtomically(name, bytes: try Self.encode(new), syncDirectory: syncDirectory)
        return .written
    }

    /// fsyncs a folder's sidecar directory (after writes made with `syncDirectory: false`).
    /// - Throws: `SystemError` when the directory cannot be opened or synced.
    func syncDirectory(maildirName: String, folder: MaildirFolder) throws {
        try directories.directory(
            base: layout.stateDirectory, components: layout.components(maildirName: maildirName, folder: folder),
            create: false
        ).sync()
    }

    /// Removes a message's sidecar; missing is fine.
    /// - Throws: `SystemError` for other failures.
    func remove(maildirName: String, folderSidecarName: String, unique: String) throws {
        let comps = layout.components(maildirName: maildirName, folderSidecarName: folderSidecarName)
        guard let dir = try SecureDirectory.openIfPresent(base: layout.stateDirectory, components: comps) else { return }
        try dir.remove(layout.fileName(unique: unique))
    }

    /// One sidecar file found by ``files(maildirName:removingStaleTemporaries:)``.
    public struct File: Sendable, Equatable {
        /// `<folder>/<unique>` (folder as in ``SidecarLayout``).
        public var key: String
        /// The file's path.
        public var path: String
        /// The folder's sidecar name.
        public var folder: String { String(key[..<key.lastIndex(of: "/")!]) }
        /// The message's unique name.
        public var unique: String { String(key[key.index(after: key.lastIndex(of: "/")!)...]) }
    }

    /// Every sidecar file of one Maildir, in name order: the one walk of the sidecar tree.
    /// Folders are all walked (Maildir++ folders such as `.Lists` start with a dot); dot-files,
    /// such as temporaries, are no sidecars. With `removingStaleTemporaries`, temporaries left
    /// by other (crashed) processes are deleted on the way.
    public func files(maildirName: String, removingStaleTemporaries: Bool = false) -> [File] {
        var out: [File] = []
        func walk(_ dir: String, relative: String) {
            guard let entries = try? MaildirScanner.directoryEntries(dir) else { return }
            for e in entries.sorted(by: { $0.name < $1.name }) {
                let rel = relative.isEmpty ? e.name : relative + "/" + e.name
                if e.isDirectory {
                    walk(dir + "/" + e.name, relative: rel)
                } else if e.name.hasPrefix(".") {
                    if removingStaleTemporaries, e.name.hasSuffix(".tmp"), !e.name.contains(".\(getpid()).") {
                        unlink(dir + "/" + e.name)
                    }
                } else if e.name.hasSuffix(".json"), !relative.isEmpty {
                    out.append(File(key: String(rel.dropLast(5)), path: dir + "/" + e.name))
                }
            }
        }
        walk(layout.root + "/" + maildirName, relative: "")
        return out
    }

    /// Every sidecar of one Maildir, as `<folder>/<unique>` keys. Leftover temporaries of other
    /// (crashed) processes are deleted on the way.
    public func keys(maildirName: String) -> Set<String> {
        Set(files(maildirName: maildirName, removingStaleTemporaries: true).map(\.key))
    }
}

/// Which file a name pointed at, and its size and modification time: a sidecar replaced by
/// another writer (an atomic rename makes a new inode) no longer has the same identity.
public struct FileIdentity: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Int

    init(_ s: stat) {
        device = UInt64(s.st_dev)
        inode = UInt64(s.st_ino)
        size = Int64(s.st_size)
        modified = Int(s.st_mtim.tv_sec) * 1_000_000_000 + Int(s.st_mtim.tv_nsec)
    }
}
