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

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluates a model on a labels manifest: per-label precision/recall/F1/support, micro- and macro-F1, at tuned thresholds and at 0.5.")

    @Option(help: "Labels manifest to evaluate on.")
    var manifest: String
    @OptionGroup var state: StateOptions
    @Flag(name: .customLong("skip-missing"), help: "Skip manifest lines naming missing or unreadable files, with a warning.")
    var skipMissing = false
    @Flag(help: "Print the report as JSON.")
    var json = false
    @Option(help: "Labels with at least this many positive training examples are evaluated even when they abstain (as never applied), as in training's report; give the value the model was trained with.")
    var minPositives = 5

    func run() throws {
        try failing {
            let config = try state.resolve()
            var (model, pipeline) = try loadModel(config.modelPath)
            let m = try Manifest.load(path: manifest, skipMissing: skipMissing)
            m.warnings.forEach { printError($0) }
            let unknown = Set(m.labels).subtracting(model.labels)
            if !unknown.isEmpty {
                printError("\(manifest): labels the model does not know are ignored: \(unknown.sorted().joined(separator: ", "))")
            }
            let examples = try loadExamples(m, pipeline: &pipeline, labels: model.labels, manifestPath: manifest,
                                            skipUnreadable: skipMissing)
            let report = Evaluation.evaluate(model: model, examples: examples, minPositives: minPositives)
            emit(json ? jsonLine(report, pretty: true) : report.renderTable())
        }
    }
}

/// Loads a model file and the pipeline it was trained with.
/// - Throws: `TaggerError.model` naming the file: missing, corrupt, or from another featuriser.
func loadModel(_ path: String) throws -> (MultiLabelModel, Pipeline) {
    guard FileManager.default.fileExists(atPath: path) else {
        throw TaggerError.model(path: path, reason: "no model here: train one with `tagger train --manifest M.jsonl` or `tagger retrain`, or give --model the path of an existing one")
    }
    return try Pipeline.loadModel(at: path)  // its errors already name the file
}
