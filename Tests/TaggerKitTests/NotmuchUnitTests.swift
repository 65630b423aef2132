import Foundation
import Testing
import TaggerConfig
import TaggerState
@testable import TaggerNotmuch

@Suite("notmuch link: batch-tag syntax, its state file, its config keys")
struct NotmuchUnitTests {
    @Test("dump lines: tags %-decoded, ids bare or quoted with doubled quotes, untagged messages")
    func dumpLines() throws {
        let a = try #require(NotmuchCLI.parseDumpLine(Array("+a%20b +inbox +x%25y -- id:m2@x".utf8)))
        #expect(a == NotmuchTags(id: "m2@x", tags: ["a b", "inbox", "x%y"]))
        let b = try #require(NotmuchCLI.parseDumpLine(Array(#"+inbox -- id:"weird""q%x@y""#.utf8)))
        #expect(b == NotmuchTags(id: #"weird"q%x@y"#, tags: ["inbox"]))
        let c = try #require(NotmuchCLI.parseDumpLine(Array(" -- id:m3@x".utf8)))
        #expect(c == NotmuchTags(id: "m3@x", tags: []))
        #expect(NotmuchCLI.parseDumpLine(Array("garbage".utf8)) == nil)
        #expect(NotmuchCLI.parseDumpLine(Array(#"+a -- id:"unterminated"#.utf8)) == nil)
        #expect(NotmuchCLI.parseDumpLine(Array("-a -- id:x@y".utf8)) == nil)
    }

    @Test("SHA-1: the standard vectors and every padding boundary; notmuch's names for ids it cannot keep")
    func sha1Names() {
        #expect(SHA1.hex([]) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hex(Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(SHA1.hex(Array(repeating: UInt8(ascii: "a"), count: 1_000_000)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        // Lengths around the 56- and 64-byte boundaries of the padding (Python's hashlib).
        let expected = [55: "8ae2d46729cfe68ff927af5eec9c7d1b66d65ac2", 56: "636e2ec698dac903498e648bd2f3af641d3c88cb",
                        63: "6d942da0c4392b123528f2905c713a3ce28364bd", 64: "c6138d514ffa2135bfce0ed0b8fac65669917ec7",
                        65: "69bd728ad6e13cd76ff19751fde427b00e395746", 119: "41c89d06001bab4ab78736b44efe7ce18ce6ae08",
                        120: "d3dbd653bd8597b7475321b60a36891278e6a04a", 128: "e6434bc401f98603d7eda504790c98c67385d535"]
        for (n, digest) in expected {
            #expect(SHA1.hex((0..<n).map { UInt8($0 % 251) }) == digest, "\(n) bytes")
        }
        // As notmuch 0.37 names them (read back from a real database): ids up to 189 bytes as
        // they are, longer ones by the SHA-1 of the id and a NUL, a file without one by its SHA-1.
        let kept = String(repeating: "z", count: 184) + "@a.bc"
        #expect(NotmuchID.of(messageID: kept) == kept)
        #expect(NotmuchID.of(messageID: String(repeating: "y", count: 185) + "@a.bc") == "notmuch-sha1-4dec370c0d40edd0d353ba64e21111c7ebeb9e5f")
        #expect(NotmuchID.of(messageID: "a\nb@c") == nil)
        #expect(NotmuchID.of(messageID: String(repeating: "y", count: 185) + "\n@a.bc")?.hasPrefix("notmuch-sha1-") == true)
        #expect(NotmuchID.of(messageID: "a\u{0}b@c") == nil)
        let file = "From: a@b.example\nSubject: no id here\nDate: Sun, 6 Dec 2026 10:00:00 +0000\n\nbody text\n"
        #expect(NotmuchID.of(file: Array(file.utf8)) == "notmuch-sha1-ce77254a9baddab4dbdd5d592d23e5641981ad65")
    }

    @Test("tags and ids are written so notmuch reads them back")
    func encoding() {
        #expect(NotmuchCLI.encode(tag: "ml/finance") == "ml/finance")
        #expect(NotmuchCLI.encode(tag: "a b%ü") == "a%20b%25%C3%BC")
        #expect(NotmuchCLI.decode(ArraySlice(Array(NotmuchCLI.encode(tag: "a b%ü").utf8))) == "a b%ü")
        #expect(NotmuchCLI.idQuery(#"we"ird@x"#) == #"id:"we""ird@x""#)
        #expect(NotmuchID.of(messageID: "a\nb@x") == nil && NotmuchID.of(messageID: "") == nil && NotmuchID.of(messageID: "a@b") == "a@b")
    }

    @Test("the state file: later lines win, another database forgets the messages, compaction keeps the state")
    func stateFile() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/nm-state-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sd = StateDirectory(dir)
        let s = NotmuchSyncState(state: sd)
        #expect(s.uuid == nil && s.revision == 0 && s.messages.isEmpty)
        try s.record(["a@x": .init(seen: ["finance"], owned: ["finance"])], database: ("U1", 7))
        try s.record(["a@x": .init(seen: ["finance", "important"], owned: ["finance"]),
                      "b@x": .init(seen: [], owned: [])])
        var r = NotmuchSyncState(state: sd)
        #expect(r.uuid == "U1" && r.revision == 7)
        #expect(r.messages["a@x"] == .init(seen: ["finance", "important"], owned: ["finance"]))
        #expect(r.messages.count == 2)
        // Many rewrites: compacted, same state.
        for i in 0..<5000 { try s.record(["a@x": .init(seen: ["l\(i % 3)"], owned: [])]) }
        let size = (try FileManager.default.attributesOfItem(atPath: dir + "/sync/notmuch.jsonl")[.size] as? Int) ?? 0
        #expect(size < 200_000, "not compacted: \(size) bytes")
        r = NotmuchSyncState(state: sd)
        #expect(r.messages["a@x"] == s.messages["a@x"] && r.messages["b@x"] == .init(seen: [], owned: []))
        // A rebuilt database (new UUID): nothing known of its messages.
        try s.record([:], database: ("U2", 0))
        r = NotmuchSyncState(state: sd)
        #expect(r.uuid == "U2" && r.revision == 0 && r.messages.isEmpty)
    }

    @Test("config: notmuch and notmuch_tag_prefix")
    func config() throws {
        let s = try ConfigSettings.parse("notmuch = true\nnotmuch_tag_prefix = \"ml/\"\n", file: "c.toml")
        #expect(s.notmuch == true && s.notmuchTagPrefix == "ml/")
        #expect(throws: ConfigError.self) { try ConfigSettings.parse("notmuch = \"yes\"", file: "c.toml") }
        #expect(throws: ConfigError.self) { try ConfigSettings.parse("notmuch_tag_prefix = \"a b\"", file: "c.toml") }
        let dir = FileManager.default.temporaryDirectory.path
        let resolved = try ResolvedConfig.resolve(configPath: nil, overrides: ConfigSettings(), environment: ["HOME": dir, "XDG_CONFIG_HOME": dir + "/none"])
        #expect(resolved.notmuch == false && resolved.notmuchTagPrefix == "")
    }

    @Test("no notmuch on PATH: a clear error, not a crash")
    func notInstalled() {
        #expect(throws: NotmuchError.notInstalled(path: "/nonexistent")) { try NotmuchCLI(environment: ["PATH": "/nonexistent"]) }
        #expect("\(NotmuchError.notInstalled(path: "/x"))".contains("no `notmuch` command on PATH"))
    }
}

@Suite("notmuch link: each notmuch call gives its descriptors back", .serialized,
       .enabled(if: ["/usr/bin/notmuch", "/usr/local/bin/notmuch", "/bin/notmuch"].contains { FileManager.default.isExecutableFile(atPath: $0) },
                "notmuch is not installed"))
struct NotmuchCallDescriptorTests {
    static func openPipes() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).filter {
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + $0)) ?? "").hasPrefix("pipe:")
        }.count
    }

    @Test("40 calls leave no pipe open (the call's time-limit kept each call's two pipes for its 300 s)")
    func callsCloseTheirPipes() throws {
        let cli = try NotmuchCLI(environment: ["PATH": "/usr/local/bin:/usr/bin:/bin"])
        _ = try cli.run(["--version"])
        let before = Self.openPipes()
        for _ in 0..<40 { _ = try cli.run(["--version"]) }
        // Other tests of this process may hold a few pipes meanwhile; the leak was 80.
        #expect(Self.openPipes() - before < 20)
    }
}
