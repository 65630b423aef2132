import ArgumentParser
import Foundation
import Features
import MIME
import Model
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// Options of the trainer that users may want to change.
struct TrainingFlags: ParsableArguments {
    @Option(help: "Cross-validation folds used to tune the per-label thresholds.")
    var folds = 5
    @Option(name: .customLong("min-positives"), help: "Labels with fewer positive examples abstain.")
    var minPositives = 5
    @Option(name: .customLong("min-cv-f1"), help: "Labels whose cross-validated F1 stays below this abstain (default 0: off).")
    var minCrossValidatedF1: Float?
    @Option(help: "Training epochs.")
    var epochs: Int?
    @Option(help: "Random seed (same seed and data: same model).")
    var seed: UInt64?
    @Option(name: .customLong("min-precision"), help: "Tune thresholds for at least this precision (0-1) instead of best F1.")
    var minPrecision: Float?
    @Option(name: .customLong("threshold-floor"), help: "Lowest allowed tuned threshold (0-1; 0 turns the floor off).")
    var thresholdFloor: Float?
    @Option(name: .customLong("min-document-fraction"), help: "Features in fewer than this fraction of the training messages get no weight (0-1).")
    var minDocumentFraction: Float?
    @Flag(name: .customLong("idf"), help: "Scale features by their learned inverse document frequency (TF-IDF).")
    var idf = false
    @Option(name: .customLong("positive-weight-cap"), help: "Cap of the automatic positive-example weight for rare labels.")
    var positiveWeightCap: Float?
    @Option(name: .customLong("l2"), help: "L2 regularisation strength.")
    var l2: Float?
    @Option(name: .customLong("learning-rate"), help: "AdaGrad base learning rate.")
    var learningRate: Float?

    func options(pipeline: Pipeline) -> TrainingOptions {
        var o = TrainingOptions()
        o.dimension = pipeline.dimension
        o.featurizer = pipeline.stamp
        o.folds = folds
        o.minPositives = minPositives
        if let epochs { o.epochs = epochs }
        if let minCrossValidatedF1 { o.minCrossValidatedF1 = minCrossValidatedF1 }
        if let seed { o.seed = seed }
        if let minPrecision { o.thresholdObjective = .minPrecision(minPrecision) }
        if let thresholdFloor { o.thresholdFloor = thresholdFloor }
        if idf { o.inverseDocumentFrequency = true }
        if let minDocumentFraction { o.minimumDocumentFraction = minDocumentFraction }
        if let positiveWeightCap { o.positiveWeighting = .sqrtRatio(cap: positiveWeightCap) }
        if let l2 { o.l2 = l2 }
        if let learningRate { o.learningRate = learningRate }
        return o
    }
}

/// Featurises every message of a manifest; a message that cannot be read is an error naming
/// its manifest line, or a warning and a skip with `skipMissing`.
func loadExamples(_ manifest: Manifest, pipeline: inout Pipeline, labels: [String], manifestPath: String,
                  skipUnreadable: Bool) throws -> [TrainingExample] {
    var examples: [TrainingExample] = []
    examples.reserveCapacity(manifest.entries.count)
    let position = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
    for entry in manifest.entries {
        do {
            let vector = try pipeline.vector(path: entry.path)
            let unknown = entry.known.map { k in labels.indices.filter { !k.contains(labels[$0]) && !entry.labels.contains(labels[$0]) } } ?? []
            examples.append(TrainingExample(vector: vector, labels: entry.labels.compactMap { position[$0] }.sorted(),
                                            unknown: unknown))
        } catch {
            if skipUnreadable {
                printError("\(manifestPath):\(entry.line): skipped: \(error)")
            } else {
                throw TaggerError.manifest(path: manifestPath, line: entry.line, reason: "\(error)")
            }
        }
    }
    return examples
}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Trains a model from a labels manifest and prints cross-validated per-label metrics.",
        discussion: "The model goes to --model (default: the live model, <state-dir>/model/current.tgm). A model it replaces is kept in history/ next to it, so `tagger rollback` (with the same --model) brings it back.")

    @Option(help: "Labels manifest (JSON Lines: {\"path\": ..., \"labels\": [...]}).")
    var manifest: String
    @OptionGroup var state: StateOptions
    @OptionGroup var training: TrainingFlags
    @Flag(name: .customLong("skip-missing"), help: "Skip manifest lines naming missing or unreadable files, with a warning.")
    var skipMissing = false
    @Flag(help: "Print the cross-validation report as JSON.")
    var json = false

    func run() throws {
        try failing {
            let config = try state.resolve()
            let clock = ContinuousClock()
            let start = clock.now
            let m = try Manifest.load(path: manifest, skipMissing: skipMissing)
            m.warnings.forEach { printError($0) }
            var pipeline = try Pipeline()
            let examples = try loadExamples(m, pipeline: &pipeline, labels: m.labels, manifestPath: manifest,
                                            skipUnreadable: skipMissing)
            let featurised = clock.now
            let result: TrainingResult
            do {
                result = try Trainer.train(examples: examples, labels: m.labels, options: training.options(pipeline: pipeline))
            } catch {
                // Name the manifest: "no labels to train" alone does not say where to look.
                throw TaggerError.usage("\(manifest): \(error)")
            }
            let trained = clock.now
            let out = config.modelPath
            let folder = (out as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw TaggerError.io(path: folder, reason: "cannot create the model's folder: \(describe(error))")
            }
            // Through the model store: a model this replaces (the live one, when --model is not
            // given) goes to history/, so `tagger rollback` brings it back.
            let store = ModelStore(current: out)
            let temp = store.temporaryPath()
            let replaced = FileManager.default.fileExists(atPath: out)
            do {
                try ModelFile.write(result.model, to: temp)
                try store.install(candidate: temp)
            } catch {
                unlink(temp)
                throw error
            }
            if json {
                emit(jsonLine(result.crossValidation, pretty: true))
            } else {
                emit(result.crossValidation.renderTable())
                emit("")
                emit(String(format: "%d messages, %d labels (%d abstain); read+featurise %.2f s, train %.2f s",
                            examples.count, m.labels.count, result.model.abstains.filter { $0 }.count,
                            seconds(featurised - start), seconds(trained - featurised)))
                emit("model \(result.model.id) written to \(out)"
                     + (replaced ? " (the model it replaced is in \(store.historyDir); `tagger rollback` restores it)" : ""))
            }
        }
    }
}

/// Seconds in a `Duration`.
func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
