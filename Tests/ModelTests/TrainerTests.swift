import Foundation
import Testing
@testable import Model

/// Small problems so the debug-build tests stay quick.
private func easyProblem(seed: UInt64 = 1) -> SyntheticProblem {
    SyntheticProblem(examples: 400, frequencies: [0.3, 0.2, 0.15, 0.1], background: 40, signal: 10,
                     noise: 0, dimension: 1 << 16, seed: seed)
}

private func options(_ change: (inout TrainingOptions) -> Void = { _ in }) -> TrainingOptions {
    var o = TrainingOptions()
    o.dimension = 1 << 16
    change(&o)
    return o
}

@Suite("Trainer")
struct TrainerTests {
    @Test func learnsASyntheticMultiLabelProblem() throws {
        let problem = easyProblem()
        let result = try Trainer.train(examples: problem.examples, labels: problem.labels, options: options())
        #expect(result.crossValidation.tuned.microF1 >= 0.99)
        // The final model (fitted on everything) with the CV-tuned thresholds.
        let report = Evaluation.evaluate(model: result.model, examples: problem.examples)
        #expect(report.tuned.microF1 >= 0.99)
        // Multi-label: some messages carry several labels and get them all.
        let multi = problem.examples.filter { $0.labels.count >= 2 }
        #expect(!multi.isEmpty)
        let allRight = multi.filter { Set(result.model.predict($0.vector).tags) == Set($0.labels.map { problem.labels[$0] }) }
        #expect(Double(allRight.count) >= 0.95 * Double(multi.count))
    }

    @Test func sameSeedSameWeightsOtherSeedOtherWeights() throws {
        let problem = easyProblem()
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        let a = try Trainer.train(examples: problem.examples, labels: problem.labels, options: options(), now: date)
        let b = try Trainer.train(examples: problem.examples, labels: problem.labels, options: options(), now: date)
        #expect(a.model == b.model)
        #expect(a.model.id == b.model.id)
        let c = try Trainer.train(examples: problem.examples, labels: problem.labels,
                                  options: options { $0.seed = 99 }, now: date)
        #expect(c.model.weights != a.model.weights)
    }

    /// Adding a label (a new truth column for the same messages) leaves every other label's
    /// weights, bias, threshold and scores exactly as they were, wherever the new label sits.
    @Test func addingALabelLeavesOtherLabelsUnchanged() throws {
        let problem = easyProblem()
        let base = try Trainer.train(examples: problem.examples, labels: problem.labels, options: options())
        // New label "extra" inserted first: its data marks every third message.
        let labels = ["extra"] + problem.labels
        let examples = problem.examples.enumerated().map { i, e in
            TrainingExample(vector: e.vector, labels: e.labels.map { $0 + 1 } + (i % 3 == 0 ? [0] : []))
        }
        let grown = try Trainer.train(examples: examples, labels: labels, options: options())
        for (l, name) in problem.labels.enumerated() {
            #expect(grown.model.labelInfo[l + 1] == base.model.labelInfo[l], "label \(name)")
            #expect(grown.model.bias[l + 1] == base.model.bias[l])
        }
        for e in problem.examples.prefix(50) {
            let before = base.model.probabilities(e.vector)
            let after = grown.model.probabilities(e.vector)
            #expect(Array(after[1...]) == before)
        }
    }

    @Test func aLabelNotWorthApplyingAbstainsButStillCountsInTheReport() throws {
        var problem = easyProblem()
        // 12 positives scattered with no relation to the features: nothing to learn.
        problem.labels += ["noise"]
        for i in 0..<12 { problem.examples[i * 13 + 3].labels.append(4) }
        var o = options()
        o.minCrossValidatedF1 = 0.3   // chance level for this label is about 0.1; the learnable ones reach ~1
        let result = try Trainer.train(examples: problem.examples, labels: problem.labels, options: o)
        let noise = result.model.labelInfo[4]
        #expect(noise.positives == 12 && noise.abstains)
        #expect(noise.crossValidated.f1 < 0.3)
        #expect(result.crossValidation.labels[4].included)          // counted in the figures...
        #expect(result.crossValidation.labels[4].tuned.predicted == 0)  // ...as never applied
        #expect(result.model.labelInfo[..<4].allSatisfy { !$0.abstains })
    }

    /// Thresholds tuned on the very out-of-fold scores they are counted on flatter labels that
    /// cannot be learnt; the held-out (cross-fitted) figure must not, and must agree with the
    /// tuned one where there is something to learn.
    @Test func heldOutFigureIsHonestAboutUnlearnableLabels() throws {
        var problem = easyProblem()
        let learnable = try Trainer.train(examples: problem.examples, labels: problem.labels, options: options())
        let fitted = try #require(learnable.crossValidation.crossFitted)
        #expect(fitted.microF1 >= 0.98)
        #expect(abs(fitted.microF1 - learnable.crossValidation.tuned.microF1) < 0.02)

        // Three labels of pure noise (random messages, nothing in the features): tuning on the
        // counted scores finds some lucky cut; deciding each fold from the others cannot.
        var rng = SplitMix64(seed: 5)
        problem.labels += ["noiseA", "noiseB", "noiseC"]
        for l in 4..<7 {
            for i in problem.examples.indices where rng.below(100) < 8 { problem.examples[i].labels.append(l) }
        }
        var o = options()
        o.minCrossValidatedF1 = 0
        o.thresholdFloor = 0
        let noisy = try Trainer.train(examples: problem.examples, labels: problem.labels, options: o)
        let report = noisy.crossValidation
        let honest = try #require(report.crossFitted)
        #expect(honest.macroF1 < report.tuned.macroF1)
        #expect(honest.microF1 <= report.tuned.microF1)
    }

    @Test func evalCountsALowF1AbstainerAsNeverApplied() throws {
        var problem = easyProblem()
        problem.labels += ["noise"]
        for i in 0..<12 { problem.examples[i * 13 + 3].labels.append(4) }
        var o = options()
        o.minCrossValidatedF1 = 0.3
        let result = try Trainer.train(examples: problem.examples, labels: problem.labels, options: o)
        #expect(result.model.labelInfo[4].abstains)
        let report = Evaluation.evaluate(model: result.model, examples: problem.examples)
        #expect(report.labels[4].included)              // enough examples: it counts...
        #expect(report.labels[4].tuned.predicted == 0)  // ...as never applied
        #expect(report.labels[4].tuned.support == 12)
        // With a minimum above its 12 positives it is only listed.
        #expect(!Evaluation.evaluate(model: result.model, examples: problem.examples, minPositives: 13).labels[4].included)
    }

    @Test func labelsWithTooFewPositivesAbstain() throws {
        var problem = easyProblem()
        // A label with exactly 4 positives (below the default minimum of 5) and one with 5.
        problem.labels += ["rare4", "rare5"]
        for i in 0..<5 { problem.examples[i * 7].labels.append(5) }
        for i in 0..<4 { problem.examples[i * 11 + 1].labels.append(4) }
        var o = options()
        o.minCrossValidatedF1 = 0   // this test is about the count of positives only
        let result = try Trainer.train(examples: problem.examples, labels: problem.labels, options: o)
        let rare4 = result.model.labelInfo[4], rare5 = result.model.labelInfo[5]
        #expect(rare4.abstains && rare4.positives == 4)
        #expect(!rare5.abstains && rare5.positives == 5)
        #expect(result.crossValidation.labels[4].included == false)
        // Scored but never applied, even on a message that carried it.
        let prediction = result.model.predict(problem.examples[1].vector)
        #expect(prediction.abstained == ["rare4"])
        #expect(prediction.scores["rare4"] != nil)
        #expect(!prediction.tags.contains("rare4"))
    }

    @Test func minPrecisionOptionIsHonouredOnOutOfFoldScores() throws {
        let problem = SyntheticProblem(examples: 400, frequencies: [0.3, 0.2], background: 40, signal: 2,
                                       noise: 0.4, dimension: 1 << 16, seed: 5)
        let f1 = try Trainer.train(examples: problem.examples, labels: problem.labels, options: options())
        let precise = try Trainer.train(examples: problem.examples, labels: problem.labels,
                                        options: options { $0.thresholdObjective = .minPrecision(0.95) })
        for l in 0..<2 {
            let cv = precise.model.labelInfo[l].crossValidated
            #expect(cv.precision >= 0.95 || cv == f1.model.labelInfo[l].crossValidated)
            #expect(precise.model.labelInfo[l].threshold >= f1.model.labelInfo[l].threshold)
        }
    }

    /// Jointly tuned thresholds never lower the out-of-fold micro-F1 below the per-label F1
    /// cuts they start from, and leave the weights alone.
    @Test func microF1ObjectiveRaisesPooledF1() throws {
        let problem = SyntheticProblem(examples: 400, frequencies: [0.3, 0.2, 0.05, 0.03], background: 40, signal: 1,
                                       noise: 0.5, dimension: 1 << 16, seed: 8)
        let f1 = try Trainer.train(examples: problem.examples, labels: problem.labels, options: options())
        let micro = try Trainer.train(examples: problem.examples, labels: problem.labels,
                                      options: options { $0.thresholdObjective = .microF1 })
        #expect(micro.crossValidation.tuned.microF1 >= f1.crossValidation.tuned.microF1)
        #expect(micro.model.weights == f1.model.weights)
    }

    @Test func rejectsBadInput() {
        let v = SparseVector(indices: [1, 2], values: [0.6, 0.8])
        let examples = (0..<5).map { _ in TrainingExample(vector: v, labels: [0]) }
        #expect(throws: TrainingError.noLabels) { try Trainer.train(examples: examples, labels: [], options: options()) }
        #expect(throws: TrainingError.duplicateLabel("a")) {
            try Trainer.train(examples: examples, labels: ["a", "a"], options: options())
        }
        #expect(throws: TrainingError.labelOutOfRange(example: 0, label: 3)) {
            try Trainer.train(examples: [TrainingExample(vector: v, labels: [3])] + examples, labels: ["a"], options: options())
        }
        let unsorted = TrainingExample(vector: SparseVector(indices: [2, 1], values: [1, 1]), labels: [])
        #expect(throws: TrainingError.self) { try Trainer.train(examples: [unsorted] + examples, labels: ["a"], options: options()) }
        #expect(throws: TrainingError.self) {
            try Trainer.train(examples: Array(examples.prefix(3)), labels: ["a"], options: options())
        }
    }

    @Test func aNonFiniteWeightOrBiasNamesItsLabel() {
        // Two chunks (labels 0–7), three features: weights[feature * 2 + chunk].
        var block = LabelBlockWeights(weights: [SIMD4<Float>](repeating: SIMD4(repeating: 0.5), count: 6),
                                      bias: [SIMD4<Float>](repeating: .zero, count: 2), chunks: 2)
        #expect(block.firstNonFiniteLabel(labelCount: 7) == nil)
        block.weights[2 * 2 + 1][1] = -.infinity        // feature 2, label 5
        #expect(block.firstNonFiniteLabel(labelCount: 7) == 5)
        block.bias[0][3] = .nan                           // label 3
        #expect(block.firstNonFiniteLabel(labelCount: 7) == 3)
        #expect(LabelBlockWeights.mean([block, block]).firstNonFiniteLabel(labelCount: 3) == nil)
    }

    /// An infinite or overflowing learning rate once left NaN scores that hung threshold tuning.
    @Test func nonFiniteOrOverflowingOptionsFailInsteadOfHanging() throws {
        let p = SyntheticProblem(examples: 60, frequencies: [0.3], background: 20, signal: 5,
                                 noise: 0, dimension: 1 << 16, seed: 3)
        for change in [{ (o: inout TrainingOptions) in o.learningRate = .infinity },
                       { (o: inout TrainingOptions) in o.l2 = .infinity },
                       { (o: inout TrainingOptions) in o.l2 = .nan },
                       { (o: inout TrainingOptions) in o.minCrossValidatedF1 = 1.5 },
                       { (o: inout TrainingOptions) in o.thresholdObjective = .minPrecision(2) },
                       { (o: inout TrainingOptions) in o.positiveWeighting = .sqrtRatio(cap: .nan) }] {
            #expect(throws: TrainingError.self) {
                try Trainer.train(examples: p.examples, labels: p.labels, options: options(change))
            }
        }
        let e = #expect(throws: TrainingError.self) {
            try Trainer.train(examples: p.examples, labels: p.labels, options: options { $0.learningRate = 1e30 })
        }
        guard case .diverged = e else { Issue.record("expected .diverged, got \(String(describing: e))"); return }
    }
}
