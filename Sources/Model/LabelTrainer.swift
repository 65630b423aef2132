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
    let gradientFloor: Float

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
        var state = BiasState()
        var order = rows
        for _ in 0..<epochs {
            rng.shuffle(&order)
            data.columns.withUnsafeBufferPointer { columns in
                data.values.withUnsafeBufferPointer { values in
                    data.rowStart.withUnsafeBufferPointer { rowStart in
                        truth.withUnsafeBufferPointer { truth in
                            order.withUnsafeBufferPointer { order in
                                weights.withUnsafeMutableBufferPointer { w in
                                    accumulators.withUnsafeMutableBufferPointer { g2 in
                                        epoch(order: order, rowStart: rowStart, columns: columns, values: values,
                                              truth: truth, positiveWeight: positiveWeight,
                                              w: w, g2: g2, bias: &state)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return LabelWeights(weights: weights, bias: state.bias)
    }

    /// The bias and its AdaGrad accumulator.
    private struct BiasState {
        var bias: Float = 0
        var accumulator: Float = 0
    }

    /// One pass of AdaGrad over `order`. Examples whose loss gradient is below `gradientFloor`
    /// (already well classified) skip their weight updates: late epochs then cost little, and
    /// the skipped steps (including their tiny lazy-L2 pull) are negligible.
    @inline(__always)
    private func epoch(
        order: UnsafeBufferPointer<Int>, rowStart: UnsafeBufferPointer<Int>, columns: UnsafeBufferPointer<Int32>,
        values: UnsafeBufferPointer<Float>, truth: UnsafeBufferPointer<Bool>, positiveWeight: Float,
        w: UnsafeMutableBufferPointer<Float>, g2: UnsafeMutableBufferPointer<Float>, bias: inout BiasState
    ) {
        let epsilon: Float = 1e-6
        let rate = learningRate, l2 = l2, floor = gradientFloor
        for row in order {
            let start = rowStart[row], end = rowStart[row + 1]
            var z = bias.bias
            for k in start..<end { z += w[Int(columns[k])] * values[k] }
            let dz = bceLoss(logit: z, positive: truth[row], positiveWeight: positiveWeight).dLogit
            bias.accumulator += dz * dz
            bias.bias -= rate * dz / (bias.accumulator.squareRoot() + epsilon)
            if abs(dz) < floor { continue }
            for k in start..<end {
                let c = Int(columns[k])
                let g = dz * values[k] + l2 * w[c]
                g2[c] += g * g
                w[c] -= rate * g / (g2[c].squareRoot() + epsilon)
            }
        }
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
