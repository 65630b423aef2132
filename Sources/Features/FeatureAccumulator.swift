#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-message scratch: signed occurrence counts in a dense array of `1 << bucketBits` floats
/// and a bitmap of the buckets touched, so that reading the result out in index order and
/// resetting costs only a scan of the bitmap (`1 << bucketBits` bits), never a sort.
struct FeatureAccumulator {
    private var counts: [Float]
    private var touched: [UInt64]
    private let mask: UInt32

    init(bucketBits: Int) {
        counts = [Float](repeating: 0, count: 1 << bucketBits)
        touched = [UInt64](repeating: 0, count: max(1, (1 << bucketBits) / 64))
        mask = UInt32((1 << bucketBits) - 1)
    }

    /// Lends a `HashingSink` writing into this scratch for the duration of `body`.
    /// With `recordNames`, the sink also records every feature's name; they are returned.
    mutating func withSink(recordNames: Bool, _ body: (inout HashingSink) -> Void)
        -> [String: (index: UInt32, sign: Float, count: Int)]? {
        let mask = self.mask
        var names: [String: (index: UInt32, sign: Float, count: Int)]? = nil
        counts.withUnsafeMutableBufferPointer { c in
            touched.withUnsafeMutableBufferPointer { t in
                var sink = HashingSink(counts: c.baseAddress!, touched: t.baseAddress!, mask: mask,
                                       names: recordNames ? [:] : nil)
                body(&sink)
                names = sink.names
            }
        }
        return names
    }

    /// The finished vector: sublinear weights `sign(c)·(1 + ln|c|)` of each bucket's signed
    /// count `c` (buckets whose count cancelled to 0 are left out), L2-normalised, indices
    /// ascending. Resets the scratch for the next message.
    mutating func finish() -> FeatureVector {
        var indices: [UInt32] = []
        var values: [Float] = []
        var sumOfSquares: Float = 0
        counts.withUnsafeMutableBufferPointer { c in
            touched.withUnsafeMutableBufferPointer { t in
                for w in 0..<t.count where t[w] != 0 {
                    var bits = t[w]
                    t[w] = 0
                    while bits != 0 {
                        let index = w << 6 | bits.trailingZeroBitCount
                        bits &= bits &- 1
                        let count = c[index]
                        c[index] = 0
                        guard count != 0 else { continue }
                        let magnitude = 1 + log(abs(count))
                        let value = count < 0 ? -magnitude : magnitude
                        indices.append(UInt32(index))
                        values.append(value)
                        sumOfSquares += value * value
                    }
                }
            }
        }
        if sumOfSquares > 0 {
            let scale = 1 / sumOfSquares.squareRoot()
            for k in values.indices { values[k] *= scale }
        }
        return FeatureVector(indices: indices, values: values)
    }
}
