/// One label's results in an evaluation.
public struct LabelEvaluation: Sendable, Equatable, Codable {
    /// The label's name.
    public var name: String
    /// Whether the label counts in the summaries (false when it abstains).
    public var included: Bool
    /// The label's tuned threshold; infinite for a label that abstains (never applied).
    public var threshold: Float
    /// Metrics at the tuned threshold.
    public var tuned: LabelMetrics
    /// Metrics at a fixed 0.5 threshold, to show what tuning gained.
    public var atHalf: LabelMetrics
}

extension LabelEvaluation {
    private enum CodingKeys: String, CodingKey {
        case name, included, threshold, tuned, atHalf, abstains
    }

    /// JSON has no infinity: an abstaining label's threshold is written as null (and read back
    /// as infinity), so a report with such a label still encodes; `abstains` says it in words
    /// (`included` false: too few examples; true: a cross-validated F1 below the minimum).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(included, forKey: .included)
        try c.encode(threshold.isFinite ? threshold : nil, forKey: .threshold)
        try c.encode(!threshold.isFinite, forKey: .abstains)
        try c.encode(tuned, forKey: .tuned)
        try c.encode(atHalf, forKey: .atHalf)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        included = try c.decode(Bool.self, forKey: .included)
        threshold = try c.decodeIfPresent(Float.self, forKey: .threshold) ?? .infinity
        tuned = try c.decode(LabelMetrics.self, forKey: .tuned)
        atHalf = try c.decode(LabelMetrics.self, forKey: .atHalf)
    }
}

/// Aggregates over the included labels at one choice of thresholds.
public struct EvaluationSummary: Sendable, Equatable, Codable {
    /// Pooled precision over all included (example, label) decisions.
    public var microPrecision: Float
    /// Pooled recall.
    public var microRecall: Float
    /// Pooled F1.
    public var microF1: Float
    /// Unweighted mean F1 over included labels with support > 0.
    public var macroF1: Float
    /// Labels averaged in `macroF1`.
    public var macroLabels: Int
    /// Fraction of included (example, label) decisions that are wrong.
    public var hammingLoss: Float
}

/// One bin of the reliability table: predictions in [lower, upper).
public struct ReliabilityBin: Sendable, Equatable, Codable {
    public var lower: Float
    public var upper: Float
    /// Predictions that fell in the bin.
    public var count: Int
    /// Their mean predicted probability (0 when empty).
    public var meanPredicted: Float
    /// The fraction of them that were truly positive (0 when empty).
    public var observedRate: Float
}

/// How well probabilities match observed frequencies, over included (example, label) pairs.
public struct Calibration: Sendable, Equatable, Codable {
    /// Expected calibration error: Σ_bins (count / total) · |observedRate − meanPredicted|.
    public var expectedCalibrationError: Float
    /// Ten equal-width bins over [0, 1].
    public var bins: [ReliabilityBin]
}

/// The result of scoring labelled examples: per-label metrics, summaries, calibration.
public struct EvaluationReport: Sendable, Equatable, Codable {
    /// Examples evaluated.
    public var examples: Int
    /// Per-label results, in model order.
    public var labels: [LabelEvaluation]
    /// Summaries at the tuned thresholds.
    public var tuned: EvaluationSummary
    /// Summaries at a fixed 0.5 threshold.
    public var atHalf: EvaluationSummary
    /// Training's cross-validation only: the tuned-threshold summaries when each fold is
    /// decided with thresholds and abstentions chosen on the other folds' out-of-fold scores
    /// alone. `tuned` chooses them on the very scores it then counts, which flatters it; this
    /// one is an honest estimate of how tuned thresholds do on new mail. Nil elsewhere.
    public var crossFitted: EvaluationSummary?
    /// Calibration of the probabilities.
    public var calibration: Calibration
    /// What the summaries average over, in words.
    public var scope: String
}

extension LabelMetrics {
    private enum CodingKeys: String, CodingKey {
        case support, predicted, truePositives, precision, recall, f1
    }

    /// Encodes the counts and the derived precision, recall and F1 (handy in JSON output).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(support, forKey: .support)
        try c.encode(predicted, forKey: .predicted)
        try c.encode(truePositives, forKey: .truePositives)
        try c.encode(precision, forKey: .precision)
        try c.encode(recall, forKey: .recall)
        try c.encode(f1, forKey: .f1)
    }

    /// Decodes the counts (the derived values are recomputed).
    /// - Throws: `DecodingError` when a count is missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(support: try c.decode(Int.self, forKey: .support),
                  predicted: try c.decode(Int.self, forKey: .predicted),
                  truePositives: try c.decode(Int.self, forKey: .truePositives))
    }
}
