import Foundation
import Testing
@testable import TaggerCore
@testable import TaggerSystem
import Model

@Suite struct ModelStoreTests {
    private func store() throws -> ModelStore {
        let d = NSTemporaryDirectory() + "tagger-store-\(UUID().uuidString)/model"
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return ModelStore(current: d + "/current.tgm", keep: 2)
    }

    private func put(_ store: ModelStore, _ text: String) throws {
        let tmp = store.temporaryPath()
        try text.write(toFile: tmp, atomically: false, encoding: .utf8)
        try store.install(candidate: tmp)
    }

    private func put(_ store: ModelStore, _ bytes: Data) throws {
        let tmp = store.temporaryPath()
        try bytes.write(to: URL(fileURLWithPath: tmp))
        try store.install(candidate: tmp)
    }

    /// A real (tiny) model file, different for each seed.
    private func modelBytes(seed: UInt64) throws -> Data {
        var o = TrainingOptions()
        o.dimension = 1 << 10
        o.folds = 2
        o.seed = seed
        o.featurizer = try Pipeline().stamp
        let examples = (0..<8).map { i in
            TrainingExample(vector: SparseVector(indices: [UInt32(i % 3)], values: [1]), labels: i % 2 == 0 ? [0] : [])
        }
        let model = try Trainer.train(examples: examples, labels: ["a"], options: o).model
        let path = NSTemporaryDirectory() + "tagger-model-\(UUID().uuidString).tgm"
        defer { unlink(path) }
        try ModelFile.write(model, to: path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    private func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func rollbackRestoresThePreviousFileByteForByteAndKeepsTheOneItReplaced() throws {
        let s = try store()
        let one = try modelBytes(seed: 1), two = try modelBytes(seed: 2)
        #expect(one != two)
        try put(s, one)
        try put(s, two)
        #expect(bytes(s.current) == two)
        try s.rollback()
        #expect(bytes(s.current) == one)
        // The replaced model is not lost: it waits in rolled-back/, outside the rollback chain.
        let kept = try FileManager.default.contentsOfDirectory(atPath: s.rolledBackDir)
        #expect(kept.count == 1 && bytes(s.rolledBackDir + "/" + kept[0]) == two)
        #expect(throws: TaggerError.self) { try s.rollback() }  // nothing older
        #expect(bytes(s.current) == one)
    }

    @Test func rollbackRefusesAPredecessorThatCannotBeUsedAndChangesNothing() throws {
        let s = try store()
        try put(s, Data("a damaged model".utf8))
        let good = try modelBytes(seed: 3)
        try put(s, good)
        let e = #expect(throws: TaggerError.self) { try s.rollback() }
        #expect(e?.description.contains(s.history().last ?? "?") == true, "\(String(describing: e))")
        #expect(bytes(s.current) == good)
        #expect(s.history().count == 1)
        #expect(!FileManager.default.fileExists(atPath: s.rolledBackDir))
    }

    @Test func historyKeepsOnlyTheLastFew() throws {
        let s = try store()
        for i in 1...5 { try put(s, "model \(i)") }
        let kept = s.history().map { try! String(contentsOfFile: $0, encoding: .utf8) }
        #expect(kept == ["model 3", "model 4"])
    }

    @Test func aSecondLockHolderIsRefusedWithoutWaiting() throws {
        let s = try store()
        let path = (s.current as NSString).deletingLastPathComponent + "/retrain.lock"
        let first = try FileLock(path: path, wait: false)
        // flock locks belong to the open file description: a second open in this process conflicts too.
        #expect(throws: TaggerError.busy(path: path)) { _ = try FileLock(path: path, wait: false) }
        withExtendedLifetime(first) {}
    }
}

@Suite struct QualityGateTests {
    @Test func heldOutScoresCountAppliedTags() {
        let s = HeldOutScore.measure(predicted: [["a"], ["a", "b"], []], truth: [["a"], ["b"], ["b"]], labels: ["a", "b"])
        // a: tp 1, predicted 2, support 1 → F1 2/3; b: tp 1, predicted 1, support 2 → F1 2/3
        #expect(abs(s.microF1 - 4.0 / 6.0) < 1e-6)
        #expect(abs(s.macroF1 - 2.0 / 3.0) < 1e-6)
    }

    @Test func theGateRejectsAWorseCandidateAndToleratesNoise() {
        let gate = QualityGate(tolerance: 0.01)
        let current = HeldOutScore(perLabel: [:], microF1: 0.70, macroF1: 0.50)
        #expect(gate.verdict(candidate: HeldOutScore(perLabel: [:], microF1: 0.695, macroF1: 0.50), current: current) == nil)
        #expect(gate.verdict(candidate: HeldOutScore(perLabel: [:], microF1: 0.60, macroF1: 0.55), current: current) != nil)
        #expect(gate.verdict(candidate: HeldOutScore(perLabel: [:], microF1: 0.75, macroF1: 0.40), current: current) != nil)
    }
}
