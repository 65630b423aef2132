#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Per-message scratch: signed occurrence counts in a dense array of `1 << bucketBits` floats,
/// plus the list of buckets touched, so resetting costs only what was used.
///
/// Also the `TokenSink` of the featuriser: each token is hashed with the current field's
/// prefix (`b:`, `s:`, ...) and, for bigrams, continued from the previous token's hash, so a
/// feature's index is always `bucket(StableHash.hash(name))` with `name` e.g. `b:hello` or
/// `b:hello world`.
struct FeatureAccumulator: TokenSink {
    private var counts: [Float]
    private var touched: [UInt32] = []
    private let mask: UInt32

    /// FNV state after the current field's prefix.
    private var fieldState: UInt64 = StableHash.seed
    /// FNV state after prefix, previous token and a space; valid when `hasPrevious`.
    private var bigramState: UInt64 = 0
    private var hasPrevious = false
    private var bigrams: Bool

    /// When non-nil, every feature's name is recorded (the slow, explaining path).
    var names: [String: (index: UInt32, sign: Float, count: Int)]?
    private var fieldPrefix: [UInt8] = []
    private var previousToken: [UInt8] = []

    init(bucketBits: Int, bigrams: Bool) {
        counts = [Float](repeating: 0, count: 1 << bucketBits)
        mask = UInt32((1 << bucketBits) - 1)
        self.bigrams = bigrams
        touched.reserveCapacity(4096)
    }

    /// Starts a token field: later tokens are prefixed with `prefix` and bigrams restart.
    mutating func beginField(_ prefix: StaticString, bigrams: Bool) {
        let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        fieldState = StableHash.step(StableHash.seed, p)
        hasPrevious = false
        self.bigrams = bigrams
        if names != nil { fieldPrefix = Array(p) }
    }

    /// Ends a field's bigram chain (e.g. between two body parts).
    mutating func breakBigrams() { hasPrevious = false }

    mutating func token(_ bytes: UnsafeBufferPointer<UInt8>) {
        var unigram = fieldState
        var bigram = bigramState
        if hasPrevious && bigrams {
            for b in bytes {
                unigram = StableHash.step(unigram, b)
                bigram = StableHash.step(bigram, b)
            }
            add(StableHash.finalize(bigram))
            if names != nil { record(fieldPrefix + previousToken + [0x20] + Array(bytes)) }
        } else {
            for b in bytes { unigram = StableHash.step(unigram, b) }
        }
        add(StableHash.finalize(unigram))
        if names != nil {
            record(fieldPrefix + Array(bytes))
            previousToken = Array(bytes)
        }
        bigramState = StableHash.step(unigram, 0x20)
        hasPrevious = true
    }

    /// Adds one whole feature given by its name.
    mutating func feature(_ name: String) {
        let h = StableHash.hash(name.utf8)
        add(h)
        if names != nil { record(Array(name.utf8)) }
    }

    @inline(__always)
    private mutating func add(_ hash: UInt64) {
        let index = UInt32(truncatingIfNeeded: hash) & mask
        let sign: Float = hash >> 63 == 0 ? 1 : -1
        counts.withUnsafeMutableBufferPointer { c in
            if c[Int(index)] == 0 { touched.append(index) }
            c[Int(index)] += sign
        }
    }

    private mutating func record(_ name: [UInt8]) {
        let h = StableHash.hash(name)
        let key = String(decoding: name, as: UTF8.self)
        let index = UInt32(truncatingIfNeeded: h) & mask
        let sign: Float = h >> 63 == 0 ? 1 : -1
        names![key, default: (index, sign, 0)].count += 1
    }

    /// The finished vector: sublinear weights `sign(c)·(1 + ln|c|)` of each bucket's signed
    /// count `c`, L2-normalised, indices ascending. Resets the scratch for the next message.
    mutating func finish() -> FeatureVector {
        touched.sort()
        var indices: [UInt32] = []
        var values: [Float] = []
        indices.reserveCapacity(touched.count)
        values.reserveCapacity(touched.count)
        var sumOfSquares: Float = 0
        counts.withUnsafeMutableBufferPointer { c in
            var last: UInt32? = nil
            for index in touched where index != last {
                last = index
                let count = c[Int(index)]
                c[Int(index)] = 0
                guard count != 0 else { continue }
                let magnitude = 1 + log(abs(count))
                let value = count < 0 ? -magnitude : magnitude
                indices.append(index)
                values.append(value)
                sumOfSquares += value * value
            }
        }
        touched.removeAll(keepingCapacity: true)
        hasPrevious = false
        if sumOfSquares > 0 {
            let scale = 1 / sumOfSquares.squareRoot()
            for k in values.indices { values[k] *= scale }
        }
        return FeatureVector(indices: indices, values: values)
    }
}
