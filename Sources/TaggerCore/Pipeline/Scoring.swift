import Synchronization
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState

/// Identity of a loaded model, as written into sidecars (`model.id`, `model.trained_at`).
public struct ModelInfo: Sendable, Equatable {
    /// Unique id of the model (e.g. `2026-11-26T10:00:00Z-3f2a`).
    public var id: String
    /// ISO-8601 time the model was trained.
    public var trainedAt: String

    public init(id: String, trainedAt: String) {
        self.id = id
        self.trainedAt = trainedAt
    }
}

/// The result of scoring one message file.
public struct ScoreOutcome: Sendable, Equatable {
    /// The Message-ID header (angle brackets kept), when there is one.
    public var messageID: String?
    /// Probability per label.
    public var scores: [String: Double]
    /// Decision threshold per label.
    public var thresholds: [String: Double]
    /// The model's tags, before user corrections.
    public var tags: [String]
    /// Labels scored but not applied (too few training examples).
    public var abstained: [String]
    /// Set when the message could not be read or parsed.
    public var error: String?
    /// Limits hit while reading the message.
    public var warnings: [String]

    public init(
        messageID: String? = nil, scores: [String: Double] = [:], thresholds: [String: Double] = [:],
        tags: [String] = [], abstained: [String] = [], error: String? = nil, warnings: [String] = []
    ) {
        self.messageID = messageID
        self.scores = scores
        self.thresholds = thresholds
        self.tags = tags
        self.abstained = abstained
        self.error = error
        self.warnings = warnings
    }
}

/// What the daemon needs from the classifier (the integrator implements it with the real model).
public protocol MessageScoring: Sendable {
    /// Identity of the model currently loaded.
    var modelInfo: ModelInfo { get }
    /// Scores one message file. Never throws: unreadable/unparseable → ScoreOutcome with error.
    func score(fileAt path: String) -> ScoreOutcome
}

/// Loads a model file into a scorer (used at start, on SIGHUP and when the model file changes).
public protocol ScorerLoader: Sendable {
    /// Loads the model at `modelPath`.
    /// - Throws: whatever the model reader throws for a missing or corrupt file.
    func load(modelPath: String) throws -> any MessageScoring
}

/// The scorer before any model exists: the daemon runs and watches, but writes no sidecars
/// until a model file appears.
package struct NoModelYet: MessageScoring {
    package init() {}
    package var modelInfo: ModelInfo { ModelInfo(id: "none", trainedAt: "") }
    package func score(fileAt path: String) -> ScoreOutcome {
        ScoreOutcome(messageID: nil, scores: [:], thresholds: [:], tags: [], abstained: [], error: "no model", warnings: [])
    }
}
