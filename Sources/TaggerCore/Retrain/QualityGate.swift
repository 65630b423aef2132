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

    /// Scores applied tag sets against true label sets over `labels`.
    public static func measure(predicted: [Set<String>], truth: [Set<String>], labels: [String]) -> HeldOutScore {
        var perLabel: [String: LabelMetrics] = [:]
        var tp = 0, pred = 0, sup = 0
        var f1Sum: Float = 0, f1Count = 0
        for label in labels {
            var m = LabelMetrics(support: 0, predicted: 0, truePositives: 0)
            for (p, t) in zip(predicted, truth) {
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

/// The rule that decides whether a candidate model replaces the current one.
public struct QualityGate: Sendable {
    /// How much worse (in F1 points, 0–1) the candidate may be and still count as "not worse".
    public var tolerance: Float

    public init(tolerance: Float = 0.01) { self.tolerance = tolerance }

    /// The verdict: nil when the candidate may replace the current model, else why not.
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
}
