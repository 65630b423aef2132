import ArgumentParser
import Foundation
import TaggerConfig
import TaggerCore
import TaggerDaemon
import TaggerState
import TaggerSystem

/// `tagger retag [--all] [--no-wait]`: rescores the sidecars by the model in use.
struct RetagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retag",
        abstract: "Rescore every sidecar of another model than the one in use (the daemon does this by itself when the model changes).",
        discussion: """
            When `tagger run` holds the state directory, asks it (a request file it takes within a second) \
            and follows its progress; otherwise rescores in this process under the daemon's lock. \
            Newest mail first; the user's corrections are kept; a sidecar whose content does not change is not rewritten.
            Exit status: 0 every sidecar carries the model in use (with --no-wait: the daemon took the request); \
            1 an error (no model, a message that could not be rescored, the daemon stopped before finishing: \
            it goes on at its next start); 64 wrong usage.
            """)

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Rescore every sidecar, also those of the model in use (written only where they change).")
    var all = false

    @Flag(name: .customLong("no-wait"), help: "With a running daemon: return once it has taken the request.")
    var noWait = false

    func run() throws {
        let config = try failing { try options.resolve() }
        let env = ProcessInfo.processInfo.environment
        do {
            try makeDirectory(config.stateDir)
        } catch { throw reported(error) }
        let lock: FileLock
        do {
            lock = try FileLock(path: config.state.daemonLock, wait: false)
        } catch {
            if case .busy = error { return try askDaemon(config) }
            throw reported(error)
        }
        defer { withExtendedLifetime(lock) {} }
        if !FileManager.default.fileExists(atPath: config.modelPath) {
            throw reported(TaggerError.model(path: config.modelPath, reason: "no model to retag with: train one with `tagger train --manifest M.jsonl` or `tagger retrain`, or give --model the path of an existing one"))
        }
        let logger = DaemonLogger.standardError(level: min(config.logLevel, .notice), environment: env)
        let result: OfflineRetag.Result
        do {
            result = try OfflineRetag.run(config: config, loader: ModelScorerLoader(), logger: logger, all: all) { p in
                printError(p.summary)
            }
        } catch { throw reported(error) }
        emit(result.progress.summary)
        if result.errors > 0 {
            printError("\(result.errors) error(s) while rescoring (logged above); the rest was done")
            throw ExitCode.failure
        }
    }

    /// Leaves a request for the running daemon and follows its progress in the status file.
    private func askDaemon(_ config: ResolvedConfig) throws {
        let id = "\(getpid())-\(Int(Date().timeIntervalSince1970 * 1000))"
        do { try RetagRequest(id: id, all: all).write(state: config.state) } catch { throw reported(error) }
        let asked = Date()
        var lastPrint = Date()
        var taken = false
        while true {
            usleep(200_000)
            let status = try? DaemonStatus.read(stateDirectory: config.stateDir)
            let alive = status.map { $0.state != "stopped" && $0.processIsAlive } ?? false
            if let r = status?.retag, r.request == id {
                if !taken {
                    taken = true
                    printError("the daemon (pid \(status!.pid)) took the request: \(r.total) message(s) to rescore")
                    if noWait { return }
                }
                if r.state == "done" {
                    emit(r.summary)
                    return
                }
                if Date().timeIntervalSince(lastPrint) >= 2 {
                    lastPrint = Date()
                    printError(r.summary)
                }
            }
            if !alive {
                throw reported(TaggerError.io(path: config.stateDir, reason: "the daemon stopped before the retag finished; it goes on at its next start"))
            }
            if !taken && Date().timeIntervalSince(asked) > 30 {
                unlink(config.state.retagRequest)
                throw reported(TaggerError.io(path: config.state.retagRequest, reason: "the running daemon did not take the request within 30 s (an older tagger?)"))
            }
        }
    }
}
