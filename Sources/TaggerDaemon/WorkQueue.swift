import Foundation
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState
import TaggerCore

/// One unit of work for the processing loop.
enum WorkItem: Sendable, Equatable {
    /// Make sure `message` has an up-to-date sidecar (score it if it has none; `force` re-scores).
    case message(maildir: Int, MaildirMessage, force: Bool)
    /// Rescan a Maildir's folder structure, watch new folders and queue their messages.
    case structure(maildir: Int)
    /// Rescan these directories of a Maildir only (created, removed or renamed below it).
    case directories(maildir: Int, [String])
    /// A message file changed in place: read it again if its content (or, after an error,
    /// anything about it) changed.
    case changed(maildir: Int, MaildirMessage)
    /// Rescore a message for the retag job (see `RetagService`), unless its sidecar already
    /// carries model `skipIfModel`.
    case retag(maildir: Int, MaildirMessage, skipIfModel: String?)
}

/// The processing loop's inbox: control triggers first, then fresh work from events, then the
/// backlog from reconciles. Thread-safe; `take` blocks with a timeout.
final class WorkQueue: @unchecked Sendable {   // every field is guarded by `condition`
    private let condition = NSCondition()
    private var control: [DaemonTrigger] = []
    private var fresh = Deque<WorkItem>()
    private var backlog = Deque<WorkItem>()
    /// Folder structure changes, merged per Maildir while they wait (see ``pushStructure``).
    private var structure = StructureLane()
    /// The retag job's lane: taken only when nothing else waits.
    private var retag = Deque<WorkItem>()

    /// What `take` hands out.
    enum Next: Equatable {
        case control(DaemonTrigger)
        case work(WorkItem, fromBacklog: Bool)
    }

    /// Queues a control trigger. A reload or reconcile asked for while the same one still
    /// waits is the waiting one (it reads the files, or scans, when it runs): a storm of
    /// SIGHUPs (7,700 in 5 s) was 7,695 reloads and 15,390 log lines, one after another.
    func push(_ trigger: DaemonTrigger) {
        condition.lock()
        if trigger == .stop || trigger == .stopWhenIdle || !control.contains(trigger) { control.append(trigger) }
        condition.signal()
        condition.unlock()
    }

    func pushFresh(_ items: [WorkItem]) {
        guard !items.isEmpty else { return }
        condition.lock()
        for i in items { fresh.append(i) }
        condition.signal()
        condition.unlock()
    }

    /// Notes that `directory` of Maildir `maildir` (nil: anything in it) gained or lost folders.
    /// Changes merge while they wait: one rescan of the directories named (or of the whole
    /// Maildir, once too many are named), taken after fresh mail unless waiting over a second.
    func pushStructure(maildir: Int, directory: String?) {
        condition.lock()
        structure.add(maildir: maildir, directory: directory)
        condition.signal()
        condition.unlock()
    }

    func pushBacklog(_ items: [WorkItem]) {
        guard !items.isEmpty else { return }
        condition.lock()
        for i in items { backlog.append(i) }
        condition.signal()
        condition.unlock()
    }

    /// True when a `.stop` waits to be taken.
    var stopRequested: Bool {
        condition.lock()
        defer { condition.unlock() }
        return control.contains(.stop)
    }

    /// Queues items of the retag job (the lowest priority).
    func pushRetag(_ items: [WorkItem]) {
        guard !items.isEmpty else { return }
        condition.lock()
        for i in items { retag.append(i) }
        condition.signal()
        condition.unlock()
    }

    /// Items waiting in the retag lane.
    var retagPending: Int {
        condition.lock()
        defer { condition.unlock() }
        return retag.count
    }

    /// Whether fresh work (new mail) waits.
    var freshPending: Bool {
        condition.lock()
        defer { condition.unlock() }
        return fresh.count > 0
    }

    /// Empties the retag lane (a new job replaces the old one).
    /// - Returns: how many items were dropped.
    @discardableResult
    func clearRetag() -> Int {
        condition.lock()
        defer { condition.unlock() }
        let n = retag.count
        retag = Deque()
        return n
    }

    /// Items waiting in the backlog plus fresh lanes.
    var pending: Int {
        condition.lock()
        defer { condition.unlock() }
        return fresh.count + backlog.count + structure.count
    }

    /// The next thing to do, waiting up to `timeout` seconds; nil on timeout.
    func take(timeout: TimeInterval) -> Next? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            if !control.isEmpty { return .control(control.removeFirst()) }
            if structure.waitingSince.map({ Date().timeIntervalSince($0) > 1 }) == true, let i = structure.take() {
                return .work(i, fromBacklog: false)
            }
            if let i = fresh.popFirst() { return .work(i, fromBacklog: false) }
            if let i = structure.take() { return .work(i, fromBacklog: false) }
            if let i = backlog.popFirst() { return .work(i, fromBacklog: true) }
            if let i = retag.popFirst() { return .work(i, fromBacklog: true) }
            if !condition.wait(until: deadline) { return nil }
        }
    }
}

/// Structure changes waiting, merged per Maildir: the directories to rescan, or the whole
/// Maildir once more than `maxDirectories` are named.
struct StructureLane {
    static let maxDirectories = 256
    private var order: [Int] = []
    private var whole = Set<Int>()
    private var directories: [Int: Set<String>] = [:]
    /// When the oldest waiting change arrived.
    private(set) var waitingSince: Date?

    var count: Int { order.count }

    mutating func add(maildir i: Int, directory: String?) {
        if !order.contains(i) { order.append(i) }
        if waitingSince == nil { waitingSince = Date() }
        if whole.contains(i) { return }
        guard let d = directory else {
            whole.insert(i)
            directories[i] = nil
            return
        }
        directories[i, default: []].insert(d)
        if directories[i]!.count > Self.maxDirectories {
            whole.insert(i)
            directories[i] = nil
        }
    }

    mutating func take() -> WorkItem? {
        guard !order.isEmpty else { return nil }
        let i = order.removeFirst()
        waitingSince = order.isEmpty ? nil : Date()
        if whole.remove(i) != nil { return .structure(maildir: i) }
        return .directories(maildir: i, (directories.removeValue(forKey: i) ?? []).sorted())
    }
}

/// A minimal FIFO with O(1) amortised append and pop.
struct Deque<Element> {
    private var items: [Element] = []
    private var head = 0

    var count: Int { items.count - head }

    mutating func append(_ e: Element) { items.append(e) }

    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let e = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return e
    }
}
