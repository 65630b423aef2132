import Foundation
import Testing
@testable import TaggerDaemon

/// The watch the notmuch link keeps on a mail client's database directory: it must say when
/// that directory is no longer the one its path leads to, else the link watches a directory
/// nobody writes any more and the user's changes wait for the safety pull.
@Suite struct DirectoryWatchTests {
    func temporaryFolder() throws -> String {
        let root = NSTemporaryDirectory() + "tagger-dirwatch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/db/.notmuch/xapian", withIntermediateDirectories: true)
        return root
    }

    @Test func aCommitInTheDirectoryIsAChange() async throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let w = try DirectoryWatch(directory: root + "/db/.notmuch/xapian") {}
        defer { w.stop() }
        try Data("1".utf8).write(to: URL(fileURLWithPath: root + "/db/.notmuch/xapian/iamglass"), options: .atomic)
        #expect(await Fixture.waitUntil(timeout: 10) { w.takeChange() })
        #expect(w.isAlive)
    }

    @Test func aDeletedDirectoryEndsTheWatch() async throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let w = try DirectoryWatch(directory: root + "/db/.notmuch/xapian") {}
        defer { w.stop() }
        try FileManager.default.removeItem(atPath: root + "/db/.notmuch")
        #expect(await Fixture.waitUntil(timeout: 10) { !w.isAlive })
    }

    /// `mv .notmuch .notmuch.old`, then a new database (`notmuch new`) or a symlink loop in its
    /// place: the watched directory itself is not moved (its parent is), so inotify says
    /// nothing; the path leads to another directory, or nowhere.
    @Test(arguments: ["rebuilt", "symlink loop"])
    func aDatabaseMovedAsideEndsTheWatch(replacedBy: String) async throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let w = try DirectoryWatch(directory: root + "/db/.notmuch/xapian") {}
        defer { w.stop() }
        #expect(w.isAlive)
        try FileManager.default.moveItem(atPath: root + "/db/.notmuch", toPath: root + "/db/.notmuch.old")
        if replacedBy == "rebuilt" {
            try FileManager.default.createDirectory(atPath: root + "/db/.notmuch/xapian", withIntermediateDirectories: true)
        } else {
            try FileManager.default.createSymbolicLink(atPath: root + "/db/.notmuch", withDestinationPath: root + "/db/.notmuch")
        }
        #expect(!w.isAlive)
    }

    @Test func aRepointedSymlinkEndsTheWatch() async throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/other/.notmuch/xapian", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/mail", withDestinationPath: root + "/db")
        let w = try DirectoryWatch(directory: root + "/mail/.notmuch/xapian") {}
        defer { w.stop() }
        #expect(w.isAlive)
        try FileManager.default.removeItem(atPath: root + "/mail")
        try FileManager.default.createSymbolicLink(atPath: root + "/mail", withDestinationPath: root + "/other")
        #expect(!w.isAlive)
    }
}
