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
            // Take every example tied at this score (at least this one: a NaN equals nothing).
            repeat {
                if truth[order[i]] { truePositives += 1 }
                i += 1
            } while i < order.count && scores[order[i]] == score
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

    /// Every candidate cut of one label: threshold, true positives and predictions at it,
    /// from the highest threshold down.
    static func cuts(scores: [Float], truth: [Bool]) -> [(threshold: Float, truePositives: Int, predicted: Int)] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var result: [(threshold: Float, truePositives: Int, predicted: Int)] = []
        var truePositives = 0, i = 0
        while i < order.count {
            let score = scores[order[i]]
            repeat {
                if truth[order[i]] { truePositives += 1 }
                i += 1
            } while i < order.count && scores[order[i]] == score
            result.append((cutBelow(score, next: i < order.count ? scores[order[i]] : nil), truePositives, i))
        }
        return result
    }

    /// Thresholds of the `included` labels re-chosen one label at a time, for a few rounds, to
    /// maximise pooled (micro) F1 = 2·TP / (predicted + support); the others keep `start`.
    static func tuneJointly(scores: [[Float]], truth: [[Bool]], included: [Bool], start: [Float]) -> [Float] {
        var thresholds = start
        let labels = scores.indices.filter { included[$0] }
        let candidates = labels.map { cuts(scores: scores[$0], truth: truth[$0]) }
        let support = labels.reduce(0) { total, l in total + truth[l].reduce(0) { $0 + ($1 ? 1 : 0) } }
        var chosen = labels.map { l in Evaluation.metrics(scores[l], truth[l], threshold: start[l]) }
        var tp = chosen.reduce(0) { $0 + $1.truePositives }, predicted = chosen.reduce(0) { $0 + $1.predicted }
        for _ in 0..<3 {
            for (j, l) in labels.enumerated() where !candidates[j].isEmpty {
                tp -= chosen[j].truePositives
                predicted -= chosen[j].predicted
                var best = Float(2 * (tp + chosen[j].truePositives)) / Float(predicted + chosen[j].predicted + support)
                for cut in candidates[j] {
                    let f1 = Float(2 * (tp + cut.truePositives)) / Float(predicted + cut.predicted + support)
                    if f1 > best {
                        best = f1
                        thresholds[l] = cut.threshold
                        chosen[j] = LabelMetrics(support: chosen[j].support, predicted: cut.predicted,
                                                 truePositives: cut.truePositives)
                    }
                }
                tp += chosen[j].truePositives
                predicted += chosen[j].predicted
            }
        }
        return thresholds
    }
}
