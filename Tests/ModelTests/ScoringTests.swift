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

    private func close(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }
    }

    /// Logits are bias + w·x̂ where x̂ is the input normalised to unit length (feature scales
    /// are 1 here); features without a row add nothing to w·x̂ but count in the norm.
    @Test func logitsAreBiasPlusWeightedSumOfTheNormalisedVector() throws {
        let unit = SparseVector(indices: [10, 20], values: [0.6, 0.8])
        #expect(close(try model().logits(unit), [-0.5 + 1.2 - 0.8, -0.6 + 2.4]))
        let x = SparseVector(indices: [10, 20, 30], values: [0.5, 1, 7])   // 30 has no row
        let norm = Float(50.25).squareRoot()
        #expect(close(try model().logits(x), [-0.5 + (1 - 1) / norm, (-0.5 + 3) / norm]))
        // Indices outside the dimension add no weight, never a crash.
        let outside = SparseVector(indices: [10, 1_000_000], values: [1, 1])
        #expect(close(try model().logits(outside), [-0.5 + 2 / Float(2).squareRoot(), -1 / Float(2).squareRoot()]))
        #expect(try model().logits(SparseVector()) == [-0.5, 0])
    }

    @Test func predictAppliesThresholdsAndIndependentSigmoids() throws {
        let x = SparseVector(indices: [10, 20], values: [0.8, 0.6])   // logits 0.5 and 1
        let p = try model().predict(x)
        #expect(abs(p.scores["a"]! - 0.6225) < 1e-3)              // sigmoid(0.5) ≥ 0.6 → tagged
        #expect(abs(p.scores["b"]! - 0.7311) < 1e-3)
        #expect(p.tags == ["a", "b"])                              // both: not a softmax
        #expect(p.abstained.isEmpty)
        let q = try model(abstainB: true).predict(x)
        #expect(q.tags == ["a"] && q.abstained == ["b"] && q.scores["b"] != nil)
    }

    @Test func contributionsExplainTheLogit() throws {
        let m = try model()
        let x = SparseVector(indices: [10, 20, 30], values: [0.5, 1, 7])
        let norm = Float(50.25).squareRoot()
        let c = m.contributions(x, label: 1)
        #expect(c.map(\.index) == [20, 10])                        // |3| before |−0.5|
        #expect(close(c.map(\.contribution), [3 / norm, -0.5 / norm]))
        #expect(abs(c.reduce(m.bias[1]) { $0 + $1.contribution } - m.logits(x)[1]) < 1e-5)
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
