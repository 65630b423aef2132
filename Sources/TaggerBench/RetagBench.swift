#if os(Linux)
import Foundation
import Glibc
import TaggerSystem
import TaggerState

/// Benchmarks the retag job: a temporary Maildir of `count` messages is tagged by model A
/// (`tagger run --once`), then the real daemon starts with model B and rescores every sidecar
/// while new mail is delivered at a steady rate; each delivery's sidecar is timed with inotify.
/// The same deliveries are timed again once the retag is over, for comparison in the same run.
public final class RetagBench: Sendable {
    public struct Options: Sendable {
        public var executable: String
        /// Message contents, cycled to fill the Maildir and for the deliveries.
        public var messages: [[UInt8]]
        /// The model the Maildir is first tagged with, and the one the daemon starts with.
        public var firstModel: String
        public var secondModel: String
        /// Messages in the Maildir.
        public var count = 100_000
        /// Deliveries per second during the retag (and after it).
        public var rate: Double = 10
        /// Deliveries timed once the retag is over.
        public var idleDeliveries = 200
        public init(executable: String, messages: [[UInt8]], firstModel: String, secondModel: String) {
            self.executable = executable; self.messages = messages
            self.firstModel = firstModel; self.secondModel = secondModel
        }
    }

    public struct Result: Encodable {
        /// `run --once` over the Maildir with the first model.
        public var initialSeconds: Double
        /// Daemon start with the second model → status says the retag is done.
        public var retagSeconds: Double
        public var retagged: Int
        public var rewritten: Int
        /// Delivery → sidecar while the retag runs, and after it.
        public var duringRetag: BenchReport
        public var idle: BenchReport
        /// The most the daemon was resident over its run (start, retag, deliveries), in MiB.
        public var daemonPeakRSSMiB: Double
        enum CodingKeys: String, CodingKey {
            case retagged, rewritten, idle
            case initialSeconds = "initial_s", retagSeconds = "retag_s", duringRetag = "during_retag"
            case daemonPeakRSSMiB = "daemon_peak_rss_mib"
        }
    }

    let options: Options
    let space = BenchWorkspace(name: "retag")
    private let seen = SeenTimes()

    public init(options: Options) {
        self.options = options
    }

    /// Builds the Maildir, runs the phases, stops the daemon and removes everything.
    /// - Throws: `DaemonBench.Failure` when a step fails.
    public func run(progress: (String) -> Void) throws -> Result {
        let fm = FileManager.default
        let maildir = space.maildir, state = space.state
        try space.create()
        defer { space.remove() }
        try fm.createDirectory(atPath: state + "/model", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for i in 0..<options.count {
            let m = options.messages[i % options.messages.count]
            try write(m, to: maildir + "/cur/\(1_600_000_000 + i).M\(i)P\(getpid()).bulk:2,S")
        }
        progress("Maildir of \(options.count) messages written")
        let model = state + "/model/current.tgm"
        try fm.copyItem(atPath: options.firstModel, toPath: model)
        let flags = ["--maildir", maildir, "--state-dir", state, "--log-level", "warning"]

        let t0 = BenchRecorder.now()
        let once = try launch(["run", "--once"] + flags)
        once.waitUntilExit()
        guard once.terminationStatus == 0 else { throw DaemonBench.Failure(description: "run --once exited with \(once.terminationStatus)") }
        let initial = Double(BenchRecorder.now() - t0) / 1e9
        progress(String(format: "tagged by the first model: %.1f s (%.0f msgs/s)", initial, Double(options.count) / initial))

        // The second model in place, then the daemon: it starts with another model than the
        // sidecars carry, so the retag starts at once.
        try fm.removeItem(atPath: model)
        try fm.copyItem(atPath: options.secondModel, toPath: model)
        let inotify = try Inotify()
        _ = try inotify.addWatch(space.sidecarDir, mask: InotifyMask.movedTo)
        inotify.start { [seen] events in
            let now = BenchRecorder.now()
            seen.withLock { map in
                for e in events where e.name.hasSuffix(".deliv.json") && map[e.name] == nil { map[e.name] = now }
            }
        }
        defer { inotify.stop() }
        let r0 = BenchRecorder.now()
        let daemon = try launch(["run", "--reconcile-interval", "15m"] + flags)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }

        var during = BenchRecorder(name: String(format: "delivery→sidecar during the retag at %.0f msgs/s", options.rate))
        var idle = BenchRecorder(name: String(format: "delivery→sidecar after it at %.0f msgs/s", options.rate))
        var sent: [(name: String, at: UInt64, bytes: Int, duringRetag: Bool)] = []
        var finished: RetagProgress?
        var lastNote = Date()
        var i = 0
        during.start()
        // Deliver at the rate until the status file says the retag is done.
        while finished == nil {
            guard daemon.isRunning else { throw DaemonBench.Failure(description: "the daemon died (status \(daemon.terminationStatus))") }
            let due = r0 + UInt64(Double(i) / options.rate * 1e9)
            let now = BenchRecorder.now()
            if due > now { usleep(useconds_t(min((due - now) / 1000, 100_000))); continue }
            let status = try? DaemonStatus.read(stateDirectory: state)
            if let r = status?.retag, r.modelID != "", r.state == "done", r.total >= options.count { finished = r; break }
            let running = status?.retag?.state == "running"
            if running {
                let m = options.messages[i % options.messages.count]
                let name = "\(1_700_000_000 + i).M\(i)P\(getpid()).deliv"
                sent.append((name, try deliver(m, maildir: maildir, unique: name), m.count, true))
            }
            i += 1
            if Date().timeIntervalSince(lastNote) > 5, let r = status?.retag {
                lastNote = Date()
                progress(r.summary)
            }
            if Double(BenchRecorder.now() - r0) / 1e9 > 3600 { throw DaemonBench.Failure(description: "no end of the retag within an hour") }
        }
        let retagSeconds = Double(BenchRecorder.now() - r0) / 1e9
        during.stop()
        progress(String(format: "retag of %d messages: %.1f s from the daemon's start (%.0f msgs/s); %@",
                        finished!.done, retagSeconds, Double(finished!.done) / retagSeconds, finished!.summary))

        idle.start()
        let i0 = BenchRecorder.now()
        for k in 0..<options.idleDeliveries {
            let due = i0 + UInt64(Double(k) / options.rate * 1e9)
            let now = BenchRecorder.now()
            if due > now { usleep(useconds_t((due - now) / 1000)) }
            let m = options.messages[k % options.messages.count]
            let name = "\(1_750_000_000 + k).M\(k)P\(getpid()).deliv"
            sent.append((name, try deliver(m, maildir: maildir, unique: name), m.count, false))
        }
        let deadline = Date().addingTimeInterval(60)
        while seen.withLock({ map in sent.contains { map[$0.name + ".json"] == nil } }) {
            guard Date() < deadline else { throw DaemonBench.Failure(description: "deliveries without a sidecar after 60 s") }
            usleep(10_000)
        }
        idle.stop()
        let times = seen.withLock { $0 }
        for s in sent {
            let t = times[s.name + ".json"]! &- s.at
            if s.duringRetag { during.record(nanos: t, byteCount: s.bytes) } else { idle.record(nanos: t, byteCount: s.bytes) }
        }
        let peak = processMemoryMiB(pid: daemon.processIdentifier, field: "VmHWM")
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        return Result(initialSeconds: initial, retagSeconds: retagSeconds, retagged: finished!.done,
                      rewritten: finished!.rewritten, duringRetag: during.report(), idle: idle.report(),
                      daemonPeakRSSMiB: peak)
    }

    private func launch(_ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: options.executable)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }

    private func write(_ bytes: [UInt8], to path: String) throws {
        let fd = try Syscall.call("open", path: path) { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
        defer { close(fd) }
        try FileIO.writeAll(fd, bytes, path: path)
    }

    /// Delivers like an MDA; returns the time of the rename into `new/`.
    private func deliver(_ bytes: [UInt8], maildir: String, unique: String) throws -> UInt64 {
        try write(bytes, to: maildir + "/tmp/" + unique)
        let t = BenchRecorder.now()
        _ = try Syscall.call("rename", path: maildir + "/new/" + unique) {
            rename(maildir + "/tmp/" + unique, maildir + "/new/" + unique)
        }
        return t
    }
}
#endif
