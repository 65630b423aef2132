import Foundation
import Testing

extension EndToEnd.NotmuchTests {
    /// The sender chooses the Message-ID: one of 200 KB (a single `notmuch dump` argument may
    /// hold 128 KiB) made every pass of the link fail with E2BIG, so no tag reached notmuch any
    /// more. notmuch stores an id over 189 bytes as `notmuch-sha1-` and the SHA-1 of the id, and
    /// names a message without a Message-ID by the SHA-1 of its file: tagger asks for those names,
    /// so such messages are mirrored both ways like any other, and nothing long reaches a command line.
    @Test("Message-IDs of 200 KB and 193 bytes, and no Message-ID: mirrored both ways under notmuch's sha1 names")
    func messagesNotmuchNamesBySHA1() async throws {
        let ws = try Workspace()
        let nm = try NotmuchDB(ws)
        let huge = "<" + String(repeating: "x", count: 200_000) + "@long.example>"
        let over = "<" + String(repeating: "y", count: 183) + "@l.example>"  // 193 bytes bare
        var odd: [(subject: String, path: String)] = []
        for (n, header) in ["Message-ID: \(huge)\n", "Message-ID: \(over)\n", ""].enumerated() {
            let subject = "oddly named \(n)"
            let d = try ws.deliver(Data("From: a@b.example\nTo: me@example.org\nSubject: \(subject)\n\(header)\nhello\n".utf8))
            odd.append((subject, d.path))
        }
        try nm.run(["new", "--quiet"])
        #expect(try ws.tagger(["run", "--once"]).status == 0)
        // tagger's tags reach notmuch: a label given with `tagger label` is on each.
        for m in odd {
            let r = try ws.tagger(["label", m.path, "+receipts"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let r = try ws.tagger(["notmuch-sync"], env: nm.env)
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        var ids: [String] = []
        for m in odd {
            let id = try nm.run(["search", "--output=messages", "--", "subject:\"\(m.subject)\""])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(id.hasPrefix("id:notmuch-sha1-"), "\(id)")
            ids.append(String(id.dropFirst(3)))
            #expect(nm.tags(id: String(id.dropFirst(3))).contains("receipts"), "\(m.subject): \(r.stderr)")
        }
        // The other messages' tags still reach notmuch.
        let all = Self.sidecars(ws).filter { $0.id.utf8.count < 189 }
        #expect(all.count >= 100)
        #expect(all.contains { !$0.sidecar.tags.isEmpty })
        for m in all where !m.sidecar.tags.isEmpty {
            #expect(nm.tags(id: m.id).isSuperset(of: m.sidecar.tags), "\(m.id): \(nm.tags(id: m.id)) \(r.stderr)")
        }
        // A label added in notmuch to the message without a Message-ID is a correction of it.
        try nm.run(["tag", "+finance", "--", "id:\"\(ids[2])\""])
        let back = try ws.tagger(["notmuch-sync"], env: nm.env)
        #expect(back.stdout.contains("1 correction(s) recorded"), "\(back.stdout) \(back.stderr)")
        let shown = try ws.tagger(["show", odd[2].path])
        #expect(shown.status == 0 && shown.stdout.contains("finance"), "\(shown.stdout) \(shown.stderr)")
        #expect(Self.journal(ws).contains { ($0["source"] as? String) == "notmuch" && ($0["add"] as? [String]) == ["finance"] })
        // Moved to another folder (archived): the same name in notmuch, a new place in tagger's
        // catalog; a change in notmuch still reaches it.
        let moved = ws.maildir + "/.Lists/cur/" + URL(fileURLWithPath: odd[2].path).lastPathComponent
        #expect(rename(odd[2].path, moved) == 0)
        try nm.run(["new", "--quiet"])
        #expect(try ws.tagger(["run", "--once"]).status == 0)
        try nm.run(["tag", "-finance", "--", "id:\"\(ids[2])\""])
        let again = try ws.tagger(["notmuch-sync"], env: nm.env)
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        let after = try ws.tagger(["show", moved])
        let shownAfter = try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any]
        let user = shownAfter?["user"] as? [String: Any]
        #expect((user?["remove"] as? [String]) == ["finance"], "\(after.stdout)")
        #expect((shownAfter?["tags"] as? [String])?.contains("finance") == false, "\(after.stdout)")
        #expect(Self.journal(ws).contains { ($0["source"] as? String) == "notmuch" && ($0["remove"] as? [String]) == ["finance"] })
    }
}
