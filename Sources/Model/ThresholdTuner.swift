/// Chooses a label's decision threshold from scores whose truth is known (out-of-fold).
enum ThresholdTuner {
    /// The threshold used when the data cannot inform one (no positives at all).
    static let fallback: Float = 0.5

    /// The threshold `t` (a message is tagged when its probability ≥ t) that best meets
    /// `objective` on `scores` against `truth`.
    ///
    /// Candidate cuts lie between consecutive distinct scores (midpoints), so a threshold never
    /// splits tied scores. F1 ties go to the higher threshold.
    static func tune(scores: [Float], truth: [Bool], objective: ThresholdObjective) -> Float {
        let positives = truth.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard positives > 0, !scores.isEmpty else { return fallback }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var truePositives = 0
        var bestF1: Float = -1
        var bestF1Cut = fallback
        var precisionCut: Float?
        var i = 0
        while i < order.count {
            let score = scores[order[i]]
            // Take every example tied at this score.
            while i < order.count && scores[order[i]] == score {
                if truth[order[i]] { truePositives += 1 }
                i += 1
            }
            let predicted = i
            let cut = cutBelow(score, next: i < order.count ? scores[order[i]] : nil)
            let f1 = 2 * Float(truePositives) / Float(predicted + positives)
            if f1 > bestF1 {
                bestF1 = f1
                bestF1Cut = cut
            }
            if case .minPrecision(let p) = objective, Float(truePositives) / Float(predicted) >= p {
                precisionCut = cut
            }
        }
        return precisionCut ?? bestF1Cut
    }

    /// A threshold that keeps `score` and excludes `next` (the next lower score, if any).
    private static func cutBelow(_ score: Float, next: Float?) -> Float {
        guard let next else { return score }
        let middle = (score + next) / 2
        return middle > next ? middle : score
    }
}
