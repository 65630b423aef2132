import ArgumentParser
import Foundation
import Features
import MIME
import Model
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerDaemon
import TaggerState
import TaggerSystem

/// The state flags every command shares, plus the daemon's settings; each overrides the config
/// file's key.
struct ConfigOptions: ParsableArguments {
    @OptionGroup var state: StateOptions

    @Option(name: .customLong("reconcile-interval"), help: "Full rescan period, e.g. 15m.")
    var reconcileInterval: String?

    @Option(name: .customLong("deletion-grace"), help: "How long a deleted message keeps its sidecar, e.g. 10m.")
    var deletionGrace: String?

    @Option(name: .customLong("retag-on-reload"), help: "Re-score every message after a model reload (true/false).")
    var retagOnReload: Bool?

    @Option(name: .customLong("log-level"), help: "error, warning, notice, info or debug.")
    var logLevel: String?

    @Option(name: .customLong("folder-label"), help: "FOLDER=LABEL: mail in FOLDER counts as LABEL for retraining (repeatable).")
    var folderLabels: [String] = []

    @Option(name: .customLong("min-new-corrections"), help: "Corrections that trigger an automatic retrain.")
    var minNewCorrections: Int?

    @Option(name: .customLong("retrain-interval"), help: "Minimum time between automatic retrains, e.g. 24h.")
    var retrainInterval: String?

    /// The flags as settings (nil where not given).
    /// - Throws: `ConfigError` (source `command line`) for a malformed value.
    func settings() throws -> ConfigSettings {
        func duration(_ text: String?, _ flag: String) throws -> Double? {
            guard let text else { return nil }
            guard let d = ConfigDuration.parse(text) else {
                throw ConfigError(file: "command line", key: flag, reason: "not a duration (use e.g. \"90s\", \"15m\", \"24h\")")
            }
            return d
        }
        var s = state.settings
        s.reconcileInterval = try duration(reconcileInterval, "--reconcile-interval")
        s.deletionGrace = try duration(deletionGrace, "--deletion-grace")
        s.retrainInterval = try duration(retrainInterval, "--retrain-interval")
        s.retagOnReload = retagOnReload
        if let logLevel {
            guard let l = LogLevel(name: logLevel) else {
                throw ConfigError(file: "command line", key: "--log-level", reason: "unknown level '\(logLevel)'")
            }
            s.logLevel = l
        }
        if !folderLabels.isEmpty {
            var map: [String: String] = [:]
            for pair in folderLabels {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw ConfigError(file: "command line", key: "--folder-label", reason: "expected FOLDER=LABEL, got '\(pair)'")
                }
                if let why = ConfigSettings.badLabel(parts[1]) {
                    throw ConfigError(file: "command line", key: "--folder-label", reason: why)
                }
                map[parts[0]] = parts[1]
            }
            s.folderLabels = map
        }
        if let minNewCorrections {
            guard minNewCorrections >= 1 else {
                throw ConfigError(file: "command line", key: "--min-new-corrections", reason: "must be at least 1")
            }
            s.minNewCorrections = minNewCorrections
        }
        return s
    }

    /// A malformed flag value is wrong usage (exit 64, with the usage line), as an unknown flag is.
    func validate() throws {
        do { _ = try settings() } catch { throw ValidationError("\(error)") }
    }

    /// Config file + flags + defaults.
    /// - Throws: `ConfigError` naming the file and key at fault.
    func resolve() throws -> ResolvedConfig {
        try state.resolve(settings())
    }
}

/// `tagger run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch the Maildirs and keep a sidecar JSON file per message.",
        discussion: """
            Loads the model, watches new/ and cur/ of every folder with inotify, tags new mail first \
            and the backlog behind it. SIGHUP reads the config file again (a broken one is logged and the settings in use kept; \
            maildirs and state_dir need a restart) and reloads the model; replacing the model file reloads it too. \
            When the model changes, every sidecar of another model is rescored in the background, new mail first \
            (retag_on_reload = false: only by `tagger retag`). \
            SIGTERM/SIGINT stop cleanly. Speaks the systemd notify protocol when NOTIFY_SOCKET is set.
            Exit status: 0 after a clean stop, 1 on a configuration, model or startup error (with --once: \
            also when there is no model, or some messages could not be tagged).
            """)

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Tag everything that needs it, write the sidecars, and exit (no watching).")
    var once = false

    @Option(name: .customLong("message-time-limit"),
            help: "How long one message may take to read before it is skipped with an error sidecar, e.g. 10s (the default) or 0.5 (seconds).")
    var messageTimeLimit: String?

    @Flag(help: "Mirror the tags into notmuch and take tag changes there as corrections (config: notmuch = true).")
    var notmuch = false

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        var settings = try options.settings()
        if notmuch { settings.notmuch = true }
        let config = try failing { try options.state.resolve(settings) }
        var limit = 10.0
        if let text = messageTimeLimit {
            guard let l = Double(text) ?? ConfigDuration.parse(text), l > 0 else {
                throw reported(ConfigError(file: "command line", key: "--message-time-limit", reason: "not a duration (use e.g. \"10s\" or 0.5)"))
            }
            limit = l
        }
        // The daemon waits for a model to appear; a single pass without one would tag nothing
        // and say all is well.
        if once && !FileManager.default.fileExists(atPath: config.modelPath) {
            throw reported(TaggerError.model(path: config.modelPath, reason: "no model, so `run --once` has nothing to tag with: train one with `tagger train --manifest M.jsonl` or `tagger retrain`, or give --model the path of an existing one"))
        }
        let loader = ModelScorerLoader()
        let logger = DaemonLogger.standardError(level: config.logLevel, environment: env)
        // SIGHUP reads the config file again, under the same flags.
        let (configPath, overrides) = (options.state.config, settings)
        let daemon = Daemon(config: config, loader: loader, logger: logger,
                            notifier: SystemdNotifier(environment: env), messageTimeLimit: limit,
                            configSource: { try ResolvedConfig.resolve(configPath: configPath, overrides: overrides, environment: env) })
        do { try await daemon.run(once: once) } catch { throw reported(error) }
    }
}
