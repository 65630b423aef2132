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
        let store = TagStore(state: config.state, maildirs: config.maildirs)
        let file = try store.findSidecar(message)
        if path {
            print(file)
            return
        }
        // Read without following links or blocking on a FIFO planted at the sidecar's path.
        FileHandle.standardOutput.write(Data(try SidecarLookup(maildirs: config.maildirs, layout: store.sidecars.layout).read(sidecarAt: file)))
    }
}
