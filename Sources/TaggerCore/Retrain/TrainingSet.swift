import Foundation
import Model
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState
#if canImport(Glibc)
import Glibc
#endif

/// A message chosen for training, with its full label set and where it came from.
public struct LabelledMessage: Sendable {
    public enum Source: String, Codable, Sendable {
        /// Corrected with `tagger label` or a sidecar edit.
        case correction
        /// In a folder of `folder_labels`: a positive for that label.
        case folder
        /// Accepted mail outside the labelled folders (see `FolderNegatives`): a negative for
        /// every folder label, and nothing for the other labels.
        case accepted
        /// A line of a `--manifest`.
        case manifest
    }
    public var path: String
    public var labels: Set<String>
    public var source: Source
    /// For corrections: journal line of the latest correction (recency order).
    public var order: Int
    /// What identifies the message across retrains: its unique name in a Maildir, else its path.
    public var key: String = ""
    /// When the user last said something about it: the correction's time, else the file's mtime.
    public var recency: Date = .distantPast
    /// The only labels this message speaks to (nil: every label). Accepted mail is a negative
    /// for the folder labels and says nothing about labels learnt from corrections.
    public var known: Set<String>?
}

/// The training data of a retrain, and what the folder state looked like.
public struct TrainingSet: Sendable {
    public var messages: [LabelledMessage]
    public var warnings: [String]
    /// Every Maildir message's folder (unique name → folder as in sidecar paths), for telling
    /// moves between folders apart at the next retrain.
    public var folderOf: [String: String]
}

/// Gathers the training data of a retrain: corrected messages (never the model's own
/// unreviewed predictions), folder → label mappings, the mail accepted outside those folders
/// (negatives), and manifests.
public struct TrainingSetBuilder: Sendable {
    public var maildirs: [String]
    /// Maildir folder (relative path as in sidecars, e.g. `.Finance` or `INBOX`; the leading dot
    /// may be left out) → label.
    public var folderLabels: [String: String]
    /// Per folder (same naming), which of its mail is a negative for the folder labels; folders
    /// without an entry follow `FolderNegatives.defaultRule(forFolder:)`.
    public var folderNegatives: [String: FolderNegatives]
    public var manifests: [String]

    public init(maildirs: [String], folderLabels: [String: String], folderNegatives: [String: FolderNegatives] = [:],
                manifests: [String]) {
        self.maildirs = maildirs; self.folderLabels = folderLabels; self.folderNegatives = folderNegatives
        self.manifests = manifests
    }

    /// The entry of `table` for `folder` (`.Spam` also matches the key `Spam`).
    static func entry<T>(_ table: [String: T], folder: String) -> T? {
        table[folder] ?? (folder.hasPrefix(".") ? table[String(folder.dropFirst())] : nil)
    }

    /// Whether a Maildir file name carries the Seen flag (`:2,` info with `S`).
    static func isSeen(fileName: String) -> Bool {
        guard let r = fileName.range(of: ":2,") ?? fileName.range(of: "!2,") else { return false }
        return fileName[r.upperBound...].contains("S")
    }

    /// Builds the set. Corrections whose message can no longer be found are reported in
    /// `warnings` (their journal entries stay: the message may come back).
    /// - Throws: `TaggerError.config` when a `folder_labels` or `folder_negatives` key names no
    ///   folder of any Maildir, `TaggerError` for unreadable manifests.
    public func build(corrections: CorrectionIndex) throws(TaggerError) -> TrainingSet {
        var warnings: [String] = []
        var byUnique: [String: String] = [:]
        var folderOf: [String: String] = [:]
        var fileOf: [String: MaildirMessage] = [:]
        var folderNames = Set<String>()
        for root in maildirs {
            let scanner = MaildirScanner(root: root)
            guard let structure = try? scanner.structure() else {
                warnings.append("\(root): cannot read this maildir"); continue
            }
            for folder in structure.folders {
                folderNames.insert(folder.sidecarName)
                guard let messages = try? scanner.messages(in: folder) else { continue }
                for m in messages {
                    byUnique[m.unique] = m.path
                    folderOf[m.unique] = folder.sidecarName
                    fileOf[m.path] = m
                }
            }
        }
        // A key naming no folder silently teaches nothing (".Finanse"): refuse it, naming it.
        for (table, keys) in [("folder_labels", Array(folderLabels.keys)), ("folder_negatives", Array(folderNegatives.keys))] {
            for key in keys.sorted() where !folderNames.contains(key) && !folderNames.contains("." + key) {
                let known = folderNames.isEmpty ? "no Maildir folder (cur/ and new/) there at all: check the Maildir path"
                    : "folders: " + folderNames.sorted().joined(separator: ", ")
                throw .config(path: table, reason: "'\(key)' matches no folder in \(maildirs.joined(separator: ", ")) (\(known))")
            }
        }
        var result: [LabelledMessage] = []
        var seen = Set<String>()
        for user in corrections.corrected {
            var path: String?
            if let hint = user.path, FileManager.default.fileExists(atPath: hint) { path = hint }
            if path == nil, let u = user.unique { path = byUnique[u] }
            guard let found = path else {
                warnings.append("correction for \(user.unique ?? user.messageID ?? "?") skipped: the message is not in any maildir now")
                continue
            }
            seen.insert(found)
            var labels = user.labels
            // A corrected message in a labelled folder keeps that folder's label unless the
            // correction took it off.
            if let m = fileOf[found], let label = Self.entry(folderLabels, folder: m.folder.sidecarName),
               !user.remove.contains(label) {
                labels.insert(label)
            }
            result.append(LabelledMessage(path: found, labels: labels, source: .correction, order: user.line,
                                          key: fileOf[found]?.unique ?? user.unique ?? found,
                                          recency: Timestamp.parse(user.at) ?? .distantPast))
        }
        if !folderLabels.isEmpty {
            for (path, m) in fileOf.sorted(by: { $0.key < $1.key }) where !seen.contains(path) {
                let folder = m.folder.sidecarName
                if let label = Self.entry(folderLabels, folder: folder) {
                    result.append(LabelledMessage(path: path, labels: [label], source: .folder, order: 0,
                                                  key: m.unique, recency: Self.mtime(path)))
                } else {
                    let rule = Self.entry(folderNegatives, folder: folder) ?? FolderNegatives.defaultRule(forFolder: folder)
                    let accepted = rule == .all || (rule == .seen && Self.isSeen(fileName: m.fileName))
                    guard accepted else { continue }
                    result.append(LabelledMessage(path: path, labels: [], source: .accepted, order: 0,
                                                  key: m.unique, recency: Self.mtime(path),
                                                  known: Set(folderLabels.values)))
                }
                seen.insert(path)
            }
        }
        for manifestPath in manifests {
            let manifest = try Manifest.load(path: manifestPath, skipMissing: true)
            warnings.append(contentsOf: manifest.warnings)
            for e in manifest.entries where !seen.contains(e.path) {
                seen.insert(e.path)
                result.append(LabelledMessage(path: e.path, labels: Set(e.labels), source: .manifest, order: 0,
                                              key: fileOf[e.path]?.unique ?? e.path, recency: Self.mtime(e.path)))
            }
        }
        return TrainingSet(messages: result, warnings: warnings, folderOf: folderOf)
    }

    /// The file's modification time (distant past when it cannot be read).
    static func mtime(_ path: String) -> Date {
        var st = stat()
        guard stat(path, &st) == 0 else { return .distantPast }
        return Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }
}
