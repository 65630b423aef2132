import Foundation
import TOMLKit

/// The settings a config file (TOML) or the command line may give; nil = not given.
///
/// Keys (all optional):
/// - `maildirs` (array of paths) — Maildir roots to watch. Default `["~/Maildir"]`.
/// - `state_dir` (path) — state directory. Default `$XDG_STATE_HOME/tagger` (`~/.local/state/tagger`).
/// - `model` (path) — model file. Default `<state_dir>/model/current.tgm`.
/// - `reconcile_interval` (duration) — full rescan period. Default `"15m"`.
/// - `deletion_grace` (duration) — how long a vanished message keeps its sidecar. Default `"10m"`.
/// - `retag_on_reload` (bool) — re-score every message after a model reload. Default `false`.
/// - `log_level` (`error`|`warning`|`notice`|`info`|`debug`). Default `info`.
/// - `folder_labels` (table: folder → label) — folders whose mail counts as a label when retraining.
/// - `min_new_corrections` (integer) — corrections that trigger an automatic retrain. Default 20.
/// - `retrain_interval` (duration) — minimum time between automatic retrains. Default `"24h"`.
/// Durations are seconds (integer) or strings like `"90s"`, `"15m"`, `"24h"`, `"7d"`; `~/` expands.
public struct ConfigSettings: Sendable, Equatable {
    public var maildirs: [String]?
    public var stateDir: String?
    public var model: String?
    public var reconcileInterval: Double?
    public var deletionGrace: Double?
    public var retagOnReload: Bool?
    public var logLevel: LogLevel?
    public var folderLabels: [String: String]?
    public var minNewCorrections: Int?
    public var retrainInterval: Double?

    public init() {}

    /// Every key a config file may hold.
    public static let keys: [String] = [
        "maildirs", "state_dir", "model", "reconcile_interval", "deletion_grace", "retag_on_reload",
        "log_level", "folder_labels", "min_new_corrections", "retrain_interval",
    ]

    /// Parses TOML config text. `file` names the file in errors.
    /// - Throws: `ConfigError` for a syntax error (with line), an unknown key, or a wrong type/value.
    public static func parse(_ text: String, file: String) throws -> ConfigSettings {
        // toml++ aborts the process on a few malformed inputs instead of reporting them.
        if let problem = TOMLPrecheck.problem(text) { throw ConfigError(file: file, key: nil, reason: problem) }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ConfigError(file: file, key: nil, reason: "line \(e.source.begin.line): \(e.description)")
        }
        var s = ConfigSettings()
        for key in table.keys {
            guard let value = table[key] else { continue }
            func bad(_ expected: String) -> ConfigError {
                ConfigError(file: file, key: key, reason: "expected \(expected), found \(value.type)")
            }
            switch key {
            case "maildirs":
                guard let arr = value.array else { throw bad("an array of paths") }
                s.maildirs = try arr.map { guard let p = $0.string else { throw bad("an array of paths") }; return p }
            case "state_dir":
                guard let v = value.string else { throw bad("a path string") }
                s.stateDir = v
            case "model":
                guard let v = value.string else { throw bad("a path string") }
                s.model = v
            case "reconcile_interval", "deletion_grace", "retrain_interval":
                let seconds: Double?
                if let i = value.int { seconds = i >= 0 ? Double(i) : nil }
                else if let str = value.string { seconds = ConfigDuration.parse(str) }
                else { throw bad("a duration like \"15m\" or a number of seconds") }
                guard let seconds else {
                    throw ConfigError(file: file, key: key, reason: "not a duration (use e.g. \"90s\", \"15m\", \"24h\")")
                }
                if key == "reconcile_interval" { s.reconcileInterval = seconds }
                else if key == "deletion_grace" { s.deletionGrace = seconds }
                else { s.retrainInterval = seconds }
            case "retag_on_reload":
                guard let v = value.bool else { throw bad("true or false") }
                s.retagOnReload = v
            case "log_level":
                guard let v = value.string else { throw bad("a string") }
                guard let level = LogLevel(name: v) else {
                    throw ConfigError(file: file, key: key, reason: "unknown level '\(v)' (error, warning, notice, info, debug)")
                }
                s.logLevel = level
            case "folder_labels":
                guard let t = value.table else { throw bad("a table of folder = \"label\"") }
                var map: [String: String] = [:]
                for (folder, label) in t {
                    guard let l = label.string else {
                        throw ConfigError(file: file, key: "folder_labels.\(folder)", reason: "expected a label string, found \(label.type)")
                    }
                    map[folder] = l
                }
                s.folderLabels = map
            case "min_new_corrections":
                guard let v = value.int else { throw bad("an integer") }
                guard v >= 1 else { throw ConfigError(file: file, key: key, reason: "must be at least 1") }
                s.minNewCorrections = v
            default:
                throw ConfigError(file: file, key: key, reason: "unknown key (known: \(keys.joined(separator: ", ")))")
            }
        }
        return s
    }

    /// The largest config file read (a real one is a few hundred bytes).
    public static let maxBytes = 1 << 20

    /// Reads and parses a config file.
    /// - Throws: `ConfigError` when the file is unreadable, not a regular file, over `maxBytes`,
    ///   not UTF-8, or invalid.
    public static func load(path: String) throws -> ConfigSettings {
        // The config file is the user's own choice and may be a symbolic link; it is still opened
        // without blocking (a FIFO is refused, not waited on) and must be a regular file.
        let bytes: [UInt8]
        do throws(RegularFile.Refused) {
            let read = try RegularFile.read(path, followLink: true, limit: maxBytes)
            guard read.fileSize <= maxBytes else {
                throw RegularFile.Refused(path: path, reason: "\(read.fileSize) bytes, over the \(maxBytes)-byte limit for a config file", code: 0)
            }
            bytes = read.bytes
        } catch {
            throw ConfigError(file: path, key: nil, reason: "cannot read the file: \(error.reason)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(file: path, key: nil, reason: "not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// `self` with its relative paths (maildirs, state directory, model; not `~` ones) made
    /// absolute against `base`: a path given on the command line means the same file wherever
    /// the program later works, and one in a config file is read from the file's folder.
    public func anchored(at base: String) -> ConfigSettings {
        func anchor(_ p: String) -> String {
            guard !p.isEmpty, !p.hasPrefix("/"), p != "~", !p.hasPrefix("~/") else { return p }
            // Text only: `.` and empty parts dropped, `..` takes back a part. Symlinks are not
            // resolved (a Maildir's name, and so its sidecar folder, is the last part as given).
            var parts: [Substring] = []
            for part in (base + "/" + p).split(separator: "/") {
                if part == "." { continue }
                if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
                parts.append(part)
            }
            return "/" + parts.joined(separator: "/")
        }
        var s = self
        s.maildirs = maildirs?.map(anchor)
        s.stateDir = stateDir.map(anchor)
        s.model = model.map(anchor)
        return s
    }

    /// `self` with every value set in `other` taking precedence.
    public func overridden(by other: ConfigSettings) -> ConfigSettings {
        var s = self
        s.maildirs = other.maildirs ?? maildirs
        s.stateDir = other.stateDir ?? stateDir
        s.model = other.model ?? model
        s.reconcileInterval = other.reconcileInterval ?? reconcileInterval
        s.deletionGrace = other.deletionGrace ?? deletionGrace
        s.retagOnReload = other.retagOnReload ?? retagOnReload
        s.logLevel = other.logLevel ?? logLevel
        s.folderLabels = other.folderLabels ?? folderLabels
        s.minNewCorrections = other.minNewCorrections ?? minNewCorrections
        s.retrainInterval = other.retrainInterval ?? retrainInterval
        return s
    }
}
