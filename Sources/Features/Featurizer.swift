import HTMLText

/// Turns a `Document` into a hashed, signed, L2-normalised bag-of-words `FeatureVector`.
///
/// Holds per-message scratch (a dense array of `1 << bucketBits` floats), so `featurize` is
/// `mutating`: give each thread or task its own copy. Copies are independent (the scratch is
/// copied on first use), which keeps the type `Sendable`.
///
/// Features, by name prefix: `s:` subject words, `b:` body words, `f:` sender display name,
/// `af:` attachment file name words, `xm:` X-Mailer words (with word bigrams in subject and
/// body), plus whole-name header and structure features (see `HeaderFeatures`).
public struct Featurizer: Sendable {
    /// The settings this featuriser applies.
    public let settings: FeaturizerSettings
    private var accumulator: FeatureAccumulator
    private var tokenizer: Tokenizer

    /// Creates a featuriser. Throws `FeaturizerError` when `settings` are out of range.
    public init(settings: FeaturizerSettings = FeaturizerSettings()) throws(FeaturizerError) {
        guard FeaturizerSettings.validBucketBits.contains(settings.bucketBits) else {
            throw .invalidBucketBits(settings.bucketBits)
        }
        for (name, value) in [("max_tokens_per_field", settings.maxTokensPerField),
                              ("max_text_bytes", settings.maxTextBytes),
                              ("max_token_bytes", settings.maxTokenBytes)] where value <= 0 {
            throw .invalidLimit(name: name, value: value)
        }
        self.settings = settings
        accumulator = FeatureAccumulator(bucketBits: settings.bucketBits, bigrams: settings.bigrams)
        tokenizer = Tokenizer(maxTokenBytes: settings.maxTokenBytes)
    }

    /// The feature vector of `document`.
    public mutating func featurize(_ document: Document) -> FeatureVector {
        accumulator.names = nil
        collect(document)
        return accumulator.finish()
    }

    /// The feature vector of `document` and the name of every feature in it, sorted by name.
    /// Slower than `featurize`; for `tagger features` and `tagger explain`.
    public mutating func featurizeNamed(_ document: Document) -> (FeatureVector, [NamedFeature]) {
        accumulator.names = [:]
        collect(document)
        let names = accumulator.names ?? [:]
        accumulator.names = nil
        let vector = accumulator.finish()
        var weights: [UInt32: Float] = [:]
        for (index, value) in zip(vector.indices, vector.values) { weights[index] = value }
        let named = names.map { name, entry in
            NamedFeature(name: name, index: entry.index, sign: entry.sign, count: entry.count,
                         weight: weights[entry.index] ?? 0)
        }.sorted { $0.name < $1.name }
        return (vector, named)
    }

    private mutating func collect(_ document: Document) {
        if let subject = document.headers.subject {
            tokens(subject, field: "s:", bigrams: settings.bigrams, maxBytes: 4096)
        }
        if let name = document.from.first?.name {
            tokens(name, field: "f:", bigrams: false, maxBytes: 1024)
        }
        if let mailer = document.headers.xMailer {
            tokens(mailer, field: "xm:", bigrams: false, maxBytes: 256)
        }
        for part in document.attachments.prefix(20) {
            if let filename = part.filename { tokens(filename, field: "af:", bigrams: false, maxBytes: 256) }
        }
        body(document)
        HeaderFeatures.add(document, to: &accumulator)
    }

    /// Body words: every body part's text, sharing one token and byte budget.
    private mutating func body(_ document: Document) {
        accumulator.beginField("b:", bigrams: settings.bigrams)
        var tokenBudget = settings.maxTokensPerField
        var byteBudget = settings.maxTextBytes
        for part in document.parts where part.isBody {
            guard var text = part.text, tokenBudget > 0, byteBudget > 0 else { continue }
            accumulator.breakBigrams()
            tokenizer.maxTokens = tokenBudget
            let used = text.withUTF8 { bytes in
                let slice = UnsafeBufferPointer(rebasing: bytes.prefix(byteBudget))
                byteBudget -= slice.count
                return tokenizer.tokenize(slice, into: &accumulator)
            }
            tokenBudget -= used
        }
    }

    private mutating func tokens(_ text: String, field: StaticString, bigrams: Bool, maxBytes: Int) {
        accumulator.beginField(field, bigrams: bigrams)
        tokenizer.maxTokens = settings.maxTokensPerField
        var text = text
        text.withUTF8 { bytes in
            _ = tokenizer.tokenize(UnsafeBufferPointer(rebasing: bytes.prefix(maxBytes)), into: &accumulator)
        }
    }
}
