/// Metrics for multi-label predictions: per-label precision/recall/F1, micro- and macro-F1,
/// hamming loss, at tuned thresholds and at 0.5, and calibration.
///
/// Summaries cover the *included* labels only (normally those that do not abstain); macro-F1
/// further skips labels without any positive example in the evaluated set.
public enum Evaluation {
    /// Evaluates probabilities against truth.
    /// - Parameters:
    ///   - probabilities: one array per example, one probability per label.
    ///   - truth: one array per example of the indices of its true labels.
    ///   - labels: label names; `thresholds` and `included` (default: all) follow their order.
    public static func evaluate(probabilities: [[Float]], truth: [[Int]], labels: [String],
                                thresholds: [Float], included: [Bool]? = nil) -> EvaluationReport {
        precondition(probabilities.count == truth.count, "one truth set per example")
        var scores = [[Float]](repeating: [Float](repeating: 0, count: truth.count), count: labels.count)
        var positive = [[Bool]](repeating: [Bool](repeating: false, count: truth.count), count: labels.count)
        for (e, row) in probabilities.enumerated() {
            precondition(row.count == labels.count, "one probability per label")
            for l in 0..<labels.count { scores[l][e] = row[l] }
            for l in truth[e] where l >= 0 && l < labels.count { positive[l][e] = true }
        }
        return evaluate(scores: scores, truth: positive, labels: labels, thresholds: thresholds,
                        included: included ?? [Bool](repeating: true, count: labels.count))
    }

    /// Scores `examples` with `model` and evaluates them as the model behaves in use, over the
    /// same labels as training's cross-validated report: every label the model applies, and
    /// every label with at least `minPositives` positive training examples, where one that
    /// abstains (cross-validated F1 too low) counts as never applied. Labels with fewer
    /// examples that abstain are listed but left out of the summaries. Example label indices
    /// refer to the model's labels.
    public static func evaluate(model: MultiLabelModel, examples: [TrainingExample], minPositives: Int = 5) -> EvaluationReport {
        let info = model.labelInfo
        // A label an example says nothing about is neutralised (score 0, not true), as in training.
        let probabilities = examples.map { example in
            var p = model.probabilities(example.vector)
            for l in example.unknown where l >= 0 && l < p.count && !example.labels.contains(l) { p[l] = 0 }
            return p
        }
        return evaluate(probabilities: probabilities, truth: examples.map(\.labels),
                        labels: model.labels, thresholds: info.map { $0.abstains ? Float.infinity : $0.threshold },
                        included: info.map { !$0.abstains || $0.positives >= minPositives })
    }

    /// The label-major core: `scores[label][example]`, `truth[label][example]`.
    static func evaluate(scores: [[Float]], truth: [[Bool]], labels: [String], thresholds: [Float],
                         included: [Bool]) -> EvaluationReport {
        let examples = scores.first?.count ?? 0
        var perLabel: [LabelEvaluation] = []
        for l in 0..<labels.count {
            perLabel.append(LabelEvaluation(
                name: labels[l], included: included[l], threshold: thresholds[l],
                tuned: metrics(scores[l], truth[l], threshold: thresholds[l]),
                atHalf: metrics(scores[l], truth[l], threshold: 0.5)))
        }
        let kept = perLabel.filter(\.included)
        return EvaluationReport(
            examples: examples, labels: perLabel,
            tuned: summary(kept.map(\.tuned), examples: examples),
            atHalf: summary(kept.map(\.atHalf), examples: examples), crossFitted: nil,
            calibration: calibration(scores: scores, truth: truth, included: included),
            scope: "micro-F1 and hamming loss over the \(kept.count) labels with enough examples (a label abstaining for low F1 counts as never applied); "
                + "macro-F1 over those of them with support > 0")
    }

    static func metrics(_ scores: [Float], _ truth: [Bool], threshold: Float) -> LabelMetrics {
        var support = 0, predicted = 0, tp = 0
        for (s, t) in zip(scores, truth) {
            let p = s >= threshold
            if t { support += 1 }
            if p { predicted += 1 }
            if p && t { tp += 1 }
        }
        return LabelMetrics(support: support, predicted: predicted, truePositives: tp)
    }

    static func summary(_ labels: [LabelMetrics], examples: Int) -> EvaluationSummary {
        let tp = labels.reduce(0) { $0 + $1.truePositives }
        let predicted = labels.reduce(0) { $0 + $1.predicted }
        let support = labels.reduce(0) { $0 + $1.support }
        let pooled = LabelMetrics(support: support, predicted: predicted, truePositives: tp)
        let withSupport = labels.filter { $0.support > 0 }
        let macro = withSupport.isEmpty ? 0 : withSupport.reduce(0) { $0 + $1.f1 } / Float(withSupport.count)
        let decisions = labels.count * examples
        let wrong = (predicted - tp) + (support - tp)
        return EvaluationSummary(
            microPrecision: pooled.precision, microRecall: pooled.recall, microF1: pooled.f1,
            macroF1: macro, macroLabels: withSupport.count,
            hammingLoss: decisions == 0 ? 0 : Float(wrong) / Float(decisions))
    }

    static func calibration(scores: [[Float]], truth: [[Bool]], included: [Bool]) -> Calibration {
        let binCount = 10
        var counts = [Int](repeating: 0, count: binCount)
        var predictedSum = [Double](repeating: 0, count: binCount)
        var positives = [Int](repeating: 0, count: binCount)
        for l in scores.indices where included[l] {
            for (s, t) in zip(scores[l], truth[l]) {
                let b = min(binCount - 1, max(0, Int(s * Float(binCount))))
                counts[b] += 1
                predictedSum[b] += Double(s)
                if t { positives[b] += 1 }
            }
        }
        let total = counts.reduce(0, +)
        var ece: Double = 0
        var bins: [ReliabilityBin] = []
        for b in 0..<binCount {
            let n = counts[b]
            let mean = n == 0 ? 0 : predictedSum[b] / Double(n)
            let rate = n == 0 ? 0 : Double(positives[b]) / Double(n)
            if total > 0 { ece += Double(n) / Double(total) * abs(rate - mean) }
            bins.append(ReliabilityBin(lower: Float(b) / Float(binCount), upper: Float(b + 1) / Float(binCount),
                                       count: n, meanPredicted: Float(mean), observedRate: Float(rate)))
        }
        return Calibration(expectedCalibrationError: Float(ece), bins: bins)
    }
}
