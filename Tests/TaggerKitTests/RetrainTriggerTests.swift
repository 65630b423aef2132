import Foundation
import Synchronization
import Testing
@testable import TaggerConfig
@testable import TaggerDaemon
@testable import TaggerSystem

/// The automatic retrain trigger: when the daemon starts `tagger retrain` in the background.
@Suite struct RetrainTriggerTests {
    final class FakeRetrain: BackgroundRetrain {
        var isRunning = true
        var terminationStatus: Int32 = 0
        let processIdentifier: Int32 = 4242
    }

    final class Launches {
        var arguments: [[String]] = []
        var child = FakeRetrain()
        var fail = false
        struct Refused: Error, CustomStringConvertible { var description: String { "no such file" } }

        func launch(_ args: [String]) throws -> any BackgroundRetrain {
            if fail { throw Refused() }
            arguments.append(args)
            child = FakeRetrain()
            return child
        }
    }

    func config(_ t: TempDir) -> ResolvedConfig {
        var c = Fixture.config(maildir: t.path + "/Maildir", state: t.path + "/state")
        c.minNewCorrections = 3
        c.retrainInterval = 3600
        return c
    }

    /// Writes a last-retrain report saying the journal had `records` records at `finished`.
    func report(_ c: ResolvedConfig, records: Int, finished: Date) throws {
        try FileManager.default.createDirectory(atPath: c.state.reports, withIntermediateDirectories: true)
        let json = """
            {"started_at": "\(Timestamp.iso8601(finished))", "finished_at": "\(Timestamp.iso8601(finished))",
             "decision": "swapped", "reason": "test", "examples": {}, "held_out": 0, "labels": [], "warnings": [],
             "journal_records": \(records)}
            """
        try Data(json.utf8).write(to: URL(fileURLWithPath: c.state.lastRetrainReport))
    }

    @Test func aRetrainStartsAfterEnoughNewCorrectionsOnceAtATime() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let c = config(t)
        let launches = Launches()
        let logs = LogCapture()
        let s = RetrainScheduler(config: c, logger: logs.logger(), launch: launches.launch)
        let start = Date()
        #expect(!s.consider(corrections: 2, now: start), "too few corrections")
        #expect(s.consider(corrections: 3, now: start))
        #expect(launches.arguments == [["retrain", "--state-dir", c.stateDir, "--model", c.modelPath, "--maildir", c.maildirs[0].root]])
        #expect(logs.all.contains("notice: starting a background retrain after 3 new correction(s) (pid 4242)"))
        #expect(!s.consider(corrections: 30, now: start.addingTimeInterval(7200)), "one is still running")
        launches.child.isRunning = false
        #expect(!s.consider(corrections: 30, now: start.addingTimeInterval(600)), "not again within retrain_interval")
        #expect(logs.all.contains("info: background retrain finished with status 0"))
        #expect(s.consider(corrections: 30, now: start.addingTimeInterval(3700)))
        #expect(launches.arguments.count == 2)
    }

    @Test func newCorrectionsCountFromTheLastRetrainReport() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let c = config(t)
        let launches = Launches()
        let s = RetrainScheduler(config: c, logger: LogCapture().logger(), launch: launches.launch)
        let finished = Date(timeIntervalSinceNow: -7200)
        try report(c, records: 10, finished: finished)
        #expect(!s.consider(corrections: 12), "2 new since the report")
        #expect(!s.consider(corrections: 13, now: finished.addingTimeInterval(60)), "the report is too recent")
        #expect(s.consider(corrections: 13))
    }

    @Test func aRetrainThatCannotStartIsLoggedAndTriedAgainLater() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let launches = Launches()
        launches.fail = true
        let logs = LogCapture()
        let s = RetrainScheduler(config: config(t), logger: logs.logger(), launch: launches.launch)
        #expect(!s.consider(corrections: 5))
        #expect(logs.all.contains("error: cannot start a background retrain: no such file"))
        launches.fail = false
        #expect(s.consider(corrections: 5))
    }

    /// `run --once` says a retrain is due and starts none: a process left behind would outlive
    /// the command (and a timer unit running it would kill it half-way).
    @Test func aSinglePassSaysARetrainIsDueWithoutStartingIt() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let launches = Launches()
        let logs = LogCapture()
        let s = RetrainScheduler(config: config(t), logger: logs.logger(), launch: launches.launch)
        #expect(!s.consider(corrections: 5, start: false))
        #expect(launches.arguments.isEmpty)
        #expect(logs.all.contains("notice: 5 new correction(s) since the last retrain: `tagger retrain` learns from them (`run --once` starts none; the daemon does)"))
        #expect(s.consider(corrections: 5), "the daemon starts it")
    }
}
