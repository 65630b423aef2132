#if os(Linux)
import Glibc
import Foundation
import Synchronization

/// Why the daemon could not start.
public struct DaemonStartError: Error, CustomStringConvertible {
    /// The file or directory at fault.
    public var path: String
    /// What went wrong.
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// The `tagger run` service: loads the model, watches every folder of the configured Maildirs,
/// reconciles, and keeps one sidecar per message up to date until told to stop.
public final class Daemon: Sendable {
    private let config: ResolvedConfig
    private let loader: any ScorerLoader
    private let logger: DaemonLogger
    private let notifier: SystemdNotifier
    private let processor = Mutex<DaemonProcessor?>(nil)

    /// Makes a daemon; nothing happens until ``run()``.
    public init(config: ResolvedConfig, loader: any ScorerLoader, logger: DaemonLogger, notifier: SystemdNotifier) {
        self.config = config
        self.loader = loader
        self.logger = logger
        self.notifier = notifier
    }

    /// Runs until SIGTERM or SIGINT: SIGHUP reloads the model, a timer reconciles every
    /// `reconcile_interval`. Returns normally after a clean stop.
    /// - Throws: `DaemonStartError` when the model cannot be loaded at start or inotify is unavailable.
    public func run(once: Bool = false) async throws {
        let (stream, continuation) = AsyncStream<DaemonTrigger>.makeStream()
        if once { continuation.yield(.stopWhenIdle) }
        let signals = SignalTriggers(continuation: continuation)
        let interval = config.reconcileInterval
        let timer = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(max(interval, 1)))
                if !Task.isCancelled { continuation.yield(.reconcile) }
            }
        }
        defer {
            timer.cancel()
            signals.cancel()
        }
        try await run(triggers: stream)
    }

    /// The loop with its triggers supplied by the caller (tests drive reconcile/reload/stop with
    /// their own sequence). Starts with a full reconcile; ends on `.stop` or when `triggers` ends.
    /// - Throws: `DaemonStartError` when the model cannot be loaded or inotify is unavailable.
    func run<S: AsyncSequence & Sendable>(triggers: S) async throws where S.Element == DaemonTrigger {
        let scorer: any MessageScoring
        do {
            scorer = try loader.load(modelPath: config.modelPath)
        } catch {
            throw DaemonStartError(path: config.modelPath, reason: "cannot load model: \(error)")
        }
        let watcher: MaildirWatcher
        do { watcher = try MaildirWatcher() } catch {
            throw DaemonStartError(path: "inotify", reason: "\(error)")
        }
        let queue = WorkQueue()
        let p = DaemonProcessor(config: config, loader: loader, scorer: scorer, logger: logger,
                                notifier: notifier, queue: queue, watcher: watcher)
        processor.withLock { $0 = p }
        for i in config.maildirs.indices { p.watchStructure(maildir: i) }
        do { try watcher.watch(modelPath: config.modelPath) } catch {
            logger.warning("\(error); model changes need SIGHUP")
        }
        watcher.start { events in
            for e in events {
                switch e {
                case .messageArrived(let i, let m): queue.pushFresh([.message(maildir: i, m, force: false)])
                case .messageLeft: break   // sidecar expires at a reconcile after the grace period
                case .structureChanged(let i): queue.pushFresh([.structure(maildir: i)])
                case .modelChanged: queue.push(.reload)
                case .overflow: queue.push(.reconcile)
                }
            }
        }
        queue.push(.reconcile)
        // One stream the loop below reads: the caller's triggers, plus `.stop` when the
        // processing thread ends by itself (`.stopWhenIdle`) or the caller's sequence ends.
        let (merged, mergedContinuation) = AsyncStream<DaemonTrigger>.makeStream()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            p.loop()
            mergedContinuation.yield(.stop)
            done.signal()
        }
        thread.name = "tagger-process"
        thread.start()
        notifier.ready(status: "model \(scorer.modelInfo.id), \(watcher.watchCount) watches")
        logger.notice("started: model \(scorer.modelInfo.id), \(config.maildirs.count) maildir(s), \(watcher.watchCount) watches")

        let forward = Task {
            do {
                for try await t in triggers { mergedContinuation.yield(t) }
            } catch {
                logger.error("trigger source failed: \(error)")
            }
            mergedContinuation.yield(.stop)
        }
        for await t in merged {
            if t == .stop { break }
            queue.push(t)
        }
        forward.cancel()
        notifier.stopping()
        logger.notice("stopping")
        queue.push(.stop)
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                done.wait()
                c.resume()
            }
        }
        watcher.stop()
        logger.notice("stopped: \(p.snapshot().tagged) message(s) tagged")
    }

    /// The daemon's current counters (nil before it started).
    public var status: DaemonStatus? { processor.withLock { $0?.snapshot() } }
}

/// SIGTERM/SIGINT → `.stop`, SIGHUP → `.reload`, delivered through Dispatch signal sources.
final class SignalTriggers: @unchecked Sendable {  // sources are immutable after init; cancel() is thread-safe
    private let sources: [any DispatchSourceSignal]

    init(continuation: AsyncStream<DaemonTrigger>.Continuation) {
        var s: [any DispatchSourceSignal] = []
        for (sig, trigger) in [(SIGTERM, DaemonTrigger.stop), (SIGINT, .stop), (SIGHUP, .reload)] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { continuation.yield(trigger) }
            src.resume()
            s.append(src)
        }
        sources = s
    }

    func cancel() {
        for s in sources { s.cancel() }
    }
}
#endif
