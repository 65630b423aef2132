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

/// Flags every command that touches state understands. Each has a default from the config file
/// or the XDG directories.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "Config file (default: $XDG_CONFIG_HOME/tagger/config.toml).")
    var config: String?

    @Option(name: .customLong("maildir"), help: "A Maildir to work on (repeatable; default: ~/Maildir).")
    var maildirs: [String] = []

    @Option(name: .customLong("state-dir"), help: "State directory (default: $XDG_STATE_HOME/tagger).")
    var stateDir: String?

    @Option(name: .customLong("model"), help: "Model file (default: <state-dir>/model/current.tgm).")
    var model: String?

    /// These flags as settings (nil where not given).
    var settings: ConfigSettings {
        var s = ConfigSettings()
        s.maildirs = maildirs.isEmpty ? nil : maildirs
        s.stateDir = stateDir
        s.model = model
        return s
    }

    /// The settings in force: flags (these, plus `more` from a command's own group) over the
    /// config file over defaults.
    /// - Throws: `ConfigError` naming the file and key at fault.
    func resolve(_ more: ConfigSettings? = nil) throws -> ResolvedConfig {
        try ResolvedConfig.resolve(configPath: config, overrides: more ?? settings,
                                   environment: ProcessInfo.processInfo.environment)
    }
}

/// Prints one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data(("tagger: " + message + "\n").utf8))
}

/// Writes a line to standard output: every command's result lines go through here.
func emit(_ line: String) {
    print(line)
}

/// Encodes a value as one line of JSON (sorted keys, slashes unescaped).
func jsonLine<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        : [.sortedKeys, .withoutEscapingSlashes]
    do {
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    } catch {
        // Never print a JSON document that silently lacks the report: say what failed.
        printError("internal error: the JSON report could not be written: \(error)")
        exit(1)
    }
}

/// Runs `body`, turning a thrown error into one line on stderr and exit status 1.
func failing<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw reported(error) }
}

/// What a command throws for `error`: exits and clean exits pass through; anything else is
/// printed as one line on stderr and becomes exit status 1 (75 for a busy lock).
func reported(_ error: any Error) -> any Error {
    if error is ExitCode || error is CleanExit { return error }
    printError("\(error)")
    if case TaggerError.busy = error { return ExitCode(75) }
    return ExitCode.failure
}
