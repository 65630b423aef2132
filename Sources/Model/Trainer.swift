import Foundation

/// A trained model and the cross-validated evaluation that tuned its thresholds.
public struct TrainingResult: Sendable {
    /// The model, fitted on all examples, with thresholds from cross-validation.
    public var model: MultiLabelModel
    /// Out-of-fold evaluation. Its tuned-threshold figures use thresholds chosen on those same
    /// out-of-fold scores, so they are slightly optimistic; the 0.5 column is not.
    public var crossValidation: EvaluationReport
}

/// Trains multi-label models: per label, k-fold cross-validation for out-of-fold scores and
/// a threshold, then a fit on all examples. Pure computation: no printing, no I/O.
public enum Trainer {
    /// Trains a model for `labels` from `examples`.
    /// - Parameter now: the training time recorded in the model (and its id).
    /// - Throws: `TrainingError` for no or duplicate labels, label indices out of range,
    ///   malformed vectors, fewer than two folds, or fewer examples than folds.
    public static func train(examples: [TrainingExample], labels: [String], options: TrainingOptions = TrainingOptions(),
                             now: Date = Date()) throws(TrainingError) -> TrainingResult {
        guard !labels.isEmpty else { throw .noLabels }
        var names = Set<String>()
        for name in labels where !names.insert(name).inserted { throw .duplicateLabel(name) }
        guard options.folds >= 2 else { throw .badOptions("folds must be at least 2, not \(options.folds)") }
        guard examples.count >= options.folds else {
            throw .badOptions("\(examples.count) examples cannot fill \(options.folds) folds")
        }
        guard options.epochs >= 1, options.learningRate > 0, options.l2 >= 0 else {
            throw .badOptions("epochs ≥ 1, learning rate > 0 and l2 ≥ 0 are required")
        }
        let data = try TrainingData(examples: examples, labelCount: labels.count, dimension: options.dimension)
        let trainer = LabelTrainer(epochs: options.epochs, learningRate: options.learningRate, l2: options.l2,
                                    gradientFloor: options.gradientFloor)
        let n = data.exampleCount
        var finals: [LabelWeights] = []
        var outOfFold: [[Float]] = []
        var infos: [LabelInfo] = []
        for (l, name) in labels.enumerated() {
            let truth = data.truth[l]
            var rng = SplitMix64(seed: options.seed ^ stableHash(name))
            let fold = stratifiedFolds(truth: truth, folds: options.folds, rng: &rng)
            var scores = [Float](repeating: 0, count: n)
            for f in 0..<options.folds {
                let rows = (0..<n).filter { fold[$0] != f }
                let weights = trainer.train(data: data, truth: truth, rows: rows,
                                            positiveWeight: positiveWeight(truth, rows, options), rng: &rng)
                for r in 0..<n where fold[r] == f {
                    scores[r] = LabelTrainer.probability(weights, data: data, row: r)
                }
            }
            let all = Array(0..<n)
            finals.append(trainer.train(data: data, truth: truth, rows: all,
                                        positiveWeight: positiveWeight(truth, all, options), rng: &rng))
            let threshold = ThresholdTuner.tune(scores: scores, truth: truth, objective: options.thresholdObjective)
            let positives = truth.reduce(0) { $0 + ($1 ? 1 : 0) }
            infos.append(LabelInfo(
                name: name, threshold: threshold, abstains: positives < options.minPositives,
                positives: positives, examples: n,
                crossValidated: Evaluation.metrics(scores, truth, threshold: threshold)))
            outOfFold.append(scores)
        }
        let report = Evaluation.evaluate(scores: outOfFold, truth: data.truth, labels: labels,
                                         thresholds: infos.map(\.threshold), included: infos.map { !$0.abstains })
        return TrainingResult(model: assemble(finals, infos: infos, data: data, options: options, now: now),
                              crossValidation: report)
    }

    private static func positiveWeight(_ truth: [Bool], _ rows: [Int], _ options: TrainingOptions) -> Float {
        let positives = rows.reduce(0) { $0 + (truth[$1] ? 1 : 0) }
        return LabelTrainer.positiveWeight(options.positiveWeighting, positives: positives, total: rows.count)
    }

    /// Lays the per-label weight vectors out as per-feature rows, keeping rows with any weight.
    private static func assemble(_ finals: [LabelWeights], infos: [LabelInfo], data: TrainingData,
                                 options: TrainingOptions, now: Date) -> MultiLabelModel {
        let labelCount = finals.count
        var rowIndices: [UInt32] = []
        var rows: [Float] = []
        rows.reserveCapacity(data.featureCount * labelCount)
        for id in 0..<data.featureCount {
            guard finals.contains(where: { $0.weights[id] != 0 }) else { continue }
            rowIndices.append(data.featureOfID[id])
            for label in finals { rows.append(label.weights[id]) }
        }
        do {
            return try MultiLabelModel(labels: infos, dimension: options.dimension, rowIndices: rowIndices, rows: rows,
                                       bias: finals.map(\.bias), featurizer: options.featurizer, trainedAt: now)
        } catch {
            preconditionFailure("trainer assembled an inconsistent model: \(error)")
        }
    }
}
