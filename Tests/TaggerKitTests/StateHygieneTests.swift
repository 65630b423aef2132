import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import TaggerConfig
@testable import TaggerCore
@testable import TaggerDaemon
@testable import TaggerMaildir
@testable import TaggerState
@testable import TaggerSystem

@Suite("State directory: long names, report names, permissions")
struct StateHygieneTests {
    @Test("a 255-byte unique name gets a sidecar name within NAME_MAX, stable and distinct")
    func longUniqueNamesAreShortened() {
        let layout = SidecarLayout(stateDirectory: "/s")
        let a = String(repeating: "a", count: 250) + "1"
        let b = String(repeating: "a", count: 250) + "2"
        let wide = String(repeating: "é", count: 127)   // 254 bytes, 2-byte characters
        for u in [a, b, wide] {
            let name = layout.fileName(unique: u)
            #expect(name.utf8.count <= 255 - 24, "\(name.utf8.count) bytes")   // room for the temporary's suffix
            #expect(layout.fileName(unique: u) == name)
            #expect(layout.stem(unique: layout.stem(unique: u)) == layout.stem(unique: u))   // keys map back to themselves
        }
        #expect(layout.fileName(unique: a) != layout.fileName(unique: b))
        #expect(layout.stem(unique: wide).hasPrefix(String(repeating: "é", count: 80) + "~"))
        #expect(layout.fileName(unique: "1.M2.host,S=42") == "1.M2.host,S=42.json")   // ordinary names unchanged
    }

    @Test("a long-named message gets a sidecar the store writes, reads and lists under the same key")
    func longNameSidecarRoundTrip() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let layout = SidecarLayout(stateDirectory: t.path + "/state")
        let store = SidecarStore(layout: layout)
        let unique = String(repeating: "x", count: 240) + ".M1.h"
        let folder = MaildirFolder(path: t.path + "/M", relativePath: "")
        try store.write(maildirName: "M", folder: folder, unique: unique) { _ in
            Sidecar(message: .init(unique: unique, path: "new/" + unique, messageID: nil), modelTags: [], scores: [:],
                    thresholds: [:], abstained: [], user: .init(), model: .init(id: "m", trainedAt: "t"), taggedAt: "t")
        }
        #expect(try store.read(maildirName: "M", folder: folder, unique: unique)?.message.unique == unique)
        #expect(store.keys(maildirName: "M") == ["INBOX/" + layout.stem(unique: unique)])
    }

    @Test("retrain report names are unique within one second and sort in time order")
    func reportNamesAreUnique() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let dir = try SecureDirectory.open(base: t.path, components: ["reports"], create: true)
        let now = Date(timeIntervalSince1970: 1_800_000_000.25)
        var names: [String] = []
        for i in 0..<5 {
            let name = ReportName.unused(in: dir, date: i < 3 ? now : now.addingTimeInterval(0.5))
            try dir.writeAtomically(name, bytes: Array("{}".utf8))
            names.append(name)
        }
        #expect(Set(names).count == 5, "\(names)")
        #expect(names[0] == "retrain-20270115T080000.250Z.json", "\(names[0])")
        #expect(names[1] == "retrain-20270115T080000.250Z-2.json")
        #expect(names[3] == "retrain-20270115T080000.750Z.json")
    }

    @Test("an existing state directory of mode 0755 is made 0700, with one warning")
    func looseStateDirectoryIsTightened() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let state = t.path + "/state"
        #expect(mkdir(state, 0o755) == 0)
        chmod(state, 0o755)
        var warnings: [String] = []
        StateDirectoryMode.tighten(state) { warnings.append($0) }
        StateDirectoryMode.tighten(state) { warnings.append($0) }
        var st = stat()
        #expect(stat(state, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o700)
        #expect(warnings.count == 1 && warnings[0].contains("0755"), "\(warnings)")
        // A private one is left alone, silently.
        let tight = t.path + "/tight"
        #expect(mkdir(tight, 0o700) == 0)
        #expect(StateDirectoryMode.tighten(tight) { warnings.append($0) } == nil)
    }
}
