/// Turns a `Document` into a hashed, signed, L2-normalised bag-of-words `FeatureVector`.
///
/// A value type with no shared state: copies may be used from any number of threads at once.
/// (`featurize` is `mutating` so that per-instance scratch can be kept without an API change.)
///
/// Features, by name prefix: `s:` subject words, `b:` body words, `f:` sender display name,
/// `af:` attachment file name words, `xm:` X-Mailer words, `o:` the writer's own words again
/// when the body also quotes or forwards other mail (see `BodyStructure`), the body structure
/// features `own#:` (the writer's word count) and `inc#:` (lines that start included mail) of
/// every body with text, `incw#:` (included word count) and `quoted:yes` when there is any,
/// plus whole-name header and structure features (see `HeaderFeatures`). Subject and `o:` words
/// also give word bigrams (`FeaturizerSettings.bigrams`).
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

    /// Body words (single words: on the enron categories body bigrams bought no quality for
    /// a tenth of the featuriser's time): every body part's text in order, sharing one token and
    /// byte budget; then, when the body also carries other mail (quotes, a forward), the
    /// writer's own words again as `o:` from every part they are in (with bigrams, not charged to
    /// the budget); then the structure features.
    private static func body(_ document: Document, _ settings: FeaturizerSettings, _ tokenizer: Tokenizer,
                             _ sink: inout HashingSink) {
        sink.beginField("b:", bigrams: false)
        var tokenizer = tokenizer
        var tokenBudget = settings.maxTokensPerField
        var byteBudget = settings.maxTextBytes
        // The writer's own lines (see `BodyStructure`) until a forwarded or pasted message,
        // across parts: (part, byte range, tokens) of each.
        var own: [(part: Int, range: Range<Int>, tokens: Int)] = []
        var forwarded = false
        var ownWords = 0, includedWords = 0, markers = 0, quotedLines = 0
        var sawText = false
        for (index, part) in document.parts.enumerated() where part.isBody {
            guard var text = part.text, tokenBudget > 0, byteBudget > 0 else { continue }
            sawText = true
            sink.breakBigrams()
            text.withUTF8 { bytes in
                let slice = UnsafeBufferPointer(rebasing: bytes.prefix(byteBudget))
                byteBudget -= slice.count
                let structure = BodyStructure(slice)
                markers += structure.markers
                quotedLines += structure.quotedLines
                // Body words in text order, own and included stretches counted apart.
                func words(_ range: Range<Int>) -> Int {
                    guard !range.isEmpty, tokenBudget > 0 else { return 0 }
                    tokenizer.maxTokens = tokenBudget
                    let used = tokenizer.tokenize(UnsafeBufferPointer(rebasing: slice[range]), into: &sink)
                    tokenBudget -= used
                    return used
                }
                var done = 0
                for range in forwarded ? [] : structure.own {
                    includedWords += words(done..<range.lowerBound)
                    let used = words(range)
                    ownWords += used
                    if used > 0 { own.append((index, range, used)) }
                    done = range.upperBound
                }
                includedWords += words(done..<slice.count)
                if structure.forwardStart < slice.count { forwarded = true }
            }
        }
        // A reply or forward: the writer's words again, as `o:`, from every part they are in.
        if markers + quotedLines > 0 && !own.isEmpty {
            sink.beginField("o:", bigrams: settings.bigrams)
            for (index, range, tokens) in own {
                guard var text = document.parts[index].text else { continue }
                sink.breakBigrams()
                tokenizer.maxTokens = tokens
                text.withUTF8 { bytes in
                    _ = tokenizer.tokenize(UnsafeBufferPointer(rebasing: bytes[range]), into: &sink)
                }
            }
        }
        guard sawText else { return }
        sink.feature("own#:", wordBucket(ownWords))
        sink.feature("inc#:", HeaderFeatures.bucket(markers))
        if includedWords > 0 { sink.feature("incw#:", wordBucket(includedWords)) }
        if quotedLines > 0 { sink.feature("quoted:yes") }
    }

    /// A word count as a coarse bucket name (`0`, `1-3`, `4-10`, `11-30`, `31-100`, `101-300`, `301+`).
    static func wordBucket(_ n: Int) -> String {
        switch n {
        case ..<1: "0"
        case 1...3: "1-3"
        case 4...10: "4-10"
        case 11...30: "11-30"
        case 31...100: "31-100"
        case 101...300: "101-300"
        default: "301+"
        }
    }
}
