/// How messages become feature vectors. A model stores the settings it was trained with
/// (and `currentVersion`) and must be scored with the same.
public struct FeaturizerSettings: Sendable, Codable, Equatable {
    /// Version of the tokenisation and hashing scheme. Bumped whenever a change would map the
    /// same message to a different vector; a model trained with another version is stale.
    public static let currentVersion = 2

    /// The vector has `1 << bucketBits` buckets. Valid range: `validBucketBits`.
    public var bucketBits: Int = 18
    /// Whether word bigrams (subject, and the writer's own words in a reply or forward) are
    /// added beside single words.
    public var bigrams: Bool = true
    /// Tokens read per field (subject, body, ...); the rest is ignored.
    public var maxTokensPerField: Int = 20_000
    /// Bytes of text read per field; the rest is ignored.
    public var maxTextBytes: Int = 256 * 1024
    /// Tokens longer than this many UTF-8 bytes are dropped (hashes, base64 debris).
    public var maxTokenBytes: Int = 40

    /// Bucket bit counts a featuriser accepts.
    public static let validBucketBits = 8...26

    /// Creates settings; every argument has the default a new model uses.
    public init(bucketBits: Int = 18, bigrams: Bool = true, maxTokensPerField: Int = 20_000,
                maxTextBytes: Int = 256 * 1024, maxTokenBytes: Int = 40) {
        self.bucketBits = bucketBits
        self.bigrams = bigrams
        self.maxTokensPerField = maxTokensPerField
        self.maxTextBytes = maxTextBytes
        self.maxTokenBytes = maxTokenBytes
    }

    private enum CodingKeys: String, CodingKey {
        case bucketBits = "bucket_bits", bigrams, maxTokensPerField = "max_tokens_per_field"
        case maxTextBytes = "max_text_bytes", maxTokenBytes = "max_token_bytes"
    }

    /// Decodes settings; missing keys take their defaults. Throws `DecodingError` on wrong types.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = FeaturizerSettings()
        bucketBits = try c.decodeIfPresent(Int.self, forKey: .bucketBits) ?? d.bucketBits
        bigrams = try c.decodeIfPresent(Bool.self, forKey: .bigrams) ?? d.bigrams
        maxTokensPerField = try c.decodeIfPresent(Int.self, forKey: .maxTokensPerField) ?? d.maxTokensPerField
        maxTextBytes = try c.decodeIfPresent(Int.self, forKey: .maxTextBytes) ?? d.maxTextBytes
        maxTokenBytes = try c.decodeIfPresent(Int.self, forKey: .maxTokenBytes) ?? d.maxTokenBytes
    }
}

/// Settings a featuriser cannot work with.
public enum FeaturizerError: Error, Equatable, CustomStringConvertible {
    /// `bucketBits` outside `FeaturizerSettings.validBucketBits`.
    case invalidBucketBits(Int)
    /// A limit that must be positive was not.
    case invalidLimit(name: String, value: Int)

    public var description: String {
        switch self {
        case .invalidBucketBits(let bits):
            "bucket_bits \(bits) is outside \(FeaturizerSettings.validBucketBits)"
        case .invalidLimit(let name, let value):
            "\(name) must be positive, got \(value)"
        }
    }
}
