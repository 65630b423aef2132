import ArgumentParser
import Foundation
import TaggerKit

/// `tagger show MSG`: prints a message's sidecar JSON.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a message's sidecar JSON.",
        discussion: """
            MSG is a message file path, a maildir unique name (file name without ':2,FLAGS') or a \
            Message-ID. The sidecar lives at <state-dir>/sidecars/<maildir-name>/<folder or INBOX>/<unique>.json.
            Exit status: 0 when printed, 1 when no sidecar was found or the config is invalid.
            """)

    @OptionGroup var options: ConfigOptions

    @Argument(help: "A message path, unique name or Message-ID.")
    var message: String

    @Flag(help: "Print only the sidecar's path.")
    var path = false

    func run() throws {
        let config = try options.resolve()
        let lookup = SidecarLookup(maildirs: config.maildirs, layout: SidecarLayout(stateDirectory: config.stateDir))
        let file = try lookup.find(message)
        if path {
            print(file)
            return
        }
        // Read without following links or blocking on a FIFO planted at the sidecar's path.
        FileHandle.standardOutput.write(Data(try lookup.read(sidecarAt: file)))
    }
}
