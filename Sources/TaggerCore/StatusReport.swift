import Foundation
import Model
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState

/// What `tagger status` shows beyond the daemon's counters: the model's labels (examples,
/// abstention, threshold, cross-validated F1), the corrections, and the last retrain.
public struct StatusReport: Encodable {
    public struct Label: Encodable {
        public var name: String
        public var positives: Int
        public var examples: Int
        public var abstains: Bool
        public var threshold: Float
        public var cvF1: Float
        /// Why the label abstains (nil when it does not).
        public var why: String?
        enum CodingKeys: String, CodingKey { case name, positives, examples, abstains, threshold, why, cvF1 = "cv_f1" }
    }

    public struct ModelSummary: Encodable {
        public var path: String
        public var id: String?
        public var trainedAt: String?
        public var error: String?
        public var labels: [Label]
        enum CodingKeys: String, CodingKey { case path, id, error, labels, trainedAt = "trained_at" }
    }

    public struct Corrections: Encodable {
        public var journal: String
        public var records: Int
        public var correctedMessages: Int
        public var sinceLastRetrain: Int
        /// Messages moved into, out of or between labelled folders since the last retrain.
        public var folderMoves: Int = 0
        /// Messages arrived in labelled folders since the last retrain.
        public var folderArrivals: Int = 0
        public var warnings: [String]
        enum CodingKeys: String, CodingKey {
            case journal, records, warnings
            case correctedMessages = "corrected_messages", sinceLastRetrain = "since_last_retrain"
            case folderMoves = "folder_moves", folderArrivals = "folder_arrivals"
        }
    }

    public var model: ModelSummary
    public var corrections: Corrections
    public var lastRetrain: RetrainReport?

    enum CodingKeys: String, CodingKey { case model, corrections, lastRetrain = "last_retrain" }

    /// Gathers the report for a configuration; problems become `error`/`warnings` fields.
    public static func gather(config: ResolvedConfig) -> StatusReport {
        var summary = ModelSummary(path: config.modelPath, id: nil, trainedAt: nil, error: nil, labels: [])
        if FileManager.default.fileExists(atPath: config.modelPath) {
            do {
                let m = try ModelFile.read(config.modelPath)
                summary.id = m.id
                summary.trainedAt = Timestamp.iso8601(m.trainedAt)
                summary.labels = m.labelInfo.map {
                    Label(name: $0.name, positives: $0.positives, examples: $0.examples, abstains: $0.abstains,
                          threshold: $0.threshold, cvF1: $0.crossValidated.f1, why: AbstainReason.describe($0))
                }
            } catch {
                summary.error = "\(error)"
            }
        } else {
            summary.error = "no model yet (tagger train --manifest M.jsonl, or tagger retrain after some corrections)"
        }
        let journal = Journal(path: config.state.journal)
        var corrections = Corrections(journal: journal.path, records: 0, correctedMessages: 0, sinceLastRetrain: 0, warnings: [])
        do {
            let (index, warnings) = try journal.fold()
            corrections.records = index.recordCount
            corrections.correctedMessages = index.corrected.count
            corrections.warnings = warnings
        } catch {
            corrections.warnings = ["\(error)"]
        }
        let last = FileManager.default.contents(atPath: config.state.lastRetrainReport)
            .flatMap { try? JSONDecoder().decode(RetrainReport.self, from: $0) }
        corrections.sinceLastRetrain = corrections.records - (last?.journalRecords ?? 0)
        let changes = FolderSnapshot.changes(
            before: FolderSnapshot.load(stateDir: config.stateDir),
            now: config.folderLabels.isEmpty ? [:] : FolderSnapshot.current(maildirs: config.maildirs.map(\.root)),
            folderLabels: config.folderLabels)
        corrections.folderMoves = changes.moves
        corrections.folderArrivals = changes.arrivals
        return StatusReport(model: summary, corrections: corrections, lastRetrain: last)
    }

    /// Plain-text lines for the terminal.
    public func render() -> [String] {
        var lines: [String] = []
        if let id = model.id {
            lines.append("model: \(id) (trained \(model.trainedAt ?? "?")) at \(model.path)")
            lines.append("label                 positives  examples  threshold  CV F1  applied")
            for l in model.labels {
                lines.append(l.name.padding(toLength: 20, withPad: " ", startingAt: 0) + "  "
                             + String(format: "%9d  %8d  %9.3f  %5.3f  ", l.positives, l.examples, l.threshold, l.cvF1)
                             + (l.why.map { "no (abstains: \($0))" } ?? "yes"))
            }
        } else {
            lines.append("model: \(model.error ?? "none")")
        }
        lines.append("corrections: \(corrections.records) in the journal, \(corrections.correctedMessages) corrected messages, \(corrections.sinceLastRetrain) since the last retrain"
                     + (corrections.folderMoves + corrections.folderArrivals > 0
                        ? "; labelled folders: \(corrections.folderMoves) moved in or out, \(corrections.folderArrivals) arrived" : ""))
        for w in corrections.warnings { lines.append("warning: \(w)") }
        if let r = lastRetrain {
            var line = "last retrain: \(r.finishedAt) \(r.decision.rawValue) — \(r.reason)"
            if let o = r.old, let n = r.new {
                line += String(format: " (micro-F1 %.3f → %.3f)", o.microF1, n.microF1)
            }
            lines.append(line)
        } else {
            lines.append("last retrain: never")
        }
        return lines
    }
}
