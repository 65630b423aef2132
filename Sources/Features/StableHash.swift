/// A hash of bytes that is the same in every process, on every machine, in every release:
/// 64-bit FNV-1a over the bytes, then MurmurHash3's 64-bit finaliser so that every output bit
/// (the bucket bits and the sign bit) depends on every input byte.
///
/// Feature indices are derived from it, so changing it invalidates every trained model (bump
/// `FeaturizerSettings.currentVersion`). Swift's `Hasher` is seeded per process and unusable here.
public enum StableHash {
    /// FNV-1a 64-bit offset basis: the state before any byte.
    public static let seed: UInt64 = 0xCBF2_9CE4_8422_2325
    /// FNV-1a 64-bit prime.
    @usableFromInline static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// Feeds one byte into an FNV-1a state.
    @inlinable @inline(__always)
    public static func step(_ state: UInt64, _ byte: UInt8) -> UInt64 {
        (state ^ UInt64(byte)) &* prime
    }

    /// Feeds bytes into an FNV-1a state.
    @inlinable
    public static func step<S: Sequence>(_ state: UInt64, _ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = state
        for b in bytes { h = step(h, b) }
        return h
    }

    /// MurmurHash3 `fmix64`: mixes an FNV state into the final hash.
    @inlinable @inline(__always)
    public static func finalize(_ state: UInt64) -> UInt64 {
        var h = state
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// The stable hash of `bytes`.
    @inlinable
    public static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        finalize(step(seed, bytes))
    }

    /// The stable hash of a string's UTF-8 bytes.
    public static func hash(_ string: String) -> UInt64 { hash(string.utf8) }
}
