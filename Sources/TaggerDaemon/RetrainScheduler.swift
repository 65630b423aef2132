import Foundation
#if canImport(Glibc)
import Glibc
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState
import TaggerCore
#endif

/// Starts `tagger retrain` in the background, at low priority, once enough new corrections
/// have come in (`min_new_corrections`: journal records plus messages moved into, out of or
/// arrived in labelled folders, see `FolderSnapshot`) and not more often than `retrain_interval`.
///
/// The retrain runs as a separate process (`nice -n 19`, the same binary), so tagging never
/// waits for it; the daemon picks the new model up through its model-file watch.
final class RetrainScheduler {
    let config: ResolvedConfig
    let logger: DaemonLogger
    private var child: Process?
    private var lastStart = Date.distantPast

    init(config: ResolvedConfig, logger: DaemonLogger) {
        self.config = config
        self.logger = logger
    }

    /// The last retrain report, if any.
    func lastReport() -> RetrainReport? {
        guard let data = FileManager.default.contents(atPath: config.state.lastRetrainReport) else { return nil }
        return try? JSONDecoder().decode(RetrainReport.self, from: data)
    }

    /// Starts a retrain when due. `corrections` is the journal's current record count.
    func consider(corrections: Int) {
        if let c = child {
            guard !c.isRunning else { return }
            logger.info("background retrain finished with status \(c.terminationStatus)")
            child = nil
        }
        let last = lastReport()
        var since = corrections - (last?.journalRecords ?? 0)
        let lastTime = max(lastStart, last.flatMap { Timestamp.parse($0.finishedAt) } ?? .distantPast)
        guard Date().timeIntervalSince(lastTime) >= config.retrainInterval else { return }
        // Moves into and out of labelled folders, and mail arrived in them, count too (one per
        // message; see `FolderSnapshot`), counted from the folder state only when the journal
        // alone is not enough (one scan per reconcile).
        if since < config.minNewCorrections && !config.folderLabels.isEmpty {
            since += FolderSnapshot.changes(before: FolderSnapshot.load(stateDir: config.stateDir),
                                            now: FolderSnapshot.current(maildirs: config.maildirs.map(\.root)),
                                            folderLabels: config.folderLabels).total
        }
        guard since >= config.minNewCorrections else { return }
        start(newCorrections: since)
    }

    private func start(newCorrections: Int) {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var args = ["-n", "19", exe, "retrain", "--state-dir", config.stateDir, "--model", config.modelPath]
        if let file = config.configFile { args += ["--config", file] }
        for md in config.maildirs { args += ["--maildir", md.root] }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/nice") {
            p.executableURL = URL(fileURLWithPath: exe)
            args.removeFirst(3)
        }
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        do {
            try p.run()
            child = p
            lastStart = Date()
            logger.notice("starting a background retrain after \(newCorrections) new correction(s) (pid \(p.processIdentifier))")
        } catch {
            logger.error("cannot start a background retrain: \(error)")
        }
    }
}
