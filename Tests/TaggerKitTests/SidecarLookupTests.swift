import Foundation
import Testing
@testable import TaggerMaildir
@testable import TaggerState

@Suite struct SidecarLookupTests {
    @Test func findsByPathUniqueNameAndMessageID() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let root = t.path + "/Maildir"
        try Fixture.makeFolder(root + "/.Lists")
        let file = try Fixture.deliver(root + "/.Lists", unique: "1.x.h", body: "b")
        let layout = SidecarLayout(stateDirectory: t.path + "/state")
        let store = SidecarStore(layout: layout)
        let folder = MaildirFolder(path: root + "/.Lists", relativePath: ".Lists")
        try store.write(maildirName: "Maildir", folder: folder, unique: "1.x.h") { _ in
            Sidecar(message: .init(unique: "1.x.h", path: ".Lists/new/1.x.h", messageID: "<id-1@example.org>"),
                    modelTags: [], scores: [:], thresholds: [:], abstained: [], user: .init(),
                    model: .init(id: "m", trainedAt: "t"), taggedAt: "2026-11-26T10:04:12Z")
        }
        let expected = t.path + "/state/sidecars/Maildir/.Lists/1.x.h.json"
        let lookup = SidecarLookup(maildirs: [.init(root: root, name: "Maildir")], layout: layout)
        #expect(try lookup.find(file) == expected)
        #expect(try lookup.find(root + "/.Lists/cur/1.x.h:2,S") == expected)   // a later flag rename maps the same
        #expect(try lookup.find("1.x.h") == expected)
        #expect(try lookup.find("<id-1@example.org>") == expected)
        #expect(try lookup.find("id-1@example.org") == expected)
        #expect(throws: SidecarLookup.NotFound.self) { try lookup.find("nope@example.org") }
        #expect(throws: SidecarLookup.NotFound.self) { try lookup.find(root + "/.Lists/tmp/1.x.h") }
    }
}
