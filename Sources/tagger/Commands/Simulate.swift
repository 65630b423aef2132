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
        discussion: "The manifest is split deterministically: every fifth line (by position) is held out, the rest is the stream, in manifest order (or shuffled with --shuffle SEED: a manifest sorted by category is not the order mail arrives in). Only corrected messages are trained on.")

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
    @Option(help: ArgumentHelp("Replay the stream in an order shuffled with this seed instead of the manifest's (the held-out fifth stays the same).", valueName: "seed"))
    var shuffle: UInt64?
    @OptionGroup var training: TrainingFlags
    @Flag(help: "Print the points as JSON lines.")
    var json = false
    @Option(help: ArgumentHelp("Also replay a peer: a script (Tests/reference/simulate_peer.py, needs python3 and scikit-learn) retrained on the same corrected messages at the same points and scored on the same held-out messages; its figures are printed beside tagger's and drawn dashed in the SVG.", valueName: "script"))
    var peer: String?

    func run() throws {
        try failing {
            let m = try Manifest.load(path: manifest, skipMissing: true)
            m.warnings.forEach { printError($0) }
            var pipeline = try Pipeline()
            // Entries and their vectors side by side (unreadable files skipped), so the peer gets the same messages.
            var entries: [ManifestEntry] = []
            var examples: [TrainingExample] = []
            let position = Dictionary(uniqueKeysWithValues: m.labels.enumerated().map { ($1, $0) })
            for entry in m.entries {
                do {
                    examples.append(TrainingExample(vector: try pipeline.vector(path: entry.path),
                                                    labels: entry.labels.compactMap { position[$0] }.sorted()))
                    entries.append(entry)
                } catch {
                    printError("\(manifest):\(entry.line): skipped: \(error)")
                }
            }
            let heldOutIndices = examples.indices.filter { $0 % 5 == 4 }
            var streamIndices = examples.indices.filter { $0 % 5 != 4 }
            if let shuffle {
                var rng = SplitMix64(seed: shuffle)
                rng.shuffle(&streamIndices)
            }
            let heldOut = heldOutIndices.map { examples[$0] }
            let stream = streamIndices.map { examples[$0] }
            let sim = LearningCurveSimulation(stream: stream, heldOut: heldOut, labels: m.labels, every: every,
                                              options: training.options(pipeline: pipeline))
            if !json {
                emit("stream \(stream.count) messages\(shuffle.map { " (shuffled, seed \($0))" } ?? ""), held out \(heldOut.count), \(m.labels.count) labels, retrain every \(every) corrections")
                emit("corrections  seen  active labels  held-out micro-F1  macro-F1")
            }
            var corrected: [Int] = []
            let points = sim.run(corrected: { corrected.append($0) }) { p in
                emit(json ? jsonLine(p) : String(format: "%11d  %4d  %13d  %17.3f  %8.3f", p.corrections, p.seen, p.activeLabels, p.microF1, p.macroF1))
            }
            var peerPoints: [LearningCurveSimulation.Point] = [], peerName = "peer"
            if let peer {
                let message = { (e: ManifestEntry) in SimulationPeer.Message(path: e.path, labels: e.labels) }
                do {
                    (peerName, peerPoints) = try SimulationPeer(script: peer).run(
                        labels: m.labels,
                        heldOut: heldOutIndices.map { message(entries[$0]) },
                        stream: streamIndices.map { message(entries[$0]) },
                        corrected: corrected, points: points)
                } catch {
                    printError("tagger: simulate: no peer curve: \(error)")
                }
                if !peerPoints.isEmpty && !json {
                    emit("peer: \(peerName), trained on the same corrected messages at the same points")
                    emit("corrections  tagger micro-F1  peer micro-F1  tagger macro-F1  peer macro-F1")
                }
                for (t, p) in zip(points, peerPoints) {
                    if json {
                        emit("{\"corrections\":\(p.corrections),\"peer_micro_f1\":\(p.microF1),\"peer_macro_f1\":\(p.macroF1)}")
                    } else {
                        emit(String(format: "%11d  %15.3f  %13.3f  %15.3f  %13.3f", t.corrections, t.microF1, p.microF1, t.macroF1, p.macroF1))
                    }
                }
            }
            if let svg {
                let title = "tagger learning curve: \((manifest as NSString).lastPathComponent), \(shuffle.map { "stream shuffled (seed \($0)), " } ?? "")retrain every \(every) corrections"
                try LearningCurveSimulation.svg(points, title: title, peer: peerPoints,
                                                peerName: peerName).write(toFile: svg, atomically: true, encoding: .utf8)
            }
        }
    }
}
