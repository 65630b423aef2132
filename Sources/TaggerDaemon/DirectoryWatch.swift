#if os(Linux)
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

    static let mask = InotifyMask.closeWrite | InotifyMask.movedTo | InotifyMask.deleteSelf
        | InotifyMask.moveSelf | InotifyMask.onlyDir

    /// - Throws: `SystemError` when inotify is unavailable or the directory cannot be watched.
    init(directory: String, onChange: @escaping @Sendable () -> Void) throws {
        inotify = try Inotify()
        _ = try inotify.addWatch(directory, mask: Self.mask)
        inotify.start { [flags] events in
            let ends = InotifyMask.deleteSelf | InotifyMask.moveSelf | InotifyMask.ignored | InotifyMask.queueOverflow
            if events.contains(where: { $0.mask & ends != 0 }) { flags.alive.store(false, ordering: .relaxed) }
            flags.changed.store(true, ordering: .relaxed)
            onChange()
        }
    }

    /// False once the directory was deleted or moved (or events were lost).
    var isAlive: Bool { flags.alive.load(ordering: .relaxed) }

    /// Whether anything happened since the last call.
    func takeChange() -> Bool { flags.changed.exchange(false, ordering: .relaxed) }

    /// Stops the reader thread.
    func stop() { inotify.stop() }
}
#endif
