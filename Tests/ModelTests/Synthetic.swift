@testable import Model

/// A reproducible synthetic multi-label problem: each label owns a handful of "signature"
/// features; a message carries background words (shared, Zipf-like) plus some signature words
/// of each of its labels; vectors are L2-normalised like the featuriser's.
struct SyntheticProblem {
    var labels: [String]
    var examples: [TrainingExample]

    /// - Parameters:
    ///   - frequencies: per label, the chance a message carries it.
    ///   - signal: signature words drawn per true label (more = easier).
    ///   - noise: chance each signature word is replaced by another label's (harder).
    init(examples count: Int, frequencies: [Double], background: Int = 150, signal: Int = 6,
         noise: Double = 0, dimension: Int = 1 << 18, seed: UInt64 = 42) {
        var rng = SplitMix64(seed: seed)
        labels = frequencies.indices.map { "label\($0)" }
        let signatureSize = 20
        let signatures: [[UInt32]] = labels.indices.map { _ in
            // Signature words live above the background range: topical words, not common ones.
            (0..<signatureSize).map { _ in UInt32(dimension / 4 + rng.below(dimension - dimension / 4)) }
        }
        examples = []
        for _ in 0..<count {
            var truth: [Int] = []
            for (l, f) in frequencies.enumerated() where Double(rng.below(1_000_000)) / 1_000_000 < f {
                truth.append(l)
            }
            var bag: [UInt32: Float] = [:]
            for _ in 0..<background {
                // Zipf-ish: squaring a uniform favours small indices (common words).
                let u = Double(rng.below(1_000_000)) / 1_000_000
                bag[UInt32(Double(dimension / 4) * u * u), default: 0] += 1
            }
            for l in truth {
                for _ in 0..<signal {
                    var owner = l
                    if Double(rng.below(1_000_000)) / 1_000_000 < noise { owner = rng.below(labels.count) }
                    bag[signatures[owner][rng.below(signatureSize)], default: 0] += 1
                }
            }
            let indices = bag.keys.sorted()
            var values = indices.map { bag[$0]! }
            let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            values = values.map { $0 / norm }
            examples.append(TrainingExample(vector: SparseVector(indices: indices, values: values), labels: truth))
        }
    }

    /// An enron-sized problem: 53 labels from common (40%) to rare (0.3%).
    static func enronLike(seed: UInt64 = 42) -> SyntheticProblem {
        let frequencies = (0..<53).map { 0.4 / pow1(1.12, $0) }
        return SyntheticProblem(examples: 1365, frequencies: frequencies, background: 250, signal: 4,
                                noise: 0.3, seed: seed)
    }
}

private func pow1(_ base: Double, _ exponent: Int) -> Double {
    var r = 1.0
    for _ in 0..<exponent { r *= base }
    return r
}
