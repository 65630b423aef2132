#if os(Linux)
import Foundation
import TaggerConfig
import TaggerCore
import TaggerState
import TaggerSystem

/// `tagger retag` when no daemon runs: the retag job done in this process, by the daemon's own
/// per-message code (``MessageTagger``) and through ``TagStore``, in batches made durable
/// together. The caller holds the daemon lock, so no daemon starts meanwhile.
public enum OfflineRetag {
    /// The result: the job's final progress and the errors logged.
    public struct Result: Sendable {
        public var progress: RetagProgress
        public var errors: Int
    }

    /// Rescores the sidecars of another model than the one at `config.modelPath` (every sidecar
    /// with `all`), newest first; `report` gets the progress after each batch.
    /// - Throws: `DaemonStartError` when the model cannot be loaded or inotify is unavailable.
    public static func run(config: ResolvedConfig, loader: any ScorerLoader, logger: DaemonLogger, all: Bool,
                           report: (RetagProgress) -> Void) throws -> Result {
        let scorer: any MessageScoring
        do { scorer = try loader.load(modelPath: config.modelPath) } catch {
            throw DaemonStartError(path: config.modelPath, reason: "cannot load model: \(error)")
        }
        let watcher: MaildirWatcher
        do { watcher = try MaildirWatcher() } catch { throw DaemonStartError(path: "inotify", reason: "\(error)") }
        let context = DaemonContext(config: config, loader: loader, scorer: scorer, logger: logger,
                                    notifier: SystemdNotifier(environment: [:]), watcher: watcher)
        for note in context.store.openCatalog() { logger.notice(note) }
        let tagger = MessageTagger(context: context, memory: MessageMemory())
        let job = context.retag
        job.start(model: scorer.modelInfo.id, entries: context.store.catalog.allEntries, config: config, all: all, request: nil)
        var lastReport = Date.distantPast
        while true {
            let items = job.take(128)
            if items.isEmpty {
                if job.finishOrReplan(entries: context.store.catalog.allEntries, config: config) { break }
                continue
            }
            var batch: [TagStore.PendingSidecar] = []
            for case .retag(let i, let m, let skip) in items {
                let (pending, outcome) = tagger.retag(maildir: i, message: m, skipIfModel: skip)
                if let pending { batch.append(pending) }
                job.finished(outcome, model: skip)
            }
            for (p, e) in context.store.commit(batch) { context.note(error: "\(p.key): \(e); old sidecar kept") }
            for w in context.store.syncDirectories() { logger.warning(w) }
            context.store.flushCatalog()
            for p in context.store.takeProblems() { logger.warning(p) }
            if Date().timeIntervalSince(lastReport) >= 1, let p = job.progress {
                lastReport = Date()
                report(p)
            }
        }
        context.store.flushCatalog()
        for p in context.store.takeProblems() { logger.warning(p) }
        let progress = job.progress!
        return Result(progress: progress, errors: context.stats.withLock { $0.errors })
    }
}
#endif
