#if os(Linux)
import Glibc
import Synchronization
import TaggerSystem

/// Watches one directory for files written or renamed into it (a mail client's database, whose
/// every commit does that), on an inotify instance and thread of its own: each batch of events
/// marks it changed and calls `onChange`. Once the directory is deleted or moved the watch is
/// dead (``isAlive`` false) and the owner finds the directory again.
final class DirectoryWatch: Sendable {
    private final class Flags: Sendable {
        let changed = Atomic(false)
        let alive = Atomic(true)
    }

    private let inotify: Inotify
    private let flags = Flags()
    /// The directory's path and (device, inode) when the watch was made: a directory moved or
    /// replaced with an ancestor (`mv .notmuch .notmuch.old`, a re-pointed symlink) sends no
    /// event, so ``isAlive`` also checks that the path still leads to it.
    private let directory: String
    private let identity: (device: UInt64, inode: UInt64)

    static let mask = InotifyMask.closeWrite | InotifyMask.movedTo | InotifyMask.deleteSelf
        | InotifyMask.moveSelf | InotifyMask.onlyDir

    /// - Throws: `SystemError` when inotify is unavailable or the directory cannot be watched.
    init(directory: String, onChange: @escaping @Sendable () -> Void) throws {
        // Before the watch: a directory replaced in between then looks dead (found again), not alive.
        let info = try FileIO.status(directory)
        self.directory = directory
        identity = (UInt64(info.st_dev), UInt64(info.st_ino))
        inotify = try Inotify()
        _ = try inotify.addWatch(directory, mask: Self.mask)
        inotify.start { [flags] events in
            let ends = InotifyMask.deleteSelf | InotifyMask.moveSelf | InotifyMask.ignored | InotifyMask.queueOverflow
            if events.contains(where: { $0.mask & ends != 0 }) { flags.alive.store(false, ordering: .relaxed) }
            flags.changed.store(true, ordering: .relaxed)
            onChange()
        }
    }

    /// False once the directory was deleted or moved (or events were lost), or its path no
    /// longer leads to it (one `stat`).
    var isAlive: Bool {
        guard flags.alive.load(ordering: .relaxed) else { return false }
        do throws(SystemError) {
            let info = try FileIO.status(directory)
            return UInt64(info.st_dev) == identity.device && UInt64(info.st_ino) == identity.inode
        } catch {
            // A path that no longer leads anywhere (gone, a file or a symlink loop on the way,
            // a folder made unreadable) no longer leads to the watched directory; other errors
            // (out of memory, I/O) say nothing about it.
            return !(error.isNotFound || error.isSymlinkRefused || error.code == EACCES)
        }
    }

    /// Whether anything happened since the last call.
    func takeChange() -> Bool { flags.changed.exchange(false, ordering: .relaxed) }

    /// Stops the reader thread.
    func stop() { inotify.stop() }
}
#endif
