import Foundation

// Why AdaGrad SGD, one label at a time:
//
// Each label is its own logistic regression (one sigmoid, binary cross-entropy), so the trainer
// runs a separate optimisation per label over the shared, packed examples. AdaGrad gives every
// weight its own step size, which suits hashed bag-of-words data: rare, informative tokens keep
// large steps while common ones settle quickly, and a dozen shuffled passes reach a good
// optimum on a few thousand messages — far cheaper than L-BFGS, which needs a full pass per
// iteration and many iterations. A label's result depends only on the examples, its own truth
// column, the options and a random stream keyed by the label's name, so adding or removing
// another label never changes it (tests check this bit for bit).

/// The weights of one label: one per compact feature id, plus the bias.
struct LabelWeights: Sendable, Equatable {
    var weights: [Float]
    var bias: Float
}

/// AdaGrad SGD on the weighted, L2-regularised BCE of a single label.
struct LabelTrainer: Sendable {
    let epochs: Int
    let learningRate: Float
    let l2: Float

    /// The positive weight for a label with `positives` among `total` training examples.
    static func positiveWeight(_ weighting: PositiveWeighting, positives: Int, total: Int) -> Float {
        switch weighting {
        case .none:
            return 1
        case .fixed(let w):
            return w
        case .sqrtRatio(let cap):
            guard positives > 0 else { return 1 }
            let ratio = Float(total - positives) / Float(positives)
            return min(max(1, ratio.squareRoot()), max(1, cap))
        }
    }

    /// Trains one label on the examples listed in `rows` (visited in a fresh shuffle per epoch).
    func train(
        data: TrainingData, truth: [Bool], rows: [Int], positiveWeight: Float,
        rng: inout SplitMix64
    ) -> LabelWeights {
        var weights = [Float](repeating: 0, count: data.featureCount)
        var accumulators = [Float](repeating: 0, count: data.featureCount)
        var bias: Float = 0
        var biasAccumulator: Float = 0
        let epsilon: Float = 1e-6
        var order = rows
        let rate = learningRate, l2 = l2
        data.columns.withUnsafeBufferPointer { columns in
            data.values.withUnsafeBufferPointer { values in
                weights.withUnsafeMutableBufferPointer { w in
                    accumulators.withUnsafeMutableBufferPointer { g2 in
                        for _ in 0..<epochs {
                            rng.shuffle(&order)
                            for row in order {
                                let start = data.rowStart[row], end = data.rowStart[row + 1]
                                var z = bias
                                for k in start..<end { z += w[Int(columns[k])] * values[k] }
                                let dz = bceLoss(logit: z, positive: truth[row], positiveWeight: positiveWeight).dLogit
                                biasAccumulator += dz * dz
                                bias -= rate * dz / (biasAccumulator.squareRoot() + epsilon)
                                for k in start..<end {
                                    let c = Int(columns[k])
                                    let g = dz * values[k] + l2 * w[c]
                                    g2[c] += g * g
                                    w[c] -= rate * g / (g2[c].squareRoot() + epsilon)
                                }
                            }
                        }
                    }
                }
            }
        }
        return LabelWeights(weights: weights, bias: bias)
    }

    /// The probability this label's weights give to example `row`.
    static func probability(_ label: LabelWeights, data: TrainingData, row: Int) -> Float {
        var z = label.bias
        for k in data.rowStart[row]..<data.rowStart[row + 1] {
            z += label.weights[Int(data.columns[k])] * data.values[k]
        }
        return sigmoid(z)
    }
}
