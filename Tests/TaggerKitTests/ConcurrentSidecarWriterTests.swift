import Foundation
import Testing
@testable import TaggerState

/// The daemon builds a batch of sidecars, then makes them durable and renames them into place;
/// `tagger label` (another process) may replace one of them in between. The label's `user` must
/// survive the rename (a retag while labelling lost 3 corrections of 300 from the sidecars).
@Suite struct ConcurrentSidecarWriterTests {
    @Test func aSidecarReplacedBetweenABatchWriteAndItsCommitKeepsTheOtherWritersUser() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let daemon = f.store()
        try f.put(daemon, "1.a.h", id: "<one@x>", tags: ["finance"])
        let ref = TagStore.MessageRef(maildir: "Maildir", folder: f.inbox, unique: "1.a.h")
        // The daemon rescores with model m2, keeping the user it read (none).
        let result = try daemon.write(ref, deferred: true) { old in
            var s = f.sidecar("1.a.h", folder: f.inbox, id: "<one@x>", tags: ["finance"], model: "m2")
            s.user = old?.user ?? .init()
            return s
        }
        guard case .pending(let pending) = result else {
            Issue.record("expected a pending write, got \(result)")
            return
        }
        // `tagger label 1.a.h +important -finance` in another process, before the commit.
        let label = f.store()
        try label.write(ref, deferred: false) { old in
            var s = old!
            s.user = .init(add: ["important"], remove: ["finance"])
            s.tags = Sidecar.applying(user: s.user, to: s.modelTags)
            return s
        }
        #expect(daemon.commit([pending]).isEmpty)
        let s = try #require(try daemon.sidecar(of: ref))
        #expect(s.user == .init(add: ["important"], remove: ["finance"]))
        #expect(s.tags == ["important"])
        #expect(s.model.id == "m2")
        #expect(daemon.catalog.entry(key: "Maildir/INBOX/1.a.h")?.tags == ["important"])
        let left = try FileManager.default.contentsOfDirectory(atPath: f.state.sidecars + "/Maildir/INBOX")
        #expect(left == ["1.a.h.json"], "temporaries left: \(left)")
    }

    @Test func aBatchWriteWithNoOtherWriterGoesInAsBuilt() throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let daemon = f.store()
        try f.put(daemon, "1.a.h", id: "<one@x>", tags: [])
        let ref = TagStore.MessageRef(maildir: "Maildir", folder: f.inbox, unique: "1.a.h")
        let result = try daemon.write(ref, deferred: true) { _ in
            f.sidecar("1.a.h", folder: f.inbox, id: "<one@x>", tags: ["finance"], model: "m2")
        }
        guard case .pending(let pending) = result else {
            Issue.record("expected a pending write, got \(result)")
            return
        }
        #expect(daemon.commit([pending]).isEmpty)
        let s = try #require(try daemon.sidecar(of: ref))
        #expect(s.tags == ["finance"] && s.model.id == "m2" && s.user == .init())
    }
}
