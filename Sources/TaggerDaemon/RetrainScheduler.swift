import Foundation
import TaggerLock
import TaggerConfig
import TaggerCore
import TaggerState
import TaggerSystem

/// A retrain started in the background (a `Process`, or a stand-in in tests).
protocol BackgroundRetrain: AnyObject {
    var isRunning: Bool { get }
    var terminationStatus: Int32 { get }
    var processIdentifier: Int32 { get }
}

extension Process: BackgroundRetrain {}

/// Decides when to start `tagger retrain` in the background: once enough new corrections have
/// come in (`min_new_corrections`: journal records since the last retrain report, plus messages
/// moved into, out of or arrived in labelled folders, see `FolderSnapshot`), not more often than
/// `retrain_interval`, and never while one is still running.
///
/// The retrain runs as a separate process (`nice -n 19`, the same binary), so tagging never
/// waits for it; the daemon picks the new model up through its model-file watch.
final class RetrainScheduler {
    /// Starts a retrain with these arguments (after the executable).
    typealias Launch = ([String]) throws -> any BackgroundRetrain

    var config: ResolvedConfig
    let logger: DaemonLogger
    let launch: Launch
    private var child: (any BackgroundRetrain)?
    private var lastStart = Date.distantPast

    init(config: ResolvedConfig, logger: DaemonLogger, launch: @escaping Launch = RetrainScheduler.launchProcess) {
        self.config = config
        self.logger = logger
        self.launch = launch
    }

    /// The last retrain report, if any.
    func lastReport() -> RetrainReport? {
        guard let data = FileManager.default.contents(atPath: config.state.lastRetrainReport) else { return nil }
        return try? JSONDecoder().decode(RetrainReport.self, from: data)
    }

    /// Starts a retrain when due (with `start` false, only says that one is due: `run --once`
    /// leaves no process behind it, which a timer unit would kill half-way). `corrections` is
    /// the journal's current record count.
    /// - Returns: whether one was started.
    @discardableResult
    func consider(corrections: Int, now: Date = Date(), start: Bool = true) -> Bool {
        if let c = child {
            guard !c.isRunning else { return false }
            logger.info("background retrain finished with status \(c.terminationStatus)")
            child = nil
        }
        let last = lastReport()
        var since = corrections - (last?.journalRecords ?? 0)
        let lastTime = max(lastStart, last.flatMap { Timestamp.parse($0.finishedAt) } ?? .distantPast)
        guard now.timeIntervalSince(lastTime) >= config.retrainInterval else { return false }
        // Moves into and out of labelled folders, and mail arrived in them, count too (one per
        // message; see `FolderSnapshot`), counted from the folder state only when the journal
        // alone is not enough (one scan per look).
        if since < config.minNewCorrections && !config.folderLabels.isEmpty {
            since += FolderSnapshot.changes(before: FolderSnapshot.load(stateDir: config.stateDir),
                                            now: FolderSnapshot.current(maildirs: config.maildirs.map(\.root)),
                                            folderLabels: config.folderLabels).total
        }
        guard since >= config.minNewCorrections else { return false }
        guard start else {
            logger.notice("\(since) new correction(s) since the last retrain: `tagger retrain` learns from them (`run --once` starts none; the daemon does)")
            return false
        }
        var args = ["retrain", "--state-dir", config.stateDir, "--model", config.modelPath]
        if let file = config.configFile { args += ["--config", file] }
        for md in config.maildirs { args += ["--maildir", md.root] }
        do {
            let p = try launch(args)
            child = p
            lastStart = now
            logger.notice("starting a background retrain after \(since) new correction(s) (pid \(p.processIdentifier))")
            return true
        } catch {
            logger.error("cannot start a background retrain: \(error)")
            return false
        }
    }

    /// Starts this binary with `arguments` under `nice -n 19` (directly when there is no nice).
    static func launchProcess(_ arguments: [String]) throws -> any BackgroundRetrain {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let p = Process()
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/nice") {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
            p.arguments = ["-n", "19", exe] + arguments
        } else {
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = arguments
        }
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }
}

/// The retrain scheduler as a service: looks at the journal at start and every
/// `reconcile_interval` (with `--once` only at start, and only to say that a retrain is due).
struct RetrainService: DaemonService {
    let name = "retrain scheduler"
    let config: ResolvedConfig
    let logger: DaemonLogger
    let once: Bool
    /// The settings in use (a config reload may change them; nil: `config` throughout).
    var live: (@Sendable () -> ResolvedConfig)? = nil

    func run() async throws {
        let journal = Journal(path: config.state.journal)
        let (config, logger, live) = (self.config, self.logger, self.live)
        // The scheduler is used by this task only; it lives in a box the blocking work can use.
        let box = SchedulerBox(config: config, logger: logger)
        repeat {
            try await Blocking.run {
                if let live { box.scheduler.withLock { $0.config = live() } }
                do {
                    let records = try journal.fold().index.recordCount
                    _ = box.scheduler.withLock { $0.consider(corrections: records, start: !once) }
                } catch {
                    logger.warning("\(error)")
                }
            }
            if once { break }
            try await Task.sleep(for: .seconds(max((live?() ?? config).reconcileInterval, 1)))
        } while !Task.isCancelled
        await Threaded.untilCancelled()
    }
}

/// The scheduler, handed between the service's task and the blocking worker under a lock.
final class SchedulerBox: Sendable {
    let scheduler: Locked<RetrainScheduler>
    init(config: ResolvedConfig, logger: DaemonLogger) {
        scheduler = Locked(RetrainScheduler(config: config, logger: logger))
    }
}
