import Foundation

/// bogofilter as a speed anchor: trains a throw-away word list, then times its bulk
/// classification of the same files tagger reads, in the same run.
public struct BogofilterAnchor {
    public enum Failure: Error, CustomStringConvertible {
        case missing
        case failed(String)
        public var description: String {
            switch self {
            case .missing: return "bogofilter is not installed (apt-get install bogofilter)"
            case .failed(let why): return "bogofilter failed: \(why)"
            }
        }
    }

    /// Path of the bogofilter binary, if installed.
    public static func locate() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/bogofilter"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Whether `path` lies below a folder named `spam`, `spam_*` or `spam-*` (as in the
    /// SpamAssassin corpus: `spam/`, `spam_2/`; not `spamassassin/`).
    static func isSpam(_ path: String) -> Bool {
        path.split(separator: "/").dropLast().contains { part in
            let p = part.lowercased()
            return p == "spam" || p.hasPrefix("spam_") || p.hasPrefix("spam-")
        }
    }

    /// Trains on up to `trainPerClass` spam (files below a spam folder, see `isSpam`) and ham
    /// (the others), all of them when nil, then classifies every file of `files` once to warm
    /// up and `runs` times timed.
    /// - Returns: the fastest run's wall seconds and how many spam and ham messages it learned.
    /// - Throws: `Failure` when bogofilter is missing or fails.
    public static func measure(files: [String], trainPerClass: Int? = nil, runs: Int = 3) throws
        -> (seconds: Double, spam: Int, ham: Int) {
        guard let bogofilter = locate() else { throw Failure.missing }
        let work = NSTemporaryDirectory() + "tagger-bogofilter-\(getpid())"
        try FileManager.default.createDirectory(atPath: work + "/db", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let limit = trainPerClass ?? Int.max
        let spam = Array(files.filter(isSpam).prefix(limit))
        let ham = Array(files.filter { !isSpam($0) }.prefix(limit))
        let common = ["-C", "-d", work + "/db", "--db-transaction=no"]
        for batch in stride(from: 0, to: spam.count, by: 1000) {
            try run(bogofilter, common + ["-s", "-B"] + spam[batch..<min(spam.count, batch + 1000)], stdin: nil)
        }
        for batch in stride(from: 0, to: ham.count, by: 1000) {
            try run(bogofilter, common + ["-n", "-B"] + ham[batch..<min(ham.count, batch + 1000)], stdin: nil)
        }
        let list = Data((files.joined(separator: "\n") + "\n").utf8)
        try run(bogofilter, common + ["-b", "-T"], stdin: list)
        var best = Double.infinity
        for _ in 0..<max(1, runs) {
            let t0 = BenchRecorder.now()
            try run(bogofilter, common + ["-b", "-T"], stdin: list)
            best = min(best, Double(BenchRecorder.now() - t0) / 1e9)
        }
        return (best, spam.count, ham.count)
    }

    /// Runs bogofilter; exit status 0–2 are classifications, 3 is an error.
    private static func run(_ exe: String, _ args: [String], stdin: Data?) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let pipe = Pipe()
        p.standardInput = stdin == nil ? FileHandle.nullDevice : pipe
        try p.run()
        if let stdin {
            pipe.fileHandleForWriting.write(stdin)
            try pipe.fileHandleForWriting.close()
        }
        p.waitUntilExit()
        if p.terminationStatus >= 3 { throw Failure.failed("exit status \(p.terminationStatus) for \(args.prefix(6).joined(separator: " "))") }
    }
}
