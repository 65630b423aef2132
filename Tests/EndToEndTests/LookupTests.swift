import Foundation
import Testing

extension EndToEnd {
    @Suite("show and label find a message by unique name or Message-ID (the catalog)")
    struct LookupTests {
        @Test("show by unique name, Message-ID (brackets optional) and path; label by Message-ID; a lost catalog is rebuilt")
        func lookups() throws {
            let ws = try Workspace()
            let run = try ws.tagger(["run", "--once", "--log-level", "warning"])
            #expect(run.status == 0, "\(run.stderr)")
            let file = try #require(ws.sidecarFiles().sorted().first { SidecarFile.read($0)?.message.message_id != nil })
            let s = try #require(SidecarFile.read(file))
            let id = try #require(s.message.message_id)

            let byUnique = try ws.tagger(["show", s.message.unique, "--path"])
            #expect(byUnique.status == 0 && byUnique.stdout == file + "\n", "\(byUnique.stdout) \(byUnique.stderr)")
            for query in [id, id.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))] {
                let r = try ws.tagger(["show", query])
                #expect(r.status == 0, "\(query): \(r.stderr)")
                #expect(r.stdout == Command.read(file), "\(query): another sidecar")
            }
            let byPath = try ws.tagger(["show", ws.maildir + "/" + s.message.path.replacingOccurrences(of: "INBOX/", with: ""), "--path"])
            #expect(byPath.stdout == file + "\n", "\(byPath.stderr)")
            let unknown = try ws.tagger(["show", "<nobody@nowhere.invalid>"])
            #expect(unknown.status == 1 && unknown.stderr.contains("no sidecar found"), "\(unknown.stderr)")

            // label by Message-ID; the catalog has the new tags.
            let label = SampleMail.labels.first { !s.tags.contains($0) } ?? "custom"
            let r = try ws.tagger(["label", id, "+" + label])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(ws.sidecar(s.message.unique)?.user?.add == [label])
            #expect(CatalogFile.read(state: ws.state)?["Maildir/INBOX/" + s.message.unique]?.tags.contains(label) == true)

            // Without its catalog, show still answers and the catalog is built again.
            try FileManager.default.removeItem(atPath: ws.state + "/catalog")
            let again = try ws.tagger(["show", id, "--path"])
            #expect(again.status == 0 && again.stdout == file + "\n", "\(again.stderr)")
            let sidecars = (FileManager.default.enumerator(atPath: ws.state + "/sidecars")?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".json") }
            #expect(sidecars.count > ws.sidecarFiles().count)   // folders besides INBOX
            #expect(CatalogFile.read(state: ws.state)?.count == sidecars.count)
        }
    }
}
