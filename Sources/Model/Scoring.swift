/// A model's verdict on one message.
public struct Prediction: Sendable, Equatable {
    /// Label names in model order (the model's own array, shared, not copied).
    public var labels: [String]
    /// Probabilities in model label order.
    public var probabilities: [Float]
    /// Every label's probability by name, abstaining labels included. Built on each access:
    /// scoring itself never hashes label names.
    public var scores: [String: Float] { Dictionary(uniqueKeysWithValues: zip(labels, probabilities)) }
    /// Labels whose probability reached their threshold, abstaining labels excluded, in model order.
    public var tags: [String]
    /// Labels with too few examples to be applied (scored only), in model order.
    public var abstained: [String]
}

extension MultiLabelModel {
    /// Per-label logits: bias + w·x̂, with the stored 8-bit weights, where x̂ is `x` with every
    /// value multiplied by its feature's scale (learned IDF) and then L2-normalised. Features
    /// without weights (or outside the dimension) add nothing to w·x̂ but count in the norm.
    public func logits(_ x: SparseVector) -> [Float] {
        var sums = [SIMD4<Float>](repeating: .zero, count: weights.stride / 4)
        let norm2 = sums.withUnsafeMutableBufferPointer { o in
            x.indices.withUnsafeBufferPointer { indices in
                x.values.withUnsafeBufferPointer { values in
                    weights.accumulate(indices: indices, values: values, into: o)
                }
            }
        }
        let inverseNorm = norm2 > 0 ? 1 / norm2.squareRoot() : 0
        var out = bias
        for l in 0..<out.count { out[l] += sums[l / 4][l % 4] * weights.scales[l] * inverseNorm }
        return out
    }

    /// `x`'s values after feature scaling and L2 normalisation, as the weights see them.
    public func scaledValues(_ x: SparseVector) -> [Float] {
        var scaled = [Float](repeating: 0, count: x.count)
        var norm2: Float = 0
        for k in 0..<x.count {
            let s = weights.row(of: x.indices[k]).map { weights.featureScales[$0] } ?? weights.unseenScale
            scaled[k] = x.values[k] * s
            norm2 += scaled[k] * scaled[k]
        }
        let inverseNorm = norm2 > 0 ? 1 / norm2.squareRoot() : 0
        return scaled.map { $0 * inverseNorm }
    }

    /// Per-label probabilities: an independent sigmoid of each logit.
    public func probabilities(_ x: SparseVector) -> [Float] {
        logits(x).map(sigmoid)
    }

    /// Scores `x` and applies the thresholds of the labels that do not abstain.
    public func predict(_ x: SparseVector) -> Prediction {
        let p = probabilities(x)
        var tags: [String] = []
        var abstained: [String] = []
        for (l, label) in labelInfo.enumerated() {
            if label.abstains {
                abstained.append(label.name)
            } else if p[l] >= label.threshold {
                tags.append(label.name)
            }
        }
        return Prediction(labels: labels, probabilities: p, tags: tags, abstained: abstained)
    }

    /// How much each feature of `x` added to `label`'s logit (scaled value × weight), largest
    /// magnitude first; features without weight are left out. The logit is these plus
    /// `bias[label]`. Use it to explain a score both ways (positive and negative entries).
    public func contributions(_ x: SparseVector, label: Int) -> [(index: UInt32, contribution: Float)] {
        precondition(label >= 0 && label < labelInfo.count, "label index \(label) out of range")
        var result: [(index: UInt32, contribution: Float)] = []
        let values = scaledValues(x)
        for k in 0..<x.count {
            guard let row = weights.row(of: x.indices[k]) else { continue }
            let c = values[k] * weights.weight(row: row, label: label)
            if c != 0 { result.append((x.indices[k], c)) }
        }
        result.sort { abs($0.contribution) > abs($1.contribution) }
        return result
    }
}
