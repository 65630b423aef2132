import ArgumentParser
import Foundation
import Model
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// `tagger export`: the training set `retrain` would use, as a labels manifest.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Writes the training set retrain would use (corrections, labelled folders, accepted mail) as a labels manifest.",
        discussion: """
        One JSON object per line: {"path": ..., "labels": [...], "source": "correction"|"folder"|"accepted"|"manifest"}, \
        plus "known": [...] on accepted mail (a negative for the folder labels only), \
        paths absolute, so `tagger eval --manifest FILE` or `tagger train --manifest FILE` read it as is. \
        Corrections made by editing sidecars count once journalled (by `tagger label` or `tagger retrain`); \
        export itself writes nothing but FILE.
        """)

    @OptionGroup var state: StateOptions
    @Option(name: .customLong("output"), help: "Write the manifest here (default: standard output).")
    var output: String?
    @Option(name: .customLong("manifest"), help: "Also include this labels manifest, as retrain --manifest does (repeatable).")
    var manifests: [String] = []

    func run() throws {
        try failing {
            let config = try state.resolve()
            let (index, journalWarnings) = try Journal(path: config.stateDir + "/corrections.jsonl").fold()
            let builder = TrainingSetBuilder(maildirs: config.maildirs.map(\.root), folderLabels: config.folderLabels,
                                             folderNegatives: config.folderNegatives, manifests: manifests)
            let set = try builder.build(corrections: index)
            (journalWarnings + set.warnings).forEach { printError("warning: \($0)") }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            struct Line: Encodable { var path: String; var labels: [String]; var known: [String]?; var source: String }
            var bytes: [UInt8] = []
            for m in set.messages {
                bytes += Array(try encoder.encode(Line(path: m.path, labels: m.labels.sorted(), known: m.known?.sorted(), source: m.source.rawValue)))
                bytes.append(0x0A)
            }
            if let output {
                let url = URL(fileURLWithPath: output)
                do { try Data(bytes).write(to: url, options: .atomic) } catch {
                    throw TaggerError.io(path: output, reason: "cannot write the manifest: \(describe(error))")
                }
                var counts: [String: Int] = [:]
                for m in set.messages { counts[m.source.rawValue, default: 0] += 1 }
                printError("wrote \(set.messages.count) messages to \(output) (\(counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")))")
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
    }
}
