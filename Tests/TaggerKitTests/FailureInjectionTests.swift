import Foundation
import Testing
@testable import Model
@testable import TaggerCore
@testable import TaggerState
@testable import TaggerSystem

/// ENOSPC and EIO on the writes whose failure matters: sidecars (direct and batched), the
/// journal, model files. Faults are injected at the syscall seam (`Syscall.inject`) for paths
/// below the test's own folder, so tests running beside them are not touched. Each checks the
/// error names the file and the reason, the old content is intact, no temporary is left, and the
/// next write after the fault works.
@Suite struct FailureInjectionTests {
    /// The files in `folder`, temporaries (dot-files) included.
    func names(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test(arguments: [(ENOSPC, "write"), (EIO, "fsync"), (ENOSPC, "open")])
    func aFailedSidecarWriteKeepsTheOldSidecarAndTheCatalog(code: Int32, operation: String) throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store()
        try f.put(store, "1.a.h", id: "<one@x>", tags: ["finance"])
        let file = f.state.sidecars + "/Maildir/INBOX/1.a.h.json"
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let seq = store.catalog.lastSeq
        let fault = Syscall.Fault(operation: operation, pathContains: f.state.sidecars, code: code)
        Syscall.withFault(fault) {
            let e = #expect(throws: SystemError.self) { try f.put(store, "1.a.h", id: "<one@x>", tags: ["personal"]) }
            #expect(e?.code == code)
            #expect(e?.path.hasPrefix(f.state.sidecars + "/Maildir/INBOX/") == true)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
        #expect(names(f.state.sidecars + "/Maildir/INBOX") == ["1.a.h.json"])
        #expect(store.catalog.lastSeq == seq)
        #expect(store.catalog.entry(key: "Maildir/INBOX/1.a.h")?.tags == ["finance"])
        // The disk has room again: the same write goes through.
        try f.put(store, "1.a.h", id: "<one@x>", tags: ["personal"])
        #expect(store.catalog.entry(key: "Maildir/INBOX/1.a.h")?.tags == ["personal"])
    }

    @Test(arguments: [ENOSPC, EIO])
    func aBatchedSidecarWhoseFsyncFailsIsNotRenamed(code: Int32) throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        let store = f.store()
        try f.put(store, "1.a.h", id: "<one@x>", tags: ["finance"])
        let file = f.state.sidecars + "/Maildir/INBOX/1.a.h.json"
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let ref = TagStore.MessageRef(maildir: "Maildir", folder: f.inbox, unique: "1.a.h")
        let result = try store.write(ref, deferred: true) { _ in f.sidecar("1.a.h", folder: f.inbox, id: "<one@x>", tags: ["personal"]) }
        guard case .pending(let pending) = result else {
            Issue.record("expected a pending write, got \(result)")
            return
        }
        let failed = Syscall.withFault(.init(operation: "fsync", pathContains: f.state.sidecars, code: code)) {
            store.commit([pending])
        }
        #expect(failed.count == 1)
        #expect(failed.first?.1.code == code)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
        #expect(names(f.state.sidecars + "/Maildir/INBOX") == ["1.a.h.json"])
        #expect(store.catalog.entry(key: "Maildir/INBOX/1.a.h")?.tags == ["finance"])
    }

    @Test(arguments: [(ENOSPC, "write", "write failed: No space left on device"),
                      (EIO, "fsync", "fsync failed: Input/output error"),
                      (ENOSPC, "open", "cannot open: No space left on device")])
    func aFailedJournalAppendIsAnErrorAndRecordsNothing(code: Int32, operation: String, reason: String) throws {
        let f = try StoreFixture()
        defer { f.t.cleanup() }
        try FileManager.default.createDirectory(atPath: f.state.path, withIntermediateDirectories: true)
        let store = f.store()
        let c = Correction(op: .label, at: "2026-11-26T10:00:00Z", unique: "1.a.h", messageID: nil, digest: nil,
                           path: nil, add: ["finance"], remove: [], modelTags: [])
        try store.appendCorrections([c])
        let before = try Data(contentsOf: URL(fileURLWithPath: f.state.journal))
        Syscall.withFault(.init(operation: operation, pathContains: f.state.journal, code: code)) {
            #expect(throws: TaggerError.journal(path: f.state.journal, reason: reason)) { try store.appendCorrections([c]) }
        }
        if operation != "fsync" {
            #expect(try Data(contentsOf: URL(fileURLWithPath: f.state.journal)) == before)
        }
        try store.appendCorrections([c])
        #expect(try store.journal.fold().index.recordCount == (operation == "fsync" ? 3 : 2))
    }

    @Test(arguments: [(ENOSPC, "write"), (EIO, "fsync"), (EIO, "rename")])
    func aFailedModelWriteKeepsTheOldModel(code: Int32, operation: String) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let path = t.path + "/current.tgm"
        var o = TrainingOptions()
        o.dimension = 1 << 10
        o.folds = 2
        let examples = (0..<8).map { i in
            TrainingExample(vector: SparseVector(indices: [UInt32(i % 3)], values: [1]), labels: i % 2 == 0 ? [0] : [])
        }
        let model = try Trainer.train(examples: examples, labels: ["a"], options: o).model
        try ModelFile.write(model, to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        o.seed = 7
        let other = try Trainer.train(examples: examples, labels: ["a"], options: o).model
        Syscall.withFault(.init(operation: operation, pathContains: t.path, code: code)) {
            do {
                try ModelFile.write(other, to: path)
                Issue.record("the write should have failed")
            } catch {
                guard case ModelFileError.unwritable(let p, let reason) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(p == path)
                #expect(reason == "\(operation): \(String(cString: strerror(code)))")
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(names(t.path) == ["current.tgm"])
        try ModelFile.write(other, to: path)
        #expect(try ModelFile.read(path).id == other.id)
    }

    @Test func aModelSwapWhoseFolderCannotBeSyncedIsAnError() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let s = ModelStore(current: t.path + "/model/current.tgm", keep: 2)
        try FileManager.default.createDirectory(atPath: t.path + "/model", withIntermediateDirectories: true)
        try Data("one".utf8).write(to: URL(fileURLWithPath: s.current))
        let candidate = s.temporaryPath()
        try Data("two".utf8).write(to: URL(fileURLWithPath: candidate))
        Syscall.withFault(.init(operation: "fsync", pathContains: t.path + "/model", code: EIO)) {
            #expect(throws: TaggerError.self) { try s.install(candidate: candidate) }
        }
    }
}
