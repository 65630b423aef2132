import Model

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
/// Both models are judged on held-out messages neither was trained on (see `Retrainer`). The
/// candidate is rejected only when it is worse in micro- or macro-F1 by more than `tolerance`
/// AND the difference is more than chance on this many messages: the decisions (message ×
/// label) where exactly one model is right must favour the current model by at least
/// `minExtraMistakes` and by a one-sided sign test at `zCritical` (1.645, 5%). A handful of
/// held-out messages can rarely show that, so a bad candidate on few messages is rejected
/// only when it is clearly bad. With fewer held-out messages than `RetrainOptions.minHoldout`
/// there is no comparison: the candidate, trained on everything the current model could
/// know plus what is new, is swapped in (`smallSetReason` says so in the report).
public struct QualityGate: Sendable {
    /// How much worse (in F1 points, 0–1) the candidate may be and still count as "not worse".
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
        guard let worse = verdict(candidate: candidate, current: current) else { return nil }
        let extra = comparison.onlyOldRight - comparison.onlyNewRight
        guard extra >= minExtraMistakes, comparison.z >= zCritical else { return nil }
        return worse + String(format: ", beyond chance (%d more wrong decisions, sign test z = %.2f)", extra, comparison.z)
    }

    /// The report's reason when too few unseen messages were there to compare the models.
    public static func smallSetReason(unseen: Int, minimum: Int) -> String {
        "only \(unseen) message(s) the current model was not trained on: too few to tell the models apart (\(minimum) needed); swapped by rule, since the candidate learnt from everything the current model could know plus what is new"
    }
}
