#if os(Linux)
import Foundation
import Synchronization
import TaggerLock
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// What the daemon's services share: the settings, the state's one writer, the work queue, the
/// watcher, the scorer in use and the counters. Everything in it is safe to share.
final class DaemonContext: Sendable {
    /// The settings in use (SIGHUP may replace them: see `ConfigReload`).
    var config: ResolvedConfig { settings.withLock { $0 } }
    let settings: Locked<ResolvedConfig>
    let loader: any ScorerLoader
    /// The logger (its level follows `log_level` across config reloads).
    var logger: DaemonLogger { loggerBox.withLock { $0 } }
    let loggerBox: Locked<DaemonLogger>
    /// The rescoring of sidecars by the model in use (`RetagService`).
    let retag = RetagJob()
    /// Wakes `RetagService`: a retag request arrived, or a reload may have changed the model.
    let retagBell = Doorbell()
    /// Wakes `StatusService`: the counters may have changed (tagging took work, an error was
    /// counted, a retag job started or ended) or the status file was removed.
    let statusBell = Doorbell()
    let notifier: SystemdNotifier
    /// Tagging's inbox (control first, then fresh mail, then backlog).
    let queue: WorkQueue
    let watcher: MaildirWatcher
    /// The journal, sidecars and catalog: the daemon writes them only through it.
    let store: TagStore
    /// The scorer in use (swapped by a reload).
    let scorer: Locked<any MessageScoring>
    let stats: Locked<DaemonStats>
    let startedAt = Timestamp.iso8601(Date())
    /// When the tagging loop last went round (milliseconds since 1970): the watchdog pings only
    /// while it does.
    let heartbeat = Atomic<Int>(0)
    /// Seconds one message may take to read before it is skipped (see `SlowMessageGuard`).
    let messageTimeLimit: Double

    /// Reads the settings again (SIGHUP; nil: they never change).
    let configSource: (@Sendable () throws -> ResolvedConfig)?
    /// Maildirs found without any folder, already warned about (said again once folders came and went).
    private let folderlessSaid = Locked<Set<Int>>([])

    init(config: ResolvedConfig, loader: any ScorerLoader, scorer: any MessageScoring, logger: DaemonLogger,
         notifier: SystemdNotifier, watcher: MaildirWatcher, messageTimeLimit: Double = 10,
         configSource: (@Sendable () throws -> ResolvedConfig)? = nil) {
        self.configSource = configSource
        settings = Locked(config)
        self.messageTimeLimit = messageTimeLimit
        self.loader = loader
        loggerBox = Locked(logger)
        self.notifier = notifier
        self.watcher = watcher
        queue = WorkQueue()
        store = TagStore(state: config.state, maildirs: config.maildirs)
        self.scorer = Locked(scorer)
        var s = DaemonStats()
        s.modelID = scorer.modelInfo.id
        stats = Locked(s)
    }

    /// Logs an error and counts it.
    func note(error message: String) {
        logger.error(message)
        stats.withLock {
            $0.errors += 1
            $0.lastError = message
        }
        statusBell.ring()
    }

    /// The current status, as written to the status file.
    func snapshot() -> DaemonStatus {
        let s = stats.withLock { $0 }
        return DaemonStatus(
            pid: getpid(), startedAt: startedAt, modelID: s.modelID, tagged: s.tagged, backlog: queue.pending,
            errors: s.errors, lastError: s.lastError, updatedAt: Timestamp.iso8601(Date()), state: s.state,
            retag: retag.progress.flatMap { $0.total > 0 || $0.request != nil ? $0 : nil })
    }

    /// Scans a Maildir's folders and watches them all; returns the structure (nil if unreadable).
    @discardableResult
    func watchStructure(maildir i: Int) -> MaildirScanner.Structure? {
        let md = config.maildirs[i]
        let structure: MaildirScanner.Structure
        do {
            structure = try MaildirScanner(root: md.root).structure()
        } catch {
            note(error: "\(error); retrying at the next reconcile")
            return nil
        }
        for c in structure.containers {
            do { try watcher.watch(container: c, maildir: i) } catch { logger.warning("\(error)") }
        }
        for f in structure.folders {
            do {
                try watcher.watch(folder: f, maildir: i)
            } catch {
                logger.warning("\(error); retrying at the next reconcile")
            }
        }
        for u in structure.unreadable { logger.warning("\(u); retrying at the next reconcile") }
        // A path to the wrong directory (the parent of the Maildirs, a typo that exists) would
        // otherwise tag nothing and say nothing.
        if structure.folders.isEmpty && structure.unreadable.isEmpty {
            if folderlessSaid.withLock({ $0.insert(i).inserted }) {
                logger.warning("\(md.root): no Maildir folder (cur/ and new/) in it or below it, so nothing to tag yet; "
                               + "check the path (maildirs in the config, or --maildir)")
            }
        } else {
            folderlessSaid.withLock { _ = $0.remove(i) }
        }
        return structure
    }
}
#endif
