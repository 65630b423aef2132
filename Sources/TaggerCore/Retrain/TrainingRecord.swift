import Foundation
import Features
import Model
import TaggerMaildir
import TaggerState
import TaggerSystem

/// What the installed model was trained on, written by `tagger retrain` when it installs a model
/// (`<state_dir>/reports/model-training.json`). The gate holds out only messages the current
/// model has not seen, and a retrain whose training set and options are those of the current
/// model has nothing new to learn.
public struct ModelTrainingRecord: Codable, Sendable, Equatable {
    /// The id of the model trained on this set.
    public var modelID: String
    /// `TrainingFingerprint` of the set and options.
    public var fingerprint: String
    /// Keys (`LabelledMessage.key`) of every training message.
    public var keys: [String]

    enum CodingKeys: String, CodingKey { case modelID = "model_id", fingerprint, keys }

    static func path(stateDir: String) -> String { StateDirectory(stateDir).reports + "/" + StateDirectory.modelTrainingName }

    /// The record in `stateDir`, nil when there is none or it cannot be read.
    public static func load(stateDir: String) -> ModelTrainingRecord? {
        FileManager.default.contents(atPath: path(stateDir: stateDir))
            .flatMap { try? JSONDecoder().decode(ModelTrainingRecord.self, from: $0) }
    }

    func save(stateDir: String) throws {
        let dir = try SecureDirectory.open(base: stateDir, components: [StateDirectory.reportsFolderName], create: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try dir.writeAtomically(StateDirectory.modelTrainingName, bytes: Array(try encoder.encode(self)))
    }
}

/// A digest of a training set (message keys with their labels) and the training options: two
/// retrains with the same fingerprint would train the same model.
public enum TrainingFingerprint {
    public static func of(_ messages: [LabelledMessage], options: TrainingOptions) -> String {
        var lines = messages.map {
            $0.key + "\t" + $0.labels.sorted().joined(separator: ",") + ($0.known.map { "\t" + $0.sorted().joined(separator: ",") } ?? "")
        }
        lines.sort()
        lines.append("options\t\(options)")
        let bytes = Array(lines.joined(separator: "\n").utf8)
        return String(StableHash.hash(bytes[...]), radix: 16)
    }
}

/// Where every Maildir message was at the last retrain (`<state_dir>/reports/folders.tsv`:
/// unique name, tab, folder per line), to count what changed in the labelled folders since.
///
/// A message moved in the mail client into a folder of `folder_labels`, out of one, or from one
/// to another is a correction: the next retrain learns it, because the training set is derived
/// from where messages are now (no daemon involvement). Each such message counts as one new
/// correction towards `min_new_corrections`, and so does each message that has arrived in a
/// labelled folder since the last retrain (mail that came in after it and was then filed there,
/// or that a server-side filter delivered there: new training data either way). Messages are
/// matched by their Maildir unique name, which mail clients and Dovecot keep when they move a
/// file; moves between folders no label claims, and new mail outside the labelled folders, do
/// not count. Before the first retrain every message in a labelled folder counts as arrived, so
/// a mailbox with folder labels and no model gets its first retrain from the daemon.
public enum FolderSnapshot {
    /// What changed in the labelled folders.
    public struct Changes: Sendable, Equatable {
        /// Known messages whose folder label changed (moved into, out of, or between labelled folders).
        public var moves = 0
        /// Messages in a labelled folder that were in no folder at the last retrain.
        public var arrivals = 0
        public var total: Int { moves + arrivals }
    }

    static func path(stateDir: String) -> String { StateDirectory(stateDir).reports + "/" + StateDirectory.folderSnapshotName }

    /// The snapshot of the last retrain (nil when there is none).
    public static func load(stateDir: String) -> [String: String]? {
        guard let data = FileManager.default.contents(atPath: path(stateDir: stateDir)) else { return nil }
        var out: [String: String] = [:]
        for line in data.split(separator: 0x0A) {
            guard let tab = line.firstIndex(of: 0x09) else { continue }
            out[String(decoding: line[..<tab], as: UTF8.self)] = String(decoding: line[(tab + 1)...], as: UTF8.self)
        }
        return out
    }

    static func save(_ folders: [String: String], stateDir: String) throws {
        let dir = try SecureDirectory.open(base: stateDir, components: [StateDirectory.reportsFolderName], create: true)
        var bytes: [UInt8] = []
        for (unique, folder) in folders.sorted(by: { $0.key < $1.key })
        where !unique.utf8.contains(0x09) && !unique.utf8.contains(0x0A) {
            bytes += Array(unique.utf8) + [0x09] + Array(folder.utf8) + [0x0A]
        }
        try dir.writeAtomically(StateDirectory.folderSnapshotName, bytes: bytes)
    }

    /// Every message's folder now (unique name → folder), over the Maildir roots.
    public static func current(maildirs: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for root in maildirs {
            let scanner = MaildirScanner(root: root)
            guard let structure = try? scanner.structure() else { continue }
            for folder in structure.folders {
                for m in (try? scanner.messages(in: folder)) ?? [] { out[m.unique] = folder.sidecarName }
            }
        }
        return out
    }

    /// What changed in the labelled folders between `before` (nil: no retrain yet) and `now`.
    public static func changes(before: [String: String]?, now: [String: String], folderLabels: [String: String]) -> Changes {
        var out = Changes()
        guard !folderLabels.isEmpty else { return out }
        for (unique, folder) in now {
            let label = TrainingSetBuilder.entry(folderLabels, folder: folder)
            guard let old = before?[unique] else {
                if label != nil { out.arrivals += 1 }
                continue
            }
            if old != folder && TrainingSetBuilder.entry(folderLabels, folder: old) != label { out.moves += 1 }
        }
        return out
    }
}

/// Why a label abstains, in words for `retrain` and `status`.
public enum AbstainReason {
    /// nil when the label does not abstain.
    public static func describe(_ info: LabelInfo, minPositives: Int = 5, minNegatives: Int = 5) -> String? {
        guard info.abstains else { return nil }
        let negatives = info.examples - info.positives
        if info.positives < minPositives {
            return "too few examples (\(info.positives) positive, needs \(minPositives))"
        }
        if negatives == 0 {
            return "no negatives (every training message carries it: map or read mail outside its folder)"
        }
        if negatives < minNegatives {
            return "too few negatives (\(negatives), needs \(minNegatives))"
        }
        return "cross-validated F1 \(String(format: "%.3f", info.crossValidated.f1)) too low"
    }
}
