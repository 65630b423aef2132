import ZlibSupport

/// Parses raw message bytes (plain, gzip or zlib) into headers and leaf parts. Never throws.
public enum MessageParser {
    /// Parses `bytes` into top-level headers, the leaves of the MIME tree in order, and the
    /// warnings met on the way. Compressed input (gzip or zlib magic) is inflated first, up to
    /// `limits.maxDecompressedBytes`. Past any limit, what was read so far is kept and a
    /// `ParseWarning` says what was cut. Never crashes, never throws.
    public static func parse(_ bytes: [UInt8], limits: ParseLimits = ParseLimits()) -> Message {
        var input = bytes
        var warnings: [ParseWarning] = []
        var compressed = false
        if Zlib.isGzip(bytes) || Zlib.isZlib(bytes) {
            do {
                let inflated = try Zlib.inflate(bytes, maxOutput: max(0, limits.maxDecompressedBytes))
                // Two bytes of plain text can pass for a zlib header (`x^`, `XG`, `8O`, ...):
                // a zlib stream is trusted only when it decodes without damage into mail.
                let trusted = Zlib.isGzip(bytes) || (inflated.damage == nil && looksLikeMail(inflated.bytes))
                if trusted {
                    input = inflated.bytes
                    compressed = true
                    if inflated.capped {
                        warnings.append(ParseWarning(code: "limit.decompressed",
                                                     detail: "decompressed message cut at \(limits.maxDecompressedBytes) bytes"))
                    }
                    if inflated.truncated {
                        warnings.append(ParseWarning(code: "compression.truncated", detail: "compressed data ends early"))
                    }
                    switch inflated.damage {
                    case .checksum?:
                        warnings.append(ParseWarning(code: "compression.checksum",
                                                     detail: "the decompressed message fails its checksum (CRC): it was damaged"))
                    case let damage?:
                        warnings.append(ParseWarning(code: "compression.corrupt",
                                                     detail: "\(damage.description) after \(inflated.bytes.count) bytes"))
                    case nil:
                        break
                    }
                }
            } catch {
                // A zlib header can be a coincidence in plain text; gzip magic cannot.
                if Zlib.isGzip(bytes) {
                    warnings.append(ParseWarning(code: "compression.corrupt", detail: error.description))
                }
            }
        }
        if input.count > limits.maxMessageBytes {
            warnings.append(ParseWarning(code: "limit.messageBytes",
                                         detail: "message cut at \(limits.maxMessageBytes) of \(input.count) bytes"))
            input = Array(input[0..<max(0, limits.maxMessageBytes)])
        }
        // A UTF-8 byte-order mark before the first header (some exporters write one) is skipped.
        let start = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var walker = EntityWalker(limits: limits)
        walker.walk(input, start: start, end: input.count, depth: 0, defaultType: .textPlain, isTop: true)
        if walker.topHeaders.fallbackCharset == nil {
            // A multipart message declares its charset on the parts (or in an HTML body's
            // <meta> tag): 8-bit header bytes were most likely written in the same one.
            walker.topHeaders.fallbackCharset = walker.parts.lazy.compactMap(\.charset).first
                ?? walker.parts.lazy.compactMap(sniffedCharset).first
        }
        if walker.unknownEncodedWords > 0 {
            warnings.append(ParseWarning(code: "charset.unknown",
                                         detail: "\(walker.unknownEncodedWords) encoded words in header fields in unknown charsets (first: \(walker.firstUnknownCharset ?? "")), read as UTF-8 or Windows-1252"))
        }
        if walker.topHeaders.fields.isEmpty, input.prefix(1024).contains(0) {
            warnings.append(ParseWarning(code: "message.binary", detail: "no header fields and NUL bytes: not an RFC 5322 message"))
        }
        return Message(headers: walker.topHeaders, parts: walker.parts, warnings: warnings + walker.warnings,
                       byteCount: input.count, wasCompressed: compressed)
    }

    /// Whether `bytes` are a compressed message: gzip, or a zlib stream whose first 4 KB
    /// decode without damage into something that starts like mail (see `looksLikeMail`).
    public static func isCompressedMessage(_ bytes: [UInt8]) -> Bool {
        if Zlib.isGzip(bytes) { return true }
        guard Zlib.isZlib(bytes), let head = try? Zlib.inflate(bytes, maxOutput: 4096) else { return false }
        return head.damage == nil && looksLikeMail(head.bytes)
    }

    /// Whether `bytes` start like a mail message: a header field (a name of printable ASCII
    /// then `:`) or an mbox `From ` line, after an optional UTF-8 byte-order mark, with no NUL
    /// byte in the first kilobyte.
    static func looksLikeMail(_ bytes: [UInt8]) -> Bool {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let head = bytes[start..<min(bytes.count, start + 1024)]
        guard !head.isEmpty, !head.contains(0) else { return false }
        if head.starts(with: "From ".utf8) { return true }
        var i = head.startIndex
        while i < head.endIndex, head[i] > 0x20, head[i] < 0x7F, head[i] != Bytes.colon { i += 1 }
        while i < head.endIndex, Bytes.isWSP(head[i]) { i += 1 }
        return i > head.startIndex && i < head.endIndex && head[i] == Bytes.colon
    }

    /// The charset a `text/html` part declares in a `<meta>` tag (read from its first 4 KB).
    private static func sniffedCharset(_ part: Part) -> String? {
        guard part.contentType.mimeType == "text/html" else { return nil }
        let head = TransferEncoding.decode(part.rawBody.prefix(4096), encoding: part.transferEncoding)
        return HTMLCharsetSniffer.sniff(head[...])
    }
}
