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

struct RetrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrain",
        abstract: "Trains a candidate from your corrections and labelled folders, compares it with the current model on recent messages neither was trained on, and swaps it in unless it is worse beyond chance.",
        discussion: "Exit status: 0 the candidate was swapped in, nothing was new since the current model (nothing changes), or --dry-run finished; 3 the gate kept the current model (tagger-retrain.service counts it as success); 75 another retrain is running (use --wait); 1 an error.")

    @OptionGroup var state: StateOptions
    @OptionGroup var training: TrainingFlags
    @Flag(help: "Swap the candidate in even when it is worse, and retrain even when nothing is new.")
    var force = false
    @Flag(name: .customLong("dry-run"), help: "Train and compare, but install nothing (corrections made by editing sidecars are still journalled).")
    var dryRun = false
    @Flag(help: "Wait for a running retrain to finish instead of failing.")
    var wait = false
    @Option(help: "A candidate worse beyond chance on the held-out messages is still swapped in when its micro-F1 is better by more than this (0-1).")
    var tolerance: Float = 0.01
    @Option(name: .customLong("manifest"), help: "Also train on this labels manifest (repeatable).")
    var manifests: [String] = []
    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let report = try failing {
            let config = try state.resolve()
            var options = RetrainOptions()
            options.force = force
            options.dryRun = dryRun
            options.wait = wait
            options.tolerance = tolerance
            options.training = training.options(pipeline: try Pipeline())
            return try Retrainer.standard(config: config, manifests: manifests).run(options)
        }
        emit(json ? jsonLine(report, pretty: true) : report.renderTable())
        report.warnings.prefix(20).forEach { printError("warning: \($0)") }
        if report.decision == .rejected { throw ExitCode(3) }
    }
}

struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Restores the previous model, byte for byte; the daemon picks it up by itself.")

    @OptionGroup var state: StateOptions

    func run() throws {
        try failing {
            let config = try state.resolve()
            let lock = try FileLock(path: config.state.retrainLock, wait: true)
            defer { withExtendedLifetime(lock) {} }
            let restored = try ModelStore(current: config.modelPath).rollback()
            emit("restored \((restored as NSString).lastPathComponent) as \(config.modelPath)")
        }
    }
}
