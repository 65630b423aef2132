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

    @Test("tags and ids are written so notmuch reads them back")
    func encoding() {
        #expect(NotmuchCLI.encode(tag: "ml/finance") == "ml/finance")
        #expect(NotmuchCLI.encode(tag: "a b%ü") == "a%20b%25%C3%BC")
        #expect(NotmuchCLI.decode(ArraySlice(Array(NotmuchCLI.encode(tag: "a b%ü").utf8))) == "a b%ü")
        #expect(NotmuchCLI.idQuery(#"we"ird@x"#) == #"id:"we""ird@x""#)
        #expect(!NotmuchCLI.isUsableID("a\nb@x") && !NotmuchCLI.isUsableID("") && NotmuchCLI.isUsableID("a@b"))
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
