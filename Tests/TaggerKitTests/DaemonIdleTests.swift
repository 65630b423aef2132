import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import TaggerDaemon
@testable import TaggerState

/// An idle daemon keeps still: it does not rewrite its status file (so the disk may sleep) nor
/// poll for retag requests, yet a change of its counters, a removed status file and a request
/// are all seen at once.
extension DaemonLoopTests {
    /// (inode, modification time in ns) of the status file; nil when it is missing.
    func statusFileIdentity() -> (UInt, Int)? {
        var st = stat()
        guard stat(state + "/status.json", &st) == 0 else { return nil }
        return (UInt(st.st_ino), st.st_mtim.tv_sec * 1_000_000_000 + st.st_mtim.tv_nsec)
    }

    func statusFile() -> DaemonStatus? { try? DaemonStatus.read(stateDirectory: state) }

    @Test func anIdleDaemonLeavesItsStatusFileAloneAndUpdatesItOnChange() async throws {
        defer { t.cleanup() }
        try Fixture.deliver(root, unique: "950.idle.h", body: "an invoice")
        let d = start()
        #expect(await Fixture.waitUntil { statusFile()?.tagged == 1 })
        try await Task.sleep(for: .seconds(1.5))
        let before = try #require(statusFileIdentity())
        // Three of the status service's rounds with nothing to report: no write.
        try await Task.sleep(for: .seconds(3.5))
        let after = try #require(statusFileIdentity())
        #expect(after == before, "status.json rewritten while idle")
        // New mail: written again, with the new count.
        try Fixture.deliver(root, unique: "951.idle.h", body: "hello")
        #expect(await Fixture.waitUntil { statusFile()?.tagged == 2 })
        // Removed by hand: written again although nothing changed (`tagger status` needs it).
        try FileManager.default.removeItem(atPath: state + "/status.json")
        #expect(await Fixture.waitUntil(timeout: 120) { statusFile()?.tagged == 2 })
        try await d.stop()
        #expect(statusFile()?.state == "stopped")
    }

    @Test func aRetagRequestWakesTheIdleDaemonAtOnce() async throws {
        defer { t.cleanup() }
        try Fixture.deliver(root, unique: "960.req.h", body: "an invoice")
        // An idle timeout far longer than the stalls of a loaded test process (tens of seconds):
        // a request taken well within it was taken because the watch woke the service.
        let d = start(retag: false, retagIdleTimeout: .seconds(600))
        #expect(await Fixture.waitUntil { statusFile()?.tagged == 1 })
        try await Task.sleep(for: .seconds(1))
        try RetagRequest(id: "wake-1", all: true).write(state: StateDirectory(state))
        let started = Date()
        #expect(await Fixture.waitUntil(timeout: 400) { statusFile()?.retag?.request == "wake-1" })
        #expect(Date().timeIntervalSince(started) < 300, "the request waited for the service's timeout")
        #expect(!FileManager.default.fileExists(atPath: state + "/retag-request.json"))
        try await d.stop()
    }
}
