#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signed occurrence counts per bucket for one message: an open-addressing hash table small
/// enough to stay in the L1/L2 cache (a dense array of `1 << bucketBits` counts does not, and
/// random access into it dominated featurisation). The table maps a bucket to its entry in a
/// dense list of `(bucket, count)` pairs, so that `finish` reads only the buckets used instead
/// of scanning every slot. Grows by doubling past half full.
///
/// Manually managed: call `finish()` exactly once; it frees the memory.
struct CountTable {
    /// Slot: (bucket index + 1) << 32 | entry position; 0 = empty.
    private var slots: UnsafeMutablePointer<UInt64>
    /// Entry: bucket index << 32 | count as a 32-bit two's-complement pattern.
    private var entries: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private var used = 0

    init(capacity: Int = 1024) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        entries = .allocate(capacity: capacity / 2 + 1)
    }

    /// Adds `delta` to bucket `index`'s count.
    @inline(__always)
    mutating func add(_ index: UInt32, _ delta: Int32) {
        let key = UInt64(index &+ 1) << 32
        let mask = capacity - 1
        var i = Int(index) & mask
        while true {
            let slot = slots[i]
            if slot & 0xFFFF_FFFF_0000_0000 == key {
                let e = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF)
                let entry = entries[e]
                let count = UInt32(truncatingIfNeeded: entry) &+ UInt32(bitPattern: delta)
                entries[e] = entry & 0xFFFF_FFFF_0000_0000 | UInt64(count)
                return
            }
            if slot == 0 {
                slots[i] = key | UInt64(used)
                entries[used] = UInt64(index) << 32 | UInt64(UInt32(bitPattern: delta))
                used += 1
                if used * 2 > capacity { grow() }
                return
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        slots.deallocate()
        capacity *= 2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        let mask = capacity - 1
        for e in 0..<used {
            let index = entries[e] >> 32
            var i = Int(index) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = (index + 1) << 32 | UInt64(e)
        }
        let old = entries
        entries = .allocate(capacity: capacity / 2 + 1)
        entries.update(from: old, count: used)
        old.deallocate()
    }

    /// The vector: sublinear weights `sign(c)·(1 + ln|c|)` of each bucket's signed count `c`
    /// (buckets whose count cancelled to 0 are left out), L2-normalised, indices ascending.
    /// Frees the table.
    mutating func finish(bucketBits: Int) -> FeatureVector {
        defer { slots.deallocate(); entries.deallocate() }
        var packed: [UInt64] = []
        packed.reserveCapacity(used)
        for e in 0..<used where entries[e] & 0xFFFF_FFFF != 0 { packed.append(entries[e]) }
        Self.radixSortByHighWord(&packed, bits: bucketBits)
        var indices: [UInt32] = []
        var values: [Float] = []
        indices.reserveCapacity(packed.count)
        values.reserveCapacity(packed.count)
        var sumOfSquares: Float = 0
        let small = Self.smallMagnitudes
        for p in packed {
            let signed = Int32(bitPattern: UInt32(truncatingIfNeeded: p))
            let magnitude = signed.magnitude < small.count ? small[Int(signed.magnitude)] : Self.magnitude(signed)
            let value = signed < 0 ? -magnitude : magnitude
            indices.append(UInt32(p >> 32))
            values.append(value)
            sumOfSquares += value * value
        }
        if sumOfSquares > 0 {
            let scale = 1 / sumOfSquares.squareRoot()
            for k in values.indices { values[k] *= scale }
        }
        return FeatureVector(indices: indices, values: values)
    }

    /// `1 + ln|c|`, the sublinear weight of a count.
    private static func magnitude(_ count: Int32) -> Float { 1 + log(abs(Float(count))) }

    /// `magnitude` of 0 ..< 256, computed once (most counts are small).
    private static let smallMagnitudes: [Float] = (0..<256).map { magnitude(Int32($0)) }

    /// LSD radix sort on bits 32 ..< 32 + `bits`; insertion sort when short.
    static func radixSortByHighWord(_ a: inout [UInt64], bits: Int) {
        let n = a.count
        if n < 48 {
            for i in 1..<max(1, n) {
                let x = a[i]
                var j = i
                while j > 0, a[j - 1] >> 32 > x >> 32 { a[j] = a[j - 1]; j -= 1 }
                a[j] = x
            }
            return
        }
        // As few passes as possible with digits of at most 11 bits (2 passes at 18 bits).
        let passes = (bits + 10) / 11
        let digitBits = (bits + passes - 1) / passes
        let radix = 1 << digitBits
        let digitMask = UInt64(radix - 1)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: radix * passes) { counts in
            counts.initialize(repeating: 0)
            a.withUnsafeMutableBufferPointer { source in
                // Every pass's histogram in one read, then exclusive prefix sums.
                for x in source {
                    for p in 0..<passes {
                        counts[p * radix + Int((x >> UInt64(32 + p * digitBits)) & digitMask)] += 1
                    }
                }
                for p in 0..<passes {
                    var sum = 0
                    for d in (p * radix)..<((p + 1) * radix) {
                        let c = counts[d]
                        counts[d] = sum
                        sum += c
                    }
                }
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n) { scratch in
                    var from = source.baseAddress!, to = scratch.baseAddress!
                    for p in 0..<passes {
                        let shift = UInt64(32 + p * digitBits)
                        for i in 0..<n {
                            let x = from[i]
                            let d = p * radix + Int((x >> shift) & digitMask)
                            to[counts[d]] = x
                            counts[d] += 1
                        }
                        swap(&from, &to)
                    }
                    if passes % 2 == 1 { source.baseAddress!.update(from: scratch.baseAddress!, count: n) }
                }
            }
        }
    }
}
