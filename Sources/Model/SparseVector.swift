/// A sparse feature vector: parallel arrays of bucket indices (strictly increasing) and values.
public struct SparseVector: Sendable, Equatable {
    public var indices: [UInt32]
    public var values: [Float]
    public init(indices: [UInt32] = [], values: [Float] = []) {
        precondition(indices.count == values.count)
        self.indices = indices
        self.values = values
    }
    public var count: Int { indices.count }
}
