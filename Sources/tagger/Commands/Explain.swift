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

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Shows why a label got its score: the features of this message that pushed it most, both ways.")

    @Argument(help: "The message: a path, a maildir unique name, a Message-ID (with or without <>), or - (standard input).")
    var file: String
    @Option(help: "Explain only this label (default: every label).")
    var label: String?
    @Option(help: "How many features to show each way.")
    var top = 8

    func validate() throws {
        if top < 1 { throw ValidationError("--top must be at least 1") }
    }
    @OptionGroup var state: StateOptions

    func run() throws {
        try failing {
            let config = try state.resolve()
            var (model, pipeline) = try loadModel(config.modelPath)
            let doc: Document
            switch messageInputs([file], state: state).first {
            case .file(let path):
                doc = try pipeline.document(path: path)
            case .standardInput:
                doc = try pipeline.standardInputDocument()
            case .unresolved(_, let error):
                throw error
            case nil:
                throw TaggerError.notFound("\(file): no such message")
            }
            let (x, names) = pipeline.namedVector(doc)
            var namesByIndex: [UInt32: [String]] = [:]
            for n in names { namesByIndex[n.index, default: []].append(n.name) }
            let labels: [Int]
            if let label {
                guard let i = model.labelIndex(label) else {
                    throw TaggerError.usage("the model has no label '\(label)' (it has: \(model.labels.joined(separator: ", ")))")
                }
                labels = [i]
            } else {
                labels = Array(model.labels.indices)
            }
            let probabilities = model.probabilities(x)
            let logits = model.logits(x)
            var lines: [String] = []
            for l in labels {
                let info = model.labelInfo[l]
                let applied = probabilities[l] >= info.threshold && !info.abstains
                lines.append(String(format: "%@: %.3f (threshold %.3f, logit %+.3f, bias %+.3f) %@", info.name,
                                    probabilities[l], info.threshold, logits[l], model.bias[l],
                                    info.abstains ? "abstains (too few examples)" : applied ? "TAGGED" : "not tagged"))
                let contributions = model.contributions(x, label: l).filter { $0.contribution != 0 }
                let up = contributions.filter { $0.contribution > 0 }.sorted { $0.contribution > $1.contribution }.prefix(top)
                let down = contributions.filter { $0.contribution < 0 }.sorted { $0.contribution < $1.contribution }.prefix(top)
                func name(_ i: UInt32) -> String { (namesByIndex[i] ?? ["#\(i)"]).joined(separator: " | ") }
                for c in up { lines.append(String(format: "   %+.3f  %@", c.contribution, name(c.index))) }
                for c in down { lines.append(String(format: "   %+.3f  %@", c.contribution, name(c.index))) }
            }
            emit(lines.joined(separator: "\n"))
        }
    }
}
