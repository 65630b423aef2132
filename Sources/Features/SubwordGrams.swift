#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Character n-grams of words, as `c:` features: the word is padded with a space on each side
/// (so ` inv` and `ice ` mark its start and end) and every run of `minN ... maxN` characters of
/// it is hashed, e.g. `c: in`, `c:nvoi`, `c:ice ` for `invoice`. A label learned from a few
/// messages then also knows `invoices`, `invoiced` and misspellings, which share most of their
/// n-grams. Each distinct word of a message gives its n-grams once (whatever field it is in,
/// however often it occurs), and at most `budget` distinct words per message do, so the cost
/// per message is bounded.
///
/// Per message; `free()` releases the table of words seen.
struct SubwordGrams {
    /// Shortest and longest n-gram, in characters (padding spaces count).
    static let minN = 3
    static let maxN = 5
    /// Distinct words per message that give n-grams: bounds the cost of long messages.
    static let budget = 80
    /// The n-grams' weight as a block against the rest of the vector (see `HashingSink.blend`).
    static let weight: Float = 0.5

    /// Open-addressing set of word hashes seen (0 = empty slot).
    private var table: UnsafeMutablePointer<UInt64>?
    private var capacity = 0
    private var used = 0

    /// FNV state after the `c:` prefix.
    static let prefixState = StableHash.step(StableHash.seed, "c:".utf8)

    init() {}

    /// True the first time `word` (a hash) is offered in this message while the budget lasts.
    mutating func firstSight(_ word: UInt64) -> Bool {
        guard used < Self.budget else { return false }
        let key = word | 1
        if table == nil {
            capacity = 256
            table = .allocate(capacity: capacity)
            table!.initialize(repeating: 0, count: capacity)
        }
        var i = Int(truncatingIfNeeded: key >> 7) & (capacity - 1)
        while true {
            let slot = table![i]
            if slot == key { return false }
            if slot == 0 { break }
            i = (i + 1) & (capacity - 1)
        }
        table![i] = key
        used += 1
        if used * 2 > capacity { grow() }
        return true
    }

    private mutating func grow() {
        let old = table!, oldCapacity = capacity
        capacity *= 2
        table = .allocate(capacity: capacity)
        table!.initialize(repeating: 0, count: capacity)
        for k in 0..<oldCapacity where old[k] != 0 {
            var i = Int(truncatingIfNeeded: old[k] >> 7) & (capacity - 1)
            while table![i] != 0 { i = (i + 1) & (capacity - 1) }
            table![i] = old[k]
        }
        old.deallocate()
    }

    /// Frees the table; the value must not be used afterwards.
    mutating func free() {
        table?.deallocate()
        table = nil
    }

    /// Calls `emit` with the hash of every n-gram of the padded `word` (UTF-8 bytes of at most
    /// 64 bytes; characters are never split), and `name` with its full feature name when given.
    @inline(__always)
    static func each(_ word: UnsafeBufferPointer<UInt8>, minN: Int, maxN: Int,
                     _ emit: (UInt64) -> Void, names name: (([UInt8]) -> Void)? = nil) {
        let padded = word.count + 2
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: padded) { bytes in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: padded + 1) { starts in
            bytes[0] = 0x20
            for k in 0..<word.count { bytes[k + 1] = word[k] }
            bytes[padded - 1] = 0x20
            var chars = 0
            for k in 0..<padded where bytes[k] & 0xC0 != 0x80 {
                starts[chars] = k
                chars += 1
            }
            starts[chars] = padded
            for c in 0..<chars {
                var h = prefixState
                var n = 0
                while n < maxN && c + n < chars {
                    for k in starts[c + n]..<starts[c + n + 1] { h = StableHash.step(h, bytes[k]) }
                    n += 1
                    if n >= minN {
                        emit(StableHash.finalize(h))
                        if let name {
                            name(Array("c:".utf8) + Array(bytes[starts[c]..<starts[c + n]]))
                        }
                    }
                }
            }
        }}
    }
}
