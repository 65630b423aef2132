import Foundation
import Testing
@testable import TaggerConfig
@testable import TaggerDaemon
@testable import TaggerState
@testable import TaggerSystem

/// The retag service's rounds with something at the request path that is not a request.
@Suite struct RetagServiceProblemTests {
    @Test func aFolderAtTheRequestPathIsReportedOnceNotAtEveryRound() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let root = dir.path + "/Maildir", state = dir.path + "/state"
        try Fixture.makeFolder(root)
        try FakeLoader.writeModel(state, id: "model-1")
        let config = Fixture.config(maildir: root, state: state)
        let logs = LogCapture()
        let context = DaemonContext(config: config, loader: FakeLoader(), scorer: FakeScorer(id: "model-1"),
                                    logger: logs.logger(), notifier: SystemdNotifier(environment: [:]),
                                    watcher: try MaildirWatcher())
        try FileManager.default.createDirectory(atPath: config.state.retagRequest, withIntermediateDirectories: false)
        // A round every 50 ms while a job runs, every 10 s idle: the folder stays there.
        var seen = RetagService.Seen()
        for _ in 0..<20 { seen = RetagService.tick(context, seen: seen) }
        #expect(logs.all.filter { $0.contains("retag-request.json") }.count == 1, "\(logs.all)")
        // Gone, then back: said again.
        try FileManager.default.removeItem(atPath: config.state.retagRequest)
        seen = RetagService.tick(context, seen: seen)
        try FileManager.default.createDirectory(atPath: config.state.retagRequest, withIntermediateDirectories: false)
        for _ in 0..<5 { seen = RetagService.tick(context, seen: seen) }
        #expect(logs.all.filter { $0.contains("retag-request.json") }.count == 2, "\(logs.all)")
        // A request still goes through.
        try FileManager.default.removeItem(atPath: config.state.retagRequest)
        try RetagRequest(id: "after", all: false).write(state: config.state)
        seen = RetagService.tick(context, seen: seen)
        #expect(context.retag.progress?.request == "after")
    }
}
