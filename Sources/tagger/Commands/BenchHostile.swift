import ArgumentParser
import Foundation
import HTMLText
import TaggerBench
import TaggerCore
import TaggerSystem
#if canImport(Glibc)
import Glibc
#endif

/// `tagger bench hostile`: the time libxml2-bound HTML costs on each shape of `HostileHTML`.
struct BenchHostile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostile",
        abstract: "Reads generated hostile HTML (shapes on which libxml2 2.9 does quadratic work) and reports the time per shape and the worst case.",
        discussion: "Each shape is read as written (the condenser reads it) and behind a processing instruction (it reaches libxml2 through the limiter), in one part and in --parts parts. With --model, each message is also written to a temporary file and timed as a whole `tagger tag` process (wall time and peak RSS), with this binary or --tagger.")

    @Option(help: "Message size in bytes.")
    var bytes = 4 << 20
    @Option(help: "Parts of the multipart form of each shape.")
    var parts = 8
    @Option(help: "Only the shapes whose name contains this.")
    var shape: String?
    @Option(help: "Model file: also time a whole `tagger tag` process per message.")
    var model: String?
    @Option(help: "The tagger binary to time as a process (default: this one), e.g. an older build.")
    var tagger: String?
    @Option(help: "Also write each message into this folder.")
    var write: String?
    @Flag(help: "One JSON object per message.")
    var json = false

    func validate() throws {
        if bytes < 1024 { throw ValidationError("--bytes must be at least 1024") }
        if parts < 1 { throw ValidationError("--parts must be at least 1") }
    }

    struct Row: Encodable {
        var shape: String
        var form: String
        var parts: Int
        var bytes: Int
        var read_ms: Double
        var process_ms: Double?
        var process_rss_mib: Double?
        var warnings: [String]
    }

    func run() throws {
        let pipeline = try failing { try Pipeline() }
        let binary = tagger ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let folder = write ?? NSTemporaryDirectory() + "tagger-hostile-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { if write == nil { try? FileManager.default.removeItem(atPath: folder) } }
        var rows: [Row] = []
        for s in HostileHTML.shapes where shape.map({ s.name.contains($0) }) ?? true {
            for condensable in [true, false] {
                for p in Set([1, parts]).sorted() {
                    let message = HostileHTML.message(s, bytes: bytes, parts: p, condensable: condensable)
                    let t0 = BenchRecorder.now()
                    let doc = pipeline.document(bytes: message)
                    let readMs = Double(BenchRecorder.now() - t0) / 1e6
                    var row = Row(shape: s.name, form: condensable ? "condensed" : "limited", parts: p,
                                  bytes: message.count, read_ms: readMs,
                                  warnings: Array(Set(doc.warnings.map { String($0.prefix { $0 != ":" }) })).sorted())
                    let file = folder + "/" + s.name.replacingOccurrences(of: "/", with: "-")
                        + "-\(row.form)-\(p).eml"
                    if write != nil || model != nil {
                        _ = FileManager.default.createFile(atPath: file, contents: Data(message))
                    }
                    if let model {
                        let (ms, rss) = try timeProcess(binary, ["tag", "--model", model, file])
                        row.process_ms = ms
                        row.process_rss_mib = rss
                    }
                    if json { emit(jsonLine(row)) } else { emit(describe(row)) }
                    rows.append(row)
                }
            }
        }
        guard let worst = rows.max(by: { ($0.process_ms ?? $0.read_ms) < ($1.process_ms ?? $1.read_ms) }) else { return }
        if json { return }
        emit("worst: " + describe(worst))
    }

    private func describe(_ r: Row) -> String {
        var line = String(format: "%-22@ %-9@ %d part(s) %7.2f MB  read %8.1f ms", r.shape as NSString, r.form as NSString,
                          r.parts, Double(r.bytes) / 1e6, r.read_ms)
        if let ms = r.process_ms, let rss = r.process_rss_mib {
            line += String(format: "  tagger tag %8.1f ms %6.1f MiB", ms, rss)
        }
        if !r.warnings.isEmpty { line += "  " + r.warnings.joined(separator: ",") }
        return line
    }

    /// Runs `binary arguments` with output discarded; its wall time (ms) and peak RSS (MiB).
    private func timeProcess(_ binary: String, _ arguments: [String]) throws -> (Double, Double) {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let t0 = BenchRecorder.now()
        let rc = posix_spawn(&pid, binary, &actions, nil, argv, environ)
        guard rc == 0 else { throw ValidationError("cannot run \(binary): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        let ms = Double(BenchRecorder.now() - t0) / 1e6
        return (ms, Double(usage.ru_maxrss) / 1024)
    }
}
