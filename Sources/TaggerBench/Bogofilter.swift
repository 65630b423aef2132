import Foundation
import Model
import TaggerSystem
import TaggerState
import TaggerCore

/// bogofilter as a speed anchor: trains a throw-away word list, then times its bulk
/// classification of the same files tagger reads, in the same run (`classifyAll`, called
/// between tagger's own passes so that both see the machine in the same state).
public final class BogofilterAnchor {
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

    private let executable: String
    private let work: String
    private let list: Data
    /// How many spam and ham messages the word list learned.
    public let spamTrained: Int, hamTrained: Int

    private var common: [String] { ["-C", "-d", work + "/db", "--db-transaction=no"] }

    /// Trains on up to `trainPerClass` spam (files below a spam folder, see `isSpam`) and ham
    /// (the others), all of them when nil.
    /// - Throws: `Failure` when bogofilter is missing or fails.
    public init(files: [String], trainPerClass: Int? = nil) throws {
        if let trainPerClass, trainPerClass < 1 { throw Failure.failed("it must learn at least 1 message of each class") }
        guard let bogofilter = Self.locate() else { throw Failure.missing }
        if let odd = files.first(where: { $0.contains("\n") }) {
            throw Failure.failed("bogofilter -b reads one file name per line; cannot pass \(odd.debugDescription)")
        }
        executable = bogofilter
        // A fresh folder of its own: never a word list left behind by an earlier, killed run.
        work = NSTemporaryDirectory() + "tagger-bogofilter-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        list = Data((files.joined(separator: "\n") + "\n").utf8)
        let limit = trainPerClass ?? Int.max
        let spam = Array(files.filter(Self.isSpam).prefix(limit))
        let ham = Array(files.filter { !Self.isSpam($0) }.prefix(limit))
        spamTrained = spam.count
        hamTrained = ham.count
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: work + "/db", withIntermediateDirectories: false)
        for (flag, messages) in [("-s", spam), ("-n", ham)] {
            for batch in stride(from: 0, to: messages.count, by: 1000) {
                let names = messages[batch..<min(messages.count, batch + 1000)]
                try Self.run(bogofilter, common + [flag, "-B"] + names, stdin: nil)
            }
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: work) }

    /// Classifies every file once (`bogofilter -b -T`, file names on standard input).
    /// - Returns: the wall seconds it took.
    public func classifyAll() throws -> Double {
        let t0 = BenchRecorder.now()
        try Self.run(executable, common + ["-b", "-T"], stdin: list)
        return Double(BenchRecorder.now() - t0) / 1e9
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
