import Foundation
import Model
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState

/// A message chosen for training, with its full label set and where it came from.
public struct LabelledMessage: Sendable {
    public enum Source: String, Codable, Sendable { case correction, folder, manifest }
    public var path: String
    public var labels: Set<String>
    public var source: Source
    /// For corrections: journal line of the latest correction (recency order).
    public var order: Int
}

/// Gathers the training data of a retrain: corrected messages (never the model's own
/// unreviewed predictions), folder → label mappings, and manifests.
public struct TrainingSetBuilder: Sendable {
    public var maildirs: [String]
    /// Maildir folder (relative path as in sidecars, e.g. `.Finance` or `INBOX`) → label.
    public var folderLabels: [String: String]
    public var manifests: [String]

    public init(maildirs: [String], folderLabels: [String: String], manifests: [String]) {
        self.maildirs = maildirs; self.folderLabels = folderLabels; self.manifests = manifests
    }

    /// Builds the set. Corrections whose message can no longer be found are reported in
    /// `warnings` (their journal entries stay: the message may come back).
    /// - Throws: `TaggerError` for unreadable manifests.
    public func build(corrections: CorrectionIndex) throws(TaggerError) -> (messages: [LabelledMessage], warnings: [String]) {
        var warnings: [String] = []
        var byUnique: [String: String] = [:]
        var folderOf: [String: String] = [:]
        for root in maildirs {
            let scanner = MaildirScanner(root: root)
            guard let structure = try? scanner.structure() else {
                warnings.append("\(root): cannot read this maildir"); continue
            }
            for folder in structure.folders {
                guard let messages = try? scanner.messages(in: folder) else { continue }
                for m in messages {
                    byUnique[m.unique] = m.path
                    folderOf[m.path] = folder.sidecarName
                }
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
            result.append(LabelledMessage(path: found, labels: user.labels, source: .correction, order: user.line))
        }
        if !folderLabels.isEmpty {
            for (path, folder) in folderOf.sorted(by: { $0.key < $1.key }) where !seen.contains(path) {
                guard let label = folderLabels[folder] ?? folderLabels[folder.hasPrefix(".") ? String(folder.dropFirst()) : folder] else { continue }
                seen.insert(path)
                result.append(LabelledMessage(path: path, labels: [label], source: .folder, order: 0))
            }
        }
        for manifestPath in manifests {
            let manifest = try Manifest.load(path: manifestPath, skipMissing: true)
            warnings.append(contentsOf: manifest.warnings)
            for e in manifest.entries where !seen.contains(e.path) {
                seen.insert(e.path)
                result.append(LabelledMessage(path: e.path, labels: Set(e.labels), source: .manifest, order: 0))
            }
        }
        return (result, warnings)
    }
}
