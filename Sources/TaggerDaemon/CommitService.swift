#if os(Linux)
import TaggerLock
import TaggerState
import TaggerSystem

/// The committer: makes batches of deferred sidecars durable and renames them into place, in
/// order, on a thread of its own while tagging reads the next messages. At most two batches
/// wait or are in hand (each holds its temporaries' descriptors open).
final class CommitService: DaemonService {
    let name = "committer"
    let store: TagStore
    private let batches = HandOff<[TagStore.PendingSidecar]>(capacity: 2)
    private let failures = Locked<[(key: String, message: String)]>([])
    private let loop = Locked<ThreadedLoop?>(nil)

    /// Starts the committer's thread.
    init(store: TagStore) {
        self.store = store
        let thread = ThreadedLoop(name: "tagger-commit") { [self] in
            while let batch = batches.take() {
                commit(batch)
                batches.done()
            }
        }
        loop.withLock { $0 = thread }
    }

    func run() async throws {
        await loop.withLock { $0 }?.wait { [batches] in batches.close() }
    }

    /// Hands a batch over (waiting while two are in flight); commits it here once the
    /// committer has stopped.
    func submit(_ batch: [TagStore.PendingSidecar]) {
        guard !batch.isEmpty else { return }
        if !batches.put(batch) { commit(batch) }
    }

    /// Waits until every batch handed over is in place.
    func drain() { batches.drain() }

    /// Sidecars whose commit failed since the last call, with the message to log.
    func takeFailures() -> [(key: String, message: String)] {
        failures.withLock { f in
            defer { f.removeAll() }
            return f
        }
    }

    /// A sidecar whose fsync fails (EIO, ENOSPC) is not renamed: its old version stays intact
    /// and the message is retried at the next reconcile.
    private func commit(_ batch: [TagStore.PendingSidecar]) {
        let problems = store.commit(batch).map { p, e in
            (key: p.key, message: e.operation == "rename" ? "\(e); retrying at the next reconcile"
                                                          : "\(e); old sidecar kept, retrying at the next reconcile")
        }
        if !problems.isEmpty { failures.withLock { $0.append(contentsOf: problems) } }
    }
}
#endif
