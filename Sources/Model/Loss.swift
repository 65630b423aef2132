import Foundation

/// The logistic sigmoid, computed without overflow for any finite `z`.
@inline(__always)
func sigmoid(_ z: Float) -> Float {
    if z >= 0 {
        return 1 / (1 + exp(-z))
    }
    let e = exp(z)
    return e / (1 + e)
}

/// log(1 + e^z) without overflow or loss of precision: max(z, 0) + log1p(e^-|z|).
@inline(__always)
func softplus(_ z: Float) -> Float {
    max(z, 0) + log1p(exp(-abs(z)))
}

/// Weighted binary cross-entropy of one label on its logit `z`, and its derivative by `z`.
///
/// loss = positiveWeight · y · softplus(−z) + (1 − y) · softplus(z), which equals
/// −[w·y·log σ(z) + (1−y)·log(1−σ(z))] but never takes the log of a rounded-to-zero probability.
@inline(__always)
func bceLoss(logit z: Float, positive: Bool, positiveWeight: Float) -> (loss: Float, dLogit: Float) {
    if positive {
        return (positiveWeight * softplus(-z), positiveWeight * (sigmoid(z) - 1))
    }
    return (softplus(z), sigmoid(z))
}

/// The training objective for one example and one label, with its gradient.
///
/// objective = BCE(b + w·x) + (l2 / 2) · Σ_{i ∈ x} w_i² — the L2 term covers the coordinates the
/// example touches (the "lazy" regularisation sparse SGD applies). `weights` is indexed by the
/// vector's indices directly. The trainer uses exactly this gradient (via `bceLoss`); tests
/// check it against finite differences.
func exampleObjective(
    weights: [Float], bias: Float, x: SparseVector, positive: Bool,
    positiveWeight: Float, l2: Float
) -> (loss: Float, gradient: [Float], biasGradient: Float) {
    var z = bias
    for (i, v) in zip(x.indices, x.values) { z += weights[Int(i)] * v }
    let (loss, dz) = bceLoss(logit: z, positive: positive, positiveWeight: positiveWeight)
    var total = loss
    var gradient = [Float](repeating: 0, count: x.count)
    for k in 0..<x.count {
        let w = weights[Int(x.indices[k])]
        total += 0.5 * l2 * w * w
        gradient[k] = dz * x.values[k] + l2 * w
    }
    return (total, gradient, dz)
}
