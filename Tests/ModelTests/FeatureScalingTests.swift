import Foundation
import Testing
@testable import Model

private func options(_ change: (inout TrainingOptions) -> Void = { _ in }) -> TrainingOptions {
    var o = TrainingOptions()
    o.dimension = 1 << 16
    change(&o)
    return o
}

@Suite("Feature scaling and threshold floor")
struct FeatureScalingTests {
    /// Smoothed IDF: a feature in every document gets log(1) + 1 = 1, a rarer one more, and a
    /// feature no training document has the largest value, log(n + 1) + 1.
    @Test func idfFollowsDocumentFrequency() throws {
        let examples = [
            TrainingExample(vector: SparseVector(indices: [1, 2], values: [0.6, 0.8]), labels: [0]),
            TrainingExample(vector: SparseVector(indices: [1, 3], values: [0.6, 0.8]), labels: []),
            TrainingExample(vector: SparseVector(indices: [1], values: [1]), labels: []),
        ]
        let data = try TrainingData(examples: examples, labelCount: 1, dimension: 8)
        let idf = InverseDocumentFrequency(data: data, rows: [0, 1, 2], enabled: true, minimumFrequency: 1)
        #expect(idf.idf[0] == 1)
        #expect(abs(idf.idf[1] - (log(4 / 2) + 1)) < 1e-6)
        #expect(abs(idf.unseen - (log(4) + 1)) < 1e-6)
        // Counting only rows 0 and 2, feature 3 is unseen.
        let twoRows = InverseDocumentFrequency(data: data, rows: [0, 2], enabled: true, minimumFrequency: 1)
        #expect(twoRows.idf[2] == twoRows.unseen && !twoRows.keep[2])
        // Scaled rows are unit length again and the common feature lost weight.
        let scaled = data.scaled(by: idf)
        let row0 = scaled.values[0..<2]
        #expect(abs(row0.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        #expect(row0.first! < 0.6)
    }

    /// Features in fewer rows than the minimum are dropped from training rows after counting in
    /// their norm (as a feature without weights counts when scoring), and get no model row.
    @Test func rareFeaturesAreDroppedButCountInTheNorm() throws {
        let examples = [
            TrainingExample(vector: SparseVector(indices: [1, 2], values: [0.6, 0.8]), labels: [0]),
            TrainingExample(vector: SparseVector(indices: [1, 3], values: [0.6, 0.8]), labels: []),
            TrainingExample(vector: SparseVector(indices: [1, 2], values: [0.8, 0.6]), labels: [0]),
        ]
        let data = try TrainingData(examples: examples, labelCount: 1, dimension: 8)
        let kept = data.scaled(by: InverseDocumentFrequency(data: data, rows: [0, 1, 2], enabled: false, minimumFrequency: 2))
        #expect(kept.rowStart == [0, 2, 3, 5])
        #expect(kept.columns == [0, 1, 0, 0, 1])
        #expect(kept.values == [0.6, 0.8, 0.6, 0.8, 0.6])
        var o = TrainingOptions()
        o.dimension = 8
        o.folds = 3
        o.minimumDocumentFraction = 0
        o.minimumDocumentFrequency = 2
        let model = try Trainer.train(examples: examples, labels: ["a"], options: o).model
        #expect(model.weights.rowIndices == [1, 2])
    }

    /// With IDF on, the model stores the scales, a file round trip keeps them, and scoring
    /// applies them: the model's out-of-fold figures are reproduced from its stored parts.
    @Test func idfModelStoresAndAppliesScales() throws {
        let problem = SyntheticProblem(examples: 300, frequencies: [0.3, 0.2], background: 40, signal: 3,
                                       noise: 0.2, dimension: 1 << 16, seed: 11)
        let result = try Trainer.train(examples: problem.examples, labels: problem.labels,
                                       options: options {
                                           $0.inverseDocumentFrequency = true
                                           $0.minimumDocumentFraction = 0
                                       }, now: Date(timeIntervalSince1970: 1_795_000_000))
        let model = result.model
        #expect(model.weights.featureScales.contains { $0 > 1.5 })
        #expect(model.weights.unseenScale >= model.weights.featureScales.max()!)
        let x = problem.examples[0].vector
        let scaled = model.scaledValues(x)
        #expect(abs(scaled.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        // logits = bias + Σ scaled value × weight: the same as the explanation's contributions.
        for l in 0..<2 {
            let sum = model.contributions(x, label: l).reduce(model.bias[l]) { $0 + $1.contribution }
            #expect(abs(sum - model.logits(x)[l]) < 1e-3)
        }
        let decoded = try ModelFile.decodePayload(ModelFile.encode(model))
        #expect(decoded == model)
        #expect(decoded.probabilities(x) == model.probabilities(x))
        #expect(Evaluation.evaluate(model: model, examples: problem.examples).tuned.microF1 >= 0.9)
    }

    /// No tuned threshold lies below the floor; with the floor at 0 the cut is the plain F1 optimum.
    @Test func thresholdFloorBoundsEveryThreshold() throws {
        let problem = SyntheticProblem(examples: 400, frequencies: [0.3, 0.2, 0.05, 0.03], background: 40, signal: 1,
                                       noise: 0.5, dimension: 1 << 16, seed: 8)
        let plain = try Trainer.train(examples: problem.examples, labels: problem.labels,
                                      options: options { $0.thresholdFloor = 0 })
        let floored = try Trainer.train(examples: problem.examples, labels: problem.labels,
                                        options: options { $0.thresholdFloor = 0.45 })
        #expect(plain.model.thresholds.contains { $0 < 0.45 })
        for l in 0..<4 {
            #expect(floored.model.thresholds[l] == max(0.45, plain.model.thresholds[l]))
        }
        #expect(floored.model.weights == plain.model.weights)
        #expect(throws: TrainingError.self) {
            try Trainer.train(examples: problem.examples, labels: problem.labels, options: options { $0.thresholdFloor = 1 })
        }
    }
}
