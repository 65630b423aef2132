import ArgumentParser
import TaggerKit

@main
struct Tagger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tagger",
        abstract: "Tags Maildir messages with a multi-label model.",
        subcommands: []
    )
}
