import ArgumentParser
import Foundation
import Features
import MIME
import Model
import TaggerConfig
import TaggerBench
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Learning-curve simulation: replays a labels manifest as a user who corrects the tagger's mistakes, retraining every N corrections, and reports held-out micro- and macro-F1 against the number of corrections.",
        discussion: "The manifest is split deterministically: every fifth line (by position) is held out, the rest is the stream, in manifest order. Only corrected messages are trained on.")

    @Option(help: "Labels manifest to replay.")
    var manifest: String
    @Option(help: "Retrain after this many new corrections.")
    var every = 50

    func validate() throws {
        if every < 1 { throw ValidationError("--every must be at least 1") }
        if let svg {
            // Say so before the run, not after it.
            let folder = (svg as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !folder.isEmpty && !(FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue) {
                throw ValidationError("--svg: no folder \(folder) to write \((svg as NSString).lastPathComponent) into")
            }
        }
    }
    @Option(help: "Write the curve as an SVG chart to this file.")
    var svg: String?
    @OptionGroup var training: TrainingFlags
    @Flag(help: "Print the points as JSON lines.")
    var json = false

    func run() throws {
        try failing {
            let m = try Manifest.load(path: manifest, skipMissing: true)
            m.warnings.forEach { printError($0) }
            var pipeline = try Pipeline()
            let examples = try loadExamples(m, pipeline: &pipeline, labels: m.labels, manifestPath: manifest, skipUnreadable: true)
            let heldOut = examples.enumerated().filter { $0.offset % 5 == 4 }.map(\.element)
            let stream = examples.enumerated().filter { $0.offset % 5 != 4 }.map(\.element)
            let sim = LearningCurveSimulation(stream: stream, heldOut: heldOut, labels: m.labels, every: every,
                                              options: training.options(pipeline: pipeline))
            if !json {
                emit("stream \(stream.count) messages, held out \(heldOut.count), \(m.labels.count) labels, retrain every \(every) corrections")
                emit("corrections  seen  active labels  held-out micro-F1  macro-F1")
            }
            let points = sim.run { p in
                emit(json ? jsonLine(p) : String(format: "%11d  %4d  %13d  %17.3f  %8.3f", p.corrections, p.seen, p.activeLabels, p.microF1, p.macroF1))
            }
            if let svg {
                let title = "tagger learning curve: \((manifest as NSString).lastPathComponent), retrain every \(every) corrections"
                try LearningCurveSimulation.svg(points, title: title).write(toFile: svg, atomically: true, encoding: .utf8)
            }
        }
    }
}
