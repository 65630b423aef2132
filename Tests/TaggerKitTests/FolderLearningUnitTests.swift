import Foundation
import Model
import Testing
@testable import TaggerConfig
@testable import TaggerCore
@testable import TaggerMaildir
@testable import TaggerState
@testable import TaggerSystem

@Suite struct FolderLearningUnitTests {
    @Test func folderNegativesParseAndDefaults() throws {
        let s = try ConfigSettings.parse("[folder_negatives]\nINBOX = \"all\"\n\".Trash\" = \"none\"\n", file: "c.toml")
        #expect(s.folderNegatives == ["INBOX": .all, ".Trash": FolderNegatives.none])
        #expect(FolderNegatives.defaultRule(forFolder: "INBOX") == .seen)
        #expect(FolderNegatives.defaultRule(forFolder: ".Trash") == FolderNegatives.none)
        #expect(FolderNegatives.defaultRule(forFolder: ".Archive.Junk") == FolderNegatives.none)
        #expect(FolderNegatives.defaultRule(forFolder: ".Sent") == .seen)
    }

    @Test func seenFlag() {
        #expect(TrainingSetBuilder.isSeen(fileName: "1.M1P1.host:2,RS"))
        #expect(TrainingSetBuilder.isSeen(fileName: "1.M1P1.host,S=120:2,S"))
        #expect(!TrainingSetBuilder.isSeen(fileName: "1.M1P1.host,S=120:2,R"))
        #expect(!TrainingSetBuilder.isSeen(fileName: "1.M1P1.host,S=120"))
    }

    @Test func movesCountOnlyLabelChanges() {
        let labels = [".Spam": "spam", "Lists": "lists"]
        let before = ["a": "INBOX", "b": "INBOX", "c": ".Spam", "d": "INBOX", "e": ".Lists"]
        let now = ["a": ".Spam", "b": ".Archive", "c": "INBOX", "d": "INBOX", "e": ".Spam", "f": ".Spam"]
        // a into .Spam, c out of it, e from .Lists to .Spam; b between unlabelled folders; f arrived.
        #expect(FolderSnapshot.changes(before: before, now: now, folderLabels: labels) == .init(moves: 3, arrivals: 1))
        // Before the first retrain, everything in a labelled folder has arrived.
        #expect(FolderSnapshot.changes(before: nil, now: now, folderLabels: labels) == .init(moves: 0, arrivals: 3))
        #expect(FolderSnapshot.changes(before: before, now: now, folderLabels: [:]).total == 0)
    }

    @Test func gateNeedsMoreThanChance() {
        let gate = QualityGate(tolerance: 0.01)
        let old = HeldOutScore(perLabel: [:], microF1: 1.0, macroF1: 1.0)
        let new = HeldOutScore(perLabel: [:], microF1: 0.667, macroF1: 0.667)
        // Five held-out messages, two decisions differ: chance, not a verdict.
        #expect(gate.verdict(candidate: new, current: old, comparison: GateComparison(onlyOldRight: 2, onlyNewRight: 0)) == nil)
        // Twelve more wrong decisions and one better: beyond chance.
        let why = gate.verdict(candidate: new, current: old, comparison: GateComparison(onlyOldRight: 13, onlyNewRight: 1))
        #expect(why?.contains("beyond chance") == true)
        // No held-out positives: every F1 is 0, but nine false tags against none still reject.
        let zero = HeldOutScore(perLabel: [:], microF1: 0, macroF1: 0)
        #expect(gate.verdict(candidate: zero, current: zero, comparison: GateComparison(onlyOldRight: 9, onlyNewRight: 0)) != nil)
        // Clearly better F1 at the price of more slips elsewhere: swapped.
        #expect(gate.verdict(candidate: old, current: new, comparison: GateComparison(onlyOldRight: 30, onlyNewRight: 10)) == nil)
        // Within chance: swapped.
        #expect(gate.verdict(candidate: new, current: old, comparison: GateComparison(onlyOldRight: 12, onlyNewRight: 8)) == nil)
    }

    @Test func labelsWithoutHeldOutSupportShowADash() {
        let none = LabelMetrics(support: 0, predicted: 0, truePositives: 0)
        let some = LabelMetrics(support: 2, predicted: 2, truePositives: 2)
        let report = RetrainReport(
            startedAt: "", finishedAt: "", decision: .swapped, reason: "r", examples: ["folder": 3], heldOut: 2,
            currentModel: nil, candidateModel: nil, old: nil, new: nil,
            labels: [RetrainLabelReport(label: "rare", positives: 1, abstains: true, why: "too few examples", old: none, new: none),
                     RetrainLabelReport(label: "spam", positives: 9, abstains: false, why: nil, old: some, new: some)],
            warnings: [], journalRecords: 0)
        let lines = report.renderTable().split(separator: "\n")
        #expect(lines[1].contains(" -       -") && !lines[1].contains("0.000"), "\(lines[1])")
        #expect(lines[1].contains("abstains: too few examples"))
        #expect(lines[2].contains("1.000"))
    }

    @Test func abstainReasons() {
        func info(_ positives: Int, _ examples: Int, abstains: Bool = true) -> LabelInfo {
            LabelInfo(name: "l", threshold: 0.5, abstains: abstains, positives: positives, examples: examples,
                      crossValidated: LabelMetrics(support: positives, predicted: 0, truePositives: 0))
        }
        #expect(AbstainReason.describe(info(3, 50))?.contains("too few examples") == true)
        #expect(AbstainReason.describe(info(40, 40))?.contains("no negatives") == true)
        #expect(AbstainReason.describe(info(40, 42))?.contains("too few negatives") == true)
        #expect(AbstainReason.describe(info(40, 80))?.contains("F1") == true)
        #expect(AbstainReason.describe(info(40, 80, abstains: false)) == nil)
    }
}
