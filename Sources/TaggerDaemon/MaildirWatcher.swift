#if os(Linux)
import Foundation
import TaggerLock
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState
import TaggerCore

/// What a watcher reports to the daemon loop.
enum WatchEvent: Sendable, Equatable {
    /// A message file appeared in `new/` or `cur/` (delivery, flag rename, new→cur move).
    case messageArrived(maildir: Int, MaildirMessage)
    /// A message file left `new/` or `cur/` (deleted or renamed away).
    case messageLeft(maildir: Int, MaildirMessage)
    /// A message file was written in place and closed, or its permissions or links changed.
    case messageChanged(maildir: Int, MaildirMessage)
    /// A directory appeared or vanished under a watched container: rescan `directory` (the
    /// one that appeared or vanished, or the folder whose `cur/`/`new/` did).
    case structureChanged(maildir: Int, directory: String)
    /// The model file was replaced or rewritten.
    case modelChanged
    /// `tagger retag` left a request in the state directory.
    case retagRequested
    /// The status file was removed or renamed away (the daemon writes it again).
    case statusRemoved
    /// The kernel queue overflowed: events were lost, a full reconcile is needed.
    case overflow
}

/// Watches Maildir folders (`new/`, `cur/`, and the directories that may gain subfolders) and
/// single files (the model, the retag request) through their directories with inotify,
/// translating kernel events into ``WatchEvent``s.
final class MaildirWatcher: Sendable {
    private enum Target: Sendable {
        case messages(maildir: Int, folder: MaildirFolder, subdirectory: String)
        case container(maildir: Int, path: String)
        /// A directory watched for some of its files: what each one's replacement or rewrite
        /// means (or, for ``WatchEvent/statusRemoved``, its removal).
        case files(names: [String: WatchEvent])
    }

    private let inotify: Inotify
    private let targets = Locked<[Int32: Target]>([:])

    /// Files written in place show as `closeWrite` (not `modify`: one event per write would
    /// read a growing file again and again), permission and link changes as `attrib`.
    static let messageMask = InotifyMask.movedTo | InotifyMask.create | InotifyMask.delete
        | InotifyMask.movedFrom | InotifyMask.closeWrite | InotifyMask.attrib | InotifyMask.onlyDir | InotifyMask.dontFollow | InotifyMask.exclUnlink
    static let containerMask = InotifyMask.create | InotifyMask.movedTo | InotifyMask.delete
        | InotifyMask.movedFrom | InotifyMask.onlyDir | InotifyMask.dontFollow
    static let fileMask = InotifyMask.movedTo | InotifyMask.closeWrite | InotifyMask.delete | InotifyMask.movedFrom
        | InotifyMask.onlyDir

    /// Called with a directory's path just before its watch is added (tests use it to change a
    /// folder in the window between the scan and the watch).
    private let beforeWatch: (@Sendable (String) -> Void)?

    /// - Throws: `SystemError` when inotify is unavailable.
    init(beforeWatch: (@Sendable (String) -> Void)? = nil) throws {
        inotify = try Inotify()
        self.beforeWatch = beforeWatch
    }

    /// Watches `new/` and `cur/` of `folder`, and the folder itself for new subfolders.
    /// - Throws: `SystemError` for the first watch that fails (permission, watch limit).
    /// - Returns: whether a watch was added (false when every one existed already).
    @discardableResult
    func watch(folder: MaildirFolder, maildir: Int) throws -> Bool {
        var added = try watch(container: folder, maildir: maildir)
        for sub in ["new", "cur"] {
            let wd = try inotify.addWatch(folder.path + "/" + sub, mask: Self.messageMask)
            targets.withLock { t in
                if t[wd] == nil { added = true }
                t[wd] = .messages(maildir: maildir, folder: folder, subdirectory: sub)
            }
        }
        return added
    }

    /// Watches a directory only for subdirectories appearing or vanishing.
    /// - Throws: `SystemError` when the watch cannot be added.
    /// - Returns: whether the watch was added (false when it existed already).
    @discardableResult
    func watch(container: MaildirFolder, maildir: Int) throws -> Bool {
        beforeWatch?(container.path)
        // The Maildir root is a configured path, which may be a symbolic link (~/Maildir to
        // another disk): `/.` makes the kernel follow it while IN_DONT_FOLLOW still holds below.
        let watched = container.relativePath.isEmpty ? container.path + "/." : container.path
        let wd = try inotify.addWatch(watched, mask: Self.containerMask)
        return targets.withLock { t in
            if case .messages = t[wd] { return false }
            let added = t[wd] == nil
            t[wd] = .container(maildir: maildir, path: container.path)
            return added
        }
    }

    /// Watches the directory of `modelPath` for the model file being replaced or rewritten.
    /// - Throws: `SystemError` when the watch cannot be added.
    func watch(modelPath: String) throws {
        try watch(file: modelPath, reporting: .modelChanged)
    }

    /// Watches the directory of `path` for that file being replaced or rewritten, reported as
    /// `event` (files of one directory share its watch); with ``WatchEvent/statusRemoved``, for
    /// that file being removed or renamed away instead.
    /// - Throws: `SystemError` when the watch cannot be added.
    func watch(file path: String, reporting event: WatchEvent) throws {
        let url = URL(fileURLWithPath: path)
        let wd = try inotify.addWatch(url.deletingLastPathComponent().path, mask: Self.fileMask)
        targets.withLock { t in
            var names: [String: WatchEvent] = [:]
            if case .files(let known) = t[wd] { names = known }
            names[url.lastPathComponent] = event
            t[wd] = .files(names: names)
        }
    }

    /// Number of live watches.
    var watchCount: Int { targets.withLock { $0.count } }

    /// Starts delivering events to `handler` on the reader thread.
    func start(_ handler: @escaping @Sendable ([WatchEvent]) -> Void) {
        inotify.start { [self] raw in
            let events = raw.compactMap(translate)
            if !events.isEmpty { handler(events) }
        }
    }

    /// Stops the reader thread.
    func stop() { inotify.stop() }

    func translate(_ e: InotifyEvent) -> WatchEvent? {
        if e.mask & InotifyMask.queueOverflow != 0 { return .overflow }
        if e.mask & InotifyMask.ignored != 0 {
            targets.withLock { _ = $0.removeValue(forKey: e.wd) }
            return nil
        }
        guard let target = targets.withLock({ $0[e.wd] }) else { return nil }
        let isDir = e.mask & InotifyMask.isDir != 0
        switch target {
        case .files(let names):
            guard !isDir, let event = names[e.name] else { return nil }
            let removed = e.mask & (InotifyMask.delete | InotifyMask.movedFrom) != 0
            return removed == (event == .statusRemoved) ? event : nil
        case .container(let maildir, let path):
            guard isDir, e.validName else { return nil }
            // A folder's own cur/new/tmp make (or unmake) that folder; any other directory is
            // rescanned itself (its parent's other children are unchanged).
            let directory = ["cur", "new", "tmp"].contains(e.name) ? path : path + "/" + e.name
            return .structureChanged(maildir: maildir, directory: directory)
        case .messages(let maildir, let folder, let sub):
            // A name that is not UTF-8 names no file once decoded: the reconcile reports it.
            guard !isDir, e.validName, !MaildirName.isIgnored(fileName: e.name) else { return nil }
            let m = MaildirMessage(folder: folder, subdirectory: sub, fileName: e.name)
            if e.mask & (InotifyMask.movedTo | InotifyMask.create) != 0 { return .messageArrived(maildir: maildir, m) }
            if e.mask & (InotifyMask.closeWrite | InotifyMask.attrib) != 0 { return .messageChanged(maildir: maildir, m) }
            return .messageLeft(maildir: maildir, m)
        }
    }
}
#endif
