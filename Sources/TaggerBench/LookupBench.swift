#if os(Linux)
import Foundation
import Glibc
import TaggerMaildir
import TaggerSystem
import TaggerState
import TaggerCore

/// Benchmarks looking a message up as `tagger show` and `tagger label` do, at a mailbox size
/// (issue 15: at most 10 ms at 100,000 messages): builds a synthetic state directory of N
/// sidecars and their catalog over a Maildir of N small message files in a temporary folder,
/// then times lookups by unique name and Message-ID in this process (each with a fresh store,
/// as a new process starts: nothing cached but the kernel's page cache) and whole `tagger show`
/// processes.
public struct LookupBench: Sendable {
    public struct Options: Sendable {
        /// The tagger binary for the whole-process timings.
        public var executable: String
        public var messages = 100_000
        /// In-process lookups of each kind.
        public var queries = 1_000
        /// Whole-process `tagger show` runs (half by unique name, half by Message-ID).
        public var processes = 100
        /// Whole-process `tagger label` runs (by Message-ID; each records a correction).
        public var labels = 20
        /// Keep the temporary folder (printed) instead of removing it.
        public var keep = false
        public init(executable: String) { self.executable = executable }
    }

    public struct Result: Encodable {
        public var messages: Int
        public var buildSeconds: Double
        public var logRecords: Int
        public var snapshotMiB: Double
        public var indexMiB: Double
        /// Loading the whole catalog (what the daemon and writers do), one fresh load.
        public var fullLoadMillis: Double
        /// One whole `tagger list` process (it loads the whole catalog): wall clock and peak RSS.
        public var listProcessMillis: Double
        public var listProcessPeakMiB: Double
        public var showByUnique: BenchReport
        public var showByMessageID: BenchReport
        public var labelLookupByUnique: BenchReport
        public var labelLookupByMessageID: BenchReport
        public var showProcess: BenchReport
        public var labelProcess: BenchReport?
        public var folder: String?
        enum CodingKeys: String, CodingKey {
            case messages, folder
            case buildSeconds = "build_s", logRecords = "log_records", snapshotMiB = "snapshot_mib", indexMiB = "index_mib"
            case fullLoadMillis = "full_load_ms", listProcessMillis = "list_process_ms", listProcessPeakMiB = "list_process_peak_mib"
            case showByUnique = "show_by_unique", showByMessageID = "show_by_message_id"
            case labelLookupByUnique = "label_lookup_by_unique", labelLookupByMessageID = "label_lookup_by_message_id"
            case showProcess = "show_process", labelProcess = "label_process"
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    let options: Options
    public init(options: Options) { self.options = options }

    static let folders = ["", ".Lists", ".Work", "Archive/2025"]

    public func run(progress: (String) -> Void) throws -> Result {
        var template = Array((NSTemporaryDirectory() + "tagger-lookup-bench.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "cannot make a temporary folder") }
        let work = String(cString: made)
        defer { if !options.keep { try? FileManager.default.removeItem(atPath: work) } }
        let root = work + "/Maildir"
        let state = StateDirectory(work + "/state")
        let md = MaildirRoot(root: root, name: "Maildir")
        for f in Self.folders {
            for sub in ["cur", "new", "tmp"] {
                try FileManager.default.createDirectory(atPath: root + (f.isEmpty ? "" : "/" + f) + "/" + sub,
                                                        withIntermediateDirectories: true)
            }
        }
        let n = options.messages
        progress("building \(n) messages, sidecars and the catalog in \(work)")
        let buildStart = Date()
        let store = TagStore(state: state, maildirs: [md])
        var batch: [TagStore.PendingSidecar] = []
        let labels = ["finance", "important", "newsletter", "personal", "receipts"]
        for i in 0..<n {
            let relative = Self.folders[i % Self.folders.count]
            let folder = MaildirFolder(path: root + (relative.isEmpty ? "" : "/" + relative), relativePath: relative)
            let m = MaildirMessage(folder: folder, subdirectory: "cur", fileName: Self.unique(i) + ":2,S")
            let id = Self.messageID(i)
            let body = "Message-ID: \(id)\nFrom: a\(i % 997)@example.org\nSubject: message \(i)\n\nbody \(i)\n"
            try Self.writeFile(m.path, Array(body.utf8))
            let tags = labels.enumerated().filter { (i >> $0.offset) & 3 == 0 }.map(\.element)
            let result = try store.write(.init(maildir: md.name, folder: folder, unique: m.unique), deferred: true) { _ in
                Sidecar(message: .init(m, root: root, messageID: id), modelTags: tags,
                        scores: Dictionary(uniqueKeysWithValues: labels.map { ($0, tags.contains($0) ? 0.9 : 0.1) }),
                        thresholds: Dictionary(uniqueKeysWithValues: labels.map { ($0, 0.5) }), abstained: [],
                        user: .init(), model: .init(id: "bench", trainedAt: "2026-12-06T00:00:00Z"),
                        taggedAt: "2026-12-06T00:00:00Z")
            }
            if case .pending(let p) = result { batch.append(p) }
            if batch.count == 2_000 || i == n - 1 {
                let failed = store.commit(batch)
                if let (_, e) = failed.first { throw Failure(description: "\(e)") }
                batch.removeAll()
                _ = store.syncDirectories()
            }
            if (i + 1) % 20_000 == 0 { progress("  \(i + 1)") }
        }
        if let p = store.takeProblems().first { throw Failure(description: p) }
        let buildSeconds = Date().timeIntervalSince(buildStart)
        let logRecords = (FileManager.default.contents(atPath: state.catalog + "/log.jsonl") ?? Data()).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let size = { (p: String) in Double((try? FileIO.status(p)).map { Int($0.st_size) } ?? 0) / 1_048_576 }

        let loadStart = BenchRecorder.now()
        let fresh = MessageCatalog(state: state)
        guard (try? fresh.load()) == true, fresh.count == n else { throw Failure(description: "the catalog does not load back") }
        let fullLoad = Double(BenchRecorder.now() - loadStart) / 1e6

        var rng = SystemRandomNumberGenerator()
        let picks = (0..<options.queries).map { _ in Int.random(in: 0..<n, using: &rng) }
        func time(_ name: String, _ body: (Int) throws -> Bool) rethrows -> BenchReport {
            var rec = BenchRecorder(name: name, expected: picks.count)
            for i in picks {
                let t = BenchRecorder.now()
                let ok = try body(i)
                rec.record(nanos: BenchRecorder.now() - t, byteCount: 0)
                if !ok { rec.recordError() }
            }
            return rec.report()
        }
        let layout = store.sidecars.layout
        let show = { (q: String, i: Int) -> Bool in
            let s = TagStore(state: state, maildirs: [md])
            guard let file = try? s.findSidecar(q),
                  let bytes = try? SidecarLookup(maildirs: [md], layout: layout).read(sidecarAt: file) else { return false }
            return bytes.count > 100 && file.hasSuffix("/" + Self.unique(i) + ".json")
        }
        progress("timing in-process lookups")
        let showUnique = time("show lookup by unique name (find + read sidecar)") { show(Self.unique($0), $0) }
        let showID = time("show lookup by Message-ID (find + read sidecar)") { show(Self.messageID($0), $0) }
        let reference = MessageReference(maildirs: [md], layout: layout)
        let locate = { (q: String, i: Int) -> Bool in
            guard let found = try? reference.locateAll(q), found.count == 1 else { return false }
            return found[0].message?.unique == Self.unique(i) && FileIO.exists(found[0].path)
        }
        let labelUnique = time("label lookup by unique name (locate the message file)") { locate(Self.unique($0), $0) }
        let labelID = time("label lookup by Message-ID (locate the message file)") { locate(Self.messageID($0), $0) }

        let flags = ["--maildir", root, "--state-dir", state.path]
        // First of this process's children, so that their peak RSS is this one's.
        progress("one tagger list process (loads the whole catalog)")
        let (listNanos, listStatus) = try Self.spawn(options.executable, ["list", labels[0]] + flags)
        guard listStatus == 0 else { throw Failure(description: "tagger list exited with status \(listStatus)") }
        var children = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &children)
        progress("timing \(options.processes) tagger show processes")
        var showRec = BenchRecorder(name: "tagger show process (wall clock, unique name and Message-ID)", expected: options.processes)
        for k in 0..<options.processes {
            let i = picks[k % picks.count]
            let (nanos, status) = try Self.spawn(options.executable, ["show", k % 2 == 0 ? Self.unique(i) : Self.messageID(i)] + flags)
            showRec.record(nanos: nanos, byteCount: 0)
            if status != 0 { showRec.recordError() }
        }
        var labelReport: BenchReport?
        if options.labels > 0 {
            progress("timing \(options.labels) tagger label processes")
            var rec = BenchRecorder(name: "tagger label process (wall clock, by Message-ID, journal fsync included)", expected: options.labels)
            for k in 0..<options.labels {
                let i = picks[k % picks.count]
                let (nanos, status) = try Self.spawn(options.executable, ["label", Self.messageID(i), "+important"] + flags)
                rec.record(nanos: nanos, byteCount: 0)
                if status != 0 { rec.recordError() }
            }
            labelReport = rec.report()
        }
        return Result(messages: n, buildSeconds: buildSeconds, logRecords: logRecords,
                      snapshotMiB: size(state.catalog + "/snapshot.jsonl"), indexMiB: size(state.catalog + "/index"),
                      fullLoadMillis: fullLoad, listProcessMillis: Double(listNanos) / 1e6,
                      listProcessPeakMiB: Double(children.ru_maxrss) / 1024, showByUnique: showUnique, showByMessageID: showID,
                      labelLookupByUnique: labelUnique, labelLookupByMessageID: labelID,
                      showProcess: showRec.report(), labelProcess: labelReport, folder: options.keep ? work : nil)
    }

    static func unique(_ i: Int) -> String { "\(1_700_000_000 + i).M\(i)P\(i % 9973).benchhost" }
    static func messageID(_ i: Int) -> String { "<bench-\(i).\(i &* 2_654_435_761 % 1_000_003)@example.org>" }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "\(path): cannot create") }
        defer { close(fd) }
        try FileIO.writeAll(fd, bytes, path: path)
    }

    /// Runs a process with its output discarded; its wall-clock time and exit status.
    static func spawn(_ exe: String, _ args: [String]) throws -> (UInt64, Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let t = BenchRecorder.now()
        try p.run()
        p.waitUntilExit()
        return (BenchRecorder.now() - t, p.terminationStatus)
    }
}
#endif
