/// The featuriser's `TokenSink`: hashes each token with the current field's prefix (`b:`,
/// `s:`, ...) and, for bigrams, continues from the previous token's hash, so that a feature's
/// index is always `bucket(StableHash.hash(name))` with `name` e.g. `b:hello` or `b:hello world`.
/// Adds ±1 (the hash's top bit) to the bucket's count in a per-message `CountTable`.
/// One sink per message: `finish()` returns the vector and frees the table.
struct HashingSink: TokenSink {
    private var counts = CountTable()
    private let mask: UInt32
    private let bucketBits: Int

    /// FNV state after the current field's prefix.
    private var fieldState: UInt64 = StableHash.seed
    /// FNV state after prefix, previous token and a space; valid when `hasPrevious`.
    private var bigramState: UInt64 = 0
    private var hasPrevious = false
    private var bigrams = false

    /// Names seen, when explaining (nil on the fast path).
    var names: [String: (index: UInt32, sign: Float, count: Int)]?
    private var fieldPrefix: [UInt8] = []
    private var previousToken: [UInt8] = []

    /// Creates a sink for one message; call `finish()` once at the end.
    init(bucketBits: Int, recordNames: Bool) {
        self.bucketBits = bucketBits
        mask = UInt32((1 << bucketBits) - 1)
        names = recordNames ? [:] : nil
    }

    /// The message's vector (see `CountTable.finish`). Ends the sink's life.
    mutating func finish() -> FeatureVector { counts.finish(bucketBits: bucketBits) }

    /// Starts a token field: later tokens are prefixed with `prefix` and bigrams restart.
    mutating func beginField(_ prefix: StaticString, bigrams: Bool) {
        let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        fieldState = StableHash.step(StableHash.seed, p)
        hasPrevious = false
        self.bigrams = bigrams
        if names != nil { fieldPrefix = Array(p) }
    }

    /// Ends the bigram chain (e.g. between two body parts).
    mutating func breakBigrams() { hasPrevious = false }

    @inline(__always)
    mutating func token(_ bytes: UnsafeBufferPointer<UInt8>) {
        var unigram = fieldState
        if hasPrevious && bigrams {
            var bigram = bigramState
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

    /// Adds one whole feature given by its full name (e.g. `fromdom:example.com`).
    mutating func feature(_ name: String) {
        add(StableHash.hash(name.utf8))
        if names != nil { record(Array(name.utf8)) }
    }

    /// Adds the feature named `prefix` + `value` (`value` lower-cased first when `lowercase`),
    /// hashing the two in one stream instead of building the name.
    mutating func feature(_ prefix: StaticString, _ value: String, lowercase: Bool = false) {
        if names != nil || (lowercase && value.utf8.contains { $0 >= 0x80 }) {
            feature(prefix.description + (lowercase ? value.lowercased() : value))
            return
        }
        var h = StableHash.step(StableHash.seed, UnsafeBufferPointer(start: prefix.utf8Start,
                                                                     count: prefix.utf8CodeUnitCount))
        for b in value.utf8 { h = StableHash.step(h, lowercase ? ASCII.lower(b) : b) }
        add(StableHash.finalize(h))
    }

    @inline(__always)
    private mutating func add(_ hash: UInt64) {
        counts.add(UInt32(truncatingIfNeeded: hash) & mask, hash >> 63 == 0 ? 1 : -1)
    }

    private mutating func record(_ name: [UInt8]) {
        let h = StableHash.hash(name)
        let index = UInt32(truncatingIfNeeded: h) & mask
        let sign: Float = h >> 63 == 0 ? 1 : -1
        names![String(decoding: name, as: UTF8.self), default: (index, sign, 0)].count += 1
    }
}
