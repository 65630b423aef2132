import Foundation
import TaggerSystem

/// The settings a config file (TOML) or the command line may give; nil = not given.
///
/// Keys (all optional):
/// - `maildirs` (array of paths) — Maildir roots to watch. Default `["~/Maildir"]`.
/// - `state_dir` (path) — state directory. Default `$XDG_STATE_HOME/tagger` (`~/.local/state/tagger`).
/// - `model` (path) — model file. Default `<state_dir>/model/current.tgm`.
/// - `reconcile_interval` (duration) — full rescan period. Default `"15m"`.
/// - `deletion_grace` (duration) — how long a vanished message keeps its sidecar. Default `"10m"`.
/// - `retag_on_reload` (bool) — when the model changes (or the daemon starts with another model than
///   the sidecars carry), rescore every sidecar of another model in the background. Default `true`;
///   `false` leaves old sidecars alone until `tagger retag`.
/// - `log_level` (`error`|`warning`|`notice`|`info`|`debug`). Default `info`.
/// - `folder_labels` (table: folder → label) — folders whose mail counts as a label when retraining.
///   A key must name an existing folder (checked when retraining); a label name is not empty and
///   has no spaces or control characters.
/// - `folder_negatives` (table: folder → `"seen"`|`"all"`|`"none"`) — which mail of a folder not
///   in `folder_labels` counts as a negative for the folder labels (see ``FolderNegatives``).
/// - `min_new_corrections` (integer) — corrections that trigger an automatic retrain. Default 20.
/// - `retrain_interval` (duration) — minimum time between automatic retrains. Default `"24h"`.
/// - `notmuch` (bool) — mirror the tags into the user's notmuch database and take tag changes made
///   there as corrections. Default `false`.
/// - `notmuch_tag_prefix` (string) — prefix of tagger's tags in notmuch (`"ml/"`). Default none.
/// Durations are seconds (integer: `reconcile_interval = 15` is 15 seconds) or strings like `"90s"`, `"15m"`, `"24h"`, `"7d"`; `~/` expands.
public struct ConfigSettings: Sendable, Equatable {
    public var maildirs: [String]?
    public var stateDir: String?
    public var model: String?
    public var reconcileInterval: Double?
    public var deletionGrace: Double?
    public var retagOnReload: Bool?
    public var logLevel: LogLevel?
    public var folderLabels: [String: String]?
    public var folderNegatives: [String: FolderNegatives]?
    public var minNewCorrections: Int?
    public var retrainInterval: Double?
    public var notmuch: Bool?
    public var notmuchTagPrefix: String?

    public init() {}

    /// Every key a config file may hold.
    public static let keys: [String] = [
        "maildirs", "state_dir", "model", "reconcile_interval", "deletion_grace", "retag_on_reload",
        "log_level", "folder_labels", "folder_negatives", "min_new_corrections", "retrain_interval",
        "notmuch", "notmuch_tag_prefix",
    ]

    /// Parses TOML config text. `file` names the file in errors.
    /// - Throws: `ConfigError` for a syntax error (with line), an unknown key, or a wrong type/value.
    public static func parse(_ text: String, file: String) throws -> ConfigSettings {
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(text)
        } catch {
            throw ConfigError(file: file, key: nil, reason: error.description)
        }
        var s = ConfigSettings()
        for key in table.keys {
            guard let value = table[key] else { continue }
            func bad(_ expected: String) -> ConfigError {
                ConfigError(file: file, key: key, reason: "expected \(expected), found \(value.typeName)")
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
                for (folder, label) in t.entries {
                    guard let l = label.string else {
                        throw ConfigError(file: file, key: "folder_labels.\(folder)", reason: "expected a label string, found \(label.typeName)")
                    }
                    if let why = Self.badFolder(folder) ?? Self.badLabel(l) {
                        throw ConfigError(file: file, key: "folder_labels.\(folder)", reason: why)
                    }
                    map[folder] = l
                }
                s.folderLabels = map
            case "folder_negatives":
                guard let t = value.table else { throw bad("a table of folder = \"seen\", \"all\" or \"none\"") }
                var map: [String: FolderNegatives] = [:]
                for (folder, rule) in t.entries {
                    guard let r = rule.string.flatMap(FolderNegatives.init(rawValue:)) else {
                        throw ConfigError(file: file, key: "folder_negatives.\(folder)",
                                          reason: "expected \"seen\", \"all\" or \"none\", found \(rule.string.map { "'\($0)'" } ?? "\(rule.typeName)")")
                    }
                    if let why = Self.badFolder(folder) {
                        throw ConfigError(file: file, key: "folder_negatives.\(folder)", reason: why)
                    }
                    map[folder] = r
                }
                s.folderNegatives = map
            case "notmuch":
                guard let v = value.bool else { throw bad("true or false") }
                s.notmuch = v
            case "notmuch_tag_prefix":
                guard let v = value.string else { throw bad("a string") }
                if !v.isEmpty, let why = Self.badLabel(v) {
                    throw ConfigError(file: file, key: key, reason: why.replacingOccurrences(of: "label name", with: "tag prefix"))
                }
                s.notmuchTagPrefix = v
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

    /// Why `name` cannot be a label (nil when it can): the same rule as `tagger label`'s.
    public static func badLabel(_ name: String) -> String? {
        if name.isEmpty { return "empty label name" }
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            return "'\(name)': a label name has no spaces or control characters"
        }
        return nil
    }

    /// Why `folder` cannot be a folder key (nil when it can).
    static func badFolder(_ folder: String) -> String? {
        folder.isEmpty ? "empty folder name (the root folder is \"INBOX\")" : nil
    }

    /// The largest config file read (a real one is a few hundred bytes).
    public static let maxBytes = 1 << 20

    /// Reads and parses a config file.
    /// - Throws: `ConfigError` when the file is unreadable, not a regular file, over `maxBytes`,
    ///   not UTF-8, or invalid.
    public static func load(path: String) throws -> ConfigSettings {
        // The config file is the user's own choice and may be a symbolic link; it is still opened
        // without blocking (a FIFO is refused, not waited on) and must be a regular file.
        let read: (bytes: [UInt8], fileSize: Int)
        do throws(SystemError) {
            read = try FileIO.readRegularFile(path, followLink: true, limit: maxBytes)
        } catch {
            throw ConfigError(file: path, key: nil, reason: "cannot read the file: \(error.detail ?? error.systemMessage)")
        }
        guard read.fileSize <= maxBytes else {
            throw ConfigError(file: path, key: nil, reason: "cannot read the file: \(read.fileSize) bytes, over the \(maxBytes)-byte limit for a config file")
        }
        let bytes = read.bytes
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
        s.folderNegatives = other.folderNegatives ?? folderNegatives
        s.minNewCorrections = other.minNewCorrections ?? minNewCorrections
        s.retrainInterval = other.retrainInterval ?? retrainInterval
        s.notmuch = other.notmuch ?? notmuch
        s.notmuchTagPrefix = other.notmuchTagPrefix ?? notmuchTagPrefix
        return s
    }
}
