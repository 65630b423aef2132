import Foundation
import Testing
import Model
@testable import TaggerMaildir
@testable import TaggerState
@testable import TaggerSystem

/// The catalog's lookup index: the same answers as the loaded catalog, and never a wrong answer
/// from a stale or damaged index (it then declines and the catalog is loaded or rebuilt).
@Suite struct CatalogIndexTests {
    /// A fresh catalog (nothing loaded) answering from the index.
    static func indexed(_ f: StoreFixture) -> MessageCatalog { MessageCatalog(state: f.state) }

    @Test func lookupsFromTheIndexAndLogAgreeWithTheLoadedCatalogThroughRandomChanges() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store(compactAfter: 16)
        var rng = SplitMix64(seed: 15)
        var live: [String: (folder: MaildirFolder, id: String?)] = [:]
        let folders = [f.inbox, f.lists]
        for step in 0..<400 {
            let u = "\(rng.next() % 40).u.h"
            let folder = folders[Int(rng.next() % 2)]
            switch rng.next() % 4 {
            case 0 where live[u + folder.sidecarName] != nil:
                try store.removeSidecar(maildir: "Maildir", folder: folder.sidecarName, unique: u)
                live[u + folder.sidecarName] = nil
            default:
                // Message-IDs shared by several messages, and changed on rewrite, on purpose.
                let id: String? = rng.next() % 5 == 0 ? nil : "<id-\(rng.next() % 25)@x \"q\">"
                try f.put(store, u, folder: folder, id: id, tags: step % 3 == 0 ? ["finance"] : [])
                live[u + folder.sidecarName] = (folder, id)
            }
            #expect(store.takeProblems().isEmpty)
            guard step % 7 == 0 else { continue }
            let loaded = f.store()
            loaded.openCatalog()
            for q in 0..<40 {
                let u = "\(q).u.h"
                #expect(Self.indexed(f).lookup(unique: u) == loaded.catalog.entries(unique: u), "step \(step) unique \(u)")
                let id = "id-\(q % 25)@x \"q\""
                #expect(Self.indexed(f).lookup(messageID: "<" + id + ">") == loaded.catalog.entries(messageID: id), "step \(step) id \(id)")
                // The writing store's own indexes, kept up to date entry by entry (rewrites
                // and removals included), against a scan of its entries.
                let all = store.catalog.allEntries
                #expect(store.catalog.entries(unique: u) == all.filter { $0.unique == u }, "step \(step) live unique \(u)")
                #expect(store.catalog.entries(messageID: id) == all.filter { $0.messageID == "<" + id + ">" },
                        "step \(step) live id \(id)")
            }
        }
        // The index really answered (it was not declining all along).
        #expect(Self.indexed(f).hasUsableIndex)
    }

    @Test func aStaleDamagedOrMissingIndexDeclinesAndTheStoreRepairsIt() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store(compactAfter: 4)
        for i in 0..<10 { try f.put(store, "\(i).a.h", id: "<\(i)@x>") }
        let index = f.catalogFolder + "/index"
        let good = try Data(contentsOf: URL(fileURLWithPath: index))
        #expect(Self.indexed(f).lookup(unique: "3.a.h")?.map(\.key) == ["Maildir/INBOX/3.a.h"])

        // An index left from an older snapshot (a crash between writing the two): declined.
        for i in 10..<20 { try f.put(store, "\(i).a.h", id: "<\(i)@x>") }
        let newer = try Data(contentsOf: URL(fileURLWithPath: index))
        #expect(newer != good)
        try good.write(to: URL(fileURLWithPath: index))
        #expect(Self.indexed(f).lookup(unique: "15.a.h") == nil)

        // Truncated, garbage, empty, gone: declined, never a wrong answer or a crash.
        for damage in [newer.prefix(newer.count / 2), Data("TGCIDX1\ngarbage".utf8), Data(), nil] {
            if let damage { try damage.write(to: URL(fileURLWithPath: index)) } else { try FileManager.default.removeItem(atPath: index) }
            #expect(Self.indexed(f).lookup(unique: "15.a.h") == nil)
            // The store loads the catalog instead, answers, and writes a good index again.
            let s = f.store()
            #expect(s.catalogEntries(unique: "15.a.h")?.map(\.key) == ["Maildir/INBOX/15.a.h"])
            #expect(try s.findSidecar("<15@x>") == f.state.sidecars + "/Maildir/INBOX/15.a.h.json")
            #expect(Self.indexed(f).lookup(messageID: "15@x")?.map(\.key) == ["Maildir/INBOX/15.a.h"])
        }

        // A slot pointing into the middle of a line (damage inside the table): declined.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: index)))
        let slots = Int(bytes[16]) | Int(bytes[17]) << 8
        let headerLength = Int(bytes[24]) | Int(bytes[25]) << 8
        var table = 32 + headerLength
        while table % 8 != 0 { table += 1 }
        for s in 0..<slots where bytes[table + 16 * s ..< table + 16 * s + 8].contains(where: { $0 != 0 }) {
            bytes[table + 16 * s + 8] &+= 3
        }
        try Data(bytes).write(to: URL(fileURLWithPath: index))
        #expect(Self.indexed(f).lookup(unique: "15.a.h") == nil)
    }

    @Test func aTruncatedSnapshotIsRebuiltFromTheSidecarsAndLookupsStillWork() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store(compactAfter: 4)
        for i in 0..<12 { try f.put(store, "\(i).a.h", folder: i % 2 == 0 ? f.inbox : f.lists, id: "<\(i)@x>") }
        let snapshot = f.catalogFolder + "/snapshot.jsonl"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        for cut in [bytes.count - 1, bytes.count / 2, 10] {
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: snapshot))
            #expect(Self.indexed(f).lookup(unique: "3.a.h") == nil)   // the size no longer matches
            let s = f.store()
            #expect(try s.findSidecar("3.a.h") == f.state.sidecars + "/Maildir/.Lists/3.a.h.json")
            #expect(try s.findSidecar("<8@x>") == f.state.sidecars + "/Maildir/INBOX/8.a.h.json")
            #expect(s.catalog.count == 12)
            #expect(Self.indexed(f).lookup(unique: "5.a.h")?.count == 1)
        }
    }
}

extension CatalogIndexTests {
    /// `tagger label`'s store records through the index without loading the catalog: the
    /// numbering goes on, an unchanged entry is skipped, a torn line is closed off, and a store
    /// that loads the catalog afterwards sees exactly what a loading writer would have made.
    @Test func writesWithoutLoadingTheCatalogAgreeWithLoadedWrites() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store(compactAfter: 8)
        for i in 0..<20 { try f.put(store, "\(i).a.h", id: "<\(i)@x>") }
        try f.put(store, "20.a.h", id: "<20@x>")   // one entry in the log
        let before = store.catalog.lastSeq

        let light = f.store()
        light.recordWithoutLoadingCatalog()
        try f.put(light, "3.a.h", id: "<3@x>", tags: ["finance"])        // from the snapshot
        try f.put(light, "20.a.h", folder: f.inbox, id: "<20@x>", tags: ["finance"])   // from the log
        try f.put(light, "3.a.h", id: "<3@x>", tags: ["finance"])        // unchanged: no record
        if let h = FileHandle(forWritingAtPath: f.catalogFolder + "/log.jsonl") {   // a torn line
            h.seekToEndOfFile()
            h.write(Data(#"{"put":{"fol"#.utf8))
            try h.close()
        }
        try f.put(light, "21.a.h", folder: f.lists, id: "<21@x>")          // new
        try light.removeSidecar(maildir: "Maildir", folder: "INBOX", unique: "5.a.h")
        #expect(light.takeProblems().isEmpty)
        #expect(!light.catalog.isLoaded)

        let reader = f.store()
        #expect(reader.openCatalog().isEmpty)
        #expect(reader.catalog.lastSeq == before + 4)
        #expect(reader.catalog.entry(key: "Maildir/INBOX/3.a.h")?.tags == ["finance"])
        #expect(reader.catalog.entry(key: "Maildir/INBOX/20.a.h")?.tags == ["finance"])
        #expect(reader.catalog.entry(key: "Maildir/.Lists/21.a.h")?.messageID == "<21@x>")
        #expect(reader.catalog.entry(key: "Maildir/INBOX/5.a.h") == nil)
        #expect(reader.catalog.count == 21)
        #expect(reader.catalog.changes(since: before).changes.map(\.seq) == [before + 1, before + 2, before + 3, before + 4])
        #expect(Self.indexed(f).lookup(messageID: "21@x")?.map(\.key) == ["Maildir/.Lists/21.a.h"])
        // The writer that loads goes on numbering after them.
        try f.put(reader, "22.a.h", id: "<22@x>")
        #expect(reader.catalog.lastSeq == before + 5)
    }
}
