import Foundation
import Model

/// What a retrain decided.
public enum RetrainDecision: String, Codable, Sendable {
    /// The candidate replaced the current model.
    case swapped
    /// The candidate was worse on the held-out corrections: the current model stays.
    case rejected
    /// `--dry-run`: evaluated, nothing installed.
    case dryRun = "dry-run"
}

/// Settings of one retrain.
public struct RetrainOptions: Sendable {
    /// How much worse (F1, 0–1) the candidate may be on held-out corrections and still be swapped in.
    public var tolerance: Float = 0.01
    /// Share of the corrected messages (the most recent ones) held out to compare the models.
    public var holdoutFraction: Double = 0.2
    /// Fewest held-out messages for a meaningful comparison.
    public var minHoldout: Int = 5
    /// Swap even when the gate says no.
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

    enum CodingKeys: String, CodingKey {
        case decision, reason, examples, labels, warnings, old, new
        case startedAt = "started_at", finishedAt = "finished_at", heldOut = "held_out"
        case currentModel = "current_model", candidateModel = "candidate_model", journalRecords = "journal_records"
    }

    /// A plain-text table: per label, examples, old vs new held-out F1.
    public func renderTable() -> String {
        func f(_ m: LabelMetrics?) -> String { m.map { String(format: "%.3f", $0.f1) } ?? "  -  " }
        var lines = ["label                 positives  abstains  old F1  new F1"]
        for l in labels {
            lines.append(l.label.padding(toLength: 20, withPad: " ", startingAt: 0) + "  "
                         + String(format: "%9d", l.positives) + "  " + (l.abstains ? "     yes" : "      no")
                         + "  " + f(l.old).leftPad(6) + "  " + f(l.new).leftPad(6))
        }
        if let o = old, let n = new {
            lines.append(String(format: "micro-F1 %.3f -> %.3f, macro-F1 %.3f -> %.3f on %d held-out corrected messages",
                                o.microF1, n.microF1, o.macroF1, n.macroF1, heldOut))
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

/// Trains a candidate from the user's corrections, compares it with the current model on the
/// most recent corrected messages, and swaps it in only when it is not worse.
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

    public var lockPath: String { stateDir + "/retrain.lock" }
    public var lastReportPath: String { stateDir + "/reports/last-retrain.json" }

    /// Runs one retrain.
    /// - Throws: `TaggerError.busy` when another retrain holds the lock (unless `wait`),
    ///   `.usage` when there is too little data, and I/O or model errors naming their file.
    public func run(_ options: RetrainOptions) throws -> RetrainReport {
        let lock = try FileLock(path: lockPath, wait: options.wait)
        defer { withExtendedLifetime(lock) {} }
        let started = Timestamp.iso8601(Date())
        let pickUpWarnings = try beforeReadingJournal?() ?? []
        let (records, journalWarnings) = try journal.read()
        var warnings = pickUpWarnings + journalWarnings
        var index = CorrectionIndex()
        for (line, c) in records { index.apply(c, line: line) }
        let (messages, buildWarnings) = try builder.build(corrections: index)
        warnings += buildWarnings
        index = CorrectionIndex()  // no longer needed

        var examples: [(message: LabelledMessage, vector: SparseVector)] = []
        for m in messages {
            do { examples.append((m, try featurize(m.path))) } catch {
                warnings.append("\(m.path): skipped: \(error)")
            }
        }
        let labels = Set(examples.flatMap(\.message.labels)).sorted()
        guard !labels.isEmpty, examples.count >= max(2, options.training.folds) else {
            throw TaggerError.usage("not enough training data: \(examples.count) usable messages with \(labels.count) labels (need at least \(max(2, options.training.folds)) messages and one label); correct some messages with `tagger label` first")
        }

        // Hold out the most recent corrections.
        let corrected = examples.indices.filter { examples[$0].message.source == .correction }
            .sorted { examples[$0].message.order < examples[$1].message.order }
        var holdout: [Int] = []
        let want = max(options.minHoldout, Int((Double(corrected.count) * options.holdoutFraction).rounded(.up)))
        if corrected.count >= 2 * options.minHoldout { holdout = Array(corrected.suffix(want)) }
        let held = Set(holdout)
        let trainPart = examples.indices.filter { !held.contains($0) }

        func trainingExamples(_ rows: [Int]) -> [TrainingExample] {
            rows.map { r in
                TrainingExample(vector: examples[r].vector,
                                labels: examples[r].message.labels.compactMap { labels.firstIndex(of: $0) }.sorted())
            }
        }
        var current: MultiLabelModel?
        if FileManager.default.fileExists(atPath: store.current) {
            do { current = try loadModel(store.current) } catch {
                warnings.append("current model unusable, the candidate is compared with nothing: \(error)")
            }
        }

        let candidate = try Trainer.train(examples: trainingExamples(trainPart), labels: labels, options: options.training).model
        var decision = RetrainDecision.swapped
        var reason: String
        var oldScore: HeldOutScore?, newScore: HeldOutScore?
        if !holdout.isEmpty {
            let truth = holdout.map { examples[$0].message.labels }
            let allLabels = Set(labels).union(current?.labels ?? []).sorted()
            newScore = .measure(predicted: holdout.map { Set(candidate.predict(examples[$0].vector).tags) },
                                truth: truth, labels: allLabels)
            if let current {
                oldScore = .measure(predicted: holdout.map { Set(current.predict(examples[$0].vector).tags) },
                                    truth: truth, labels: allLabels)
            }
        }
        if let o = oldScore, let n = newScore, let why = QualityGate(tolerance: options.tolerance).verdict(candidate: n, current: o) {
            decision = .rejected
            reason = why
        } else if oldScore != nil {
            reason = "candidate is not worse on \(holdout.count) held-out corrected messages"
        } else if current == nil {
            reason = "there was no usable current model"
        } else {
            decision = .rejected
            reason = "only \(corrected.count) corrected messages: at least \(2 * options.minHoldout) are needed to compare models (use --force to swap anyway)"
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
        }

        let shown = installed ?? candidate
        let labelReports = shown.labelInfo.map { info in
            RetrainLabelReport(label: info.name, positives: info.positives, abstains: info.abstains,
                               old: oldScore?.perLabel[info.name], new: newScore?.perLabel[info.name])
        }
        var counts: [String: Int] = [:]
        for e in examples { counts[e.message.source.rawValue, default: 0] += 1 }
        let report = RetrainReport(
            startedAt: started, finishedAt: Timestamp.iso8601(Date()), decision: decision, reason: reason,
            examples: counts, heldOut: holdout.count, currentModel: current?.id, candidateModel: shown.id,
            old: oldScore, new: newScore, labels: labelReports, warnings: warnings, journalRecords: records.count)
        try save(report)
        return report
    }

    private func save(_ report: RetrainReport) throws {
        let dir = try SecureDirectory.open(base: stateDir, components: ["reports"], create: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(report)
        try dir.writeAtomically(ReportName.unused(in: dir), bytes: Array(data))
        try dir.writeAtomically("last-retrain.json", bytes: Array(data))
    }
}
