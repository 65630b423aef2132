#if os(Linux)
import Glibc
import Foundation
import Synchronization
import TaggerLock
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState
import TaggerCore
import TaggerNotmuch

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
    private let messageTimeLimit: Double
    private let context = Locked<DaemonContext?>(nil)
    private let configSource: (@Sendable () throws -> ResolvedConfig)?

    /// Makes a daemon; nothing happens until ``run()``. A message still being read after
    /// `messageTimeLimit` seconds is skipped with an error sidecar. `configSource` reads the
    /// settings again on SIGHUP (nil: they never change).
    public init(config: ResolvedConfig, loader: any ScorerLoader, logger: DaemonLogger, notifier: SystemdNotifier,
                messageTimeLimit: Double = 10, configSource: (@Sendable () throws -> ResolvedConfig)? = nil) {
        self.configSource = configSource
        self.config = config
        self.loader = loader
        self.logger = logger
        self.notifier = notifier
        self.messageTimeLimit = messageTimeLimit
    }

    /// Runs until SIGTERM or SIGINT: SIGHUP reloads the model, a timer reconciles every
    /// `reconcile_interval`. Returns normally after a clean stop.
    /// - Throws: `DaemonStartError` when a Maildir is missing, another daemon holds the state
    ///   directory, the model cannot be loaded at start or inotify is unavailable; with `once`,
    ///   also after the pass when some messages could not be tagged.
    public func run(once: Bool = false) async throws {
        for md in config.maildirs {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: md.root, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw DaemonStartError(path: md.root, reason: "no such Maildir (not an existing folder)")
            }
        }
        // One daemon per state directory: two would write the same sidecars and status file.
        let lock: FileLock
        do {
            try makeDirectory(config.stateDir)
            lock = try FileLock(path: config.state.daemonLock, wait: false)
        } catch {
            if case .busy = error {
                // The pid only of a daemon the status file shows running: `tagger retag` (offline)
                // and `tagger notmuch-sync` hold the lock too, and a stopped or dead daemon's pid
                // may be another process's by now (not one to tell the user to stop).
                let status = (try? DaemonStatus.read(stateDirectory: config.stateDir)) ?? nil
                if let status, status.state != "stopped", status.processIsAlive {
                    throw DaemonStartError(path: config.stateDir, reason: "another `tagger run` (pid \(status.pid)) is using this state directory: stop it first (`systemctl --user stop tagger` if systemd started it), or give this one another --state-dir")
                }
                throw DaemonStartError(path: config.stateDir, reason: "another tagger command is using this state directory (`tagger run`, or `tagger retag` or `tagger notmuch-sync` working without the daemon): wait for it or stop it, or give this one another --state-dir")
            }
            throw DaemonStartError(path: config.stateDir, reason: "\(error)")
        }
        defer { withExtendedLifetime(lock) {} }
        let (stream, continuation) = AsyncStream<DaemonTrigger>.makeStream()
        if once { continuation.yield(.stopWhenIdle) }
        let signals = SignalTriggers(continuation: continuation)
        defer { signals.cancel() }
        // A single pass (`--once`) needs no periodic rescan (a rescan every second kept it busy for good).
        try await run(triggers: stream, once: once, periodic: !once)
        // A single pass reports failure like `tagger tag` does, for scripts and timers.
        if once, let errors = status?.errors, errors > 0 {
            throw DaemonStartError(path: config.stateDir, reason: "\(errors) error(s) while tagging (logged above); the rest was done")
        }
    }

    /// The daemon with its triggers supplied by the caller (tests drive reconcile/reload/stop with
    /// their own sequence). Starts with a full reconcile; ends on `.stop` or when `triggers` ends.
    /// `periodic` adds a reconcile every `reconcile_interval`; `once` looks at the journal for a
    /// due retrain at start only, and says so instead of starting it. `beforeWatch` sees each directory just before its watch is
    /// added (see ``MaildirWatcher``). `retagIdleTimeout`: see ``RetagService/idleTimeout``;
    /// `statusIdleTimeout`: the status service's longest idle sleep without a watchdog.
    /// - Throws: `DaemonStartError` when the model cannot be loaded or inotify is unavailable.
    func run<S: AsyncSequence & Sendable>(triggers: S, once: Bool = false, periodic: Bool = false,
                                          beforeWatch: (@Sendable (String) -> Void)? = nil,
                                          retagIdleTimeout: Duration = RetagService.idleTimeout,
                                          statusIdleTimeout: Double = StatusService.idleSafety) async throws
    where S.Element == DaemonTrigger {
        let scorer: any MessageScoring
        if FileIO.isMissing(config.modelPath) {
            // A new user has no model yet: run, watch, and start tagging when one appears
            // (`tagger train` or `tagger retrain` writes it; the model-file watch reloads).
            logger.notice("\(config.modelPath): no model yet; waiting for one (tagger train --manifest M.jsonl, or tagger retrain after some corrections)")
            scorer = NoModelYet()
        } else {
            do {
                scorer = try loader.load(modelPath: config.modelPath)
            } catch {
                throw DaemonStartError(path: config.modelPath, reason: "cannot load model: \(error)")
            }
        }
        let watcher: MaildirWatcher
        do { watcher = try MaildirWatcher(beforeWatch: beforeWatch) } catch {
            throw DaemonStartError(path: "inotify", reason: "\(error)")
        }
        let context = DaemonContext(config: config, loader: loader, scorer: scorer, logger: logger,
                                    notifier: notifier, watcher: watcher, messageTimeLimit: messageTimeLimit,
                                    configSource: configSource)
        self.context.withLock { $0 = context }
        for note in context.store.openCatalog() { logger.notice(note) }
        for i in config.maildirs.indices { context.watchStructure(maildir: i) }
        // The model's folder must exist to be watched, even before the first model is written.
        try? FileManager.default.createDirectory(atPath: (config.modelPath as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do { try watcher.watch(modelPath: config.modelPath) } catch {
            logger.warning("\(error); model changes need SIGHUP")
        }
        var requestsWatched = true
        do { try watcher.watch(file: config.state.retagRequest, reporting: .retagRequested) } catch {
            logger.warning("\(error); retag requests are looked for four times a second")
            requestsWatched = false
        }
        // A removed status file is written again at once (without the watch: within a minute).
        try? watcher.watch(file: config.state.statusFile, reporting: .statusRemoved)
        context.queue.push(.reconcile)
        // READY=1 before the loop starts, so it precedes the loop's first WATCHDOG=1.
        notifier.ready(status: "model \(scorer.modelInfo.id), \(watcher.watchCount) watches")
        logger.notice("started: model \(scorer.modelInfo.id), \(config.maildirs.count) maildir(s), \(watcher.watchCount) watches")

        let commits = CommitService(store: context.store)
        var services: [any DaemonService] = [
            TaggingService(context: context, commits: commits), commits,
            WatcherService(context: context), StatusService(context: context, idleSafety: statusIdleTimeout),
            RetrainService(config: config, logger: logger, once: once, live: { context.config }),
            TriggerService(triggers: triggers, context: context),
        ]
        // A single pass does not rescore old sidecars (`tagger retag` does).
        if let interval = notifier.watchdogInterval { services.append(WatchdogService(context: context, interval: interval)) }
        if !once { services.append(RetagService(context: context, idleTimeout: requestsWatched ? retagIdleTimeout : .milliseconds(250))) }
        if periodic { services.append(ReconcileTimer(queue: context.queue, interval: { context.config.reconcileInterval })) }
        if config.notmuch {
            let target = NotmuchTarget(config: config, store: context.store, environment: ProcessInfo.processInfo.environment)
            services.append(SyncService(target: target, store: context.store, logger: logger))
        }
        try await Supervisor(services: services, logger: logger).run()
        StatusService.publish(context)
        logger.notice("stopped: \(context.snapshot().tagged) message(s) tagged")
    }

    /// The daemon's current counters (nil before it started).
    public var status: DaemonStatus? { context.withLock { $0?.snapshot() } }
}

/// The write end of the signal pipe (-1 when none), read by the async-signal-safe handler.
private let signalPipe = Atomic<Int32>(-1)

/// SIGTERM/SIGINT → `.stop`, SIGHUP → `.reload`. A plain signal handler writes the signal number
/// to a pipe (async-signal-safe) and a Dispatch read source turns the bytes into triggers.
/// (Dispatch signal sources alone never fired here: the signal is taken by a thread that does
/// not block it, so it must be caught by an ordinary handler.)
final class SignalTriggers {
    private let source: any DispatchSourceRead
    private let readEnd: Int32
    private let writeEnd: Int32

    init(continuation: AsyncStream<DaemonTrigger>.Continuation) {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fds = [-1, -1] }
        for fd in fds where fd >= 0 {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        readEnd = fds[0]
        writeEnd = fds[1]
        signalPipe.store(writeEnd, ordering: .sequentiallyConsistent)
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipe.load(ordering: .relaxed), &byte, 1)
            }
        }
        let fd = readEnd
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: .global())
        source.setEventHandler {
            var bytes = [UInt8](repeating: 0, count: 64)
            while true {
                let n = read(fd, &bytes, bytes.count)
                if n <= 0 { break }
                for b in bytes[..<n] {
                    continuation.yield(Int32(b) == SIGHUP ? .reload : .stop)
                }
            }
        }
        let writer = writeEnd
        source.setCancelHandler {
            close(fd)
            close(writer)
        }
        source.resume()
    }

    func cancel() {
        signalPipe.store(-1, ordering: .sequentiallyConsistent)
        for sig in [SIGTERM, SIGINT, SIGHUP] { signal(sig, SIG_DFL) }
        source.cancel()
    }
}
#endif
