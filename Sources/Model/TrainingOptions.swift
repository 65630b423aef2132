/// How per-label decision thresholds are chosen from out-of-fold predictions.
public enum ThresholdObjective: Sendable, Equatable, Codable {
    /// The cut that maximises F1 on the out-of-fold predictions.
    case f1
    /// The lowest threshold whose out-of-fold precision is at least `p` (most recall at that
    /// precision); labels that never reach `p` fall back to the F1-optimal cut.
    case minPrecision(Float)
    /// Thresholds chosen together to maximise micro-F1 over the labels that do not abstain
    /// (coordinate ascent from the per-label F1 cuts). A weak label then stops flooding the
    /// pooled counts with false positives. Couples the labels: adding a label can move other
    /// labels' thresholds (never their weights).
    case microF1
}

/// How much a positive example of a label weighs in that label's loss.
public enum PositiveWeighting: Sendable, Equatable {
    /// Every example weighs 1.
    case none
    /// sqrt(negatives / positives), at least 1 and at most `cap`: rare labels are not drowned
    /// by their negatives, without the noise of the full ratio.
    case sqrtRatio(cap: Float)
    /// The same fixed weight for every label's positives.
    case fixed(Float)
}

/// Hyper-parameters and settings of `Trainer.train`.
public struct TrainingOptions: Sendable {
    /// Feature-space size; every vector index must be below it (2^18 by default).
    public var dimension: Int = 1 << 18
    /// Passes over the (per-label shuffled) training set.
    public var epochs: Int = 10
    /// AdaGrad base learning rate.
    public var learningRate: Float = 0.5
    /// L2 regularisation strength per example (applied lazily to the touched weights).
    public var l2: Float = 1e-3
    /// Examples whose loss gradient (by the logit) is below this skip their weight updates.
    public var gradientFloor: Float = 1e-3
    /// Positive-example weighting for rare labels.
    public var positiveWeighting: PositiveWeighting = .sqrtRatio(cap: 10)
    /// Scale features by their learned inverse document frequency (TF-IDF) before training
    /// and scoring; false keeps the featuriser's values (every scale 1).
    public var inverseDocumentFrequency = false
    /// Features in fewer training examples than this get no weights (1 keeps every feature).
    public var minimumDocumentFrequency = 2
    /// Features in fewer than this fraction of the training examples get no weights either
    /// (the larger of the two minimums applies). Rare features mostly memorise single
    /// messages; dropping them improved cross-validated F1 on enron and shrinks the model.
    public var minimumDocumentFraction: Float = 0.04
    /// The fraction applies only from this many training examples on: a user's first few dozen
    /// corrections need every feature they have (on the 104 samples the fraction cost ~0.04 F1).
    public var minimumDocumentFractionFrom = 400
    /// Cross-validation folds used to tune thresholds (at least 2).
    public var folds: Int = 5
    /// Labels with fewer positive examples than this abstain: scored, never applied.
    public var minPositives: Int = 5
    /// Labels with fewer negative examples than this abstain too: a label every training
    /// message carries (a spam folder and nothing else) has learnt nothing that tells mail apart.
    public var minNegatives: Int = 5
    /// Labels whose cross-validated F1 (at their tuned threshold) stays below this abstain too
    /// (0, the default, turns this off). The cross-validation report still counts such labels
    /// (as never applied), so the figures are not flattered by leaving hard labels out.
    /// Off by default: on held-out enron splits, labels it silenced (cross-validated F1 0 on a
    /// few examples) still found some of their messages in new mail (+0.027 macro-F1 for
    /// -0.004 micro-F1 over twelve 80/20 splits). Such labels sit at the threshold floor, which
    /// their scores seldom reach, so they are applied only where the model is surest.
    public var minCrossValidatedF1: Float = 0
    /// No tuned threshold is below this. On few examples the F1-optimal cut of a weak label
    /// often sits near 0, tagging almost everything; a floor keeps such labels from flooding
    /// the tags, and F1-optimal cuts found on out-of-fold scores run low on new mail (on
    /// enron held-out splits precision was 0.52 against recall 0.70 with a floor of 0.21).
    /// Chosen with the held-out (cross-fitted) estimate, which does not flatter low cuts.
    /// Applied per label (labels stay independent), before any joint tuning. 0 turns it off.
    public var thresholdFloor: Float = 0.35
    /// What the per-label thresholds optimise.
    public var thresholdObjective: ThresholdObjective = .f1
    /// Seed of every random choice (shuffles, folds): the same seed gives the same model.
    public var seed: UInt64 = 0x7A66_6572
    /// Featuriser version and settings recorded in the model file.
    public var featurizer = FeaturizerStamp(version: 0, settings: "{}")

    /// Defaults everywhere; change fields as needed.
    public init() {}
}
