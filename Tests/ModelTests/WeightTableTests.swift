import Testing
@testable import Model

@Suite struct WeightTableTests {
    /// The rank-directory lookup finds every feature's row (its position among the sorted
    /// indices) and nothing for features without one, in every word position.
    @Test func rowLookupMatchesThePositionAmongSortedIndices() {
        var rng = SplitMix64(seed: 3)
        let dimension = 1 << 14
        var indices = Set<UInt32>()
        while indices.count < 1_500 { indices.insert(UInt32(rng.below(dimension))) }
        // Word edges: the first and last bit of words, and a full word.
        for i in [0, 63, 64, 127, 128, dimension - 1] { indices.insert(UInt32(i)) }
        for i in 640..<704 { indices.insert(UInt32(i)) }
        let sorted = indices.sorted()
        let table = WeightTable(rowIndices: sorted, rows: [Float](repeating: 0.5, count: sorted.count * 3),
                                labelCount: 3, dimension: dimension)
        var position: [UInt32: Int] = [:]
        for (row, index) in sorted.enumerated() { position[index] = row }
        for index in 0..<UInt32(dimension) {
            #expect(table.row(of: index) == position[index], "feature \(index)")
        }
        #expect(table.row(of: UInt32(dimension)) == nil)
        #expect(table.row(of: UInt32.max) == nil)
    }
}
