import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    /// Who holds the state directory when a second `tagger run` is refused.
    @Suite("A busy state directory: the refusal names only a daemon that runs")
    struct LockHolderTests {
        /// The lock held by something else than a running daemon (an offline `tagger retag`, a
        /// `tagger notmuch-sync`), with a status file left by a daemon that stopped or died: its
        /// pid, perhaps another process's by now, is not named as the one to stop.
        @Test("a stopped or dead daemon's pid in the status file is not named as the lock holder")
        func staleStatusPidIsNotNamed() throws {
            let ws = try Workspace(samples: false)
            let fd = open(ws.state + "/daemon.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            #expect(fd >= 0)
            defer { close(fd) }
            #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
            let now = ISO8601DateFormatter().string(from: Date())
            // A live pid (this test's) in a status file that says stopped; a dead pid in one that
            // says running (the daemon was killed).
            for (pid, state) in [(getpid(), "stopped"), (0x3FFF_FFF0, "running")] {
                let json = #"{"pid": \#(pid), "started_at": "\#(now)", "model_id": null, "tagged": 0, "backlog": 0, "errors": 0, "#
                    + #""last_error": null, "updated_at": "\#(now)", "state": "\#(state)"}"#
                try Data(json.utf8).write(to: URL(fileURLWithPath: ws.state + "/status.json"))
                let r = try ws.tagger(["run", "--once"])
                #expect(r.status == 1, "\(r.stderr)")
                #expect(r.stderr.contains("another tagger command is using this state directory"), "\(state): \(r.stderr)")
                #expect(!r.stderr.contains("pid \(pid)"), "\(state): \(r.stderr)")
            }
        }
    }
}
