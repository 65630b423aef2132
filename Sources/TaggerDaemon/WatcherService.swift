#if os(Linux)
import TaggerState

/// Watching: turns inotify events (read on the watcher's own thread, started with the service)
/// into work for tagging: new mail first, folder changes, model changes, a full reconcile after
/// an overflow.
struct WatcherService: DaemonService {
    let name = "watcher"
    let context: DaemonContext

    /// Starts reading events.
    init(context: DaemonContext) {
        self.context = context
        let queue = context.queue
        let retagBell = context.retagBell
        let statusBell = context.statusBell
        context.watcher.start { events in
            for e in events {
                switch e {
                case .messageArrived(let i, let m): queue.pushFresh([.message(maildir: i, m, force: false)])
                case .messageLeft: break   // sidecar expires at a reconcile after the grace period
                case .messageChanged(let i, let m): queue.pushFresh([.changed(maildir: i, m)])
                case .structureChanged(let i, let directory): queue.pushStructure(maildir: i, directory: directory)
                case .modelChanged: queue.push(.reload)
                case .retagRequested: retagBell.ring()
                case .statusRemoved: statusBell.ring()
                case .overflow: queue.push(.reconcile)
                }
            }
        }
    }

    func run() async throws {
        await Threaded.untilCancelled()
        context.watcher.stop()
    }
}

/// The reconciler's clock: a full reconcile every `reconcile_interval`.
struct ReconcileTimer: DaemonService {
    let name = "reconcile timer"
    let queue: WorkQueue
    /// The period in use (a config reload may change it).
    let interval: @Sendable () -> Double

    func run() async throws {
        while true {
            try await Task.sleep(for: .seconds(max(interval(), 1)))
            queue.push(.reconcile)
        }
    }
}

/// The caller's triggers (signals, or a test's sequence) handed to tagging; it ends on
/// `.stop` or when the sequence ends, which stops the daemon.
struct TriggerService<S: AsyncSequence & Sendable>: DaemonService where S.Element == DaemonTrigger {
    let name = "triggers"
    let triggers: S
    let context: DaemonContext

    func run() async throws {
        do {
            for try await t in triggers {
                if t == .stop { return }
                context.queue.push(t)
            }
        } catch {
            context.logger.error("trigger source failed: \(error)")
        }
    }
}
#endif
