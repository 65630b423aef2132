import TaggerSystem

/// Something outside tagger that mirrors the messages' tags: a notmuch database, IMAP keywords.
/// It is fed the catalog's tag changes in order and keeps its own cursor (the highest change it
/// holds), so it resumes where it stopped after a restart or a failure.
public protocol SyncTarget: Sendable {
    /// A stable name; the cursor lives in `<state_dir>/sync/<name>.cursor`.
    var name: String { get }

    /// Brings the target up to date with `changes` (oldest first; `entry` nil for a message
    /// whose sidecar was removed) and returns once it holds them. With `complete` false the
    /// changes are every message the catalog knows (the target was too far behind, or the
    /// catalog was rebuilt): messages the target has that are not listed are gone.
    /// - Throws: anything; nothing is then taken as applied and the same changes come again.
    func apply(_ changes: [TagChange], complete: Bool) async throws
}

/// Feeds one ``SyncTarget``: first every change since its cursor, then each new one as this
/// process records it. The cursor advances only after the target applied the changes.
public struct SyncLink: Sendable {
    public let store: TagStore
    public let target: any SyncTarget

    public init(store: TagStore, target: any SyncTarget) {
        self.store = store
        self.target = target
    }

    /// Applies what changed since the target's cursor (changes other processes recorded
    /// included) and saves the new cursor.
    /// - Returns: how many changes the target got.
    /// - Throws: what the target throws (the cursor then stays), or the cursor's write error.
    @discardableResult
    public func catchUp() async throws -> Int {
        let (store, name) = (self.store, target.name)
        let (changes, complete, next) = try await Blocking.run {
            try store.catalog.load()
            return store.catalog.changes(since: store.cursor(of: name))
        }
        guard !changes.isEmpty || !complete else { return 0 }
        try await target.apply(changes, complete: complete)
        try await Blocking.run { try store.saveCursor(next, of: name) }
        return changes.count
    }

    /// Catches up, then again after each change this process records, until cancelled.
    /// - Throws: what ``catchUp()`` throws.
    public func run() async throws {
        let changes = store.subscribe(keepingNewest: 1)
        try await catchUp()
        for await _ in changes {
            if Task.isCancelled { return }
            try await catchUp()
        }
    }
}
