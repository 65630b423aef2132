import Foundation
import Testing

extension EndToEnd.NotmuchTests {
    /// The sender chooses the Message-ID: one of 200 KB (a single `notmuch dump` argument may
    /// hold 128 KiB) made every pass of the link fail with E2BIG, so no tag reached notmuch any
    /// more. notmuch stores ids over 189 bytes as `notmuch-sha1-...`, so they are not mirrored.
    @Test("a hostile Message-ID (200 KB; 190 bytes) is not mirrored, and the other messages' tags still reach notmuch")
    func longMessageIDs() async throws {
        let ws = try Workspace()
        let nm = try NotmuchDB(ws)
        let huge = "<" + String(repeating: "x", count: 200_000) + "@long.example>"
        let over = "<" + String(repeating: "y", count: 183) + "@l.example>"  // 193 bytes bare
        for id in [huge, over] {
            _ = try ws.deliver(Data("From: a@b.example\nTo: me@example.org\nSubject: s\nMessage-ID: \(id)\n\nhello\n".utf8))
        }
        try nm.run(["new", "--quiet"])
        #expect(try ws.tagger(["run", "--once"]).status == 0)
        let r = try ws.tagger(["notmuch-sync"], env: nm.env)
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        let all = Self.sidecars(ws).filter { $0.id.utf8.count < 189 }
        #expect(all.count >= 100)
        #expect(all.contains { !$0.sidecar.tags.isEmpty })
        for m in all where !m.sidecar.tags.isEmpty {
            #expect(nm.tags(id: m.id).isSuperset(of: m.sidecar.tags), "\(m.id): \(nm.tags(id: m.id)) \(r.stderr)")
        }
    }
}
