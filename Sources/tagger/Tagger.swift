import ArgumentParser

/// The `tagger` command line: a thin layer over TaggerKit.
@main
struct Tagger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tagger",
        abstract: "Tags Maildir messages with a multi-label model and learns from your corrections.",
        discussion: """
        Exit status: 0 success; 1 an error (one line on stderr names the file and the reason), or some \
        of the given messages could not be read; 3 `retrain` kept the current model (the candidate \
        was worse); 64 wrong usage; 75 another retrain holds the lock.
        """,
        subcommands: [
            RunCommand.self, TagCommand.self, FeaturesCommand.self, TrainCommand.self, EvalCommand.self,
            ExplainCommand.self, LabelCommand.self, ShowCommand.self, RetrainCommand.self,
            RollbackCommand.self, RetagCommand.self, StatusCommand.self, ExportCommand.self, NotmuchSyncCommand.self,
            SimulateCommand.self, BenchCommand.self, ListCommand.self,
        ]
    )
}
