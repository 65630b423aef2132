import Foundation
import Model
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState

extension Retrainer {
    /// The retrainer for a configuration: the state directory's journal and model store, the
    /// configured maildirs and folder labels, this binary's pipeline and model file format.
    public static func standard(config: ResolvedConfig, manifests: [String] = []) throws -> Retrainer {
        try makeDirectory(config.stateDir)
        let box = PipelineBox(try Pipeline())
        var retrainer = Retrainer(
            store: ModelStore(current: config.modelPath),
            journal: Journal(path: config.state.journal),
            builder: TrainingSetBuilder(maildirs: config.maildirs.map(\.root), folderLabels: config.folderLabels,
                                        folderNegatives: config.folderNegatives,
                                        manifests: manifests),
            stateDir: config.stateDir,
            featurize: { path in try box.pipeline.vector(path: path) },
            loadModel: { path in try Pipeline.loadModel(at: path).model },
            writeModel: { model, path in try ModelFile.write(model, to: path) })
        retrainer.beforeReadingJournal = { try SidecarEdits.pickUp(config: config).warnings }
        return retrainer
    }
}

/// Holds a pipeline (and its scratch) for a closure used on one thread.
final class PipelineBox {
    var pipeline: Pipeline
    init(_ pipeline: Pipeline) { self.pipeline = pipeline }
}
