/// Walks the MIME tree of one message depth-first, collecting leaf parts and warnings within
/// the limits. Recursion is bounded by `limits.maxDepth`.
struct EntityWalker {
    let limits: ParseLimits
    var topHeaders = Headers()
    var parts: [Part] = []
    var warnings: [ParseWarning] = []
    private var partsCapped = false
    /// Encoded words (RFC 2047) in header fields whose charset is unknown, and the first label.
    private(set) var unknownEncodedWords = 0
    private(set) var firstUnknownCharset: String?
    /// Whether each charset label met in encoded words is known (bounded; see `census`).
    private var labelIsKnown: [ArraySlice<UInt8>: Bool] = [:]
    /// The label looked up last (words in a row share one).
    private var lastLabel: (label: ArraySlice<UInt8>, known: Bool)?
    private var depthCapped = false
    static let maxWarnings = 200

    /// Recursion never goes deeper than this, whatever `ParseLimits.maxDepth` says, so no
    /// configuration can overflow a thread's stack.
    static let hardMaxDepth = 128

    init(limits: ParseLimits) {
        var l = limits
        l.maxDepth = min(max(0, limits.maxDepth), Self.hardMaxDepth)
        self.limits = l
    }

    mutating func warn(_ code: String, _ detail: String) {
        if warnings.count < Self.maxWarnings { warnings.append(ParseWarning(code: code, detail: detail)) }
    }

    /// Parses the entity in `storage[start..<end]` (headers, then body) at `depth`.
    mutating func walk(_ storage: [UInt8], start: Int, end: Int, depth: Int,
                       defaultType: ContentType, isTop: Bool) {
        storage.withUnsafeBufferPointer { buf in
            walk(storage, buf, start: start, end: end, depth: depth, defaultType: defaultType, isTop: isTop)
        }
    }

    private mutating func walk(_ storage: [UInt8], _ buf: UnsafeBufferPointer<UInt8>, start: Int, end: Int,
                               depth: Int, defaultType: ContentType, isTop: Bool) {
        let block = HeaderParser.parse(buf, start: start, end: end, maxFields: limits.maxHeaderFields,
                                       allowEnvelope: isTop)
        for w in block.warnings { warn(w.code, w.detail) }
        var headers = block.headers
        for field in headers.fields { census(field.rawValue) }
        var contentType = defaultType
        if let raw = headers.rawValue("Content-Type") {
            var capped = false
            defer { if capped { capParameters("Content-Type") } }
            if let ct = ContentType.parse(raw, capped: &capped) {
                contentType = ct
            } else {
                warn("contentType.invalid", "unparsable Content-Type, using \(defaultType.mimeType)")
            }
        }
        headers.fallbackCharset = contentType.parameters["charset"].flatMap { $0.isEmpty ? nil : $0.lowercased() }
        if isTop { topHeaders = headers }
        let bodyStart = min(block.bodyStart, end)

        if contentType.isMultipart {
            // Trailing blanks are not part of a boundary (RFC 2046 bchars); Python strips them too.
            var boundary = contentType.parameters["boundary"].map { Array($0.utf8) } ?? []
            while let last = boundary.last, Bytes.isSpace(last) { boundary.removeLast() }
            if boundary.isEmpty {
                warn("multipart.noBoundary", "\(contentType.mimeType) without boundary read as text/plain")
                addLeaf(storage, headers: headers, contentType: .textPlain, body: bodyStart..<end, depth: depth)
                return
            }
            guard depth < limits.maxDepth else { return capDepth() }
            guard let split = MultipartParser.split(buf, start: bodyStart, end: end, boundary: boundary,
                                                    maxParts: limits.maxParts + 1) else {
                warn("multipart.noParts", "no boundary line found in \(contentType.mimeType); body read as text/plain")
                if (bodyStart..<end).allSatisfy({ Bytes.isSpace(buf[$0]) }) { return }
                addLeaf(storage, headers: headers, contentType: .textPlain, body: bodyStart..<end, depth: depth)
                return
            }
            if !split.terminated { warn("multipart.unterminated", "closing boundary missing") }
            let childDefault = contentType.subtype == "digest"
                ? ContentType(type: "message", subtype: "rfc822") : ContentType.textPlain
            for range in split.parts {
                if partsCapped { break }
                walk(storage, buf, start: range.lowerBound, end: range.upperBound, depth: depth + 1,
                     defaultType: childDefault, isTop: false)
            }
            return
        }

        // Like Python's email package, every message/* body except delivery-status is read as
        // an embedded message (rfc822, global, news, partial, external-body, ...).
        if contentType.type == "message", contentType.subtype != "delivery-status",
           contentType.subtype != "global-delivery-status" {
            guard depth < limits.maxDepth else { return capDepth() }
            let cte = headers.decoded("Content-Transfer-Encoding")
            switch TransferEncoding.kind(cte) {
            case .base64, .quotedPrintable, .uuencode:
                let inner = TransferEncoding.decode(storage[bodyStart..<end], encoding: cte)
                walk(inner, start: 0, end: inner.count, depth: depth + 1, defaultType: .textPlain, isTop: false)
            default:
                walk(storage, buf, start: bodyStart, end: end, depth: depth + 1, defaultType: .textPlain, isTop: false)
            }
            return
        }
        addLeaf(storage, headers: headers, contentType: contentType, body: bodyStart..<end, depth: depth)
    }

    /// Counts the encoded words of a header value whose charset is unknown (their text is
    /// read as UTF-8 or Windows-1252). Labels are looked up once per message, the first 64
    /// distinct ones; past that every new label counts as unknown (no mail names so many).
    private mutating func census(_ raw: [UInt8]) {
        EncodedWords.forEachCharset(in: raw[...]) { label in
            let known: Bool
            if let last = lastLabel, last.label == label {
                known = last.known
            } else if let hit = labelIsKnown[label] {
                known = hit
            } else if labelIsKnown.count < 64 {
                known = Charset.isKnown(Bytes.lowerString(label))
                labelIsKnown[label] = known
            } else {
                known = false
            }
            lastLabel = (label, known)
            if !known {
                unknownEncodedWords += 1
                if firstUnknownCharset == nil { firstUnknownCharset = String(decoding: label.prefix(64), as: UTF8.self) }
            }
        }
    }

    private mutating func capParameters(_ header: String) {
        warn("limit.parameters", "\(header) parameters past the limit of \(Parameters.maxParameters) ignored")
    }

    private mutating func capDepth() {
        if !depthCapped {
            depthCapped = true
            warn("limit.depth", "MIME nesting deeper than \(limits.maxDepth) ignored")
        }
    }

    private mutating func addLeaf(_ storage: [UInt8], headers: Headers, contentType: ContentType,
                                  body: Range<Int>, depth: Int) {
        guard parts.count < limits.maxParts else {
            if !partsCapped {
                partsCapped = true
                warn("limit.parts", "parts past the limit of \(limits.maxParts) ignored")
            }
            return
        }
        let (part, partWarnings) = LeafBuilder.build(headers: headers, contentType: contentType,
                                                     rawBody: storage[body], depth: depth)
        for w in partWarnings { warn(w.code, w.detail) }
        parts.append(part)
    }
}
