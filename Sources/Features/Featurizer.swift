/// Turns a `Document` into a hashed, signed, L2-normalised bag-of-words `FeatureVector`.
///
/// A value type with no shared state: copies may be used from any number of threads at once.
/// (`featurize` is `mutating` so that per-instance scratch can be kept without an API change.)
///
/// Features, by name prefix: `s:` subject words, `b:` body words, `f:` sender display name,
/// `af:` attachment file name words, `xm:` X-Mailer words (with word bigrams in subject and
/// body), plus whole-name header and structure features (see `HeaderFeatures`).
public struct Featurizer: Sendable {
    /// The settings this featuriser applies.
    public let settings: FeaturizerSettings

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
    }

    /// The feature vector of `document`.
    public mutating func featurize(_ document: Document) -> FeatureVector {
        var sink = HashingSink(bucketBits: settings.bucketBits, recordNames: false)
        Self.collect(document, settings, &sink)
        return sink.finish()
    }

    /// The feature vector of `document` and the name of every feature in it, sorted by name.
    /// Slower than `featurize`; for `tagger features` and `tagger explain`.
    public mutating func featurizeNamed(_ document: Document) -> (FeatureVector, [NamedFeature]) {
        var sink = HashingSink(bucketBits: settings.bucketBits, recordNames: true)
        Self.collect(document, settings, &sink)
        let names = sink.names ?? [:]
        let vector = sink.finish()
        var weights: [UInt32: Float] = [:]
        for (index, value) in zip(vector.indices, vector.values) { weights[index] = value }
        let named = names.map { name, entry in
            NamedFeature(name: name, index: entry.index, sign: entry.sign, count: entry.count,
                         weight: weights[entry.index] ?? 0)
        }.sorted { $0.name < $1.name }
        return (vector, named)
    }

    private static func collect(_ document: Document, _ settings: FeaturizerSettings, _ sink: inout HashingSink) {
        let tokenizer = Tokenizer(maxTokenBytes: settings.maxTokenBytes, maxTokens: settings.maxTokensPerField)
        func field(_ text: String?, _ prefix: StaticString, bigrams: Bool, maxBytes: Int) {
            guard var text else { return }
            sink.beginField(prefix, bigrams: bigrams)
            text.withUTF8 { bytes in
                _ = tokenizer.tokenize(UnsafeBufferPointer(rebasing: bytes.prefix(maxBytes)), into: &sink)
            }
        }
        field(document.headers.subject, "s:", bigrams: settings.bigrams, maxBytes: 4096)
        field(document.from.first?.name, "f:", bigrams: false, maxBytes: 1024)
        field(document.headers.xMailer, "xm:", bigrams: false, maxBytes: 256)
        document.forEach(\.isAttachment, limit: 20) { part in
            field(part.filename, "af:", bigrams: false, maxBytes: 256)
        }
        body(document, settings, tokenizer, &sink)
        HeaderFeatures.add(document, to: &sink)
    }

    /// Body words: every body part's text, sharing one token and byte budget.
    private static func body(_ document: Document, _ settings: FeaturizerSettings, _ tokenizer: Tokenizer,
                             _ sink: inout HashingSink) {
        sink.beginField("b:", bigrams: settings.bigrams)
        var tokenizer = tokenizer
        var tokenBudget = settings.maxTokensPerField
        var byteBudget = settings.maxTextBytes
        for part in document.parts where part.isBody {
            guard var text = part.text, tokenBudget > 0, byteBudget > 0 else { continue }
            sink.breakBigrams()
            tokenizer.maxTokens = tokenBudget
            let used = text.withUTF8 { bytes in
                let slice = UnsafeBufferPointer(rebasing: bytes.prefix(byteBudget))
                byteBudget -= slice.count
                return tokenizer.tokenize(slice, into: &sink)
            }
            tokenBudget -= used
        }
    }
}
