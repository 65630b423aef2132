/// One header field as it appeared: name as written, value unfolded but not decoded.
public struct HeaderField: Sendable, Equatable {
    /// The field name as written (case preserved).
    public var name: String
    /// The unfolded value bytes (CRLF/LF + WSP removed), still RFC 2047-encoded, raw charset.
    public var rawValue: [UInt8]
    public init(name: String, rawValue: [UInt8]) { self.name = name; self.rawValue = rawValue }
}

/// The header block of a message or body part, in order, duplicates kept.
public struct Headers: Sendable, Equatable {
    public var fields: [HeaderField]
    /// The charset used for raw 8-bit header bytes that are not valid UTF-8 (set by the parser
    /// from the entity's Content-Type charset; Windows-1252 when nil).
    public var fallbackCharset: String?
    public init(fields: [HeaderField] = []) { self.fields = fields }
    /// Headers with a charset for raw 8-bit bytes.
    public init(fields: [HeaderField], fallbackCharset: String?) {
        self.fields = fields; self.fallbackCharset = fallbackCharset
    }

    /// The first field named `name` (case-insensitive), undecoded.
    public func rawValue(_ name: String) -> [UInt8]? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.rawValue
    }

    /// The first field named `name`, fully decoded (RFC 2047 words, 8-bit junk made readable).
    public func decoded(_ name: String) -> String? {
        rawValue(name).map { EncodedWords.decode($0[...], fallbackCharset: fallbackCharset) }
    }

    /// Every field named `name`, decoded, in order.
    public func allDecoded(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map {
            EncodedWords.decode($0.rawValue[...], fallbackCharset: fallbackCharset)
        }
    }

    /// How many fields are named `name`.
    public func count(_ name: String) -> Int {
        fields.reduce(0) { $0 + ($1.name.caseInsensitiveEquals(name) ? 1 : 0) }
    }
}

extension String {
    @inlinable func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) where x != y {
            let lx = (x >= 65 && x <= 90) ? x | 0x20 : x
            let ly = (y >= 65 && y <= 90) ? y | 0x20 : y
            if lx != ly { return false }
        }
        return true
    }
}

/// A parsed Content-Type: lower-cased type and subtype, decoded parameters (RFC 2231 joined).
public struct ContentType: Sendable, Equatable {
    public var type: String
    public var subtype: String
    /// Parameter names lower-cased; values unquoted and RFC 2231/2047-decoded.
    public var parameters: [String: String]
    public init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type; self.subtype = subtype; self.parameters = parameters
    }
    /// `type/subtype`, e.g. `text/plain`.
    public var mimeType: String { "\(type)/\(subtype)" }
    /// The default for a part without a Content-Type header.
    public static let textPlain = ContentType(type: "text", subtype: "plain", parameters: [:])
}

/// A leaf of the MIME tree.
public struct Part: Sendable {
    public var headers: Headers
    public var contentType: ContentType
    /// The declared charset, lower-cased (nil when none was declared).
    public var charset: String?
    /// The file name (Content-Disposition `filename`, else Content-Type `name`), decoded.
    public var filename: String?
    /// `inline`, `attachment`, or nil.
    public var disposition: String?
    /// `7bit`, `8bit`, `binary`, `base64`, `quoted-printable` (lower-cased), or nil.
    public var transferEncoding: String?
    /// The body still transfer-encoded, as it stands in the message.
    public var rawBody: ArraySlice<UInt8>
    /// For `text/*` parts: the body transfer-decoded and converted to Unicode from its charset
    /// (for `text/html`, the HTML source). Nil for other parts.
    public var text: String?
    /// Nesting depth (0 = the message's own body).
    public var depth: Int

    public init(headers: Headers, contentType: ContentType, charset: String?, filename: String?,
                disposition: String?, transferEncoding: String?, rawBody: ArraySlice<UInt8>,
                text: String?, depth: Int) {
        self.headers = headers; self.contentType = contentType; self.charset = charset
        self.filename = filename; self.disposition = disposition
        self.transferEncoding = transferEncoding; self.rawBody = rawBody; self.text = text
        self.depth = depth
    }

    /// The body with its transfer encoding undone (base64 / quoted-printable decoded).
    public func decodedBody() -> [UInt8] {
        TransferEncoding.decode(rawBody, encoding: transferEncoding)
    }
}

/// A parsed message: top-level headers, the leaves of its MIME tree in order, and what went wrong.
public struct Message: Sendable {
    public var headers: Headers
    public var parts: [Part]
    public var warnings: [ParseWarning]
    /// Size of the message as read (after decompression).
    public var byteCount: Int
    /// True when the file was gzip/zlib-compressed (Dovecot maildir compression).
    public var wasCompressed: Bool
    public init(headers: Headers, parts: [Part], warnings: [ParseWarning], byteCount: Int, wasCompressed: Bool) {
        self.headers = headers; self.parts = parts; self.warnings = warnings
        self.byteCount = byteCount; self.wasCompressed = wasCompressed
    }
}

/// An address from From/To/Cc: display name (decoded) and `local@domain`.
public struct Address: Sendable, Equatable {
    public var name: String?
    public var email: String
    public init(name: String?, email: String) { self.name = name; self.email = email }
    /// The lower-cased domain part, or nil when there is no `@`.
    public var domain: String? {
        let utf8 = email.utf8
        guard let at = utf8.lastIndex(of: 0x40) else { return nil }
        let rest = utf8[utf8.index(after: at)...]
        let domain = Substring(rest)
        if !rest.contains(where: { $0 >= 0x80 || $0 &- 0x41 < 26 }) { return String(domain) }   // lower-case ASCII already
        return domain.lowercased()
    }
}
