/// One labelled training message: its feature vector and the indices of its labels.
public struct TrainingExample: Sendable, Equatable {
    /// The featurised message (sorted unique indices, normally L2-normalised).
    public var vector: SparseVector
    /// Indices into the label list passed to `Trainer.train`; any label not listed (nor in
    /// `unknown`) is a negative.
    public var labels: [Int]
    /// Label indices the example says nothing about: neither positive nor negative, they give
    /// those labels no gradient and no count (read mail outside the labelled folders teaches the
    /// folder labels, not the labels learnt from corrections). A label in `labels` is positive.
    public var unknown: [Int]

    /// Creates an example from a vector and its positive label indices.
    public init(vector: SparseVector, labels: [Int], unknown: [Int] = []) {
        self.vector = vector
        self.labels = labels
        self.unknown = unknown
    }
}

/// Why training could not start.
public enum TrainingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// No label names were given.
    case noLabels
    /// Label names repeat.
    case duplicateLabel(String)
    /// An example names a label index outside the label list.
    case labelOutOfRange(example: Int, label: Int)
    /// An example has a feature index at or above the dimension, or unsorted indices.
    case badVector(example: Int, reason: String)
    /// Fewer than two folds, or fewer examples than folds.
    case badOptions(String)
    /// Training produced scores that are not numbers (steps overflowed).
    case diverged(label: String)

    public var description: String {
        switch self {
        case .noLabels: return "no labels to train"
        case .duplicateLabel(let name): return "label \"\(name)\" is listed twice"
        case .labelOutOfRange(let e, let l): return "example \(e) names label index \(l), which does not exist"
        case .badVector(let e, let reason): return "example \(e) has a bad feature vector: \(reason)"
        case .badOptions(let reason): return "bad training options: \(reason)"
        case .diverged(let label):
            return "training diverged (label \"\(label)\" scored not-a-number): lower --learning-rate or --l2"
        }
    }
}
