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
        // An idle safety sleep far longer than the stalls of a loaded test process: a status
        // file written again well within it was written because a watch woke the service.
        let d = start(statusIdleTimeout: 600)
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
        try await Task.sleep(for: .seconds(2))
        try FileManager.default.removeItem(atPath: state + "/status.json")
        let removed = Date()
        #expect(await Fixture.waitUntil(timeout: 400) { statusFile()?.tagged == 2 })
        #expect(Date().timeIntervalSince(removed) < 300, "the removed status file waited for the safety timeout")
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

    /// A status file that cannot be written (here a directory stands in its place, as a full
    /// disk would make any write fail) is one warning, not one a second; the daemon tags on, and
    /// writes it as soon as it can again.
    @Test func aStatusFileThatCannotBeWrittenIsLoggedOnceAndWrittenWhenItCanBe() async throws {
        defer { t.cleanup() }
        try FileManager.default.createDirectory(atPath: state + "/status.json/blocker", withIntermediateDirectories: true)
        try Fixture.deliver(root, unique: "970.full.h", body: "an invoice")
        let d = start()
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("970.full.h")) })
        let warned = { d.logs.all.filter { $0.contains("status file:") }.count }
        #expect(await Fixture.waitUntil { warned() >= 1 })
        // More mail, and more than two retries' time: still the one warning.
        try Fixture.deliver(root, unique: "971.full.h", body: "hello")
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("971.full.h")) })
        try await Task.sleep(for: .seconds(2 * StatusService.retryAfterFailure + 2))
        #expect(warned() == 1, "\(d.logs.all.filter { $0.contains("status file") })")
        // The way cleared: written within a retry, with what happened meanwhile.
        try FileManager.default.removeItem(atPath: state + "/status.json")
        #expect(await Fixture.waitUntil(timeout: 120) { statusFile()?.tagged == 2 })
        // Logged once the write has returned (just after the file appears).
        #expect(await Fixture.waitUntil(timeout: 120) { d.logs.all.contains { $0.contains("status file written again") } })
        try await d.stop()
        #expect(warned() == 1)
    }
}
