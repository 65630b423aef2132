import Foundation
import Testing

extension EndToEnd {
    @Suite("Daemon: bursts and crashes")
    struct DaemonBurstTests {
        /// Checks that every unique in `uniques` has a complete sidecar naming it, and that the
        /// sidecar folder holds no other `.json` file (no half-written or temporary file).
        static func expectComplete(_ ws: Workspace, _ uniques: [String]) {
            var missing: [String] = []
            for u in uniques {
                guard let s = ws.sidecar(u), s.message.unique == u, s.schema == 1, !s.scores.isEmpty else {
                    missing.append(u); continue
                }
            }
            #expect(missing.isEmpty, "\(missing.count) message(s) without a complete sidecar, e.g. \(missing.prefix(3))")
            let expected = Set(uniques.map { $0 + ".json" })
            let stray = ws.sidecarFiles().map { ($0 as NSString).lastPathComponent }.filter { !expected.contains($0) }
            #expect(stray.isEmpty, "unexpected files: \(stray.prefix(5))")
        }

        @Test("a burst of 2,000 deliveries: every message gets its sidecar, none missed")
        func burstAllTagged() async throws {
            let ws = try Workspace(samples: false)
            // A long reconcile interval: the watches alone must catch every delivery.
            let daemon = try await DaemonProcess(ws, reconcile: "1h", extra: [], env: [:])
            let start = Date()
            let uniques = try (0..<2000).map { try ws.deliverSample($0).unique }
            let done = await eventually(timeout: 120) { ws.sidecarFiles().count >= uniques.count }
            let seconds = Date().timeIntervalSince(start)
            #expect(done, "\(ws.sidecarFiles().count) of 2000 sidecars after \(seconds) s")
            Self.expectComplete(ws, uniques)
            print("burst: 2000 deliveries tagged in \(String(format: "%.1f", seconds)) s")
            #expect(daemon.terminate()?.status == 0, "no clean exit 0 after SIGTERM")
        }

        @Test("kill -9 in the middle of a burst, restart: every message ends with a complete sidecar")
        func crashMidBurst() async throws {
            let ws = try Workspace(samples: false)
            var uniques: [String] = []
            do {
                let daemon = try await DaemonProcess(ws, reconcile: "1h")
                uniques += try (0..<600).map { try ws.deliverSample($0).unique }
                // Kill it once it is busy writing sidecars (some done, most not), waited for on
                // this thread: an await could resume after the daemon had tagged all 600.
                _ = waitHere(timeout: 60) { ws.sidecarFiles().count >= 50 }
                daemon.crash()
            }
            let before = ws.sidecarFiles().count
            #expect(before < uniques.count, "the burst finished before the crash; the test proves nothing")
            // Every sidecar written before the crash is whole.
            for file in ws.sidecarFiles() { #expect(SidecarFile.read(file) != nil, "torn sidecar \(file)") }
            // Mail keeps arriving while the daemon is down.
            uniques += try (600..<700).map { try ws.deliverSample($0).unique }
            let restarted = try await DaemonProcess(ws, reconcile: "1h")
            let done = await eventually(timeout: 90) { ws.sidecarFiles().count >= uniques.count }
            #expect(done, "\(ws.sidecarFiles().count) of \(uniques.count) sidecars after restart")
            Self.expectComplete(ws, uniques)
            // The catalog, appended to when the daemon was killed, agrees with the sidecars: one
            // entry per sidecar, same path and tags.
            func catalogMatches() -> Bool {
                guard let entries = CatalogFile.read(state: ws.state), entries.count == uniques.count else { return false }
                return uniques.allSatisfy { u in
                    guard let e = entries["Maildir/INBOX/" + u], let s = ws.sidecar(u) else { return false }
                    return e.path == s.message.path && e.tags == s.tags && e.message_id == s.message.message_id
                }
            }
            #expect(await eventually(timeout: 60) { catalogMatches() },
                    "catalog: \(CatalogFile.read(state: ws.state)?.count ?? -1) entries for \(uniques.count) sidecars")
            #expect(restarted.terminate()?.status == 0, "no clean exit 0 after SIGTERM")
        }
    }
}
