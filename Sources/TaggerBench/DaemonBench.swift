#if os(Linux)
import Foundation
import Glibc
import TaggerLock
import Model
import TaggerSystem
import TaggerState
import TaggerCore

/// Benchmarks the real daemon: starts `tagger run` on a temporary Maildir, delivers messages the
/// way an MDA does (write in `tmp/`, rename into `new/`) and times each sidecar's appearance
/// (an inotify watch on the sidecar folder sees the final rename).
public final class DaemonBench: Sendable {
    public struct Options: Sendable {
        /// The tagger binary to start.
        public var executable: String
        /// Message contents, delivered in turn (cycled).
        public var messages: [[UInt8]]
        public var modelPath: String
        /// Steady phase: messages per second and how many.
        public var rate: Double = 100
        public var steadyCount = 1_000
        /// Burst phase: how many messages at once.
        public var burst = 10_000
        /// Churn phase (memory): deliveries in all, in batches that are deleted once tagged.
        public var churn = 0
        public init(executable: String, messages: [[UInt8]], modelPath: String) {
            self.executable = executable; self.messages = messages; self.modelPath = modelPath
        }
    }

    public struct Result: Encodable {
        public var latency: BenchReport
        public var burst: BenchReport
        /// (deliveries so far, daemon RSS in MiB) after each churn batch.
        public var rss: [[Double]]
        public var stopSeconds: Double
        enum CodingKeys: String, CodingKey { case latency, burst, rss, stopSeconds = "stop_s" }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let options: Options
    let space: BenchWorkspace
    private let seen = SeenTimes()

    public init(options: Options) {
        self.options = options
        space = BenchWorkspace(name: "daemon")
    }

    /// Runs the phases and stops the daemon.
    /// - Throws: `Failure` when the daemon does not start, dies, or misses messages.
    public func run(progress: (String) -> Void) throws -> Result {
        try space.create()
        defer { space.remove() }

        let inotify = try Inotify()
        _ = try inotify.addWatch(space.sidecarDir, mask: InotifyMask.movedTo)
        inotify.start { [seen] events in
            let now = BenchRecorder.now()
            seen.withLock { map in
                for e in events where e.name.hasSuffix(".json") && !e.name.hasPrefix(".") {
                    let unique = String(e.name.dropLast(5))
                    if map[unique] == nil { map[unique] = now }
                }
            }
        }
        defer { inotify.stop() }

        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: options.executable)
        daemon.arguments = ["run", "--maildir", space.maildir, "--state-dir", space.state, "--model", options.modelPath,
                            "--log-level", "warning", "--reconcile-interval", "5s", "--deletion-grace", "1s"]
        daemon.standardOutput = FileHandle.nullDevice
        try daemon.run()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try waitUntilRunning(daemon)
        progress("daemon running (pid \(daemon.processIdentifier))")

        // Steady phase.
        var latency = BenchRecorder(name: String(format: "delivery→sidecar latency at %.0f msgs/s", options.rate),
                                    expected: options.steadyCount)
        var delivered: [(String, UInt64, Int)] = []
        let start = BenchRecorder.now()
        latency.start()
        for i in 0..<options.steadyCount {
            let due = start + UInt64(Double(i) / options.rate * 1e9)
            let now = BenchRecorder.now()
            if due > now { usleep(useconds_t((due - now) / 1000)) }
            let m = options.messages[i % options.messages.count]
            let unique = "\(1_700_000_000 + i).M\(i)P\(getpid()).steady"
            delivered.append((unique, try deliver(m, unique: unique), m.count))
        }
        try waitFor(delivered.map(\.0), daemon: daemon, timeout: 60)
        latency.stop()
        let times = seen.withLock { $0 }
        for (u, t, n) in delivered { latency.record(nanos: times[u]! &- t, byteCount: n) }
        progress(latency.report().summary)

        // Burst phase: files written to tmp/ first, then renamed into new/ as fast as possible.
        var names: [String] = []
        for i in 0..<options.burst {
            let unique = "\(1_710_000_000 + i).M\(i)P\(getpid()).burst"
            try write(options.messages[i % options.messages.count], to: space.maildir + "/tmp/" + unique)
            names.append(unique)
        }
        let b0 = BenchRecorder.now()
        for u in names { rename(space.maildir + "/tmp/" + u, space.maildir + "/new/" + u) }
        try waitFor(names, daemon: daemon, timeout: 600)
        let last = seen.withLock { map in names.map { map[$0]! }.max()! }
        let bytes = (0..<options.burst).reduce(0) { $0 + options.messages[$1 % options.messages.count].count }
        let burstSeconds = Double(last - b0) / 1e9
        let burst = BenchReport(
            name: "burst of \(options.burst) deliveries", messages: options.burst, bytes: bytes, seconds: burstSeconds,
            messagesPerSecond: Double(options.burst) / burstSeconds, megabytesPerSecond: Double(bytes) / 1e6 / burstSeconds,
            p50Micros: 0, p99Micros: 0, maxMicros: 0, peakRSSMiB: rssMiB(of: daemon.processIdentifier), errors: 0, extra: [:])
        progress(burst.summary)
        for u in names { unlink(space.maildir + "/new/" + u); unlink(space.maildir + "/cur/" + u) }

        // Churn phase: deliver, wait for the sidecars, delete; sample the daemon's RSS.
        var rss: [[Double]] = [[0, rssMiB(of: daemon.processIdentifier)]]
        var done = 0
        let batch = 2_000
        while done < options.churn {
            var batchNames: [String] = []
            for i in done..<min(options.churn, done + batch) {
                let unique = "\(1_720_000_000 + i).M\(i)P\(getpid()).churn"
                _ = try deliver(options.messages[i % options.messages.count], unique: unique)
                batchNames.append(unique)
            }
            try waitFor(batchNames, daemon: daemon, timeout: 600)
            for u in batchNames { unlink(space.maildir + "/new/" + u) }
            seen.withLock { map in for u in batchNames { map.removeValue(forKey: u) } }
            done += batchNames.count
            rss.append([Double(done), rssMiB(of: daemon.processIdentifier)])
            progress(String(format: "churn: %d deliveries, daemon RSS %.1f MiB", done, rss.last![1]))
        }

        let s0 = BenchRecorder.now()
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        let stopSeconds = Double(BenchRecorder.now() - s0) / 1e9
        guard daemon.terminationStatus == 0 else {
            throw Failure(description: "the daemon exited with status \(daemon.terminationStatus) after SIGTERM")
        }
        return Result(latency: latency.report(), burst: burst, rss: rss, stopSeconds: stopSeconds)
    }

    private func write(_ bytes: [UInt8], to path: String) throws {
        let fd = try Syscall.call("open", path: path) { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
        defer { close(fd) }
        try FileIO.writeAll(fd, bytes, path: path)
    }

    /// Delivers like an MDA; returns the time of the rename into `new/`.
    private func deliver(_ bytes: [UInt8], unique: String) throws -> UInt64 {
        try write(bytes, to: space.maildir + "/tmp/" + unique)
        let t = BenchRecorder.now()
        _ = try Syscall.call("rename", path: space.maildir + "/new/" + unique) {
            rename(space.maildir + "/tmp/" + unique, space.maildir + "/new/" + unique)
        }
        return t
    }

    private func waitUntilRunning(_ daemon: Process) throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard daemon.isRunning else { throw Failure(description: "the daemon exited at start (status \(daemon.terminationStatus))") }
            if let status = try? DaemonStatus.read(stateDirectory: space.state), status.state == "running" { return }
            usleep(5_000)
        }
        throw Failure(description: "the daemon did not start within 60 s")
    }

    private func waitFor(_ names: [String], daemon: Process, timeout: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(timeout)
        // Sidecars mostly appear in delivery order: advance past the ones seen, so each check
        // costs little (the benchmark must not steal the daemon's CPU).
        var next = 0
        while Date() < deadline {
            next = seen.withLock { map in
                var i = next
                while i < names.count, map[names[i]] != nil { i += 1 }
                return i
            }
            if next == names.count {
                let missing = seen.withLock { map in names.filter { map[$0] == nil }.count }
                if missing == 0 { return }
                next = 0
            }
            guard daemon.isRunning else { throw Failure(description: "the daemon died (status \(daemon.terminationStatus))") }
            usleep(2_000)
        }
        let missing = seen.withLock { map in names.filter { map[$0] == nil }.count }
        throw Failure(description: "\(missing) of \(names.count) messages got no sidecar within \(Int(timeout)) s")
    }

    private func rssMiB(of pid: Int32) -> Double { processMemoryMiB(pid: pid, field: "VmRSS") }
}
#endif

/// Sidecar arrival times by unique name, shared with the inotify reader thread.
final class SeenTimes: Sendable {
    private let map = Locked<[String: UInt64]>([:])
    func withLock<T>(_ body: (inout [String: UInt64]) -> T) -> T { map.withLock { body(&$0) } }
}
