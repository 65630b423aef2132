import ArgumentParser
import Foundation
import TaggerBench
import TaggerMaildir
import TaggerSystem

struct BenchIdle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idle",
        abstract: "What an idle daemon costs: starts `tagger run` on a temporary Maildir, waits until everything is tagged and the daemon is quiet, then measures its CPU, wake-ups, state-directory writes (and notmuch calls) over a window of idleness.",
        discussion: """
            CPU is utime+stime+cutime+cstime of /proc/PID/stat (the daemon and the children it \
            reaped; the JSON's thread_cpu_ms is the threads' /proc/PID/task/*/schedstat, in ns); wake-ups are the voluntary + involuntary context switches of its threads \
            (/proc/PID/task/*/status); state-directory writes are inotify IN_CLOSE_WRITE events \
            (a file opened for writing and closed: one per atomic replace, per append, per lock file taken) in the whole state \
            tree, with IN_MOVED_TO and IN_CREATE in the JSON; write syscalls are syscw of /proc/PID/io \
            (children included). With --notmuch, the daemon's `notmuch` calls are counted by a \
            wrapper first on its PATH that logs each call and execs the real program (a /bin/sh \
            start, about 1 ms of CPU per call, is in the CPU figure). With --daemon and --baseline \
            the two binaries run in turn (A, B, A, B, ...) for --rounds rounds; the table shows medians.
            """)

    @Argument(help: "Message files or folders copied into the Maildir (cycled).")
    var paths: [String]
    @Option(help: "Model file the daemon loads.")
    var model: String
    @Option(help: "Messages in the Maildir.")
    var count = 2_000
    @Option(help: "Length of the idle window, in seconds.")
    var seconds = 60.0
    @Flag(help: "Run the daemon with --notmuch on a notmuch database of the Maildir (made with `notmuch new`).")
    var notmuch = false
    @Option(name: .customLong("notmuch-changes"), help: "With --notmuch: tag changes made in notmuch during the window (evenly spread, each on one message), each timed until the daemon's journal records it.")
    var notmuchChanges = 0
    @Option(help: "The tagger binary to run as the daemon (A; default: this one).")
    var daemon: String?
    @Option(help: "A second tagger binary (B) measured in turn with the first.")
    var baseline: String?
    @Option(help: "Rounds (each runs A, then B when given).")
    var rounds = 1
    @Flag(help: "Print the runs and the summary as JSON.")
    var json = false

    func validate() throws {
        if count < 1 { throw ValidationError("--count must be at least 1") }
        // Finite and at most a day: the window's end is counted in nanoseconds (UInt64), and
        // `inf` or 1e300 crashed the bench after it had started the daemon, leaving it running.
        if !(seconds > 0 && seconds <= 86_400) { throw ValidationError("--seconds must be above 0 and at most 86400 (a day)") }
        if rounds < 1 { throw ValidationError("--rounds must be at least 1") }
        if notmuchChanges < 0 { throw ValidationError("--notmuch-changes must be 0 or more") }
        if notmuchChanges > 0 && !notmuch { throw ValidationError("--notmuch-changes needs --notmuch") }
    }

    struct Run: Encodable {
        var binary: String
        var round: Int
        var result: IdleBench.Result
    }

    /// Medians of one binary's runs.
    struct Row: Encodable {
        var binary: String
        var daemon: String
        var runs: Int
        var cpuMsPerMinute: Double
        var wakeupsPerSecond: Double
        var stateWritesPerMinute: Double
        var writeSyscallsPerMinute: Double?
        var notmuchSpawnsPerMinute: Double?
        var correctionLatency: Double?
        enum CodingKeys: String, CodingKey {
            case binary, daemon, runs
            case cpuMsPerMinute = "cpu_ms_per_min", wakeupsPerSecond = "wakeups_per_s"
            case stateWritesPerMinute = "state_writes_per_min", writeSyscallsPerMinute = "write_syscalls_per_min"
            case notmuchSpawnsPerMinute = "notmuch_spawns_per_min", correctionLatency = "correction_latency_median_s"
        }
    }

    struct Report: Encodable {
        var runs: [Run]
        var summary: [Row]
    }

    func run() throws {
        try failing {
            if notmuch && IdleBench.notmuchExecutable() == nil {
                printError("notmuch is not installed (no `notmuch` on PATH): the --notmuch idle benchmark is skipped")
                return
            }
            IdleBench.stopOnSignals()
            let messages = benchFiles(paths).compactMap { try? MessageFile.read($0) }
            guard !messages.isEmpty else { throw TaggerError.usage("no readable messages under \(paths.joined(separator: " "))") }
            let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            var binaries = [("A", daemon ?? me)]
            if let baseline { binaries.append(("B", baseline)) }
            for (_, exe) in binaries where !FileManager.default.isExecutableFile(atPath: exe) {
                throw TaggerError.usage("\(exe) is not an executable file")
            }
            var runs: [Run] = []
            for round in 1...rounds {
                for (name, exe) in binaries {
                    var options = IdleBench.Options(executable: exe, messages: messages, modelPath: model)
                    options.count = count
                    options.seconds = seconds
                    options.notmuch = notmuch
                    options.notmuchChanges = notmuchChanges
                    let result = try IdleBench(options: options).run { if !json { emit("  " + $0) } }
                    runs.append(Run(binary: name, round: round, result: result))
                    if !json { emit("round \(round) \(name): " + result.summary) }
                }
            }
            let rows = binaries.map { name, exe in
                let mine = runs.filter { $0.binary == name }.map(\.result)
                let latencies = mine.flatMap { $0.correctionLatencies ?? [] }.compactMap { $0 }
                return Row(binary: name, daemon: exe, runs: mine.count,
                           cpuMsPerMinute: median(mine.map(\.cpuMsPerMinute)),
                           wakeupsPerSecond: median(mine.map(\.wakeupsPerSecond)),
                           stateWritesPerMinute: median(mine.map(\.stateWritesPerMinute)),
                           writeSyscallsPerMinute: optionalMedian(mine.map(\.writeSyscallsPerMinute)),
                           notmuchSpawnsPerMinute: optionalMedian(mine.map(\.notmuchSpawnsPerMinute)),
                           correctionLatency: latencies.isEmpty ? nil : median(latencies))
            }
            if json {
                emit(jsonLine(Report(runs: runs, summary: rows), pretty: true))
                return
            }
            emit(String(format: "idle daemon, %d msgs, %.0f s windows%@ (medians):", count, seconds,
                        notmuch ? ", --notmuch" : ""))
            emit("bin  runs  CPU ms/min  wake-ups/s  state writes/min  write syscalls/min  notmuch spawns/min  change→journal s  daemon")
            for r in rows {
                emit(pad(r.binary, 3, left: true) + "  " + pad("\(r.runs)", 4) + "  " + pad(cell(r.cpuMsPerMinute, "%.0f"), 10)
                     + "  " + pad(cell(r.wakeupsPerSecond, "%.1f"), 10) + "  " + pad(cell(r.stateWritesPerMinute, "%.1f"), 16)
                     + "  " + pad(cell(r.writeSyscallsPerMinute, "%.0f"), 18) + "  " + pad(cell(r.notmuchSpawnsPerMinute, "%.1f"), 18)
                     + "  " + pad(cell(r.correctionLatency, "%.2f"), 16) + "  " + r.daemon)
            }
            if rows.count == 2 {
                let (a, b) = (rows[0], rows[1])
                func ratio(_ x: Double, _ y: Double) -> String { y > 0 ? String(format: "%.2f", x / y) : "-" }
                emit("A/B: CPU \(ratio(a.cpuMsPerMinute, b.cpuMsPerMinute)), wake-ups \(ratio(a.wakeupsPerSecond, b.wakeupsPerSecond)), "
                     + "state writes \(ratio(a.stateWritesPerMinute, b.stateWritesPerMinute))"
                     + (a.notmuchSpawnsPerMinute.flatMap { x in b.notmuchSpawnsPerMinute.map { ", notmuch spawns " + ratio(x, $0) } } ?? ""))
            }
        }
    }

    private func median(_ xs: [Double]) -> Double { IdleBench.median(xs) }

    private func optionalMedian(_ xs: [Double?]) -> Double? {
        let got = xs.compactMap { $0 }
        return got.isEmpty ? nil : median(got)
    }

    private func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? s + fill : fill + s
    }

    private func cell(_ x: Double?, _ format: String) -> String {
        x.map { String(format: format, $0) } ?? "-"
    }
}
