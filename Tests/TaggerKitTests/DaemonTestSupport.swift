import Foundation
import TaggerLock
@testable import TaggerConfig
@testable import TaggerCore
@testable import TaggerSystem

/// A fresh temporary directory, removed by `cleanup()`.
struct TempDir {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path + "/tagger-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

enum Fixture {
    /// Creates a Maildir folder (cur/new/tmp) at `path`.
    static func makeFolder(_ path: String) throws {
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(atPath: path + "/" + sub, withIntermediateDirectories: true)
        }
    }

    /// Delivers a message the Maildir way: write into tmp/, then rename into new/.
    @discardableResult
    static func deliver(_ folder: String, unique: String, body: String) throws -> String {
        let tmp = folder + "/tmp/" + unique
        try Data(("Message-ID: <\(unique)@test>\nSubject: t\n\n" + body).utf8).write(to: URL(fileURLWithPath: tmp))
        let dest = folder + "/new/" + unique
        guard rename(tmp, dest) == 0 else { throw SystemError("rename", path: tmp, code: errno) }
        return dest
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Polls `condition` every 20 ms until it holds, `timeout` seconds' worth of polls at most.
    /// Polls are counted rather than a deadline kept: the daemon under test starts on the same
    /// cooperative pool as the other tests, whose blocking work (corpus scans, processes waited
    /// for) can keep it busy for a minute on a loaded machine; a deadline would then expire
    /// before the daemon had run at all. The default is generous (three minutes of polls): with
    /// six builds on two cores, sidecar fsyncs were seen to stall for most of a minute, and a
    /// passing wait returns as soon as its condition holds.
    static func waitUntil(timeout: Double = 180, _ condition: () -> Bool) async -> Bool {
        for _ in 0..<Int(timeout / 0.02) {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    static func config(maildir: String, state: String, grace: Double = 0, retag: Bool = false) -> ResolvedConfig {
        ResolvedConfig(
            maildirs: [.init(root: maildir, name: URL(fileURLWithPath: maildir).lastPathComponent)],
            stateDir: state, modelPath: state + "/model/current.tgm", reconcileInterval: 900,
            deletionGrace: grace, retagOnReload: retag, logLevel: .debug, folderLabels: [:],
            minNewCorrections: 20, retrainInterval: 86400, configFile: nil)
    }
}

/// A scorer that tags `finance` when the file mentions "invoice" and counts its calls; it takes
/// `pace` seconds per message (0: as fast as it can).
final class FakeScorer: MessageScoring {
    let modelInfo: ModelInfo
    let calls = Locked(0)
    let pace: Double

    init(id: String, pace: Double = 0) {
        modelInfo = ModelInfo(id: id, trainedAt: "2026-11-26T10:00:00Z")
        self.pace = pace
    }

    func score(fileAt path: String) -> ScoreOutcome {
        calls.withLock { $0 += 1 }
        if pace > 0 { Thread.sleep(forTimeInterval: pace) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return ScoreOutcome(error: "cannot read \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        if text.contains("GARBAGE") { return ScoreOutcome(error: "unparseable message") }
        let finance = text.contains("invoice") ? 0.9 : 0.1
        let id = text.split(separator: "\n").first.map { String($0.dropFirst("Message-ID: ".count)) }
        return ScoreOutcome(
            messageID: id, scores: ["finance": finance, "important": 0.2],
            thresholds: ["finance": 0.5, "important": 0.6], tags: finance > 0.5 ? ["finance"] : [],
            abstained: ["receipts"])
    }
}

/// Loads a "model file" whose content is the model id; content `broken` fails to load.
final class FakeLoader: ScorerLoader {
    struct Broken: Error {}
    let loads = Locked(0)
    let lastScorer = Locked<FakeScorer?>(nil)
    /// Seconds each message takes its scorers.
    let pace: Double

    init(pace: Double = 0) { self.pace = pace }

    func load(modelPath: String) throws -> any MessageScoring {
        guard let data = FileManager.default.contents(atPath: modelPath) else { throw Broken() }
        let id = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if id == "broken" || id.isEmpty { throw Broken() }
        loads.withLock { $0 += 1 }
        let s = FakeScorer(id: id, pace: pace)
        lastScorer.withLock { $0 = s }
        return s
    }

    static func writeModel(_ state: String, id: String) throws {
        try FileManager.default.createDirectory(atPath: state + "/model", withIntermediateDirectories: true)
        try Data(id.utf8).write(to: URL(fileURLWithPath: state + "/model/current.tgm"))
    }
}
