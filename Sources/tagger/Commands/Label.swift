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
            var last: (add: Set<String>, remove: Set<String>)?
            for located in copies {
                let standing: UserLabels
                do {
                    (_, standing) = try labeler.record(located, add: add, remove: remove, reset: changes.contains("=")) {
                        guard let (model, modelPipeline) = loaded else { return [] }
                        var pipeline = modelPipeline
                        guard let x = try? pipeline.vector(path: located.path) else { return [] }
                        return model.predict(x).tags
                    }
                } catch {
                    if case TaggerError.busy = error { throw error }   // exit 75: try again
                    throw NotRecorded(path: located.path, cause: error)
                }
                last = (Set(standing.add), Set(standing.remove))
                emit("\(located.path): labels now [\(standing.labels.sorted().joined(separator: ", "))] (user +[\(standing.add.sorted().joined(separator: ","))] -[\(standing.remove.sorted().joined(separator: ","))])")
            }
            if let (model, _) = loaded {
                let unknown = Set(add + remove).subtracting(model.labels).sorted()
                if !unknown.isEmpty {
                    // A typo or a new label: recorded either way; a new one is learnt at the next retrain.
                    printError("note: the model has no label \(unknown.map { "'\($0)'" }.joined(separator: ", ")) yet; it learns new labels at the next retrain (check the spelling)")
                    // A likely typo: the command that puts it right (its corrections afresh).
                    let fixes = Dictionary(unknown.compactMap { l in Self.nearest(l, in: model.labels).map { (l, $0) } },
                                           uniquingKeysWith: { a, _ in a })
                    if !fixes.isEmpty, let last {
                        let fixed = last.add.map { "+" + (fixes[$0] ?? $0) }.sorted() + last.remove.map { "-" + (fixes[$0] ?? $0) }.sorted()
                        let meant = fixes.keys.sorted().map { "'\($0)' → '\(fixes[$0]!)'" }.joined(separator: ", ")
                        printError("note: did you mean \(meant)? This replaces the message's corrections: tagger label \(ShellWord.quoted(message)) = \((fixed + state.given.map(ShellWord.quoted)).joined(separator: " "))")
                    }
                }
            }
        }
    }

    /// The known label closest to a misspelt `label` (at most two letters added, dropped,
    /// changed or swapped, and fewer than half its letters), nil when none is that close.
    static func nearest(_ label: String, in known: [String]) -> String? {
        let a = Array(label.lowercased())
        var best: (label: String, distance: Int)?
        for k in known where k != label {
            let d = editDistance(a, Array(k.lowercased()))
            if d <= 2, d * 2 < max(a.count, 2), d < best?.distance ?? .max { best = (k, d) }
        }
        return best?.label
    }

    /// Edit distance with adjacent swaps counted as one edit (optimal string alignment).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}

extension StateOptions {
    /// These flags as given on the command line, so a command suggested to the user works on
    /// the same config, Maildirs, state directory and model (without them it would record in
    /// the default state directory, or find no such message).
    var given: [String] {
        (config.map { ["--config", $0] } ?? []) + maildirs.flatMap { ["--maildir", $0] }
            + (stateDir.map { ["--state-dir", $0] } ?? []) + (model.map { ["--model", $0] } ?? [])
    }
}

/// A correction that could not be recorded: the cause, and that nothing was recorded for the
/// message (copies listed before it were).
struct NotRecorded: Error, CustomStringConvertible {
    let path: String
    let cause: any Error
    var description: String { "\(cause); the correction of \(path) was not recorded" }
}
