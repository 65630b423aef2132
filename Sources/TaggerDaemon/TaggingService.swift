#if os(Linux)
import Foundation
import TaggerConfig
import TaggerCore
import TaggerState
import TaggerSystem

/// Tagging: one thread takes work from the queue (control first, then fresh mail, then
/// backlog), tags messages, runs reconciles and reloads, and hands written sidecars to the
/// committer in batches. Cancelling it stops it like `.stop`: the message in hand is finished
/// and every sidecar written is committed.
final class TaggingService: DaemonService {
    let name = "tagging"
    let context: DaemonContext
    private let loop: ThreadedLoop

    /// Starts the tagging thread.
    init(context: DaemonContext, commits: CommitService) {
        self.context = context
        loop = ThreadedLoop(name: "tagger-process") {
            TaggingLoop(context: context, commits: commits).run()
        }
    }

    func run() async throws {
        await loop.wait { [context] in context.queue.push(.stop) }
    }
}

/// The tagging thread's state and loop (made and used on that thread only).
final class TaggingLoop {
    let context: DaemonContext
    let commits: CommitService
    let tagger: MessageTagger
    let reconciler: Reconciler
    private var stopWhenIdle = false
    /// Sidecars written under temporary names, made durable together by one filesystem sync and
    /// then renamed into place (a burst costs one sync per batch, not one per message).
    private var pending: [TagStore.PendingSidecar] = []
    private var pendingSince = Date.distantFuture
    /// Sidecars written since the last folder fsync (directory fsync is batched).
    private var unsynced = 0

    init(context: DaemonContext, commits: CommitService) {
        self.context = context
        self.commits = commits
        let memory = MessageMemory()
        tagger = MessageTagger(context: context, memory: memory)
        reconciler = Reconciler(context: context, memory: memory, tagger: tagger)
    }

    private var logger: DaemonLogger { context.logger }

    /// Runs until a `.stop` control item is taken (or, after `.stopWhenIdle`, nothing is left).
    func run() {
        context.stats.withLock { $0.state = "running" }
        // Idle, the loop goes round only to show the watchdog it is alive (WatchdogService pings
        // every half interval while it does), or once a minute.
        let tick = context.notifier.watchdogInterval.map { $0 / 4 } ?? 60
        tagger.skipMessageLeftInHand()
        while true {
            context.heartbeat.store(Int(Date().timeIntervalSince1970 * 1000), ordering: .relaxed)
            takeCommitFailures()
            // While a retag runs, smaller batches: new mail's sidecar waits behind fewer of them.
            let batch = context.retag.running ? 32 : 128
            if !pending.isEmpty && (pending.count >= batch || Date().timeIntervalSince(pendingSince) > 0.05) {
                flushPending()
            }
            guard let next = context.queue.take(timeout: !pending.isEmpty || stopWhenIdle ? 0 : unsynced == 0 ? tick : 0.05) else {
                flushPending()
                commits.drain()
                tagger.memory.stamps.removeAll()   // committed: the catalog holds them now
                takeCommitFailures()
                syncDirectories()
                if stopWhenIdle { return finish() }
                continue
            }
            // The counters may change with this item: the status service looks (cheap when it
            // is awake already: a flag under a lock).
            defer { context.statusBell.ring() }
            if unsynced >= 64 { syncDirectories() }
            switch next {
            case .control(.stop):
                return finish()
            case .control(.reconcile):
                reconciler.reconcile(force: false)
                for w in tagger.corrections.refresh(force: true) { logger.warning(w) }
            case .control(.reload): reload()
            case .control(.stopWhenIdle): stopWhenIdle = true
            case .work(.message(let i, let m, let force), _):
                hold(tagger.ensure(maildir: i, message: m, force: force))
            case .work(.structure(let i), _): reconciler.structureChanged(maildir: i)
            case .work(.directories(let i, let paths), _): reconciler.directoriesChanged(maildir: i, paths)
            case .work(.changed(let i, let m), _): hold(tagger.changed(maildir: i, message: m))
            case .work(.retag(let i, let m, let skip), _):
                let (pending, outcome) = tagger.retag(maildir: i, message: m, skipIfModel: skip)
                hold(pending)
                context.retag.finished(outcome, model: skip)
            }
            // New mail goes out at once, not with the next batch of the retag job's sidecars.
            if case .work(.message, fromBacklog: false) = next, !context.queue.freshPending { flushPending() }
        }
    }

    /// The end of the loop: every sidecar written is committed and its folder synced.
    private func finish() {
        context.notifier.stopping()
        logger.notice("stopping")
        flushPending()
        commits.drain()
        takeCommitFailures()
        syncDirectories()
        context.stats.withLock { $0.state = "stopped" }
    }

    /// Reads the config file again (a broken one is logged and the old settings kept), then
    /// loads the model file again; a broken model file is logged and the old model kept.
    func reload() {
        context.notifier.reloading()
        context.stats.withLock { $0.state = "reloading" }
        context.reloadConfig()
        let config = context.config
        do {
            let new = try context.loader.load(modelPath: config.modelPath)
            let old = context.scorer.withLock { s in
                let o = s.modelInfo
                s = new
                return o
            }
            context.stats.withLock { $0.modelID = new.modelInfo.id }
            logger.notice(old.id == new.modelInfo.id ? "model reloaded: \(old.id), unchanged"
                                                     : "model reloaded: \(old.id) → \(new.modelInfo.id)")
            if old.id == NoModelYet().modelInfo.id {
                reconciler.reconcile(force: false)   // the first model: tag everything that waited for it
            }
            // Sidecars of the old model: the retag service sees the new model and rescores them.
        } catch {
            context.note(error: "\(config.modelPath): cannot load model (\(error)); keeping \(context.scorer.withLock { $0.modelInfo.id })")
        }
        context.stats.withLock { $0.state = "running" }
        context.retagBell.ring()   // a new model (or `retag_on_reload` turned on) starts a retag job
        context.notifier.ready(status: context.stats.withLock { $0.statusLine(backlog: context.queue.pending) })
    }

    /// Keeps a deferred sidecar for the next batch commit.
    private func hold(_ p: TagStore.PendingSidecar?) {
        guard let p else { return }
        if pending.isEmpty { pendingSince = Date() }
        pending.append(p)
        unsynced += 1
    }

    /// Hands the pending sidecars to the committer (their fsyncs run together, so the
    /// filesystem folds them into few journal commits).
    private func flushPending() {
        guard !pending.isEmpty else { return }
        commits.submit(pending)
        pending.removeAll(keepingCapacity: true)
        pendingSince = .distantFuture
    }

    /// Sidecars whose commit failed are forgotten, so the next reconcile writes them again.
    private func takeCommitFailures() {
        for (key, message) in commits.takeFailures() {
            tagger.memory.known.removeValue(forKey: key)
            context.note(error: message)
        }
    }

    /// fsyncs every sidecar directory written since the last call, and records in the catalog
    /// the sidecars found already right.
    private func syncDirectories() {
        for w in context.store.syncDirectories() { logger.warning(w) }
        unsynced = 0
        context.store.flushCatalog()
        for p in context.store.takeProblems() { logger.warning(p) }
    }
}
#endif
