import Foundation
import Testing
@testable import TaggerDaemon
@testable import TaggerMaildir
@testable import TaggerState
@testable import TaggerSystem

@Suite struct DaemonPartsTests {
    @Test func newMailIsTakenBeforeTheBacklogAndControlBeforeBoth() {
        let q = WorkQueue()
        let f = MaildirFolder(path: "/m", relativePath: "")
        let old = WorkItem.message(maildir: 0, MaildirMessage(folder: f, subdirectory: "cur", fileName: "old"), force: false)
        let new = WorkItem.message(maildir: 0, MaildirMessage(folder: f, subdirectory: "new", fileName: "new"), force: false)
        q.pushBacklog([old, old])
        q.pushFresh([new])
        q.push(.reload)
        #expect(q.pending == 3)
        #expect(q.take(timeout: 0) == .control(.reload))
        #expect(q.take(timeout: 0) == .work(new, fromBacklog: false))
        #expect(q.take(timeout: 0) == .work(old, fromBacklog: true))
        q.pushFresh([new])
        #expect(q.take(timeout: 0) == .work(new, fromBacklog: false))
        #expect(q.take(timeout: 0) == .work(old, fromBacklog: true))
        #expect(q.take(timeout: 0.01) == nil)
    }

    @Test func dequeKeepsOrderAcrossCompaction() {
        var d = Deque<Int>()
        var out: [Int] = []
        for i in 0..<5000 {
            d.append(i)
            if i % 3 == 0, let x = d.popFirst() { out.append(x) }
        }
        while let x = d.popFirst() { out.append(x) }
        #expect(out == Array(0..<5000))
    }

    @Test func journaldLinesCarryThePriorityPrefix() {
        let box = LogCapture()
        let journald = DaemonLogger(minimumLevel: .info, journald: true) { l in box.logger().log(.error, l) }
        journald.error("disk full")
        journald.notice("started")
        journald.debug("dropped")
        #expect(box.all == ["error: <3>disk full", "error: <5>started"])
        let plain = LogCapture()
        let p = DaemonLogger(minimumLevel: .warning, journald: false) { l in plain.logger().log(.error, l) }
        p.warning("two\nlines")
        p.info("dropped")
        #expect(plain.all == ["error: warning: two lines"])
        #expect(LogLevel(name: "WARN") == .warning)
        #expect(LogLevel(name: "verbose") == nil)
    }

    @Test func statusFileRoundTripsAndKnowsLiveness() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        #expect(try DaemonStatus.read(stateDirectory: t.path + "/none") == nil)
        let s = DaemonStatus(pid: getpid(), startedAt: "2026-11-26T10:00:00Z", modelID: "m", tagged: 3, backlog: 1,
                             errors: 1, lastError: "x: boom", updatedAt: "2026-11-26T10:00:01Z", state: "running")
        try s.write(stateDirectory: t.path)
        #expect(try DaemonStatus.read(stateDirectory: t.path) == s)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: t.path + "/status.json"))) as! [String: Any]
        #expect(Set(json.keys) == ["pid", "started_at", "model_id", "tagged", "backlog", "errors", "last_error", "updated_at", "state"])
        // The file names this process, written before it began: the clock was set forward since
        // (this process runs the program that wrote it), not a pid reused.
        #expect(s.processIsAlive)
        // Another program with a pid the file names, begun after the file's daemon: a pid reused.
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/bin/sleep")
        other.arguments = ["60"]
        try other.run()
        defer { kill(other.processIdentifier, SIGKILL); other.waitUntilExit() }   // SIGTERM may be blocked, inherited from the test process
        for _ in 0..<500 where DaemonStatus.processStart(other.processIdentifier)?.command != "sleep" { usleep(10_000) }
        var reused = s
        reused.pid = other.processIdentifier
        #expect(!reused.processIsAlive)
        reused.startedAt = Timestamp.iso8601(Date(timeIntervalSinceNow: 5))
        #expect(reused.processIsAlive)
        var live = s
        live.startedAt = Timestamp.iso8601(Date())
        #expect(live.processIsAlive)
        var dead = live
        dead.pid = 0x3FFF_FFF0
        #expect(!dead.processIsAlive)
    }

    /// A daemon that died but was not reaped (a container with no init to reap it) is a zombie:
    /// not running, although its pid exists.
    @Test func aZombieIsNotARunningDaemon() throws {
        let child = fork()
        if child == 0 { _exit(0) }
        #expect(child > 0)
        defer { var st: Int32 = 0; waitpid(child, &st, 0) }
        let status = DaemonStatus(pid: child, startedAt: Timestamp.iso8601(Date(timeIntervalSinceNow: 5)), modelID: nil,
                                  tagged: 0, backlog: 0, errors: 0, lastError: nil, updatedAt: "", state: "running")
        // Wait until it has exited (unreaped).
        var zombie = false
        for _ in 0..<500 where !zombie {
            zombie = DaemonStatus.processStart(child)?.zombie == true
            if !zombie { usleep(10_000) }
        }
        #expect(zombie)
        #expect(kill(child, 0) == 0, "a zombie's pid still exists")
        #expect(!status.processIsAlive)
    }

    @Test func timestampsAreUTCSeconds() {
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 1_795_687_452)) == "2026-11-26T10:04:12Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 1_709_251_199)) == "2024-02-29T23:59:59Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 4_102_444_799.9)) == "2099-12-31T23:59:59Z")
        #expect(Timestamp.parse("2026-11-26T10:04:12Z") == Date(timeIntervalSince1970: 1_795_687_452))
    }
}
