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

/// FIFOs, devices and symbolic links where tagger expects regular files and folders.
@Suite("Odd files: FIFOs and symbolic links")
struct OddFileTests {
    @Test("a FIFO is refused at once by every reader: message, journal, config, sidecar")
    func fifoIsRefusedAtOnce() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let fifo = t.path + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect { try MessageFile.read(fifo) } throws: { "\($0)".contains("FIFO") }
        #expect { try Journal(path: fifo).read() } throws: { "\($0)".contains("FIFO") }
        #expect { try ConfigSettings.load(path: fifo) } throws: { "\($0)".contains("FIFO") }
        let dir = try SecureDirectory.open(base: t.path, components: [], create: false)
        #expect { try dir.read("fifo") } throws: { "\($0)".contains("FIFO") }
        #expect { try MessageFile.read("/dev/null") } throws: { "\($0)".contains("character device") }
    }

    @Test("a message file is not read through a symbolic link; the folders above it may be links")
    func messageLinkIsRefused() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        _ = FileManager.default.createFile(atPath: t.path + "/real.eml", contents: Data("Subject: x\n\nbody\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: t.path + "/link.eml", withDestinationPath: "real.eml")
        #expect { try MessageFile.read(t.path + "/link.eml") } throws: { "\($0)".contains("symbolic link") }
        try FileManager.default.createSymbolicLink(atPath: t.path + "/dirlink", withDestinationPath: t.path)
        #expect(try MessageFile.read(t.path + "/dirlink/real.eml").count == 17)
    }

    @Test("the journal is not read through a link planted at its path; a missing journal is empty")
    func journalLinkIsRefused() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        #expect(try Journal(path: t.path + "/corrections.jsonl").read().records.isEmpty)
        _ = FileManager.default.createFile(atPath: t.path + "/other", contents: Data())
        try FileManager.default.createSymbolicLink(atPath: t.path + "/corrections.jsonl", withDestinationPath: "other")
        #expect(throws: TaggerError.self) { try Journal(path: t.path + "/corrections.jsonl").read() }
    }

    @Test("the config file may be a symbolic link (the user's own path)")
    func configLinkIsRead() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        _ = FileManager.default.createFile(atPath: t.path + "/real.toml", contents: Data("log_level = \"debug\"\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: t.path + "/config.toml", withDestinationPath: "real.toml")
        #expect(try ConfigSettings.load(path: t.path + "/config.toml").logLevel == .debug)
    }

    @Test("the scanner enters no link below the root: loops and trees outside are not folders")
    func scannerDoesNotFollowLinks() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let root = t.path + "/M"
        try Fixture.makeFolder(root)
        try Fixture.makeFolder(t.path + "/outside/.Stolen")
        try FileManager.default.createSymbolicLink(atPath: root + "/a", withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: root + "/b", withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: root + "/.Linked", withDestinationPath: t.path + "/outside/.Stolen")
        try FileManager.default.createDirectory(atPath: root + "/.Half", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/.Half/cur", withDestinationPath: t.path + "/outside/.Stolen/cur")
        try FileManager.default.createSymbolicLink(atPath: root + "/.Half/new", withDestinationPath: t.path + "/outside/.Stolen/new")
        let s = try MaildirScanner(root: root).structure()
        #expect(s.folders.map(\.relativePath) == [""])
        #expect(Set(s.containers.map(\.relativePath)) == ["", ".Half"])
        // The root itself may be a link.
        try FileManager.default.createSymbolicLink(atPath: t.path + "/L", withDestinationPath: root)
        #expect(try MaildirScanner(root: t.path + "/L").structure().folders.map(\.relativePath) == [""])
    }

    @Test("links in new/ and cur/ are listed as messages (reading them refuses them), a linked new/ is not a folder and is not entered")
    func scannerListsLinkedMessageFiles() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let root = t.path + "/M"
        try Fixture.makeFolder(root)
        try FileManager.default.createSymbolicLink(atPath: root + "/cur/1.link.h:2,S", withDestinationPath: "/etc/passwd")
        let scanner = MaildirScanner(root: root)
        let folder = try scanner.structure().folders[0]
        #expect(try scanner.messages(in: folder).map(\.unique) == ["1.link.h"])
        let other = t.path + "/N"
        try Fixture.makeFolder(t.path + "/elsewhere")
        _ = FileManager.default.createFile(atPath: t.path + "/elsewhere/new/2.x.h", contents: Data("x".utf8))
        try FileManager.default.createDirectory(atPath: other + "/cur", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: other + "/new", withDestinationPath: t.path + "/elsewhere/new")
        #expect(try MaildirScanner(root: other).structure().folders.isEmpty)
        #expect { try MaildirScanner(root: other).messages(in: MaildirFolder(path: other, relativePath: "")) } throws: {
            ($0 as? SystemError)?.isSymlinkRefused == true
        }
    }
}

@Suite("Directory listing")
struct DirectoryListingTests {
    @Test("entries with names of every length up to 255 bytes are listed exactly (run under ASan: no read past a record)")
    func namesOfEveryLength() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        var expected = Set<String>()
        for n in 1...255 {
            let name = String(repeating: "n", count: n)
            _ = FileManager.default.createFile(atPath: t.path + "/" + name, contents: nil)
            expected.insert(name)
        }
        let listed = try MaildirScanner.directoryEntries(t.path)
        #expect(Set(listed.map(\.name)) == expected)
        #expect(listed.allSatisfy { $0.validName && !$0.isDirectory && !$0.isLink })
    }
}
