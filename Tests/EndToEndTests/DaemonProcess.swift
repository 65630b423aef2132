import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A running `tagger run` on a workspace; killed with SIGKILL if still running when released.
final class DaemonProcess {
    let process: Process
    let logPath: String
    let workspace: Workspace

    struct StartFailed: Error, CustomStringConvertible {
        var log: String
        var description: String { "tagger run did not start: \(log)" }
    }

    /// Starts the daemon with `--reconcile-interval` and `--deletion-grace` as given, and waits
    /// until it logs that it started.
    /// - Throws: `StartFailed` with its log when it exits or does not start within 30 s.
    init(_ workspace: Workspace, reconcile: String = "2s", grace: String = "1s",
         extra: [String] = [], env: [String: String] = [:]) async throws {
        self.workspace = workspace
        let n = (try? FileManager.default.contentsOfDirectory(atPath: workspace.root))?
            .filter { $0.hasPrefix("daemon-") }.count ?? 0
        logPath = workspace.root + "/daemon-\(n).log"
        process = try Command.start(
            ["run", "--reconcile-interval", reconcile, "--deletion-grace", grace, "--log-level", "debug"]
                + workspace.flags + extra,
            home: workspace.root, env: env, stdout: workspace.root + "/daemon-\(n).out", stderr: logPath)
        let started = await eventually(timeout: 60) { !process.isRunning || log.contains("started:") }
        guard started, process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw StartFailed(log: log)
        }
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Everything the daemon logged so far.
    var log: String { Command.read(logPath) }

    var pid: Int32 { process.processIdentifier }

    /// Sends `signal` to the daemon.
    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// kill -9, and waits for the process to be gone.
    func crash() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM; returns the exit status and the seconds it took, or nil after `timeout` (then killed).
    func terminate(timeout: Double = 5) -> (status: Int32, seconds: Double)? {
        let start = Date()
        send(SIGTERM)
        guard Command.waitForExit(process, timeout: timeout) else {
            crash()
            return nil
        }
        return (process.terminationStatus, Date().timeIntervalSince(start))
    }
}
