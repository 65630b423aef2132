import Foundation
import Testing
@testable import TaggerKit

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

    @Test func rollbackRestoresThePreviousFileByteForByte() throws {
        let s = try store()
        try put(s, "model one")
        try put(s, "model two")
        #expect(try String(contentsOfFile: s.current, encoding: .utf8) == "model two")
        try s.rollback()
        #expect(try String(contentsOfFile: s.current, encoding: .utf8) == "model one")
        #expect(throws: TaggerError.self) { try s.rollback() }  // nothing older
        #expect(try String(contentsOfFile: s.current, encoding: .utf8) == "model one")
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
