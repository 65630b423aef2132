/// The model's weights, stored only for features that have any: a sorted list of feature
/// indices and, for each, one contiguous row of per-label weights (`rows[row * labelCount + label]`).
///
/// A full 2^18 × 53 table would take 55 MB; this keeps just the vocabulary seen in training
/// plus a 4-byte-per-bucket lookup from feature index to row (1 MB at 2^18), so scoring a
/// feature is one load and one contiguous run of multiply-adds.
public struct WeightTable: Sendable, Equatable {
    /// Feature indices that have a row, strictly increasing.
    public let rowIndices: [UInt32]
    /// `rowIndices.count × labelCount` weights, row-major.
    public let rows: [Float]
    /// Weights per row.
    public let labelCount: Int
    /// `rowOf[index]` = row + 1, or 0 when the feature has no row. Empty for huge dimensions,
    /// where lookups fall back to binary search.
    private let rowOf: [UInt32]

    /// The largest dimension that gets a direct lookup array (16 MB).
    static let directLookupLimit = 1 << 22

    /// Builds a table; `rowIndices` must be strictly increasing and below `dimension`, and
    /// `rows.count == rowIndices.count * labelCount` (checked by `MultiLabelModel.init`).
    init(rowIndices: [UInt32], rows: [Float], labelCount: Int, dimension: Int) {
        self.rowIndices = rowIndices
        self.rows = rows
        self.labelCount = labelCount
        if dimension <= Self.directLookupLimit {
            var rowOf = [UInt32](repeating: 0, count: dimension)
            for (row, index) in rowIndices.enumerated() { rowOf[Int(index)] = UInt32(row + 1) }
            self.rowOf = rowOf
        } else {
            self.rowOf = []
        }
    }

    /// The row of feature `index`, or nil when it has no weights (or is out of range).
    @inline(__always)
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

    /// Bytes held in memory (weights plus lookup), for reporting.
    public var memoryBytes: Int { rows.count * 4 + rowIndices.count * 4 + rowOf.count * 4 }

    public static func == (a: WeightTable, b: WeightTable) -> Bool {
        a.labelCount == b.labelCount && a.rowIndices == b.rowIndices && a.rows == b.rows
    }
}
