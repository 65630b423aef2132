/// A sparse, L2-normalised feature vector: bucket indices strictly increasing, one value each.
public struct FeatureVector: Sendable, Equatable {
    /// Bucket indices in `0 ..< 1 << bucketBits`, sorted ascending, unique.
    public var indices: [UInt32]
    /// The value of each index (signed, sublinear term weight, L2-normalised).
    public var values: [Float]

    /// Creates a vector; `indices` must be strictly increasing and as many as `values`.
    public init(indices: [UInt32] = [], values: [Float] = []) {
        precondition(indices.count == values.count, "FeatureVector: indices and values differ in count")
        self.indices = indices
        self.values = values
    }

    /// How many non-zero entries the vector has.
    public var count: Int { indices.count }
}

/// One named feature of a message, for `tagger features` and `tagger explain`.
/// Several names can share an index (hash collisions); each is listed.
public struct NamedFeature: Sendable, Equatable, Codable {
    /// The feature as text, e.g. `s:invoice`, `b:click here`, `fromdom:example.com`.
    public var name: String
    /// Its bucket index in the vector.
    public var index: UInt32
    /// The hash sign (+1 or -1) this name contributes with.
    public var sign: Float
    /// How many times the feature occurred in the message.
    public var count: Int
    /// The final vector value at `index` (shared by every name in that bucket).
    public var weight: Float

    /// Creates a named feature.
    public init(name: String, index: UInt32, sign: Float, count: Int, weight: Float) {
        self.name = name
        self.index = index
        self.sign = sign
        self.count = count
        self.weight = weight
    }
}
