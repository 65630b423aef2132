import Model
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState

/// Per-label and overall quality of one model's applied tags on a set of held-out messages.
public struct HeldOutScore: Codable, Sendable, Equatable {
    public var perLabel: [String: LabelMetrics]
    public var microF1: Float
    /// Mean F1 over the labels with at least one held-out positive.
    public var macroF1: Float

    enum CodingKeys: String, CodingKey { case perLabel = "per_label", microF1 = "micro_f1", macroF1 = "macro_f1" }

    /// Scores applied tag sets against true label sets over `labels`; `known[i]`, when given and
    /// not nil, limits message `i` to those labels (the others are neither right nor wrong).
    public static func measure(predicted: [Set<String>], truth: [Set<String>], labels: [String],
                               known: [Set<String>?]? = nil) -> HeldOutScore {
        var perLabel: [String: LabelMetrics] = [:]
        var tp = 0, pred = 0, sup = 0
        var f1Sum: Float = 0, f1Count = 0
        for label in labels {
            var m = LabelMetrics(support: 0, predicted: 0, truePositives: 0)
            for (i, (p, t)) in zip(predicted, truth).enumerated() {
                if let k = known?[i], !k.contains(label), !t.contains(label) { continue }
                let isP = p.contains(label), isT = t.contains(label)
                if isP { m.predicted += 1 }
                if isT { m.support += 1 }
                if isP && isT { m.truePositives += 1 }
            }
            perLabel[label] = m
            tp += m.truePositives; pred += m.predicted; sup += m.support
            if m.support > 0 { f1Sum += m.f1; f1Count += 1 }
        }
        let micro: Float = pred + sup == 0 ? 0 : 2 * Float(tp) / Float(pred + sup)
        return HeldOutScore(perLabel: perLabel, microF1: micro, macroF1: f1Count == 0 ? 0 : f1Sum / Float(f1Count))
    }
}

/// Where the two models' tag decisions on the held-out messages differ: one decision per
/// message and label (tagged or not), right when it agrees with the truth.
public struct GateComparison: Sendable, Equatable {
    /// Decisions the current model got right and the candidate wrong.
    public var onlyOldRight: Int
    /// Decisions the candidate got right and the current model wrong.
    public var onlyNewRight: Int

    public init(onlyOldRight: Int, onlyNewRight: Int) {
        self.onlyOldRight = onlyOldRight
        self.onlyNewRight = onlyNewRight
    }

    /// Counts the differing decisions over `labels`.
    public init(old: [Set<String>], new: [Set<String>], truth: [Set<String>], labels: [String],
                known: [Set<String>?]? = nil) {
        var b = 0, c = 0
        for i in truth.indices {
            for l in labels {
                if let k = known?[i], !k.contains(l), !truth[i].contains(l) { continue }
                let t = truth[i].contains(l)
                let oldRight = old[i].contains(l) == t, newRight = new[i].contains(l) == t
                if oldRight && !newRight { b += 1 }
                if newRight && !oldRight { c += 1 }
            }
        }
        onlyOldRight = b
        onlyNewRight = c
    }

    /// The sign-test statistic: how many standard deviations the candidate's extra mistakes
    /// lie above what chance gives when the two models are equally good (0 when none differ).
    public var z: Double {
        let n = onlyOldRight + onlyNewRight
        return n == 0 ? 0 : Double(onlyOldRight - onlyNewRight) / Double(n).squareRoot()
    }

    public var summary: String {
        "decisions only the current model got right: \(onlyOldRight), only the candidate: \(onlyNewRight)"
    }
}

/// The rule that decides whether a candidate model replaces the current one.
///
/// Both models are judged on held-out messages neither was trained on (see `Retrainer`), by the
/// tags they would really apply. The candidate is rejected when it is worse beyond chance: of
/// the decisions (message × label) where exactly one model is right, the current model wins at
/// least `minExtraMistakes` more, and enough more for a one-sided sign test at `zCritical`
/// (1.645, 5%) — unless the candidate's micro-F1 is better by more than `tolerance` (it found
/// more of what matters at the price of more slips on the rest). A difference within chance
/// never rejects, whatever F1 says on a few messages; F1 alone could not judge a held-out set
/// without positives (every F1 is 0 there, however many false tags). With fewer held-out
/// messages than `RetrainOptions.minHoldout` there is no comparison: the candidate, trained on
/// everything the current model could know plus what is new, is swapped in (`smallSetReason`
/// says so in the report).
public struct QualityGate: Sendable {
    /// F1 margin (0–1): within it F1 counts as equal (`verdict(candidate:current:)`); beyond it a
    /// better candidate F1 outweighs more wrong decisions.
    public var tolerance: Float
    /// One-sided sign-test critical value.
    public var zCritical: Double = 1.645
    /// Fewest extra wrong decisions of the candidate that can reject it.
    public var minExtraMistakes = 3

    public init(tolerance: Float = 0.01) { self.tolerance = tolerance }

    /// The verdict from F1 alone: nil when the candidate may replace the current model, else why not.
    public func verdict(candidate: HeldOutScore, current: HeldOutScore) -> String? {
        if candidate.microF1 + tolerance < current.microF1 {
            return String(format: "candidate micro-F1 %.3f is worse than current %.3f (tolerance %.3f)",
                          candidate.microF1, current.microF1, tolerance)
        }
        if candidate.macroF1 + tolerance < current.macroF1 {
            return String(format: "candidate macro-F1 %.3f is worse than current %.3f (tolerance %.3f)",
                          candidate.macroF1, current.macroF1, tolerance)
        }
        return nil
    }

    /// The verdict: nil when the candidate may replace the current model, else why not.
    public func verdict(candidate: HeldOutScore, current: HeldOutScore, comparison: GateComparison) -> String? {
        let extra = comparison.onlyOldRight - comparison.onlyNewRight
        guard extra >= minExtraMistakes, comparison.z >= zCritical else { return nil }
        if candidate.microF1 > current.microF1 + tolerance { return nil }
        return String(format: "candidate makes %d more wrong tag decisions than the current model, beyond chance (sign test z = %.2f); micro-F1 %.3f vs current %.3f, macro-F1 %.3f vs %.3f",
                      extra, comparison.z, candidate.microF1, current.microF1, candidate.macroF1, current.macroF1)
    }

    /// The report's reason when too few unseen messages were there to compare the models.
    public static func smallSetReason(unseen: Int, minimum: Int) -> String {
        "only \(unseen) message(s) the current model was not trained on: too few to tell the models apart (\(minimum) needed); swapped by rule, since the candidate learnt from everything the current model could know plus what is new"
    }
}
