// Why AdaGrad SGD, four labels at a time:
//
// Each label is its own logistic regression (one sigmoid, binary cross-entropy). AdaGrad gives
// every weight its own step size, which suits hashed bag-of-words data: rare, informative
// tokens keep large steps while common ones settle quickly, and a handful of shuffled passes reach a
// good optimum on a few thousand messages — far cheaper than L-BFGS, which needs a full pass
// per iteration and many iterations. Labels are trained in groups of four (SIMD lanes) only
// for speed: one pass over an example updates four labels with 4-wide vector arithmetic, and a
// group's weights (features × 4, plus AdaGrad sums) stay in cache. Lanes never mix: a label's result depends only on the
// examples, its own truth column and positive weight, and the visiting order, which comes from
// the seed alone, so adding or removing a label never changes another (tests check this bit
// for bit).

/// Weights of all labels being trained: `weights[feature * chunks + c]` holds labels 4c..4c+3.
struct LabelBlockWeights: Sendable {
    var weights: [SIMD4<Float>]
    var bias: [SIMD4<Float>]
    let chunks: Int

    /// The element-wise mean of `blocks` (same layout): a linear model whose logits are the
    /// mean of theirs. Lane by lane, so labels stay independent.
    static func mean(_ blocks: [LabelBlockWeights]) -> LabelBlockWeights {
        precondition(!blocks.isEmpty, "the mean of no models")
        var sum = blocks[0]
        for b in blocks.dropFirst() {
            precondition(b.chunks == sum.chunks && b.weights.count == sum.weights.count, "blocks of different layouts")
            for i in sum.weights.indices { sum.weights[i] += b.weights[i] }
            for i in sum.bias.indices { sum.bias[i] += b.bias[i] }
        }
        let scale = SIMD4<Float>(repeating: 1 / Float(blocks.count))
        for i in sum.weights.indices { sum.weights[i] *= scale }
        for i in sum.bias.indices { sum.bias[i] *= scale }
        return sum
    }

    /// The first of the first `labelCount` labels with a weight or bias that is not a finite
    /// number, or nil.
    func firstNonFiniteLabel(labelCount: Int) -> Int? {
        // x · 0 is 0 for a finite x and NaN for an infinite or NaN one; NaN survives the sum.
        var probe = bias.map { $0 * 0 }
        for (i, w) in weights.enumerated() { probe[i % chunks] += w * 0 }
        return (0..<labelCount).first { probe[$0 / 4][$0 % 4].isNaN }
    }

    /// The logits of packed example `row`, one lane per label.
    func logits(_ data: TrainingData, row: Int) -> [SIMD4<Float>] {
        var z = bias
        for k in data.rowStart[row]..<data.rowStart[row + 1] {
            let v = SIMD4<Float>(repeating: data.values[k])
            let base = Int(data.columns[k]) * chunks
            for c in 0..<chunks { z[c] += v * weights[base + c] }
        }
        return z
    }
}

/// AdaGrad SGD on the weighted, L2-regularised BCE of every label at once (lane-independent).
struct AdaGradTrainer: Sendable {
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

    /// Trains on the examples in `rows`, visiting them in a fresh shuffle each epoch.
    ///
    /// Labels are trained four at a time (one SIMD lane each), chunk after chunk, so the
    /// weights being updated (features × 4 lanes, plus AdaGrad sums) stay in cache. Every chunk
    /// replays the same shuffles from the same generator state.
    /// - Parameters:
    ///   - truth: `truth[example * chunks + c]` lanes are 1 for positive, 0 for negative.
    ///   - mask: same layout, 1 where the example speaks to the label, 0 where it gives the
    ///     label nothing (nil: 1 everywhere).
    ///   - positiveWeights: per label (lane) weight of positive examples.
    ///   - labelCount: lanes at or beyond it are padding and never trained.
    func train(data: TrainingData, truth: [SIMD4<Float>], mask: [SIMD4<Float>]? = nil, positiveWeights: [SIMD4<Float>],
               labelCount: Int, rows: [Int], rng: inout SplitMix64) -> LabelBlockWeights {
        let chunks = positiveWeights.count
        var block = [SIMD4<Float>](repeating: .zero, count: data.featureCount * chunks)
        var bias = [SIMD4<Float>](repeating: .zero, count: chunks)
        let start = rng
        for c in 0..<chunks {
            var chunkRNG = start
            // Weight and AdaGrad sum of a feature side by side: one cache line serves both.
            var state = [SIMD4<Float>](repeating: .zero, count: 2 * data.featureCount)
            var step = Step(chunk: c, chunks: chunks, labelCount: labelCount, positiveWeight: positiveWeights[c],
                            rate: learningRate, l2: l2, floor: gradientFloor)
            var order = rows
            for _ in 0..<epochs {
                chunkRNG.shuffle(&order)
                data.columns.withUnsafeBufferPointer { columns in
                data.values.withUnsafeBufferPointer { values in
                data.rowStart.withUnsafeBufferPointer { rowStart in
                truth.withUnsafeBufferPointer { truth in
                state.withUnsafeMutableBufferPointer { state in
                    if let mask {
                        mask.withUnsafeBufferPointer { mask in
                            for row in order {
                                step.run(row: row, rowStart: rowStart, columns: columns, values: values, truth: truth,
                                         mask: mask[row * chunks + c], state: state)
                            }
                        }
                    } else {
                        for row in order {
                            step.run(row: row, rowStart: rowStart, columns: columns, values: values, truth: truth,
                                     mask: step.real, state: state)
                        }
                    }
                }}}}}
            }
            rng = chunkRNG
            bias[c] = step.bias
            for f in 0..<data.featureCount { block[f * chunks + c] = state[2 * f] }
        }
        return LabelBlockWeights(weights: block, bias: bias, chunks: chunks)
    }
}

/// AdaGrad steps for one chunk of four labels (lanes), with the bias state they carry.
private struct Step {
    let chunk: Int
    let chunks: Int
    let positiveWeight: SIMD4<Float>
    /// 1 for lanes that hold real labels, 0 for padding.
    let real: SIMD4<Float>
    let rate: SIMD4<Float>
    let l2: SIMD4<Float>
    let floor: Float
    var bias = SIMD4<Float>.zero
    var biasSquares = SIMD4<Float>.zero

    init(chunk: Int, chunks: Int, labelCount: Int, positiveWeight: SIMD4<Float>, rate: Float, l2: Float, floor: Float) {
        self.chunk = chunk
        self.chunks = chunks
        self.positiveWeight = positiveWeight
        var real = SIMD4<Float>.zero
        for lane in 0..<4 where chunk * 4 + lane < labelCount { real[lane] = 1 }
        self.real = real
        self.rate = SIMD4(repeating: rate)
        self.l2 = SIMD4(repeating: l2)
        self.floor = floor
    }

    /// One step on example `row`: g = dz·x + l2·w on lanes whose |dz| reaches the floor,
    /// exactly 0 on the others (they stay untouched, as if trained alone).
    @inline(__always)
    mutating func run(row: Int, rowStart: UnsafeBufferPointer<Int>, columns: UnsafeBufferPointer<Int32>,
                      values: UnsafeBufferPointer<Float>, truth: UnsafeBufferPointer<SIMD4<Float>>,
                      mask: SIMD4<Float>, state: UnsafeMutableBufferPointer<SIMD4<Float>>) {
        let start = rowStart[row], end = rowStart[row + 1]
        var z = bias
        for k in start..<end { z += values[k] * state[2 * Int(columns[k])] }
        let y = truth[row * chunks + chunk]
        var d = SIMD4<Float>.zero, active = SIMD4<Float>.zero
        for lane in 0..<4 {
            d[lane] = bceLoss(logit: z[lane], positive: y[lane] != 0, positiveWeight: positiveWeight[lane]).dLogit
            if abs(d[lane]) >= floor { active[lane] = 1 }
        }
        // Padding lanes and labels this example says nothing about get no step at all.
        d *= real * mask
        active *= real * mask
        biasSquares += d * d
        bias -= rate * d * inverseSquareRoot(biasSquares)
        guard active != .zero else { return }
        let dz = d * active
        let decay = l2 * active
        for k in start..<end {
            let i = 2 * Int(columns[k])
            let w = state[i]
            let g = dz * values[k] + decay * w
            let g2 = state[i + 1] + g * g
            state[i + 1] = g2
            state[i] = w - rate * g * inverseSquareRoot(g2)
        }
    }
}

/// 1 / sqrt(max(x, 1e-12)) in all four lanes, to float precision, with plain vector arithmetic:
/// an integer-trick estimate refined by three Newton steps. Swift lowers `SIMD4.squareRoot()`
/// to four scalar square roots plus a division; this keeps the AdaGrad step vectorised and,
/// being ordinary IEEE arithmetic, gives the same bits on every x86-64 and ARM machine. The
/// 1e-12 floor plays the role of AdaGrad's epsilon (steps never exceed rate · g · 10^6).
@inline(__always)
func inverseSquareRoot(_ x: SIMD4<Float>) -> SIMD4<Float> {
    let v = x.replacing(with: SIMD4<Float>(repeating: 1e-12), where: x .< 1e-12)
    let bits = unsafeBitCast(v, to: SIMD4<UInt32>.self)
    var y = unsafeBitCast(SIMD4<UInt32>(repeating: 0x5F37_59DF) &- (bits &>> 1), to: SIMD4<Float>.self)
    let half = 0.5 * v
    for _ in 0..<3 { y = y * (1.5 - half * y * y) }
    return y
}
