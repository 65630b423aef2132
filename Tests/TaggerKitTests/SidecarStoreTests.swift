import Foundation
import Testing
@testable import TaggerMaildir
@testable import TaggerState
@testable import TaggerSystem

@Suite struct SidecarStoreTests {
    let folder = MaildirFolder(path: "/m/.Lists", relativePath: ".Lists")

    func sample(tags: [String] = ["finance"], user: Sidecar.User = .init(), at: String = "2026-11-26T10:04:12Z") -> Sidecar {
        Sidecar(
            message: .init(unique: "1.M2.h", path: ".Lists/cur/1.M2.h:2,S", messageID: "<a@b>"),
            modelTags: tags, scores: ["finance": 0.93, "important": 0.12], thresholds: ["finance": 0.41, "important": 0.63],
            abstained: ["receipts"], user: user, model: .init(id: "m1", trainedAt: "2026-11-26T10:00:00Z"), taggedAt: at)
    }

    func mode(_ path: String) -> mode_t {
        var st = stat()
        stat(path, &st)
        return st.st_mode & 0o777
    }

    func inode(_ path: String) -> ino_t {
        var st = stat()
        stat(path, &st)
        return st.st_ino
    }

    @Test func pathMappingMirrorsFolders() {
        let layout = SidecarLayout(stateDirectory: "/s")
        let inbox = MaildirFolder(path: "/home/u/Maildir", relativePath: "")
        let m = MaildirMessage(folder: inbox, subdirectory: "new", fileName: "1.M2.h,S=42:2,S")
        #expect(layout.path(maildirName: "Maildir", message: m) == "/s/sidecars/Maildir/INBOX/1.M2.h,S=42.json")
        let nested = MaildirMessage(folder: MaildirFolder(path: "/x/Work/P", relativePath: "Work/P"), subdirectory: "cur", fileName: "9.a:2,")
        #expect(layout.path(maildirName: "Mail", message: nested) == "/s/sidecars/Mail/Work/P/9.a.json")
    }

    @Test func writesAtomicallyWithPrivateModes() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let store = SidecarStore(layout: SidecarLayout(stateDirectory: t.path + "/state"))
        #expect(try store.write(maildirName: "Maildir", folder: folder, unique: "1.M2.h") { _ in sample() } == .written)
        let file = t.path + "/state/sidecars/Maildir/.Lists/1.M2.h.json"
        #expect(mode(file) == 0o600)
        #expect(mode(t.path + "/state") == 0o700)
        #expect(mode(t.path + "/state/sidecars/Maildir/.Lists") == 0o700)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: t.path + "/state/sidecars/Maildir/.Lists")
        #expect(leftovers == ["1.M2.h.json"])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
        #expect(json["schema"] as? Int == 1)
        #expect((json["message"] as? [String: Any])?["message_id"] as? String == "<a@b>")
        #expect(json["tagged_at"] as? String == "2026-11-26T10:04:12Z")
        #expect(json["error"] == nil)
        #expect(try store.read(maildirName: "Maildir", folder: folder, unique: "1.M2.h") == sample())
    }

    @Test func unchangedContentIsNotRewritten() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let store = SidecarStore(layout: SidecarLayout(stateDirectory: t.path))
        try store.write(maildirName: "M", folder: folder, unique: "1.M2.h") { _ in sample() }
        let file = t.path + "/sidecars/M/.Lists/1.M2.h.json"
        let before = inode(file)
        let result = try store.write(maildirName: "M", folder: folder, unique: "1.M2.h") { _ in sample(at: "2030-01-01T00:00:00Z") }
        #expect(result == .unchanged)
        #expect(inode(file) == before)
        #expect(try store.read(maildirName: "M", folder: folder, unique: "1.M2.h")?.taggedAt == "2026-11-26T10:04:12Z")
        #expect(try store.write(maildirName: "M", folder: folder, unique: "1.M2.h") { _ in sample(tags: []) } == .written)
        #expect(inode(file) != before)
    }

    @Test func symlinkedComponentIsRefused() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let elsewhere = t.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: t.path + "/state/sidecars", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: t.path + "/state/sidecars/M", withDestinationPath: elsewhere)
        let store = SidecarStore(layout: SidecarLayout(stateDirectory: t.path + "/state"))
        let error = #expect(throws: SystemError.self) {
            try store.write(maildirName: "M", folder: folder, unique: "1.M2.h") { _ in sample() }
        }
        #expect(error?.isSymlinkRefused == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    @Test func symlinkedSidecarFileIsRefused() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let store = SidecarStore(layout: SidecarLayout(stateDirectory: t.path))
        try FileManager.default.createDirectory(atPath: t.path + "/sidecars/M/.Lists", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: t.path + "/target", contents: Data("{}".utf8))
        try FileManager.default.createSymbolicLink(atPath: t.path + "/sidecars/M/.Lists/1.M2.h.json", withDestinationPath: t.path + "/target")
        #expect(throws: SystemError.self) { try store.read(maildirName: "M", folder: folder, unique: "1.M2.h") }
        #expect(String(decoding: FileManager.default.contents(atPath: t.path + "/target")!, as: UTF8.self) == "{}")
    }

    @Test func tagsAreModelTagsPlusAddMinusRemove() {
        let user = Sidecar.User(add: ["important", "personal"], remove: ["finance", "personal"])
        #expect(Sidecar.applying(user: user, to: ["finance", "newsletter"]) == ["important", "newsletter"])
        #expect(sample(tags: ["finance"], user: .init(add: ["receipts"])).tags == ["finance", "receipts"])
    }

    @Test func retagKeepsTheUserObject() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let store = SidecarStore(layout: SidecarLayout(stateDirectory: t.path))
        let user = Sidecar.User(add: ["important"], remove: ["finance"])
        try store.write(maildirName: "M", folder: folder, unique: "1.M2.h") { _ in sample(user: user) }
        // A retag builds from the existing sidecar's user, as the daemon does.
        try store.write(maildirName: "M", folder: folder, unique: "1.M2.h") { old in
            sample(tags: ["finance", "newsletter"], user: old?.user ?? .init())
        }
        let s = try #require(try store.read(maildirName: "M", folder: folder, unique: "1.M2.h"))
        #expect(s.user == user)
        #expect(s.tags == ["important", "newsletter"])
    }

    @Test func keysListsSidecarsAndDropsStaleTemporaries() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let store = SidecarStore(layout: SidecarLayout(stateDirectory: t.path))
        try store.write(maildirName: "M", folder: folder, unique: "1.M2.h") { _ in sample() }
        try store.write(maildirName: "M", folder: MaildirFolder(path: "/m", relativePath: ""), unique: "7.x") { _ in sample() }
        let stale = t.path + "/sidecars/M/.Lists/.1.M2.h.json.999999.1.tmp"
        _ = FileManager.default.createFile(atPath: stale, contents: Data("{".utf8))
        #expect(store.keys(maildirName: "M") == [".Lists/1.M2.h", "INBOX/7.x"])
        #expect(!Fixture.exists(stale))
        try store.remove(maildirName: "M", folderSidecarName: "INBOX", unique: "7.x")
        #expect(store.keys(maildirName: "M") == [".Lists/1.M2.h"])
    }
}
