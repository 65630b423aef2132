import Foundation
import Features
import Model
import TaggerLock
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState

/// The real classifier behind the daemon: a model file and the pipeline it was trained with.
public final class ModelScorer: MessageScoring {
    public let model: MultiLabelModel
    public let modelInfo: ModelInfo
    /// The daemon scores on one thread; the lock only makes the scratch memory safe to share.
    private let pipeline: Locked<Pipeline>

    /// Loads the model at `path`.
    /// - Throws: `ModelFileError` or `TaggerError.model` naming the file (missing, corrupt,
    ///   another featuriser version).
    public init(modelPath path: String) throws {
        let (model, pipeline) = try Pipeline.loadModel(at: path)
        self.model = model
        self.pipeline = Locked(pipeline)
        modelInfo = ModelInfo(id: model.id, trainedAt: Timestamp.iso8601(model.trainedAt))
    }

    public func score(fileAt path: String) -> ScoreOutcome {
        pipeline.withLock { pipeline in
            let document: Document
            do { document = try pipeline.document(path: path) } catch {
                return ScoreOutcome(messageID: nil, scores: [:], thresholds: thresholds, tags: [],
                                    abstained: [], error: "\(error)", warnings: [])
            }
            let prediction = model.predict(pipeline.vector(document))
            return ScoreOutcome(
                messageID: document.headers.messageID, scores: prediction.scores.mapValues { Double($0) },
                thresholds: thresholds, tags: prediction.tags, abstained: prediction.abstained,
                error: nil, warnings: document.warnings)
        }
    }

    private var thresholds: [String: Double] {
        Dictionary(uniqueKeysWithValues: model.labelInfo.map { ($0.name, Double($0.threshold)) })
    }
}

/// Loads `ModelScorer`s for the daemon (at start, on SIGHUP, when the model file changes).
public struct ModelScorerLoader: ScorerLoader {
    public init() {}
    public func load(modelPath: String) throws -> any MessageScoring {
        try ModelScorer(modelPath: modelPath)
    }
}
