import Foundation
import TaggerMaildir
import TaggerState
import TaggerSystem

/// The complete, validated settings commands use: config file, then command-line flags, then
/// defaults from the XDG directories.
public struct ResolvedConfig: Sendable, Equatable {
    /// One watched Maildir: its root and the name used in sidecar paths (last path component).
    public typealias Maildir = MaildirRoot

    public var maildirs: [Maildir]
    public var stateDir: String
    public var modelPath: String
    public var reconcileInterval: Double
    public var deletionGrace: Double
    public var retagOnReload: Bool
    public var logLevel: LogLevel
    public var folderLabels: [String: String]
    /// Which mail of the folders outside `folderLabels` is a negative for the folder labels.
    public var folderNegatives: [String: FolderNegatives] = [:]
    public var minNewCorrections: Int
    public var retrainInterval: Double
    /// Mirror tags into notmuch and take changes there as corrections (`notmuch`).
    public var notmuch: Bool = false
    /// Prefix of tagger's tags in notmuch (`notmuch_tag_prefix`, default none).
    public var notmuchTagPrefix: String = ""
    /// The config file that was read, if any.
    public var configFile: String?

    /// The state directory's files and locks.
    public var state: StateDirectory { StateDirectory(stateDir) }

    /// The default config file: `$XDG_CONFIG_HOME/tagger/config.toml` (`~/.config/tagger/config.toml`).
    public static func defaultConfigPath(environment: [String: String]) -> String {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        return base + "/tagger/config.toml"
    }

    /// Resolves settings. `configPath` is `--config` (must exist); without it the default file is
    /// read when present. `overrides` are the command-line flags.
    /// - Throws: `ConfigError` naming the file and key at fault.
    public static func resolve(
        configPath: String?, overrides: ConfigSettings, environment: [String: String]
    ) throws -> ResolvedConfig {
        var file: ConfigSettings = ConfigSettings()
        var used: String?
        if let configPath {
            file = try ConfigSettings.load(path: configPath)
            used = configPath
        } else {
            let p = defaultConfigPath(environment: environment)
            if FileManager.default.fileExists(atPath: p) {
                file = try ConfigSettings.load(path: p)
                used = p
            }
        }
        let cwd = FileManager.default.currentDirectoryPath
        let configFolder = used.map { path in
            ((path.hasPrefix("/") ? path : cwd + "/" + path) as NSString).deletingLastPathComponent
        }
        let s = file.anchored(at: configFolder ?? cwd).overridden(by: overrides.anchored(at: cwd))
        let home = environment["HOME"] ?? NSHomeDirectory()
        func expand(_ p: String) -> String {
            var p = p
            if p == "~" { p = home } else if p.hasPrefix("~/") { p = home + p.dropFirst(1) }
            while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
            return p
        }
        let stateBase = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/state"
        let stateDir = expand(s.stateDir ?? stateBase + "/tagger")
        let roots = (s.maildirs ?? ["~/Maildir"]).map(expand)
        let source = used ?? "command line"
        guard !roots.isEmpty else { throw ConfigError(file: source, key: "maildirs", reason: "no Maildir given") }
        var seen: [String: String] = [:]
        var maildirs: [Maildir] = []
        for r in roots {
            let name = URL(fileURLWithPath: r).lastPathComponent
            if let other = seen[name], other != r {
                throw ConfigError(file: source, key: "maildirs",
                                  reason: "'\(other)' and '\(r)' share the name '\(name)' used in sidecar paths")
            }
            if seen[name] == nil { maildirs.append(Maildir(root: r, name: name)) }
            seen[name] = r
        }
        return ResolvedConfig(
            maildirs: maildirs, stateDir: stateDir, modelPath: expand(s.model ?? StateDirectory(stateDir).defaultModel),
            reconcileInterval: s.reconcileInterval ?? 900, deletionGrace: s.deletionGrace ?? 600,
            retagOnReload: s.retagOnReload ?? true, logLevel: s.logLevel ?? .info,
            folderLabels: s.folderLabels ?? [:], folderNegatives: s.folderNegatives ?? [:],
            minNewCorrections: s.minNewCorrections ?? 20,
            retrainInterval: s.retrainInterval ?? 86400,
            notmuch: s.notmuch ?? false, notmuchTagPrefix: s.notmuchTagPrefix ?? "", configFile: used)
    }
}
