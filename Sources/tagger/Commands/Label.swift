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

struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Records a correction: +LABEL turns a tag on, -LABEL turns it off, = forgets the message's earlier corrections (any +LABEL/-LABEL given with it then apply).",
        discussion: """
        MSG is a message file path, a maildir unique name, or a Message-ID (with or without <>); \
        when several files share it (copies in two folders), every copy is corrected. The correction is \
        durable (appended to the journal and fsynced) when the command returns; the sidecar's \
        `user` object is updated too. Example: tagger label '<abc@example.org>' +finance -newsletter
        """)

    @Argument(help: "The message: a path, a maildir unique name, or a Message-ID.")
    var message: String
    @Argument(parsing: .allUnrecognized, help: "+LABEL, -LABEL or =.")
    var changes: [String] = []
    @OptionGroup var state: StateOptions

    func validate() throws {
        guard !changes.isEmpty else { throw ValidationError("give at least one +LABEL, -LABEL or =") }
        var seen: [String: Character] = [:]
        for c in changes where c != "=" {
            guard let first = c.first, first == "+" || first == "-", c.count > 1 else {
                throw ValidationError("'\(c)' is not +LABEL, -LABEL or =")
            }
            let name = c.dropFirst()
            guard !name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
                throw ValidationError("'\(name)': a label name has no spaces or control characters")
            }
            if let other = seen[String(name)], other != first {
                throw ValidationError("'\(name)' is both turned on and off")
            }
            seen[String(name)] = first
        }
    }

    func run() throws {
        try failing {
            let config = try state.resolve()
            try FileManager.default.createDirectory(atPath: config.stateDir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let labeler = Labeler(config: config)
            // Every copy of the message (a Message-ID or unique name two files share) is corrected.
            let copies = try MessageReference(config: config).locateAll(message)
            let add = changes.filter { $0.hasPrefix("+") }.map { String($0.dropFirst()) }
            let remove = changes.filter { $0.hasPrefix("-") }.map { String($0.dropFirst()) }
            let loaded = try? loadModel(config.modelPath)
            for located in copies {
                let (_, standing) = try labeler.record(located, add: add, remove: remove, reset: changes.contains("=")) {
                    guard let (model, modelPipeline) = loaded else { return [] }
                    var pipeline = modelPipeline
                    guard let x = try? pipeline.vector(path: located.path) else { return [] }
                    return model.predict(x).tags
                }
                emit("\(located.path): labels now [\(standing.labels.sorted().joined(separator: ", "))] (user +[\(standing.add.sorted().joined(separator: ","))] -[\(standing.remove.sorted().joined(separator: ","))])")
            }
            if let (model, _) = loaded {
                let unknown = Set(add + remove).subtracting(model.labels).sorted()
                if !unknown.isEmpty {
                    // A typo or a new label: recorded either way; a new one is learnt at the next retrain.
                    printError("note: the model has no label \(unknown.map { "'\($0)'" }.joined(separator: ", ")) yet; it learns new labels at the next retrain (check the spelling)")
                }
            }
        }
    }
}
