import Foundation
import Testing

extension EndToEnd {
    @Suite("Damaged files in the state directory")
    struct DamagedStateTests {
        /// A sidecar cut short (a crashed editor, a script's half write) was printed by `show`
        /// with exit status 0, as if it were one.
        @Test("show refuses a damaged sidecar with one line naming it and how to repair it; retag --all rewrites it")
        func damagedSidecar() throws {
            let ws = try Workspace()
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            let file = try #require(ws.sidecarFiles().sorted().first)
            let unique = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            let good = try #require(SidecarFile.read(file))
            try Data("{\"schema\": 1, \"message\": {".utf8).write(to: URL(fileURLWithPath: file))

            let r = try ws.tagger(["show", unique])
            #expect(r.status == 1)
            #expect(r.stdout.isEmpty, "\(r.stdout)")
            #expect(r.stderr.contains(file) && r.stderr.contains("not a readable sidecar"), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")

            #expect(try ws.tagger(["retag", "--all"]).status == 0)
            let again = try ws.tagger(["show", unique])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(SidecarFile.read(file)?.tags == good.tags)
        }
            /// `tagger label` journals first, then writes the sidecar: killed in between, it leaves a
        /// sidecar showing the state before. The journal wins: the next rewrite (a retag) shows
        /// the correction, while a state the journal never had (a hand edit) is kept.
        @Test("a sidecar left behind its journal by a killed label is brought in line by a retag; a hand edit is kept")
        func staleSidecarFollowsTheJournal() throws {
            let ws = try Workspace()
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            let files = ws.sidecarFiles().sorted()
            let (stale, edited) = (files[0], files[1])
            let uStale = ((stale as NSString).lastPathComponent as NSString).deletingPathExtension
            let before = try Data(contentsOf: URL(fileURLWithPath: stale))
            #expect(try ws.tagger(["label", uStale, "+travel"]).status == 0)
            try before.write(to: URL(fileURLWithPath: stale))   // as if killed before the sidecar write
            // A hand edit of another sidecar's user object.
            var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: edited))) as? [String: Any])
            json["user"] = ["add": ["receipts"], "remove": [String]()]
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: edited))

            #expect(try ws.tagger(["retag", "--all"]).status == 0)
            let s = try #require(SidecarFile.read(stale))
            #expect(s.user?.add == ["travel"], "\(String(describing: s.user))")
            #expect(s.tags.contains("travel"))
            #expect(SidecarFile.read(edited)?.user?.add == ["receipts"])
        }
}
}
