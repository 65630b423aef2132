import Foundation
import TaggerLock
import Testing
@testable import TaggerMaildir
@testable import TaggerState

/// A state directory with one Maildir (`Maildir`, folders INBOX and .Lists) and a TagStore on it.
struct StoreFixture {
    let t: TempDir
    let state: StateDirectory
    let maildir = MaildirRoot(root: "/nonexistent/Maildir", name: "Maildir")
    let inbox = MaildirFolder(path: "/nonexistent/Maildir", relativePath: "")
    let lists = MaildirFolder(path: "/nonexistent/Maildir/.Lists", relativePath: ".Lists")

    init() throws {
        t = try TempDir()
        state = StateDirectory(t.path + "/state")
    }

    func store(compactAfter: Int = 4096) -> TagStore {
        TagStore(state: state, maildirs: [maildir], catalog: MessageCatalog(state: state, compactAfter: compactAfter))
    }

    func sidecar(_ unique: String, folder: MaildirFolder, id: String?, tags: [String] = [], model: String = "m1") -> Sidecar {
        Sidecar(message: .init(unique: unique, path: folder.sidecarName + "/cur/" + unique + ":2,S", messageID: id),
                modelTags: tags, scores: ["finance": tags.contains("finance") ? 0.9 : 0.1], thresholds: ["finance": 0.5],
                abstained: [], user: .init(), model: .init(id: model, trainedAt: "2026-11-26T10:00:00Z"),
                taggedAt: "2026-11-26T10:04:12Z")
    }

    /// Writes a sidecar through the store (non-deferred).
    @discardableResult
    func put(_ store: TagStore, _ unique: String, folder: MaildirFolder? = nil, id: String?, tags: [String] = [],
             model: String = "m1") throws -> TagStore.WriteResult {
        let f = folder ?? inbox
        return try store.write(.init(maildir: "Maildir", folder: f, unique: unique), deferred: false) { _ in
            sidecar(unique, folder: f, id: id, tags: tags, model: model)
        }
    }

    var catalogFolder: String { state.catalog }
}

@Suite struct CatalogTests {
    @Test func entriesAreRecordedWithTheSidecarAndFoundByUniqueNameAndMessageID() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store()
        try f.put(store, "1.a.h", id: "<one@x>", tags: ["finance"])
        try f.put(store, "2.b.h", folder: f.lists, id: "<two@x>")
        #expect(store.takeProblems().isEmpty)
        let e = try #require(store.catalog.entry(key: "Maildir/INBOX/1.a.h"))
        #expect(e.path == "INBOX/cur/1.a.h:2,S")
        #expect(e.messageID == "<one@x>")
        #expect(e.model == "m1")
        #expect(e.tags == ["finance"])
        #expect(store.catalog.entries(messageID: "two@x").map(\.key) == ["Maildir/.Lists/2.b.h"])
        #expect(try store.findSidecar("<two@x>") == f.state.sidecars + "/Maildir/.Lists/2.b.h.json")
        #expect(try store.findSidecar("1.a.h") == f.state.sidecars + "/Maildir/INBOX/1.a.h.json")

        // Another process (a second store) reads the same catalog from disk.
        let other = f.store()
        #expect(other.openCatalog().isEmpty)
        #expect(other.catalog.entry(key: "Maildir/.Lists/2.b.h")?.messageID == "<two@x>")
        #expect(other.catalog.lastSeq == store.catalog.lastSeq)
    }

    @Test func copiesSharingAnIDAreEachFoundUntilRemovedAndOddIDsUnderEverySpelling() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store()
        try f.put(store, "1.a.h", id: "<same@x>")
        try f.put(store, "1.a.h", folder: f.lists, id: "<same@x>")
        try f.put(store, "2.b.h", folder: f.lists, id: "same@x")  // the same id, written without brackets
        try f.put(store, "3.c.h", id: " <odd@x> ")
        try f.put(store, "4.d.h", id: "<first@x>")
        try f.put(store, "4.d.h", id: "<second@x>")  // rewritten with another id
        #expect(store.takeProblems().isEmpty)
        func keys(id: String, _ c: MessageCatalog? = nil) -> [String] { (c ?? store.catalog).entries(messageID: id).map(\.key) }
        #expect(keys(id: "<same@x>") == ["Maildir/.Lists/1.a.h", "Maildir/.Lists/2.b.h", "Maildir/INBOX/1.a.h"])
        #expect(store.catalog.entries(unique: "1.a.h").map(\.key) == ["Maildir/.Lists/1.a.h", "Maildir/INBOX/1.a.h"])
        for q in ["odd@x", "<odd@x>", " <odd@x> ", "\t<odd@x>"] { #expect(keys(id: q) == ["Maildir/INBOX/3.c.h"]) }
        #expect(keys(id: "first@x").isEmpty)
        #expect(keys(id: "second@x") == ["Maildir/INBOX/4.d.h"])

        try store.removeSidecar(maildir: "Maildir", folder: ".Lists", unique: "1.a.h")
        #expect(keys(id: "same@x") == ["Maildir/.Lists/2.b.h", "Maildir/INBOX/1.a.h"])
        #expect(store.catalog.entries(unique: "1.a.h").map(\.key) == ["Maildir/INBOX/1.a.h"])
        try store.removeSidecar(maildir: "Maildir", folder: "INBOX", unique: "1.a.h")
        try store.removeSidecar(maildir: "Maildir", folder: ".Lists", unique: "2.b.h")
        #expect(keys(id: "same@x").isEmpty)
        #expect(store.catalog.entries(unique: "1.a.h").isEmpty)

        // A fresh load from disk finds the same.
        let again = MessageCatalog(state: f.state)
        #expect(try again.load())
        #expect(keys(id: "<odd@x>", again) == ["Maildir/INBOX/3.c.h"])
        #expect(keys(id: "<second@x>", again) == ["Maildir/INBOX/4.d.h"])
        #expect(keys(id: "same@x", again).isEmpty && keys(id: "first@x", again).isEmpty)
        // Entries loaded share one copy of repeated values, and keep them right.
        #expect(again.entry(key: "Maildir/INBOX/3.c.h")?.model == "m1")
        #expect(again.entry(key: "Maildir/INBOX/4.d.h")?.folder == "INBOX")
    }

    @Test func aMissingCatalogIsBuiltFromTheSidecarsAndADamagedOneRebuilt() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store()
        try f.put(store, "1.a.h", id: "<one@x>")
        try f.put(store, "2.b.h", id: "<two@x>")
        try FileManager.default.removeItem(atPath: f.catalogFolder)
        let fresh = f.store()
        #expect(fresh.openCatalog().isEmpty)   // built, nothing to report
        #expect(fresh.catalog.count == 2)
        #expect(FileManager.default.fileExists(atPath: f.catalogFolder + "/snapshot.jsonl"))

        // Damage in the snapshot: rebuilt, with a note, and numbering goes on (cursors stay valid).
        let before = fresh.catalog.lastSeq
        let snapshot = f.catalogFolder + "/snapshot.jsonl"
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: snapshot))
        let rebuilt = f.store()
        let notes = rebuilt.openCatalog()
        #expect(notes.count == 1)
        #expect(notes.first?.contains("rebuilding it from the sidecars") == true)
        #expect(rebuilt.catalog.count == 2)
        #expect(rebuilt.catalog.position.epoch != fresh.catalog.position.epoch)   // older cursors start over
        #expect(rebuilt.catalog.changes(since: fresh.catalog.position).complete == false)
        #expect(rebuilt.catalog.lastSeq >= before)
    }

    @Test func aCatalogRemovedUnderARunningStoreIsRebuilt() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store()
        try f.put(store, "1.a.h", id: "<one@x>")
        try FileManager.default.removeItem(atPath: f.catalogFolder)
        try f.put(store, "2.b.h", id: "<two@x>")
        #expect(store.takeProblems().first?.contains("rebuilding it from the sidecars") == true)
        let reader = f.store()
        #expect(reader.openCatalog().isEmpty)
        #expect(Set(reader.catalog.allEntries.map(\.unique)) == ["1.a.h", "2.b.h"])
    }

    /// kill -9 in the middle of an append leaves a torn last line: it is skipped, the next writer
    /// closes it off, and every reader (old offsets included) still reads the catalog.
    @Test func aTornLogLineFromAKilledWriterIsSkipped() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store()
        try f.put(store, "1.a.h", id: "<one@x>")
        let log = f.catalogFolder + "/log.jsonl"
        let h = try #require(FileHandle(forWritingAtPath: log))
        h.seekToEndOfFile()
        h.write(Data(#"{"put":{"folder":"INBOX","lastmod":0,"maildir":"Maildir","pa"#.utf8))
        try h.close()
        let reader = f.store()
        #expect(reader.openCatalog().isEmpty)
        #expect(reader.catalog.count == 1)
        try f.put(reader, "2.b.h", id: "<two@x>")
        #expect(reader.takeProblems().isEmpty)
        for s in [f.store(), store] {
            #expect(s.openCatalog().isEmpty)
            #expect(s.catalog.count == 2)
            #expect(s.catalog.entries(messageID: "<two@x>").count == 1)
        }
    }

    @Test func removalsAndRetagsAreChangesInOrder() async throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store()
        let stream = store.subscribe()
        try f.put(store, "1.a.h", id: "<one@x>")
        try f.put(store, "1.a.h", id: "<one@x>", tags: ["finance"], model: "m2")   // retag
        try f.put(store, "1.a.h", id: "<one@x>", tags: ["finance"], model: "m2")   // unchanged: no change
        try store.removeSidecar(maildir: "Maildir", folder: "INBOX", unique: "1.a.h")
        var seen: [TagChange] = []
        for await c in stream {
            seen.append(c)
            if seen.count == 3 { break }
        }
        #expect(seen.map(\.seq) == [1, 2, 3])
        #expect(seen[1].entry?.tags == ["finance"])
        #expect(seen[1].entry?.model == "m2")
        #expect(seen[2].entry == nil)
        let (since1, complete, _) = store.catalog.changes(since: 1)
        #expect(complete)
        #expect(since1.map(\.seq) == [3])
        #expect(store.catalog.entry(key: "Maildir/INBOX/1.a.h") == nil)
    }

    @Test func compactionKeepsEverythingAndEmptiesTheLog() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store(compactAfter: 20)
        let other = f.store(compactAfter: 20)
        #expect(other.openCatalog().isEmpty)   // holds the log open from before the compactions
        for i in 0..<30 { try f.put(store, "\(i).a.h", id: "<\(i)@x>") }
        for i in 0..<30 { try f.put(store, "\(i).a.h", id: "<\(i)@x>", tags: ["finance"]) }
        try store.removeSidecar(maildir: "Maildir", folder: "INBOX", unique: "0.a.h")
        #expect(store.takeProblems().isEmpty)
        let log = try FileManager.default.attributesOfItem(atPath: f.catalogFolder + "/log.jsonl")[.size] as? Int ?? -1
        #expect(log < 21 * 300)   // compacted
        for reader in [f.store(), other] {
            #expect(reader.openCatalog().isEmpty)
            #expect(reader.catalog.count == 29)
            #expect(reader.catalog.entry(key: "Maildir/INBOX/29.a.h")?.tags == ["finance"])
            #expect(reader.catalog.lastSeq == 61)
            #expect(reader.catalog.changes(since: 60).changes.map(\.entry) == [nil])
        }
    }
}

/// A sync target that records what it is given, failing on demand.
final class FakeTarget: SyncTarget {
    let name = "fake"
    let state = Locked<(tags: [String: [String]], batches: Int, failNext: Bool, fullLists: Int)>(([:], 0, false, 0))
    struct Refused: Error {}

    func apply(_ changes: [TagChange], complete: Bool) async throws {
        try state.withLock { s in
            if s.failNext {
                s.failNext = false
                throw Refused()
            }
            if !complete {
                s.fullLists += 1
                s.tags = [:]
            }
            for c in changes { s.tags[c.key] = c.entry?.tags }
            s.batches += 1
        }
    }
}

@Suite struct SyncLinkTests {
    @Test func aTargetGetsEveryChangeOnceAndResumesFromItsCursor() async throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store()
        let target = FakeTarget()
        let link = SyncLink(store: store, target: target)
        try f.put(store, "1.a.h", id: "<one@x>", tags: ["finance"])
        try f.put(store, "2.b.h", id: "<two@x>")
        #expect(try await link.catchUp() == 2)
        #expect(try await link.catchUp() == 0)
        #expect(store.cursor(of: "fake")?.seq == 2)

        // A failure leaves the cursor: the same change comes again.
        try f.put(store, "2.b.h", id: "<two@x>", tags: ["newsletter"])
        target.state.withLock { $0.failNext = true }
        await #expect(throws: FakeTarget.Refused.self) { try await link.catchUp() }
        #expect(store.cursor(of: "fake")?.seq == 2)
        #expect(try await link.catchUp() == 1)
        #expect(target.state.withLock { $0.tags } == ["Maildir/INBOX/1.a.h": ["finance"], "Maildir/INBOX/2.b.h": ["newsletter"]])

        // Changes another process records (label) reach the target too.
        try f.put(f.store(), "1.a.h", id: "<one@x>", tags: [])
        try store.removeSidecar(maildir: "Maildir", folder: "INBOX", unique: "2.b.h")
        #expect(try await link.catchUp() == 2)
        #expect(target.state.withLock { $0.tags } == ["Maildir/INBOX/1.a.h": []])
        #expect(target.state.withLock { $0.fullLists } == 0)

        // A rebuilt catalog cannot tell what changed: the target gets the full list once.
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: f.catalogFolder + "/snapshot.jsonl"))
        let restarted = SyncLink(store: f.store(), target: target)
        #expect(!restarted.store.openCatalog().isEmpty)
        #expect(try await restarted.catchUp() == 1)
        #expect(target.state.withLock { $0.fullLists } == 1)
        #expect(try await restarted.catchUp() == 0)
    }

    @Test func aRunningLinkFollowsTheStreamUntilCancelled() async throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store()
        let target = FakeTarget()
        let task = Task { try await SyncLink(store: store, target: target).run() }
        try f.put(store, "1.a.h", id: "<one@x>", tags: ["finance"])
        #expect(await Fixture.waitUntil { target.state.withLock { $0.tags["Maildir/INBOX/1.a.h"] } == ["finance"] })
        try f.put(store, "1.a.h", id: "<one@x>", tags: ["personal"])
        #expect(await Fixture.waitUntil { target.state.withLock { $0.tags["Maildir/INBOX/1.a.h"] } == ["personal"] })
        task.cancel()
        try f.put(store, "3.c.h", id: nil)   // wakes the loop, which sees the cancellation
        _ = try? await task.value
        #expect((store.cursor(of: "fake")?.seq ?? 0) >= 2)
    }
}
