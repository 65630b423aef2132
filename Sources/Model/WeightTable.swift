/// The model's weights, stored only for features that have any: a sorted list of feature
/// indices and, for each, one contiguous row of per-label weights, quantised to 8 bits.
///
/// A full 2^18 × 53 table of floats would take 55 MB. This keeps just the vocabulary seen in
/// training, one byte per weight (a 53-label row is 56 bytes: one cache line), and a
/// rank directory from feature index to row (48 KB at 2^18, see `hasRow`). Scoring is
/// memory-bound (a message touches a few hundred random rows), so small rows and a lookup
/// that stays in cache mean faster scoring.
///
/// Quantisation: weight = q × scale[label], q in −127…127, where each label's scale is the
/// power of two that puts its largest weight in 64…127. The error is at most scale / 2 (under
/// 1/128 of the label's largest weight); scales depend on the label's own weights only, so
/// labels stay independent, and dequantised weights quantise back to the same bytes, so a
/// model file round trip is exact.
///
/// Feature scaling (learned IDF): each row also carries the factor its feature's value is
/// multiplied by before scoring, and features without a row get `unseenScale`; the scaled
/// vector is then L2-normalised again (see `accumulate`).
public struct WeightTable: Sendable, Equatable {
    /// Feature indices that have a row, strictly increasing.
    public let rowIndices: [UInt32]
    /// Weights per row that belong to labels (the rest of a row is padding).
    public let labelCount: Int
    /// Per-label quantisation step (a power of two).
    public let scales: [Float]
    /// Per-row factor applied to the feature's value (its learned IDF).
    public let featureScales: [Float]
    /// Factor for features without a row (the largest IDF: never seen in training).
    public let unseenScale: Float
    /// Every feature scale is 1 (no learned IDF, the default): scoring skips reading them,
    /// a cache miss per weighted feature.
    private let unitFeatureScales: Bool
    /// `labelCount` rounded up to a multiple of 4.
    let stride: Int
    /// `rowIndices.count` rows of `stride / 4` chunks.
    private let quantized: [SIMD4<Int8>]
    /// One bit per feature index: set when the feature has a row. 32 KB at 2^18, so it stays
    /// in cache. Empty for huge dimensions, where lookups fall back to binary search.
    private let hasRow: [UInt64]
    /// `rankBefore[w]`: rows of the features below `64 · w` (set bits in the words before
    /// `w`). A feature's row is that plus the set bits below it in its own word: a rank
    /// directory of 16 KB at 2^18 instead of a 1 MB index → row array that missed the cache
    /// on every lookup.
    private let rankBefore: [UInt32]

    /// The largest dimension that gets the bitmap and rank directory (768 KB at 2^22).
    static let directLookupLimit = 1 << 22

    /// Builds a table from float rows (`rows[row * labelCount + label]`); `rowIndices` must be
    /// strictly increasing and below `dimension`, and the weights finite (checked by `MultiLabelModel.init`).
    /// `featureScales` nil means 1 for every row.
    init(rowIndices: [UInt32], rows: [Float], labelCount: Int, dimension: Int, featureScales: [Float]? = nil,
         unseenScale: Float = 1) {
        self.rowIndices = rowIndices
        self.featureScales = featureScales ?? [Float](repeating: 1, count: rowIndices.count)
        self.unseenScale = unseenScale
        unitFeatureScales = self.featureScales.allSatisfy { $0 == 1 }
        self.labelCount = labelCount
        let chunks = (labelCount + 3) / 4
        stride = chunks * 4
        var largest = [Float](repeating: 0, count: labelCount)
        for (i, w) in rows.enumerated() { largest[i % labelCount] = max(largest[i % labelCount], abs(w)) }
        let scales = largest.map(Self.scale(forLargest:))
        var quantized = [SIMD4<Int8>](repeating: .zero, count: rowIndices.count * chunks)
        for row in 0..<rowIndices.count {
            for label in 0..<labelCount {
                let q = (rows[row * labelCount + label] / scales[label]).rounded()
                quantized[row * chunks + label / 4][label % 4] = Int8(max(-127, min(127, q)))
            }
        }
        self.scales = scales
        self.quantized = quantized
        if dimension <= Self.directLookupLimit {
            var hasRow = [UInt64](repeating: 0, count: (dimension + 63) / 64)
            for index in rowIndices { hasRow[Int(index) >> 6] |= 1 << UInt64(index & 63) }
            var rankBefore = [UInt32](repeating: 0, count: hasRow.count)
            var total: UInt32 = 0
            for w in hasRow.indices {
                rankBefore[w] = total
                total += UInt32(hasRow[w].nonzeroBitCount)
            }
            self.hasRow = hasRow
            self.rankBefore = rankBefore
        } else {
            self.hasRow = []
            self.rankBefore = []
        }
    }

    /// The power of two s with largest / s in (63.5, 127] (1 for an all-zero label).
    static func scale(forLargest largest: Float) -> Float {
        guard largest > 0, largest.isFinite else { return 1 }
        var s = Float(sign: .plus, exponent: largest.exponent - 6, significand: 1)
        while largest / s > 127 { s *= 2 }
        while largest / s <= 63.5 { s /= 2 }
        return s
    }

    /// The (dequantised) weight of `label` in row `row`.
    public func weight(row: Int, label: Int) -> Float {
        Float(quantized[row * (stride / 4) + label / 4][label % 4]) * scales[label]
    }

    /// The dequantised weights, `rowIndices.count × labelCount`, row-major (as stored on disk).
    public var rows: [Float] {
        var out: [Float] = []
        out.reserveCapacity(rowIndices.count * labelCount)
        for row in 0..<rowIndices.count {
            for label in 0..<labelCount { out.append(weight(row: row, label: label)) }
        }
        return out
    }

    /// The row of feature `index`, or nil when it has no weights (or is out of range).
    func row(of index: UInt32) -> Int? {
        if !hasRow.isEmpty {
            let w = Int(index) >> 6
            guard w < hasRow.count else { return nil }
            let bit = UInt64(1) << UInt64(index & 63)
            guard hasRow[w] & bit != 0 else { return nil }
            return Int(rankBefore[w]) + (hasRow[w] & (bit &- 1)).nonzeroBitCount
        }
        var low = 0, high = rowIndices.count
        while low < high {
            let mid = (low + high) / 2
            if rowIndices[mid] < index { low = mid + 1 } else { high = mid }
        }
        return low < rowIndices.count && rowIndices[low] == index ? low : nil
    }

    /// Adds value × featureScale × q-row for every feature of the vector into `out`
    /// (`stride / 4` chunks) and returns the squared L2 norm of the scaled vector (features
    /// without a row counted at `unseenScale`); the caller divides by the norm and multiplies by `scales`.
    func accumulate(indices: UnsafeBufferPointer<UInt32>, values: UnsafeBufferPointer<Float>,
                    into out: UnsafeMutableBufferPointer<SIMD4<Float>>) -> Float {
        let chunks = stride / 4
        let unseen = unseenScale * unseenScale
        var norm2: Float = 0
        quantized.withUnsafeBufferPointer { q in
        featureScales.withUnsafeBufferPointer { idf in
            guard let weights = q.baseAddress, let o = out.baseAddress else { return }
            if hasRow.isEmpty {
                for k in 0..<indices.count {
                    guard let row = row(of: indices[k]) else {
                        norm2 += values[k] * values[k] * unseen
                        continue
                    }
                    let v = values[k] * idf[row]
                    norm2 += v * v
                    Self.axpy(v, weights + row * chunks, o, chunks)
                }
                return
            }
            rankBefore.withUnsafeBufferPointer { ranks in
            hasRow.withUnsafeBufferPointer { bits in
                for k in 0..<indices.count {
                    let index = Int(indices[k])
                    let w = index >> 6
                    let word = w < bits.count ? bits[w] : 0
                    let bit = UInt64(1) << UInt64(index & 63)
                    if word & bit == 0 {
                        norm2 += values[k] * values[k] * unseen
                        continue
                    }
                    let r = Int(ranks[w]) + (word & (bit &- 1)).nonzeroBitCount
                    let v = unitFeatureScales ? values[k] : values[k] * idf[r]
                    norm2 += v * v
                    Self.axpy(v, weights + r * chunks, o, chunks)
                }
            }}
        }}
        return norm2
    }

    @inline(__always)
    private static func axpy(_ a: Float, _ x: UnsafePointer<SIMD4<Int8>>, _ y: UnsafeMutablePointer<SIMD4<Float>>,
                             _ n: Int) {
        let av = SIMD4<Float>(repeating: a)
        for c in 0..<n {
            // Spelled out: the generic SIMD4<Float>(SIMD4<Int8>) initialiser converts lane by lane through a slow path.
            let q = x[c]
            y[c] += av * SIMD4<Float>(Float(q[0]), Float(q[1]), Float(q[2]), Float(q[3]))
        }
    }

    /// Bytes held in memory (weights plus lookup), for reporting.
    public var memoryBytes: Int {
        quantized.count * 4 + rowIndices.count * 8 + rankBefore.count * 4 + hasRow.count * 8 + scales.count * 4
    }

    public static func == (a: WeightTable, b: WeightTable) -> Bool {
        a.labelCount == b.labelCount && a.rowIndices == b.rowIndices && a.scales == b.scales
            && a.quantized == b.quantized && a.featureScales == b.featureScales && a.unseenScale == b.unseenScale
    }
}
