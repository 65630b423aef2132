/// SplitMix64: a tiny, fast, deterministic generator (Steele, Lea & Flood 2014).
///
/// Training must give identical weights for a given seed on every machine and run, so it
/// cannot use `SystemRandomNumberGenerator` or anything seeded per process.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (Lemire's multiply-shift; the tiny bias is irrelevant here).
    mutating func below(_ bound: Int) -> Int {
        Int((UInt64(UInt32(truncatingIfNeeded: next() >> 32)) &* UInt64(bound)) >> 32)
    }

    /// Fisher–Yates shuffle driven by this generator only (the standard library's algorithm
    /// may change between releases; this one will not).
    public mutating func shuffle<T>(_ array: inout [T]) {
        var i = array.count - 1
        while i > 0 {
            let j = below(i + 1)
            array.swapAt(i, j)
            i -= 1
        }
    }
}

/// A stable 64-bit FNV-1a hash of a label name, used to give every label its own random stream.
///
/// Streams keyed by name (not position) mean that adding, removing or reordering other labels
/// never changes how one label is trained.
func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01B3
    }
    return hash
}
