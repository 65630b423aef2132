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
            Exit status: 0 when printed, 1 when no sidecar was found, it is damaged, or the config is invalid.
            """)

    @OptionGroup var options: StateOptions

    @Argument(help: "A message path, unique name or Message-ID.")
    var message: String

    @Flag(help: "Print only the sidecar's path.")
    var path = false

    func run() throws {
        try failing {
            let config = try options.resolve()
            let store = TagStore(state: config.state, maildirs: config.maildirs)
            let file = try store.findSidecar(message)
            if path {
                print(file)
                return
            }
            // Read without following links or blocking on a FIFO planted at the sidecar's path.
            let bytes = try SidecarLookup(maildirs: config.maildirs, layout: store.sidecars.layout).read(sidecarAt: file)
            // A damaged file (a crashed editor, a script's half write) is not printed as if it were one.
            guard (try? JSONDecoder().decode(Sidecar.self, from: Data(bytes))) != nil else {
                throw TaggerError.io(path: file, reason: "not a readable sidecar (damaged); `tagger retag --all` rewrites it "
                                        + "(the corrections journal keeps the message's corrections)")
            }
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}
