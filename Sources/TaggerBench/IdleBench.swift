#if os(Linux)
import Foundation
import Glibc
import Synchronization
import TaggerLock
import TaggerSystem

/// The signal that asked a bench run to stop (0: none); see ``IdleBench/stopOnSignals()``.
private let benchSignal = Atomic<Int32>(0)

/// Readings of a process from `/proc`, parsed from bytes (the kernel's formats: proc(5)).
public enum ProcReader {
    /// The CPU figures of `/proc/PID/stat`, in clock ticks.
    public struct Stat: Equatable, Sendable {
        public var utime: UInt64
        public var stime: UInt64
        /// CPU of the children the process has reaped (waited for).
        public var cutime: UInt64
        public var cstime: UInt64
        public var threads: Int
        /// The process's own CPU and its reaped children's.
        public var totalTicks: UInt64 { utime + stime + cutime + cstime }
        public var childTicks: UInt64 { cutime + cstime }
    }

    /// Clock ticks per second (`sysconf(_SC_CLK_TCK)`), the unit of `Stat`.
    public static let ticksPerSecond = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))

    /// The whole of a `/proc` file (they report size 0, so it is read to the end), nil when it
    /// cannot be read (the process or thread is gone).
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return try? FileIO.readAll(fd, path: path, count: nil)
    }

    /// Parses `/proc/PID/stat`: `PID (comm) STATE PPID ...`. The command name may hold spaces
    /// and parentheses, so the fields are counted after the last `)`; utime, stime, cutime and
    /// cstime are fields 14–17 and num_threads field 20 (1-based, as proc(5) numbers them).
    public static func parseStat(_ bytes: [UInt8]) -> Stat? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        // fields[0] is field 3 (state).
        guard fields.count > 17,
              let utime = number(fields[11]), let stime = number(fields[12]),
              let cutime = number(fields[13]), let cstime = number(fields[14]),
              let threads = number(fields[17]) else { return nil }
        return Stat(utime: utime, stime: stime, cutime: cutime, cstime: cstime, threads: Int(threads))
    }

    /// The `key: number` lines of a file such as `/proc/PID/status` or `/proc/PID/io` (the
    /// first number after the colon; lines without one are left out).
    public static func parseFields(_ bytes: [UInt8]) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let value = line[(colon + 1)...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            let digits = value.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard let n = number(digits) else { continue }
            out[String(decoding: line[line.startIndex..<colon], as: UTF8.self)] = n
        }
        return out
    }

    /// The thread ids of `pid` (`/proc/PID/task`).
    public static func threadIDs(_ pid: Int32) -> [Int32] {
        guard let dir = opendir("/proc/\(pid)/task") else { return [] }
        defer { closedir(dir) }
        var out: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let tid = Int32(name) { out.append(tid) }
        }
        return out
    }

    /// Context switches (voluntary + involuntary) of each thread `pid` has now: each one is a
    /// time a thread went to sleep or was put off the CPU, so at rest they count its wake-ups.
    public static func contextSwitches(_ pid: Int32) -> [Int32: UInt64] {
        var out: [Int32: UInt64] = [:]
        for tid in threadIDs(pid) {
            guard let bytes = read("/proc/\(pid)/task/\(tid)/status") else { continue }
            let f = parseFields(bytes)
            out[tid] = (f["voluntary_ctxt_switches"] ?? 0) + (f["nonvoluntary_ctxt_switches"] ?? 0)
        }
        return out
    }

    /// Nanoseconds on a CPU of each thread `pid` has now (the first field of
    /// `/proc/PID/task/TID/schedstat`): finer than the clock ticks of `stat`, without the children.
    public static func threadCPUNanos(_ pid: Int32) -> [Int32: UInt64] {
        var out: [Int32: UInt64] = [:]
        for tid in threadIDs(pid) {
            guard let bytes = read("/proc/\(pid)/task/\(tid)/schedstat"),
                  let first = bytes.split(separator: UInt8(ascii: " ")).first, let ns = number(first) else { continue }
            out[tid] = ns
        }
        return out
    }

    /// How much per-thread counters grew from `before` to `after`: a thread started meanwhile
    /// counts whole; one that ended meanwhile took its counts with it (not counted), so the
    /// figure is a lower bound when threads come and go.
    public static func growth(from before: [Int32: UInt64], to after: [Int32: UInt64]) -> UInt64 {
        after.reduce(0) { sum, entry in
            let start = before[entry.key] ?? 0
            return sum + (entry.value >= start ? entry.value - start : entry.value)
        }
    }

    /// The live children of `pid` (`/proc/PID/task/TID/children` of every thread), nil when the
    /// kernel does not offer that file.
    public static func children(_ pid: Int32) -> [Int32]? {
        var any = false
        var out: [Int32] = []
        for tid in threadIDs(pid) {
            guard let bytes = read("/proc/\(pid)/task/\(tid)/children") else { continue }
            any = true
            out += bytes.split(separator: UInt8(ascii: " ")).compactMap { number($0).map { Int32($0) } }
        }
        return any ? out : nil
    }

    static func number<C: Collection>(_ digits: C) -> UInt64? where C.Element == UInt8 {
        guard !digits.isEmpty else { return nil }
        var n: UInt64 = 0
        for b in digits {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(b - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            n = s
        }
        return n
    }
}

/// One reading of a process's counters.
public struct ProcessSample: Sendable {
    /// Monotonic time of the reading, ns.
    public var time: UInt64
    public var stat: ProcReader.Stat
    /// ``ProcReader/contextSwitches(_:)``, per thread.
    public var contextSwitches: [Int32: UInt64]
    /// ``ProcReader/threadCPUNanos(_:)``, per thread.
    public var threadCPUNanos: [Int32: UInt64]
    /// `/proc/PID/io`: `syscw` (write-type system calls) and `write_bytes` (bytes sent to
    /// storage), the process's threads and its reaped children together; nil when unreadable.
    public var writeSyscalls: UInt64?
    public var storageWriteBytes: UInt64?

    /// Reads `pid`'s counters, nil when it is gone.
    public static func take(_ pid: Int32) -> ProcessSample? {
        guard let bytes = ProcReader.read("/proc/\(pid)/stat"), let stat = ProcReader.parseStat(bytes) else { return nil }
        let io = ProcReader.read("/proc/\(pid)/io").map(ProcReader.parseFields)
        return ProcessSample(time: BenchRecorder.now(), stat: stat, contextSwitches: ProcReader.contextSwitches(pid),
                             threadCPUNanos: ProcReader.threadCPUNanos(pid), writeSyscalls: io?["syscw"], storageWriteBytes: io?["write_bytes"])
    }
}

/// Counts what is written in a directory tree during a window with inotify: files created
/// (`IN_CREATE`), closed after writing (`IN_CLOSE_WRITE`) and renamed into place (`IN_MOVED_TO`),
/// per file. Folders made meanwhile are watched too.
final class TreeWriteCounter: Sendable {
    struct Counts: Sendable {
        var created = 0
        var closedAfterWrite = 0
        var renamedInto = 0
        /// close-after-write events by file (``TreeWriteCounter/key(folder:name:)``).
        var byFile: [String: Int] = [:]
    }

    private let root: String
    private let inotify: Inotify
    private let folders = Locked<[Int32: String]>([:])
    private let counts = Locked<Counts>(Counts())
    private let active = Locked<Bool>(false)
    private static let mask = InotifyMask.create | InotifyMask.closeWrite | InotifyMask.movedTo | InotifyMask.onlyDir

    init(root: String) throws {
        self.root = root
        inotify = try Inotify()
        try watchTree(root)
        inotify.start { [self] events in handle(events) }
    }

    /// Starts counting from zero.
    func begin() {
        counts.withLock { $0 = Counts() }
        active.withLock { $0 = true }
    }

    /// Stops counting and the watch; returns the counts.
    func end() -> Counts {
        active.withLock { $0 = false }
        inotify.stop()
        return counts.withLock { $0 }
    }

    /// The name a write is counted under: relative to the root, a temporary file
    /// (`.NAME.PID.RANDOM.tmp`, the atomic writes' form) under its final name, and every
    /// sidecar of a folder as one (`sidecars/…/*.json`).
    static func key(folder: String, name: String) -> String {
        var n = name
        if n.hasPrefix("."), n.hasSuffix(".tmp") {
            let parts = n.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
            if parts.count > 3 { n = parts.dropLast(3).joined(separator: ".") }
        }
        if folder.hasPrefix("sidecars") && n.hasSuffix(".json") { n = "*.json" }
        return folder.isEmpty ? n : folder + "/" + n
    }

    private func watchTree(_ path: String) throws {
        let wd = try inotify.addWatch(path, mask: Self.mask)
        let relative = path == root ? "" : String(path.dropFirst(root.count + 1))
        folders.withLock { $0[wd] = relative }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for e in entries {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + e, isDirectory: &isDir), isDir.boolValue {
                try? watchTree(path + "/" + e)
            }
        }
    }

    private func handle(_ events: [InotifyEvent]) {
        for e in events {
            guard let folder = folders.withLock({ $0[e.wd] }) else { continue }
            if e.mask & InotifyMask.isDir != 0 {
                if e.mask & (InotifyMask.create | InotifyMask.movedTo) != 0 {
                    try? watchTree(root + (folder.isEmpty ? "" : "/" + folder) + "/" + e.name)
                }
                continue
            }
            guard active.withLock({ $0 }) else { continue }
            let key = Self.key(folder: folder, name: e.name)
            counts.withLock { c in
                if e.mask & InotifyMask.create != 0 { c.created += 1 }
                if e.mask & InotifyMask.closeWrite != 0 { c.closedAfterWrite += 1; c.byFile[key, default: 0] += 1 }
                if e.mask & InotifyMask.movedTo != 0 { c.renamedInto += 1 }
            }
        }
    }
}

/// What an idle daemon costs: starts `tagger run` on a temporary Maildir of N messages, waits
/// until every message has its sidecar and the daemon has gone quiet, then measures a window of
/// idleness — CPU (its own and its reaped children's), wake-ups (context switches of its
/// threads), writes in the state directory, write system calls, and with notmuch the `notmuch`
/// processes it starts (and, optionally, how long a tag changed in notmuch takes to become a
/// correction).
public final class IdleBench: Sendable {
    public struct Options: Sendable {
        /// The tagger binary run as the daemon.
        public var executable: String
        /// Message contents, copied in turn (cycled) into the Maildir.
        public var messages: [[UInt8]]
        public var modelPath: String
        /// Messages in the Maildir.
        public var count = 2_000
        /// The idle window, in seconds.
        public var seconds = 60.0
        /// Run with `--notmuch` on a notmuch database of the Maildir.
        public var notmuch = false
        /// With `notmuch`: tag changes made in notmuch during the window (evenly spread), each
        /// timed until the daemon's journal records it.
        public var notmuchChanges = 0
        /// Quiet: this many consecutive seconds of at most `quietCPUms` ms of CPU each.
        public var quietSeconds = 5
        public var quietCPUms = 50.0
        /// Longest wait for the tagging and for the quiet.
        public var settleTimeout = 900.0
        public init(executable: String, messages: [[UInt8]], modelPath: String) {
            self.executable = executable; self.messages = messages; self.modelPath = modelPath
        }
    }

    /// The figures of one run.
    public struct Result: Codable, Sendable {
        public var daemon: String
        public var messages: Int
        public var notmuch: Bool
        /// From the start until every message had its sidecar, then until the daemon was quiet.
        public var taggedSeconds: Double
        public var settledSeconds: Double
        public var windowSeconds: Double
        /// CPU over the window: the daemon's own and its reaped children's, ms.
        public var cpuMs: Double
        public var childCPUms: Double
        /// CPU of the daemon's threads over the window from their schedstat (ns resolution;
        /// children and threads that ended are not in it), ms.
        public var threadCPUms: Double
        /// Context switches of the daemon's threads over the window.
        public var wakeups: UInt64
        /// Files closed after writing / renamed into place / created in the state directory.
        public var stateWrites: Int
        public var stateRenames: Int
        public var stateCreates: Int
        /// Close-after-write events by file (a temporary file under its final name).
        public var stateWritesByFile: [String: Int]
        /// `/proc/PID/io` over the window (children included), nil when unreadable.
        public var writeSyscalls: UInt64?
        public var storageWriteBytes: UInt64?
        /// `notmuch` processes the daemon started (counted by a wrapper on its PATH), by
        /// subcommand; nil without notmuch.
        public var notmuchSpawns: Int?
        public var notmuchSpawnsByCommand: [String: Int]?
        /// Distinct children seen by sampling every 100 ms (a lower bound; nil: no `children` file).
        public var childrenSeen: Int?
        /// Seconds from each notmuch tag change to its journal line (nil: not within 30 s).
        public var correctionLatencies: [Double?]?
        public var threads: Int
        public var rssMiB: Double
        /// The daemon's CPU from its start to the end of the window, ms.
        public var totalCPUms: Double

        enum CodingKeys: String, CodingKey {
            case daemon, messages, notmuch, wakeups, threads
            case taggedSeconds = "tagged_s", settledSeconds = "settled_s", windowSeconds = "window_s"
            case cpuMs = "cpu_ms", childCPUms = "child_cpu_ms", threadCPUms = "thread_cpu_ms", stateWrites = "state_writes", stateRenames = "state_renames"
            case stateCreates = "state_creates", stateWritesByFile = "state_writes_by_file", writeSyscalls = "write_syscalls"
            case storageWriteBytes = "storage_write_bytes", notmuchSpawns = "notmuch_spawns"
            case notmuchSpawnsByCommand = "notmuch_spawns_by_command", childrenSeen = "children_seen"
            case correctionLatencies = "correction_latencies_s", rssMiB = "rss_mib", totalCPUms = "total_cpu_ms"
        }

        var perMinute: Double { 60 / max(windowSeconds, 1e-9) }
        public var cpuMsPerMinute: Double { cpuMs * perMinute }
        public var wakeupsPerSecond: Double { Double(wakeups) / max(windowSeconds, 1e-9) }
        public var stateWritesPerMinute: Double { Double(stateWrites) * perMinute }
        public var writeSyscallsPerMinute: Double? { writeSyscalls.map { Double($0) * perMinute } }
        public var notmuchSpawnsPerMinute: Double? { notmuchSpawns.map { Double($0) * perMinute } }

        /// One line for the run.
        public var summary: String {
            var s = String(format: "%.0f s idle, %d msgs: CPU %.0f ms/min (children %.0f; threads by schedstat %.1f), %.1f wake-ups/s, state dir %.0f writes/min (%@)",
                           windowSeconds, messages, cpuMsPerMinute, childCPUms * perMinute, threadCPUms * perMinute,
                           wakeupsPerSecond, stateWritesPerMinute,
                           stateWritesByFile.sorted { $0.value > $1.value }.prefix(4).map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            if let w = writeSyscallsPerMinute { s += String(format: ", %.0f write syscalls/min", w) }
            if let n = notmuchSpawnsPerMinute {
                s += String(format: ", notmuch %.1f spawns/min (%@)", n,
                            (notmuchSpawnsByCommand ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if notmuch, let c = childrenSeen { s += ", \(c) children seen" }
            if let l = correctionLatencies {
                let got = l.compactMap { $0 }.sorted()
                s += got.isEmpty ? ", no notmuch change recorded" :
                    String(format: ", notmuch change→journal median %.2f s, max %.2f s", IdleBench.median(got), got.last!)
                if got.count < l.count { s += " (\(l.count - got.count) of \(l.count) not within 30 s)" }
            }
            return s + String(format: "; %d threads, RSS %.1f MiB", threads, rssMiB)
        }
    }

    /// The median of `xs` (the mean of the middle two for an even count; 0 for none).
    public static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    public typealias Failure = DaemonBench.Failure

    /// Makes SIGINT, SIGTERM and SIGHUP end a run in hand as a failure, so that it stops its
    /// daemon and removes its workspace (killed outright, the bench left `tagger run` running
    /// on a temporary Maildir for good). For the command; a test process keeps its handlers.
    public static func stopOnSignals() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { number in benchSignal.store(number, ordering: .relaxed) }
        }
    }

    /// Throws when a signal asked the bench to stop (see ``stopOnSignals()``).
    static func checkSignal() throws {
        let sig = benchSignal.load(ordering: .relaxed)
        if sig != 0 { throw Failure(description: "stopped by signal \(sig); the daemon was killed and its workspace removed") }
    }

    let options: Options
    let space: BenchWorkspace

    public init(options: Options) {
        self.options = options
        space = BenchWorkspace(name: "idle")
    }

    /// The `notmuch` program on `PATH`, nil when there is none.
    public static func notmuchExecutable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { $0 + "/notmuch" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the benchmark once and stops the daemon.
    /// - Throws: `Failure` when the daemon does not start, dies, or does not settle; a notmuch
    ///   failure when `notmuch new` fails.
    public func run(progress: (String) -> Void) throws -> Result {
        try space.create()
        defer { space.remove() }
        let t0 = BenchRecorder.now()
        for i in 0..<options.count {
            let path = space.maildir + "/cur/\(1_700_000_000 + i).M\(i)P\(getpid()).idlebench:2,S"
            let fd = try Syscall.call("open", path: path) { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
            defer { close(fd) }
            try FileIO.writeAll(fd, options.messages[i % options.messages.count], path: path)
        }

        var environment = ProcessInfo.processInfo.environment
        var spawnLog: String?
        var notmuchEnv: [String: String] = [:]
        if options.notmuch {
            guard let real = Self.notmuchExecutable() else { throw Failure(description: "no `notmuch` on PATH") }
            let config = space.work + "/notmuch-config"
            try "[database]\npath=\(space.maildir)\n[new]\ntags=inbox\n".write(toFile: config, atomically: true, encoding: .utf8)
            notmuchEnv["NOTMUCH_CONFIG"] = config
            progress("notmuch new (\(options.count) messages)")
            try runNotmuch(real, ["new", "--quiet"], env: notmuchEnv)
            // A wrapper first on the daemon's PATH counts its notmuch calls (one line each) and
            // execs the real program (a /bin/sh start, about a millisecond, per call).
            let bin = space.work + "/bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            let log = space.work + "/notmuch-spawns.log"
            try "#!/bin/sh\nprintf '%s\\n' \"$1\" >> \(ShellWord.quoted(log))\nexec \(ShellWord.quoted(real)) \"$@\"\n"
                .write(toFile: bin + "/notmuch", atomically: true, encoding: .utf8)
            chmod(bin + "/notmuch", 0o755)
            environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment["NOTMUCH_CONFIG"] = config
            spawnLog = log
            _ = FileManager.default.createFile(atPath: log, contents: nil)
        }

        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: options.executable)
        daemon.arguments = ["run", "--maildir", space.maildir, "--state-dir", space.state, "--model", options.modelPath,
                            "--log-level", "warning"] + (options.notmuch ? ["--notmuch"] : [])
        daemon.environment = environment
        daemon.standardOutput = FileHandle.nullDevice
        let logPath = space.work + "/daemon.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        daemon.standardError = FileHandle(forWritingAtPath: logPath)
        let started = BenchRecorder.now()
        try daemon.run()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        let pid = daemon.processIdentifier
        func died() -> Failure {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            return Failure(description: "the daemon exited (status \(daemon.terminationStatus)): \(log.suffix(600))")
        }
        progress(String(format: "%d messages written in %.1f s; daemon %@ running (pid %d), tagging them",
                        options.count, Double(started - t0) / 1e9, options.executable, pid))

        // Tagged: a sidecar per message.
        let deadline = Date().addingTimeInterval(options.settleTimeout)
        while sidecarCount() < options.count {
            try Self.checkSignal()
            guard daemon.isRunning else { throw died() }
            guard Date() < deadline else {
                throw Failure(description: "\(sidecarCount()) of \(options.count) sidecars after \(Int(options.settleTimeout)) s")
            }
            usleep(250_000)
        }
        let tagged = BenchRecorder.now()
        // Quiet: a few consecutive seconds of little CPU (the notmuch mirror, the catalog and
        // the last status writes are done).
        var quiet = 0
        guard var last = ProcessSample.take(pid) else { throw died() }
        while quiet < options.quietSeconds {
            sleep(1)
            try Self.checkSignal()
            guard daemon.isRunning, let now = ProcessSample.take(pid) else { throw died() }
            guard Date() < deadline else { throw Failure(description: "the daemon did not go quiet within \(Int(options.settleTimeout)) s") }
            let ms = Double(now.stat.totalTicks - last.stat.totalTicks) * 1000 / ProcReader.ticksPerSecond
            quiet = ms <= options.quietCPUms ? quiet + 1 : 0
            last = now
        }
        let settled = BenchRecorder.now()
        progress(String(format: "tagged in %.1f s, quiet %.1f s later; measuring %.0f s of idleness",
                        Double(tagged - started) / 1e9, Double(settled - tagged) / 1e9, options.seconds))

        // Notmuch changes to make: messages with a tag (from their sidecars).
        var targets: [(id: String, tag: String)] = []
        if options.notmuch && options.notmuchChanges > 0 {
            targets = changeTargets(limit: options.notmuchChanges)
            if targets.isEmpty { progress("no tagged message with a Message-ID: no notmuch changes made") }
        }
        let changeTimes: [Double] = targets.isEmpty ? [] :
            (0..<options.notmuchChanges).map { (Double($0) + 0.5) * options.seconds / Double(options.notmuchChanges) }

        // The window.
        let writes = try TreeWriteCounter(root: space.state)
        let spawnOffset = spawnLog.map { ProcReader.read($0)?.count ?? 0 } ?? 0
        writes.begin()
        guard let first = ProcessSample.take(pid) else { throw died() }
        var seen = Set<Int32>()
        var childrenReadable = false
        var latencies: [Double?] = []
        let window0 = first.time
        let end = window0 + UInt64(options.seconds * 1e9)
        var nextChange = 0
        while true {
            let now = BenchRecorder.now()
            if now >= end { break }
            try Self.checkSignal()
            guard daemon.isRunning else { throw died() }
            if let kids = ProcReader.children(pid) {
                childrenReadable = true
                seen.formUnion(kids)
            }
            if nextChange < changeTimes.count, Double(now - window0) / 1e9 >= changeTimes[nextChange] {
                let target = targets[nextChange % targets.count]
                let add = (nextChange / targets.count) % 2 == 1
                latencies.append(try timeCorrection(id: target.id, tag: (add ? "+" : "-") + target.tag, env: notmuchEnv,
                                                    daemon: pid, seen: &seen))
                nextChange += 1
                continue
            }
            usleep(useconds_t(min(100_000, (end - now) / 1000)))
        }
        guard let final = ProcessSample.take(pid) else { throw died() }
        let counts = writes.end()
        var spawns: [String: Int]?
        if let spawnLog {
            let lines = (ProcReader.read(spawnLog) ?? []).dropFirst(spawnOffset).split(separator: UInt8(ascii: "\n"))
            spawns = Dictionary(lines.map { (String(decoding: $0, as: UTF8.self), 1) }, uniquingKeysWith: +)
        }
        let rss = processMemoryMiB(pid: pid, field: "VmRSS")

        kill(pid, SIGTERM)
        daemon.waitUntilExit()
        guard daemon.terminationStatus == 0 else {
            throw Failure(description: "the daemon exited with status \(daemon.terminationStatus) after SIGTERM")
        }
        let tick = 1000 / ProcReader.ticksPerSecond
        return Result(
            daemon: options.executable, messages: options.count, notmuch: options.notmuch,
            taggedSeconds: Double(tagged - started) / 1e9, settledSeconds: Double(settled - tagged) / 1e9,
            windowSeconds: Double(final.time - first.time) / 1e9,
            cpuMs: Double(final.stat.totalTicks - first.stat.totalTicks) * tick,
            childCPUms: Double(final.stat.childTicks - first.stat.childTicks) * tick,
            threadCPUms: Double(ProcReader.growth(from: first.threadCPUNanos, to: final.threadCPUNanos)) / 1e6,
            wakeups: ProcReader.growth(from: first.contextSwitches, to: final.contextSwitches),
            stateWrites: counts.closedAfterWrite, stateRenames: counts.renamedInto, stateCreates: counts.created,
            stateWritesByFile: counts.byFile,
            writeSyscalls: final.writeSyscalls.flatMap { a in first.writeSyscalls.map { a &- $0 } },
            storageWriteBytes: final.storageWriteBytes.flatMap { a in first.storageWriteBytes.map { a &- $0 } },
            notmuchSpawns: spawns.map { $0.values.reduce(0, +) }, notmuchSpawnsByCommand: spawns,
            childrenSeen: childrenReadable ? seen.count : nil,
            correctionLatencies: options.notmuch && options.notmuchChanges > 0 ? latencies : nil,
            threads: final.stat.threads, rssMiB: rss, totalCPUms: Double(final.stat.totalTicks) * tick)
    }

    /// Sidecars of the INBOX so far.
    private func sidecarCount() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: space.sidecarDir)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.count
    }

    /// Up to `limit` messages (bare Message-ID) with one of their tags, from their sidecars.
    private func changeTargets(limit: Int) -> [(id: String, tag: String)] {
        var out: [(id: String, tag: String)] = []
        var ids = Set<String>()
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: space.sidecarDir)) ?? []).sorted()
        where name.hasSuffix(".json") && !name.hasPrefix(".") {
            guard out.count < limit,
                  let data = FileManager.default.contents(atPath: space.sidecarDir + "/" + name),
                  let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let tag = (o["tags"] as? [String])?.first,
                  let raw = (o["message"] as? [String: Any])?["message_id"] as? String else { continue }
            let id = raw.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
            guard !id.isEmpty, ids.insert(id).inserted else { continue }
            out.append((id, tag))
        }
        return out
    }

    /// Makes one tag change in notmuch and waits (up to 30 s) for the journal to grow; returns
    /// the seconds from the change's commit (`notmuch tag` exited) to the journal line.
    private func timeCorrection(id: String, tag: String, env: [String: String], daemon: Int32,
                                seen: inout Set<Int32>) throws -> Double? {
        let journal = space.state + "/corrections.jsonl"
        let before = lineCount(journal)
        try runNotmuch(Self.notmuchExecutable() ?? "notmuch", ["tag", tag, "--", "id:\"" + id.replacingOccurrences(of: "\"", with: "\"\"") + "\""], env: env)
        let t = BenchRecorder.now()
        while BenchRecorder.now() - t < 30_000_000_000 {
            try Self.checkSignal()
            if lineCount(journal) > before { return Double(BenchRecorder.now() - t) / 1e9 }
            if let kids = ProcReader.children(daemon) { seen.formUnion(kids) }
            usleep(10_000)
        }
        return nil
    }

    private func lineCount(_ path: String) -> Int {
        (ProcReader.read(path) ?? []).reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    private func runNotmuch(_ executable: String, _ args: [String], env: [String: String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        try p.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(description: "notmuch \(args.joined(separator: " ")) failed (status \(p.terminationStatus)): \(String(decoding: message, as: UTF8.self))")
        }
    }
}
#endif
