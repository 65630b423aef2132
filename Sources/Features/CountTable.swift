#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signed occurrence counts per bucket for one message: an open-addressing hash table small
/// enough to stay in the L1/L2 cache (a dense array of `1 << bucketBits` counts does not, and
/// random access into it dominated featurisation). Grows by doubling past half full.
///
/// Manually managed: call `finish()` exactly once; it frees the memory.
struct CountTable {
    private struct Slot {
        var key: UInt32     // bucket index + 1; 0 = empty
        var count: Int32
    }

    private var slots: UnsafeMutablePointer<Slot>
    private var capacity: Int
    private var used = 0

    init(capacity: Int = 4096) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(key: 0, count: 0), count: capacity)
    }

    /// Adds `delta` to bucket `index`'s count.
    @inline(__always)
    mutating func add(_ index: UInt32, _ delta: Int32) {
        let key = index &+ 1
        let mask = capacity - 1
        var i = Int(index) & mask
        while true {
            let k = slots[i].key
            if k == key {
                slots[i].count &+= delta
                return
            }
            if k == 0 {
                slots[i] = Slot(key: key, count: delta)
                used += 1
                if used * 2 > capacity { grow() }
                return
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots, oldCapacity = capacity
        capacity *= 2
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(key: 0, count: 0), count: capacity)
        let mask = capacity - 1
        for j in 0..<oldCapacity where old[j].key != 0 {
            var i = Int(old[j].key &- 1) & mask
            while slots[i].key != 0 { i = (i + 1) & mask }
            slots[i] = old[j]
        }
        old.deallocate()
    }

    /// The vector: sublinear weights `sign(c)·(1 + ln|c|)` of each bucket's signed count `c`
    /// (buckets whose count cancelled to 0 are left out), L2-normalised, indices ascending.
    /// Frees the table.
    mutating func finish(bucketBits: Int) -> FeatureVector {
        defer { slots.deallocate() }
        // Pack (index, count) into one UInt64 with the index on top, then radix-sort by index.
        var packed: [UInt64] = []
        packed.reserveCapacity(used)
        for i in 0..<capacity where slots[i].key != 0 && slots[i].count != 0 {
            packed.append(UInt64(slots[i].key &- 1) << 32 | UInt64(UInt32(bitPattern: slots[i].count)))
        }
        Self.radixSortByHighWord(&packed, bits: bucketBits)
        var indices: [UInt32] = []
        var values: [Float] = []
        indices.reserveCapacity(packed.count)
        values.reserveCapacity(packed.count)
        var sumOfSquares: Float = 0
        for p in packed {
            let count = Float(Int32(bitPattern: UInt32(truncatingIfNeeded: p)))
            let magnitude = 1 + log(abs(count))
            let value = count < 0 ? -magnitude : magnitude
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

    /// LSD radix sort on bits 32 ..< 32 + `bits`, 8 bits per pass; insertion sort when short.
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
        var other = [UInt64](repeating: 0, count: n)
        var shift: UInt64 = 32
        while shift < UInt64(32 + bits) {
            var counts = [Int](repeating: 0, count: 257)
            for x in a { counts[Int((x >> shift) & 0xFF) + 1] += 1 }
            for d in 1..<257 { counts[d] += counts[d - 1] }
            for x in a {
                let d = Int((x >> shift) & 0xFF)
                other[counts[d]] = x
                counts[d] += 1
            }
            swap(&a, &other)
            shift += 8
        }
    }
}
