import ArgumentParser
import Foundation
import TaggerBench
import TaggerSystem

/// `tagger bench lookup`: how long `show` and `label` take to find a message at a mailbox size.
struct BenchLookup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Times show/label lookups by unique name and Message-ID on a synthetic state directory (N sidecars, catalog, Maildir), in process and as whole `tagger show`/`tagger label` processes.")

    @Option(help: "Messages (sidecars) in the synthetic state directory.")
    var messages = 100_000
    @Option(help: "In-process lookups of each kind.")
    var queries = 1_000
    @Option(help: "Whole `tagger show` processes to time.")
    var processes = 100
    @Option(help: "Whole `tagger label` processes to time (0: none).")
    var labels = 20
    @Flag(help: "Keep the temporary folder (its path is printed) for timing other binaries on it.")
    var keep = false
    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if messages < 1 || queries < 1 || processes < 0 || labels < 0 { throw ValidationError("counts must be positive") }
    }

    func run() throws {
        try failing {
            let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            var options = LookupBench.Options(executable: exe)
            options.messages = messages
            options.queries = queries
            options.processes = processes
            options.labels = labels
            options.keep = keep
            let r = try LookupBench(options: options).run { if !json { emit($0) } }
            if json {
                emit(jsonLine(r, pretty: true))
                return
            }
            emit(String(format: "%d messages built in %.1f s; catalog snapshot %.1f MiB, index %.1f MiB, log %d records; full catalog load %.1f ms",
                        r.messages, r.buildSeconds, r.snapshotMiB, r.indexMiB, r.logRecords, r.fullLoadMillis))
            emit(String(format: "tagger list (whole catalog loaded): %.0f ms, peak RSS %.1f MiB", r.listProcessMillis, r.listProcessPeakMiB))
            for b in [r.showByUnique, r.showByMessageID, r.labelLookupByUnique, r.labelLookupByMessageID, r.showProcess] + (r.labelProcess.map { [$0] } ?? []) {
                emit(String(format: "%@: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d runs, %d failed)",
                            b.name, b.p50Micros / 1000, b.p99Micros / 1000, b.maxMicros / 1000, b.messages, b.errors))
            }
            if let f = r.folder { emit("kept: \(f)") }
        }
    }
}
