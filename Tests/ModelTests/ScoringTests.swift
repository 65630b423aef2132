import Foundation
import Testing
@testable import Model

@Suite("Scoring")
struct ScoringTests {
    /// Two labels over features 10 and 20: a = 2·x10 − 1·x20 − 0.5, b = −1·x10 + 3·x20 + 0.
    private func model(abstainB: Bool = false) throws -> MultiLabelModel {
        let labels = [LabelInfo(name: "a", threshold: 0.6, abstains: false, positives: 9, examples: 20,
                                crossValidated: LabelMetrics(support: 9, predicted: 9, truePositives: 8)),
                      LabelInfo(name: "b", threshold: 0.5, abstains: abstainB, positives: 3, examples: 20,
                                crossValidated: LabelMetrics(support: 3, predicted: 2, truePositives: 1))]
        return try MultiLabelModel(labelInfo: labels, dimension: 64, rowIndices: [10, 20], rows: [2, -1, -1, 3],
                                   bias: [-0.5, 0], featurizer: FeaturizerStamp(version: 1, settings: "{}"),
                                   trainedAt: Date(timeIntervalSince1970: 0))
    }

    @Test func logitsAreBiasPlusWeightedSum() throws {
        let x = SparseVector(indices: [10, 20, 30], values: [0.5, 1, 7])   // 30 has no row
        #expect(try model().logits(x) == [-0.5 + 1 - 1, -0.5 + 3])
        // Indices outside the dimension are ignored, never a crash.
        #expect(try model().logits(SparseVector(indices: [10, 1_000_000], values: [1, 1])) == [1.5, -1])
    }

    @Test func predictAppliesThresholdsAndIndependentSigmoids() throws {
        let x = SparseVector(indices: [10, 20], values: [1, 1])   // logits 0.5 and 2
        let p = try model().predict(x)
        #expect(abs(p.scores["a"]! - 0.6225) < 1e-3)              // sigmoid(0.5) ≥ 0.6 → tagged
        #expect(abs(p.scores["b"]! - 0.8808) < 1e-3)
        #expect(p.tags == ["a", "b"])                              // both: not a softmax
        #expect(p.abstained.isEmpty)
        let q = try model(abstainB: true).predict(x)
        #expect(q.tags == ["a"] && q.abstained == ["b"] && q.scores["b"] != nil)
    }

    @Test func contributionsExplainTheLogit() throws {
        let m = try model()
        let x = SparseVector(indices: [10, 20, 30], values: [0.5, 1, 7])
        let c = m.contributions(x, label: 1)
        #expect(c.map(\.index) == [20, 10])                        // |3| before |−0.5|
        #expect(c.map(\.contribution) == [3, -0.5])
        #expect(c.reduce(m.bias[1]) { $0 + $1.contribution } == m.logits(x)[1])
    }

    @Test func inconsistentPartsAreRefused() {
        #expect(throws: ModelShapeError.self) {
            try MultiLabelModel(labelInfo: [], dimension: 8, rowIndices: [], rows: [], bias: [],
                                featurizer: FeaturizerStamp(version: 1, settings: ""), trainedAt: Date())
        }
        let label = LabelInfo(name: "a", threshold: 0.5, abstains: false, positives: 1, examples: 1,
                              crossValidated: LabelMetrics(support: 0, predicted: 0, truePositives: 0))
        #expect(throws: ModelShapeError.self) {
            try MultiLabelModel(labelInfo: [label], dimension: 8, rowIndices: [5, 3], rows: [1, 2], bias: [0],
                                featurizer: FeaturizerStamp(version: 1, settings: ""), trainedAt: Date())
        }
    }

    /// Stored weights are within half a quantisation step (< 1/128 of the label's largest
    /// weight) of the trained ones, and rebuilding from them gives the very same table.
    @Test func quantisedWeightsAreCloseAndStable() throws {
        var rng = SplitMix64(seed: 3)
        let rows = (0..<300).map { _ in Float(rng.below(2_000_001)) / 100_000 - 10 }
        let table = WeightTable(rowIndices: Array(0..<100), rows: rows, labelCount: 3, dimension: 128)
        let largest = (0..<3).map { l in stride(from: l, to: 300, by: 3).map { abs(rows[$0]) }.max()! }
        for (i, w) in table.rows.enumerated() {
            #expect(abs(w - rows[i]) <= table.scales[i % 3] / 2)
            #expect(abs(w - rows[i]) < largest[i % 3] / 127)
        }
        let rebuilt = WeightTable(rowIndices: Array(0..<100), rows: table.rows, labelCount: 3, dimension: 128)
        #expect(rebuilt == table && rebuilt.rows == table.rows)
        #expect(WeightTable.scale(forLargest: 0) == 1)
    }
}
