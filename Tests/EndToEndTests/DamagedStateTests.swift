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
    }
}
