import ArgumentParser
import Foundation
import TaggerConfig
import TaggerCore
import TaggerState
import TaggerSystem

/// `tagger list LABEL [-0]`: the paths of the messages carrying a label.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Print the paths of the messages that carry a label, one a line.",
        discussion: """
            The messages' current tags, your corrections included, as the sidecars have them (read \
            from the message catalog). Paths are absolute message files that exist now (a message \
            whose flags changed is found under its new name; one that is gone is left out), in \
            Maildir and folder order. For scripts and mail clients: \
            tagger list finance -0 | xargs -0 ... ; neomutt: see the README.
            Exit status: 0 (nothing printed when the model knows LABEL but no message carries it now); \
            1 when neither the model nor any message's current tags know LABEL (a typo), a Maildir does not exist, or the config is invalid.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "The label.")
    var label: String

    @Flag(name: [.customShort("0"), .customLong("null")], help: "End each path with a NUL byte instead of a newline.")
    var null = false

    func run() throws {
        try failing {
            let config = try options.resolve()
            // A mistyped Maildir would list nothing, which reads as "no message carries it".
            for md in config.maildirs {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: md.root, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw TaggerError.io(path: md.root, reason: "no such Maildir (not an existing folder)")
                }
            }
            let store = TagStore(state: config.state, maildirs: config.maildirs)
            for note in store.openCatalog() { printError(note) }
            var out: [UInt8] = []
            var known = false
            for e in store.catalog.allEntries {
                guard e.tags.contains(label) else { continue }
                known = true
                guard let file = store.messageFile(of: e) else { continue }
                out.append(contentsOf: file.utf8)
                out.append(null ? 0 : 0x0A)
            }
            if !known {
                let modelLabels = (try? loadModel(config.modelPath))?.0.labels ?? []
                let seen = Set(store.catalog.allEntries.flatMap(\.tags)).union(modelLabels)
                if !seen.contains(label) {
                    throw TaggerError.notFound("\(label): no such label (no message carries it and the model does not know it; labels: \(seen.sorted().joined(separator: ", ")))")
                }
            }
            FileHandle.standardOutput.write(Data(out))
        }
    }
}
