import Foundation
import Testing
@testable import TaggerState

/// A fresh temporary folder for one test.
private func tempDir() -> String {
    let d = NSTemporaryDirectory() + "tagger-journal-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

private func correction(_ unique: String?, id: String? = nil, digest: String? = nil, add: [String] = [],
                        remove: [String] = [], model: [String] = [], op: Correction.Operation = .label) -> Correction {
    Correction(op: op, at: "2026-11-26T10:00:00Z", unique: unique, messageID: id, digest: digest, path: nil,
               add: add, remove: remove, modelTags: model)
}

@Suite struct CorrectionsJournalTests {
    @Test func appendedCorrectionsAreReadBackInOrder() throws {
        let j = Journal(path: tempDir() + "/corrections.jsonl")
        try j.append([correction("a", add: ["finance"])])
        try j.append([correction("b", remove: ["newsletter"], model: ["newsletter"])])
        let (records, warnings) = try j.read()
        #expect(warnings.isEmpty)
        #expect(records.map(\.correction.unique) == ["a", "b"])
        #expect(records.map(\.line) == [1, 2])
        let attrs = try FileManager.default.attributesOfItem(atPath: j.path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }

    @Test func aTornLastLineIsSkippedWithAWarningAndTheNextAppendStillWorks() throws {
        let j = Journal(path: tempDir() + "/corrections.jsonl")
        try j.append([correction("a", add: ["finance"])])
        // A crash in the middle of an append: half a record, no newline.
        let h = try #require(FileHandle(forWritingAtPath: j.path))
        h.seekToEndOfFile()
        h.write(Data("{\"v\":1,\"op\":\"label\",\"at\":\"2026".utf8))
        try h.close()
        var (records, warnings) = try j.read()
        #expect(records.count == 1)
        #expect(warnings.count == 1)
        #expect(warnings[0].contains("torn"))
        try j.append([correction("b", add: ["personal"])])
        (records, warnings) = try j.read()
        #expect(records.map(\.correction.unique) == ["a", "b"])
        #expect(warnings.count == 1)  // the torn fragment stays a skipped line of its own
    }

    @Test func damageInTheMiddleLosesOnlyThatLine() throws {
        let j = Journal(path: tempDir() + "/corrections.jsonl")
        try j.append([correction("a", add: ["x"]), correction("b", add: ["y"]), correction("c", add: ["z"])])
        var text = try String(contentsOfFile: j.path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"unique\":\"b\"", with: "\"unique\":\"b\"garbage")
        try text.write(toFile: j.path, atomically: true, encoding: .utf8)
        let (records, warnings) = try j.read()
        #expect(records.map(\.correction.unique) == ["a", "c"])
        #expect(warnings == ["\(j.path):2: skipped an unreadable line"])
    }

    @Test func foldAppliesAddRemoveAndReset() throws {
        let j = Journal(path: tempDir() + "/corrections.jsonl")
        try j.append([
            correction("m1", add: ["finance", "important"], model: ["newsletter"]),
            correction("m1", remove: ["important", "newsletter"], model: ["newsletter"]),
            correction("m2", add: ["personal"]),
            correction("m2", op: .reset),
            // `label m3 = +finance`: forget the earlier corrections, then apply the new ones.
            correction("m3", add: ["personal"], remove: ["important"]),
            correction("m3", add: ["finance"], remove: ["newsletter"], op: .reset),
        ])
        let (index, _) = try j.fold()
        let m1 = try #require(index.lookup(unique: "m1", messageID: nil, digest: nil))
        #expect(m1.add == ["finance"])
        #expect(m1.remove == ["important", "newsletter"])
        #expect(m1.labels == ["finance"])   // model said newsletter; user: +finance, -newsletter
        #expect(index.lookup(unique: "m2", messageID: nil, digest: nil)?.isEmpty == true)
        let m3 = try #require(index.lookup(unique: "m3", messageID: nil, digest: nil))
        #expect(m3.add == ["finance"] && m3.remove == ["newsletter"])
        #expect(index.corrected.count == 2)  // the message reset to nothing is not training data
    }

    @Test func aMovedMessageIsFoundByMessageIDOrDigest() throws {
        let j = Journal(path: tempDir() + "/corrections.jsonl")
        try j.append([correction("old-unique", id: "<a@x>", digest: "d1", add: ["finance"])])
        let (index, _) = try j.fold()
        #expect(index.lookup(unique: "new-unique", messageID: "<a@x>", digest: nil)?.add == ["finance"])
        #expect(index.lookup(unique: "new-unique", messageID: nil, digest: "d1")?.add == ["finance"])
        #expect(index.lookup(unique: "other", messageID: "<b@x>", digest: "d2") == nil)
    }

    @Test func aMissingJournalIsEmpty() throws {
        let (records, warnings) = try Journal(path: tempDir() + "/none.jsonl").read()
        #expect(records.isEmpty && warnings.isEmpty)
    }
}
