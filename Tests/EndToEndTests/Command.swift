import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a finished `tagger` invocation left behind.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Non-empty lines of standard output.
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    /// Non-empty lines of standard error.
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

/// A `tagger` command run to completion (or killed after a timeout).
struct TimedOut: Error, CustomStringConvertible {
    var arguments: [String]
    var seconds: Double
    var description: String { "tagger \(arguments.joined(separator: " ")) still running after \(seconds) s (killed)" }
}

/// Starts and runs `tagger` processes with a private environment: no user config, no
/// inherited systemd variables.
enum Command {
    /// The environment for a child: `XDG_*` pointed into `home`, systemd variables removed.
    static func environment(home: String, extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "TAGGER_BIN"] { env[key] = nil }
        env["XDG_CONFIG_HOME"] = home + "/config"
        env["XDG_STATE_HOME"] = home + "/xdg-state"
        env["HOME"] = home
        env["NO_COLOR"] = "1"
        return env.merging(extra) { $1 }
    }

    /// Starts `tagger args` with stdout and stderr going to files (no pipe to fill up).
    static func start(_ args: [String], home: String, env: [String: String] = [:], directory: String? = nil,
                      stdout: String, stderr: String) throws -> Process {
        guard let bin = Binary.path else { throw Binary.missing }
        _ = FileManager.default.createFile(atPath: stdout, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = args
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        p.environment = environment(home: home, extra: env)
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        try p.run()
        return p
    }

    /// Runs `tagger args` to completion; kills it and throws `TimedOut` after `timeout` seconds.
    static func run(_ args: [String], home: String, env: [String: String] = [:], directory: String? = nil,
                    timeout: Double = 120) throws -> CommandResult {
        let id = UUID().uuidString
        let out = home + "/cmd-\(id).out", err = home + "/cmd-\(id).err"
        defer { unlink(out); unlink(err) }
        let p = try start(args, home: home, env: env, directory: directory, stdout: out, stderr: err)
        guard waitForExit(p, timeout: timeout) else {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            throw TimedOut(arguments: args, seconds: timeout)
        }
        return CommandResult(status: p.terminationStatus, stdout: read(out), stderr: read(err))
    }

    /// Waits up to `timeout` seconds for `p` to exit; true when it did.
    static func waitForExit(_ p: Process, timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while p.isRunning {
            if Date() > deadline { return false }
            usleep(5_000)
        }
        p.waitUntilExit()
        return true
    }

    static func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass; returns its last value.
func eventually(timeout: Double, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}

/// Polls `condition` every 5 ms on the calling thread (no await) until it holds or `timeout`
/// seconds pass; returns its last value. For the moments a test must act within a window the
/// daemon sets (while a burst or a retag runs): an await can resume seconds late while the
/// suites running beside it keep the test process's thread pool busy.
func waitHere(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(5_000)
    }
    return try condition()
}
