import Foundation
import Testing
@testable import TaggerMaildir
@testable import TaggerSystem

@Suite struct MaildirScannerTests {
    @Test func findsMaildirPlusPlusAndNestedFolders() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let root = t.path + "/Maildir"
        try Fixture.makeFolder(root)
        try Fixture.makeFolder(root + "/.Lists.swift")
        try Fixture.makeFolder(root + "/.Sent")
        try Fixture.makeFolder(root + "/Work/Projects")   // verbatim layout, Work itself not a folder
        try FileManager.default.createDirectory(atPath: root + "/.notmuch/xapian", withIntermediateDirectories: true)
        try Fixture.makeFolder(root + "/.notmuch/xapian")  // never a folder: notmuch's database
        try Fixture.makeFolder(root + "/cur/inner")        // never entered

        let s = try MaildirScanner(root: root).structure()
        let rels = Set(s.folders.map(\.relativePath))
        #expect(rels == ["", ".Lists.swift", ".Sent", "Work/Projects"])
        #expect(s.folders.first { $0.relativePath == "" }?.sidecarName == "INBOX")
        #expect(s.containers.contains { $0.relativePath == "Work" })
    }

    @Test func listsNewAndCurSkippingNonMessages() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let root = t.path + "/M"
        try Fixture.makeFolder(root)
        for name in ["new/1.a.h", "cur/2.a.h:2,S", "cur/.3.hidden", "cur/dovecot-uidlist", "tmp/4.a.h", "maildirfolder"] {
            _ = FileManager.default.createFile(atPath: root + "/" + name, contents: Data("x".utf8))
        }
        let scanner = MaildirScanner(root: root)
        let folder = try scanner.structure().folders[0]
        let found = try scanner.messages(in: folder)
        #expect(Set(found.map(\.unique)) == ["1.a.h", "2.a.h"])
        #expect(Set(found.map(\.relativePath)) == ["INBOX/new/1.a.h", "INBOX/cur/2.a.h:2,S"])
    }

    @Test func unreadableRootThrows() {
        #expect(throws: SystemError.self) { try MaildirScanner(root: "/nonexistent/tagger/Maildir").structure() }
    }
}
