/// The model's weights, stored only for features that have any: a sorted list of feature
/// indices and, for each, one contiguous row of per-label weights.
///
/// A full 2^18 × 53 table would take 55 MB; this keeps just the vocabulary seen in training
/// plus a 4-byte-per-bucket lookup from feature index to row (1 MB at 2^18). Rows are padded
/// with zeros to a multiple of 4 labels so scoring a feature is one lookup and a run of
/// 4-wide vector multiply-adds.
public struct WeightTable: Sendable, Equatable {
    /// Feature indices that have a row, strictly increasing.
    public let rowIndices: [UInt32]
    /// Weights per row that belong to labels (the rest of a row is padding).
    public let labelCount: Int
    /// Floats per stored row: `labelCount` rounded up to a multiple of 4.
    let stride: Int
    /// `rowIndices.count` rows of `stride` floats; SIMD4 chunks.
    private let padded: [SIMD4<Float>]
    /// `rowOf[index]` = row + 1, or 0 when the feature has no row. Empty for huge dimensions,
    /// where lookups fall back to binary search.
    private let rowOf: [UInt32]

    /// The largest dimension that gets a direct lookup array (16 MB).
    static let directLookupLimit = 1 << 22

    /// Builds a table from unpadded rows (`rows[row * labelCount + label]`); `rowIndices` must be
    /// strictly increasing and below `dimension` (checked by `MultiLabelModel.init`).
    init(rowIndices: [UInt32], rows: [Float], labelCount: Int, dimension: Int) {
        self.rowIndices = rowIndices
        self.labelCount = labelCount
        let chunks = (labelCount + 3) / 4
        stride = chunks * 4
        var padded = [SIMD4<Float>](repeating: .zero, count: rowIndices.count * chunks)
        for row in 0..<rowIndices.count {
            for label in 0..<labelCount {
                padded[row * chunks + label / 4][label % 4] = rows[row * labelCount + label]
            }
        }
        self.padded = padded
        if dimension <= Self.directLookupLimit {
            var rowOf = [UInt32](repeating: 0, count: dimension)
            for (row, index) in rowIndices.enumerated() { rowOf[Int(index)] = UInt32(row + 1) }
            self.rowOf = rowOf
        } else {
            self.rowOf = []
        }
    }

    /// The weight of `label` in row `row`.
    public func weight(row: Int, label: Int) -> Float {
        padded[row * (stride / 4) + label / 4][label % 4]
    }

    /// The weights without padding, `rowIndices.count × labelCount`, row-major (as stored on disk).
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
        if !rowOf.isEmpty {
            guard Int(index) < rowOf.count else { return nil }
            let r = rowOf[Int(index)]
            return r == 0 ? nil : Int(r) - 1
        }
        var low = 0, high = rowIndices.count
        while low < high {
            let mid = (low + high) / 2
            if rowIndices[mid] < index { low = mid + 1 } else { high = mid }
        }
        return low < rowIndices.count && rowIndices[low] == index ? low : nil
    }

    /// Adds value × row for every feature of the vector into `out` (`stride / 4` chunks).
    func accumulate(indices: UnsafeBufferPointer<UInt32>, values: UnsafeBufferPointer<Float>,
                    into out: UnsafeMutableBufferPointer<SIMD4<Float>>) {
        let chunks = stride / 4
        padded.withUnsafeBufferPointer { w in
            guard let weights = w.baseAddress, let o = out.baseAddress else { return }
            if rowOf.isEmpty {
                for k in 0..<indices.count {
                    guard let row = row(of: indices[k]) else { continue }
                    Self.axpy(values[k], weights + row * chunks, o, chunks)
                }
                return
            }
            rowOf.withUnsafeBufferPointer { lookup in
                for k in 0..<indices.count {
                    let index = Int(indices[k])
                    guard index < lookup.count else { continue }
                    let r = Int(lookup[index])
                    if r == 0 { continue }
                    Self.axpy(values[k], weights + (r - 1) * chunks, o, chunks)
                }
            }
        }
    }

    @inline(__always)
    private static func axpy(_ a: Float, _ x: UnsafePointer<SIMD4<Float>>, _ y: UnsafeMutablePointer<SIMD4<Float>>,
                             _ n: Int) {
        let av = SIMD4<Float>(repeating: a)
        for c in 0..<n { y[c] += av * x[c] }
    }

    /// Bytes held in memory (weights plus lookup), for reporting.
    public var memoryBytes: Int { padded.count * 16 + rowIndices.count * 4 + rowOf.count * 4 }

    public static func == (a: WeightTable, b: WeightTable) -> Bool {
        a.labelCount == b.labelCount && a.rowIndices == b.rowIndices && a.padded == b.padded
    }
}
