import Foundation
import ZlibSupport

/// The featuriser a model was trained with: its version and its settings (opaque JSON).
public struct FeaturizerStamp: Sendable, Equatable, Codable {
    /// Bumped by the featuriser whenever the same message would give a different vector.
    public var version: Int
    /// The featuriser's settings as JSON text, supplied and interpreted by the caller.
    public var settings: String

    /// Creates a stamp.
    public init(version: Int, settings: String) {
        self.version = version
        self.settings = settings
    }
}

/// What a model knows about one label besides its weights.
public struct LabelInfo: Sendable, Equatable {
    /// The label's name.
    public var name: String
    /// Tag when the probability is at least this.
    public var threshold: Float
    /// Too few positive examples to be trusted: scored but never applied.
    public var abstains: Bool
    /// Positive training examples.
    public var positives: Int
    /// Training examples (positive and negative).
    public var examples: Int
    /// Cross-validated metrics at the tuned threshold.
    public var crossValidated: LabelMetrics

    /// Creates label information.
    public init(name: String, threshold: Float, abstains: Bool, positives: Int, examples: Int,
                crossValidated: LabelMetrics) {
        self.name = name
        self.threshold = threshold
        self.abstains = abstains
        self.positives = positives
        self.examples = examples
        self.crossValidated = crossValidated
    }
}

/// Why a set of model parts does not form a model.
public struct ModelShapeError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What is inconsistent.
    public var reason: String
    public var description: String { "inconsistent model: \(reason)" }
}

/// A multi-label logistic model: one independent sigmoid per label over a shared sparse
/// feature vector (never a softmax: any number of labels can apply at once).
public struct MultiLabelModel: Sendable, Equatable {
    /// Per-label name, threshold, abstention, counts and cross-validated metrics.
    public let labelInfo: [LabelInfo]
    /// Size of the feature space the weights index.
    public let dimension: Int
    /// Per-feature rows of per-label weights.
    public let weights: WeightTable
    /// Per-label bias (intercept).
    public let bias: [Float]
    /// The featuriser the model expects.
    public let featurizer: FeaturizerStamp
    /// When training finished.
    public let trainedAt: Date
    /// "<trainedAt ISO 8601>-<4 hex digits of a hash of the weights>", e.g. "2026-11-26T10:00:00Z-3f2a".
    public let id: String

    /// Assembles a model from its parts, checking that they fit together.
    /// - Parameters:
    ///   - featureScales: per-row factor for the feature's value (learned IDF); nil means 1 for every row.
    ///   - unseenScale: factor for features without a row. The scaled vector is L2-normalised again
    ///     before the weights apply (see `logits`).
    ///   - id: nil computes the standard id from `trainedAt` and the weights.
    /// - Throws: `ModelShapeError` when counts disagree, row indices are unsorted or out of range, or
    ///   weights or scales are not finite (scales must also be positive).
    public init(labelInfo labels: [LabelInfo], dimension: Int, rowIndices: [UInt32], rows: [Float], bias: [Float],
                featureScales: [Float]? = nil, unseenScale: Float = 1,
                featurizer: FeaturizerStamp, trainedAt: Date, id: String? = nil) throws(ModelShapeError) {
        guard !labels.isEmpty else { throw ModelShapeError(reason: "no labels") }
        guard dimension > 0 else { throw ModelShapeError(reason: "dimension \(dimension) is not positive") }
        guard bias.count == labels.count else {
            throw ModelShapeError(reason: "\(bias.count) biases for \(labels.count) labels")
        }
        guard rows.count == rowIndices.count * labels.count else {
            throw ModelShapeError(reason: "\(rows.count) weights for \(rowIndices.count) rows of \(labels.count) labels")
        }
        guard rows.allSatisfy(\.isFinite), bias.allSatisfy(\.isFinite) else {
            throw ModelShapeError(reason: "weights must be finite numbers")
        }
        let featureScales = featureScales ?? [Float](repeating: 1, count: rowIndices.count)
        guard featureScales.count == rowIndices.count else {
            throw ModelShapeError(reason: "\(featureScales.count) feature scales for \(rowIndices.count) rows")
        }
        guard featureScales.allSatisfy({ $0.isFinite && $0 > 0 }), unseenScale.isFinite, unseenScale > 0 else {
            throw ModelShapeError(reason: "feature scales must be finite positive numbers")
        }
        var previous: Int = -1
        for index in rowIndices {
            guard Int(index) > previous, Int(index) < dimension else {
                throw ModelShapeError(reason: "row index \(index) is unsorted or not below dimension \(dimension)")
            }
            previous = Int(index)
        }
        guard Set(labels.map(\.name)).count == labels.count else {
            throw ModelShapeError(reason: "label names repeat")
        }
        self.labelInfo = labels
        self.labels = labels.map(\.name)
        self.dimension = dimension
        self.weights = WeightTable(rowIndices: rowIndices, rows: rows, labelCount: labels.count, dimension: dimension,
                                   featureScales: featureScales, unseenScale: unseenScale)
        self.bias = bias
        self.featurizer = featurizer
        self.trainedAt = trainedAt
        self.id = id ?? Self.makeID(trainedAt: trainedAt, rows: weights.rows, bias: bias)
    }

    /// Label names in model order.
    public let labels: [String]
    /// Per-label thresholds in model order.
    public var thresholds: [Float] { labelInfo.map(\.threshold) }
    /// Per-label abstention in model order.
    public var abstains: [Bool] { labelInfo.map(\.abstains) }
    /// Per-label positive training examples.
    public var positives: [Int] { labelInfo.map(\.positives) }
    /// Per-label training examples.
    public var examples: [Int] { labelInfo.map(\.examples) }
    /// Per-label cross-validated metrics at the tuned thresholds.
    public var crossValidated: [LabelMetrics] { labelInfo.map(\.crossValidated) }

    /// Index of the label called `name`, if the model has it.
    public func labelIndex(_ name: String) -> Int? { labelInfo.firstIndex { $0.name == name } }

    static func makeID(trainedAt: Date, rows: [Float], bias: [Float]) -> String {
        var hash: UInt32 = 0
        for part in [rows, bias] {
            let bytes = part.withUnsafeBufferPointer { Array(UnsafeRawBufferPointer($0)) }
            hash = Zlib.crc32(bytes, continuing: hash)
        }
        let hex = String(hash & 0xFFFF, radix: 16)
        let stamp = trainedAt.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
        return stamp + "-" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
