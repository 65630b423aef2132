import Foundation
import Model
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState

/// What a retrain decided.
public enum RetrainDecision: String, Codable, Sendable {
    /// The candidate replaced the current model.
    case swapped
    /// The candidate was worse on the held-out corrections: the current model stays.
    case rejected
    /// `--dry-run`: evaluated, nothing installed.
    case dryRun = "dry-run"
    /// The training set and options are those the current model was trained on: nothing to do.
    case nothingNew = "nothing-new"
}

/// Settings of one retrain.
public struct RetrainOptions: Sendable {
    /// A candidate worse beyond chance is still swapped in when its held-out micro-F1 is better
    /// by more than this (see `QualityGate`).
    public var tolerance: Float = 0.01
    /// Share of the messages the current model has not seen (the most recent ones) held out to
    /// compare the models.
    public var holdoutFraction: Double = 0.5
    /// Fewest held-out messages for a comparison; with fewer, `QualityGate`'s small-set rule decides.
    public var minHoldout: Int = 10
    /// Swap even when the gate says no (and retrain when nothing is new).
    public var force = false
    /// Evaluate but install nothing.
    public var dryRun = false
    /// Wait for another retrain to finish instead of failing at once.
    public var wait = false
    public var training = TrainingOptions()
    public init() {}
}

/// One label's line of the retrain report.
public struct RetrainLabelReport: Codable, Sendable {
    public var label: String
    public var positives: Int
    public var abstains: Bool
    /// Why it abstains (nil when it does not).
    public var why: String?
    public var old: LabelMetrics?
    public var new: LabelMetrics?
}

/// The retrain report: written as JSON in the state directory and shown by `tagger status`.
public struct RetrainReport: Codable, Sendable {
    public var startedAt: String
    public var finishedAt: String
    public var decision: RetrainDecision
    public var reason: String
    public var examples: [String: Int]
    public var heldOut: Int
    public var currentModel: String?
    public var candidateModel: String?
    public var old: HeldOutScore?
    public var new: HeldOutScore?
    public var labels: [RetrainLabelReport]
    public var warnings: [String]
    /// Journal records when this retrain read it (the daemon counts new corrections from here).
    public var journalRecords: Int
    /// Messages moved into, out of or between labelled folders since the previous retrain.
    public var folderMoves: Int?
    /// Messages that arrived in labelled folders since the previous retrain.
    public var folderArrivals: Int?

    enum CodingKeys: String, CodingKey {
        case decision, reason, examples, labels, warnings, old, new
        case startedAt = "started_at", finishedAt = "finished_at", heldOut = "held_out"
        case currentModel = "current_model", candidateModel = "candidate_model", journalRecords = "journal_records"
        case folderMoves = "folder_moves", folderArrivals = "folder_arrivals"
    }

    /// A plain-text table: per label, examples, old vs new held-out F1.
    public func renderTable() -> String {
        // A label with no held-out positive has no F1 to show: "-", not 0.000.
        func f(_ m: LabelMetrics?) -> String { m.flatMap { $0.support > 0 ? String(format: "%.3f", $0.f1) : nil } ?? "-" }
        var lines = ["label                 positives  abstains  old F1  new F1"]
        for l in labels {
            lines.append(l.label.padding(toLength: 20, withPad: " ", startingAt: 0) + "  "
                         + String(format: "%9d", l.positives) + "  " + (l.abstains ? "     yes" : "      no")
                         + "  " + f(l.old).leftPad(6) + "  " + f(l.new).leftPad(6)
                         + (l.why.map { "  (abstains: \($0))" } ?? ""))
        }
        if let o = old, let n = new {
            lines.append(String(format: "micro-F1 %.3f -> %.3f, macro-F1 %.3f -> %.3f on %d held-out messages neither model was trained on",
                                o.microF1, n.microF1, o.macroF1, n.macroF1, heldOut))
        }
        if (folderMoves ?? 0) + (folderArrivals ?? 0) > 0 {
            lines.append("since the previous retrain: \(folderMoves ?? 0) message(s) moved into or out of labelled folders, \(folderArrivals ?? 0) arrived in them")
        }
        let counts = examples.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        lines.append("training messages: \(counts)")
        lines.append("decision: \(decision.rawValue) — \(reason)")
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}


/// Trains a candidate from the user's corrections and folders, compares it with the current
/// model on recent messages neither has been trained on, and swaps it in unless `QualityGate`
/// finds it worse.
public struct Retrainer {
    public var store: ModelStore
    public var journal: Journal
    public var builder: TrainingSetBuilder
    /// Folder for reports (`last-retrain.json` and one file per retrain) and the lock.
    public var stateDir: String
    /// Turns a message file into its feature vector.
    public var featurize: (String) throws -> SparseVector
    /// Reads a model file (refusing one whose featuriser differs from this binary's).
    public var loadModel: @Sendable (String) throws -> MultiLabelModel
    /// Writes a model file atomically.
    public var writeModel: @Sendable (MultiLabelModel, String) throws -> Void
    /// Run under the lock before the journal is read (journals corrections made by editing
    /// sidecars); returns warnings for the report.
    public var beforeReadingJournal: (() throws -> [String])?

    public init(store: ModelStore, journal: Journal, builder: TrainingSetBuilder, stateDir: String,
                featurize: @escaping (String) throws -> SparseVector,
                loadModel: @escaping @Sendable (String) throws -> MultiLabelModel,
                writeModel: @escaping @Sendable (MultiLabelModel, String) throws -> Void) {
        self.store = store; self.journal = journal; self.builder = builder; self.stateDir = stateDir
        self.featurize = featurize; self.loadModel = loadModel; self.writeModel = writeModel
    }

    public var lockPath: String { StateDirectory(stateDir).retrainLock }
    public var lastReportPath: String { StateDirectory(stateDir).lastRetrainReport }

    /// Runs one retrain.
    /// - Throws: `TaggerError.busy` when another retrain holds the lock (unless `wait`),
    ///   `.usage` when there is too little data, `.config` for a folder key naming no folder,
    ///   and I/O or model errors naming their file.
    public func run(_ options: RetrainOptions) throws -> RetrainReport {
        let lock = try FileLock(path: lockPath, wait: options.wait)
        defer { withExtendedLifetime(lock) {} }
        let started = Timestamp.iso8601(Date())
        let pickUpWarnings = try beforeReadingJournal?() ?? []
        var (index, journalWarnings) = try journal.fold()
        let journalRecords = index.recordCount
        var warnings = pickUpWarnings + journalWarnings
        let set = try builder.build(corrections: index)
        warnings += set.warnings
        index = CorrectionIndex()  // no longer needed
        let moves = FolderSnapshot.changes(before: FolderSnapshot.load(stateDir: stateDir), now: set.folderOf,
                                           folderLabels: builder.folderLabels)

        var current: MultiLabelModel?
        if FileManager.default.fileExists(atPath: store.current) {
            do { current = try loadModel(store.current) } catch {
                warnings.append("current model unusable, the candidate is compared with nothing: \(error)")
            }
        }
        // Decided before any message is read: a retrain with nothing new costs one folder scan.
        let fingerprint = TrainingFingerprint.of(set.messages, options: options.training)
        // What the current model was trained on, when a retrain installed it.
        let record = ModelTrainingRecord.load(stateDir: stateDir).flatMap { $0.modelID == current?.id ? $0 : nil }
        var counts: [String: Int] = [:]
        for m in set.messages { counts[m.source.rawValue, default: 0] += 1 }

        if let current, let record, record.fingerprint == fingerprint, !options.force {
            // The same messages with the same labels and options: the same model again.
            let labelReports = current.labelInfo.map { info in
                RetrainLabelReport(label: info.name, positives: info.positives, abstains: info.abstains,
                                   why: AbstainReason.describe(info, minPositives: options.training.minPositives,
                                                               minNegatives: options.training.minNegatives))
            }
            let report = RetrainReport(
                startedAt: started, finishedAt: Timestamp.iso8601(Date()), decision: .nothingNew,
                reason: "nothing new since the current model (same \(set.messages.count) training messages, labels and options); it stays",
                examples: counts, heldOut: 0, currentModel: current.id, candidateModel: nil, old: nil, new: nil,
                labels: labelReports, warnings: warnings, journalRecords: journalRecords,
                folderMoves: moves.moves, folderArrivals: moves.arrivals)
            if !options.dryRun { try save(report, folders: set.folderOf) }
            return report
        }

        var examples: [(message: LabelledMessage, vector: SparseVector)] = []
        for m in set.messages {
            do { examples.append((m, try featurize(m.path))) } catch {
                warnings.append("\(m.path): skipped: \(error)")
            }
        }
        let labels = Set(examples.flatMap(\.message.labels)).sorted()
        guard !labels.isEmpty, examples.count >= max(2, options.training.folds) else {
            throw TaggerError.usage("not enough training data: \(examples.count) usable messages with \(labels.count) labels (need at least \(max(2, options.training.folds)) messages and one label); correct some messages with `tagger label` or map folders with folder_labels first")
        }
        counts = [:]
        for e in examples { counts[e.message.source.rawValue, default: 0] += 1 }

        // Hold out recent messages the current model has not seen (never manifest lines: they
        // are extra data, not the user's judgement of this mailbox).
        let seenByCurrent = Set(record?.keys ?? [])
        let unseen = examples.indices.filter { i in
            let m = examples[i].message
            guard m.source != .manifest, let current else { return false }
            // Journal times have whole seconds: one in the second the model was trained is after it.
            return record != nil ? !seenByCurrent.contains(m.key)
                : m.recency >= Date(timeIntervalSince1970: current.trainedAt.timeIntervalSince1970.rounded(.down))
        }.sorted { (examples[$0].message.recency, examples[$0].message.order) < (examples[$1].message.recency, examples[$1].message.order) }
        var holdout: [Int] = []
        let want = max(options.minHoldout, Int((Double(unseen.count) * options.holdoutFraction).rounded(.up)))
        if unseen.count >= options.minHoldout, examples.count - want >= max(2, options.training.folds) {
            holdout = Array(unseen.suffix(want))
        }
        let held = Set(holdout)
        let trainPart = examples.indices.filter { !held.contains($0) }

        func trainingExamples(_ rows: [Int]) -> [TrainingExample] {
            rows.map { r in
                let m = examples[r].message
                return TrainingExample(vector: examples[r].vector,
                                       labels: m.labels.compactMap { labels.firstIndex(of: $0) }.sorted(),
                                       unknown: m.known.map { k in labels.indices.filter { !k.contains(labels[$0]) } } ?? [])
            }
        }
        let candidate = try Trainer.train(examples: trainingExamples(trainPart), labels: labels, options: options.training).model
        var decision = RetrainDecision.swapped
        var reason: String
        var oldScore: HeldOutScore?, newScore: HeldOutScore?
        var comparison: GateComparison?
        if !holdout.isEmpty {
            let truth = holdout.map { examples[$0].message.labels }
            let known = holdout.map { examples[$0].message.known }
            let allLabels = Set(labels).union(current?.labels ?? []).sorted()
            let newTags = holdout.map { Set(candidate.predict(examples[$0].vector).tags) }
            newScore = .measure(predicted: newTags, truth: truth, labels: allLabels, known: known)
            if let current {
                let oldTags = holdout.map { Set(current.predict(examples[$0].vector).tags) }
                oldScore = .measure(predicted: oldTags, truth: truth, labels: allLabels, known: known)
                comparison = GateComparison(old: oldTags, new: newTags, truth: truth, labels: allLabels, known: known)
            }
        }
        let gate = QualityGate(tolerance: options.tolerance)
        if let o = oldScore, let n = newScore, let c = comparison {
            if let why = gate.verdict(candidate: n, current: o, comparison: c) {
                decision = .rejected
                reason = why
            } else {
                reason = "candidate is not worse on \(holdout.count) held-out messages neither model was trained on (\(c.summary))"
            }
        } else if current == nil {
            reason = "there was no usable current model"
        } else {
            reason = QualityGate.smallSetReason(unseen: unseen.count, minimum: options.minHoldout)
        }
        if decision == .rejected && options.force {
            decision = .swapped
            reason += "; swapped anyway (--force)"
        }
        if options.dryRun { decision = .dryRun }

        var installed: MultiLabelModel?
        if decision == .swapped {
            // The gate judged the recipe on held-out data; the model installed learns from all of it.
            let final = holdout.isEmpty ? candidate
                : try Trainer.train(examples: trainingExamples(Array(examples.indices)), labels: labels,
                                    options: options.training).model
            try makeDirectory((store.current as NSString).deletingLastPathComponent)
            let temp = store.temporaryPath()
            do {
                try writeModel(final, temp)
                try store.install(candidate: temp)
            } catch {
                unlink(temp)
                throw error
            }
            installed = final
            do {
                try ModelTrainingRecord(modelID: final.id, fingerprint: fingerprint,
                                        keys: examples.map(\.message.key).sorted()).save(stateDir: stateDir)
            } catch {
                warnings.append("cannot record what the new model was trained on (the next retrain retrains it): \(error)")
            }
        }

        let shown = installed ?? candidate
        let labelReports = shown.labelInfo.map { info in
            RetrainLabelReport(label: info.name, positives: info.positives, abstains: info.abstains,
                               why: AbstainReason.describe(info, minPositives: options.training.minPositives,
                                                           minNegatives: options.training.minNegatives),
                               old: oldScore?.perLabel[info.name], new: newScore?.perLabel[info.name])
        }
        let report = RetrainReport(
            startedAt: started, finishedAt: Timestamp.iso8601(Date()), decision: decision, reason: reason,
            examples: counts, heldOut: holdout.count, currentModel: current?.id, candidateModel: shown.id,
            old: oldScore, new: newScore, labels: labelReports, warnings: warnings, journalRecords: journalRecords,
            folderMoves: moves.moves, folderArrivals: moves.arrivals)
        try save(report, folders: options.dryRun ? nil : set.folderOf)
        return report
    }

    private func save(_ report: RetrainReport, folders: [String: String]?) throws {
        let dir = try SecureDirectory.open(base: stateDir, components: [StateDirectory.reportsFolderName], create: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(report)
        try dir.writeAtomically(ReportName.unused(in: dir), bytes: Array(data))
        try dir.writeAtomically(StateDirectory.lastRetrainName, bytes: Array(data))
        if let folders { try FolderSnapshot.save(folders, stateDir: stateDir) }
    }
}
