import MIME

/// What tagger reads in a message: decoded headers, the leaves of the MIME tree with their
/// text, link hosts and what went wrong. Built by `DocumentReader`; the input of `Featurizer`
/// and of `tagger features`.
public struct Document: Sendable {
    /// Decoded header values.
    public var headers: DocumentHeaders
    /// Parsed `From`, `To` and `Cc` addresses.
    public var from: [Address]
    public var to: [Address]
    public var cc: [Address]
    /// The leaves of the MIME tree, in order.
    public var parts: [DocumentPart]
    /// Lower-cased hosts of http(s) links in the body (HTML hrefs and plain-text URLs), unique,
    /// in order of first appearance.
    public var linkHosts: [String]
    /// `<img>` elements across HTML parts.
    public var imageCount: Int
    /// Size of the message in bytes (after decompression).
    public var byteCount: Int
    /// MIME and HTML warnings (`code: detail`).
    public var warnings: [String]

    /// Creates a document (tests and tools build them directly).
    public init(headers: DocumentHeaders = DocumentHeaders(), from: [Address] = [], to: [Address] = [],
                cc: [Address] = [], parts: [DocumentPart] = [], linkHosts: [String] = [],
                imageCount: Int = 0, byteCount: Int = 0, warnings: [String] = []) {
        self.headers = headers
        self.from = from
        self.to = to
        self.cc = cc
        self.parts = parts
        self.linkHosts = linkHosts
        self.imageCount = imageCount
        self.byteCount = byteCount
        self.warnings = warnings
    }

    /// The parts whose text makes up the body (see `DocumentPart.isBody`).
    public var bodyParts: [DocumentPart] { parts.filter(\.isBody) }

    /// True when the body has HTML text and no plain text.
    public var isHTMLOnly: Bool {
        var html = false
        for part in parts where part.isBody {
            if part.type == "text/plain" { return false }
            if part.type == "text/html" { html = true }
        }
        return html
    }

    /// Calls `body` with each of the first `limit` parts that pass `include`, without copying
    /// the part list (the featuriser's per-message path).
    func forEach(_ include: (DocumentPart) -> Bool, limit: Int, _ body: (DocumentPart) -> Void) {
        var seen = 0
        for part in parts where seen < limit && include(part) {
            body(part)
            seen += 1
        }
    }

    /// Parts that are attachments (see `DocumentPart.isAttachment`).
    public var attachments: [DocumentPart] { parts.filter(\.isAttachment) }
}

/// Header values of a message, fully decoded (RFC 2047) to Unicode; nil when absent.
/// Encodes with the snake_case keys of `tagger features --json`.
public struct DocumentHeaders: Sendable, Equatable, Codable {
    public var subject: String?
    public var from: String?
    public var to: String?
    public var cc: String?
    public var replyTo: String?
    public var date: String?
    public var messageID: String?
    public var inReplyTo: String?
    public var references: String?
    public var listID: String?
    public var listUnsubscribe: String?
    public var precedence: String?
    public var autoSubmitted: String?
    public var xMailer: String?
    public var returnPath: String?

    /// Creates headers; every value defaults to absent.
    public init(subject: String? = nil, from: String? = nil, to: String? = nil, cc: String? = nil,
                replyTo: String? = nil, date: String? = nil, messageID: String? = nil,
                inReplyTo: String? = nil, references: String? = nil, listID: String? = nil,
                listUnsubscribe: String? = nil, precedence: String? = nil,
                autoSubmitted: String? = nil, xMailer: String? = nil, returnPath: String? = nil) {
        self.subject = subject; self.from = from; self.to = to; self.cc = cc
        self.replyTo = replyTo; self.date = date; self.messageID = messageID
        self.inReplyTo = inReplyTo; self.references = references; self.listID = listID
        self.listUnsubscribe = listUnsubscribe; self.precedence = precedence
        self.autoSubmitted = autoSubmitted; self.xMailer = xMailer; self.returnPath = returnPath
    }

    private enum CodingKeys: String, CodingKey {
        case subject, from, to, cc, replyTo = "reply_to", date, messageID = "message_id"
        case inReplyTo = "in_reply_to", references, listID = "list_id"
        case listUnsubscribe = "list_unsubscribe", precedence, autoSubmitted = "auto_submitted"
        case xMailer = "x_mailer", returnPath = "return_path"
    }
}

/// One leaf of the MIME tree as tagger sees it.
public struct DocumentPart: Sendable, Equatable, Codable {
    /// `type/subtype`, lower-cased.
    public var type: String
    /// Declared charset, lower-cased, or nil.
    public var charset: String?
    /// Decoded file name, or nil.
    public var filename: String?
    /// `inline`, `attachment` or nil.
    public var disposition: String?
    /// Decoded text for `text/plain`, extracted text for `text/html`, nil for other parts.
    public var text: String?
    /// Whether this part's text is read as the message body. False for attachments and for
    /// the redundant half of a `text/plain` + `text/html` alternative pair.
    public var isBody: Bool
    /// Size of the part's body as it stands in the message (still transfer-encoded).
    public var byteCount: Int

    /// Creates a part; `isBody` defaults to true for text parts that are not attachments.
    public init(type: String, charset: String? = nil, filename: String? = nil, disposition: String? = nil,
                text: String? = nil, isBody: Bool? = nil, byteCount: Int = 0) {
        self.type = type
        self.charset = charset
        self.filename = filename
        self.disposition = disposition
        self.text = text
        self.byteCount = byteCount
        self.isBody = isBody ?? (text != nil && disposition != "attachment" && filename == nil)
    }

    /// True for parts that are not body text: declared attachments, named parts, non-text parts.
    public var isAttachment: Bool {
        disposition == "attachment" || filename != nil || !(type.hasPrefix("text/") || type.hasPrefix("multipart/"))
    }

    private enum CodingKeys: String, CodingKey {
        case type, charset, filename, disposition, text, isBody = "is_body", byteCount = "byte_count"
    }
}
