#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RFC 2047 encoded-word decoding of raw header values.
public enum EncodedWords {
    private enum Segment {
        case literal(ArraySlice<UInt8>)
        case encoded(charset: String, bytes: [UInt8])
    }

    /// Decodes a raw (unfolded) header value: `=?charset?B|Q?text?=` words are decoded from
    /// their charset (a `*lang` suffix is ignored), whitespace between adjacent encoded words is
    /// dropped, the bytes of adjacent words in the same charset are joined before conversion (so a
    /// character split across words survives), and malformed words stay as written. Bytes outside
    /// encoded words are read as UTF-8 when valid, else Windows-1252.
    public static func decode(_ raw: [UInt8]) -> String {
        decode(raw[...])
    }

    /// Same as `decode(_:)` on a slice.
    public static func decode(_ raw: ArraySlice<UInt8>) -> String {
        decode(raw, fallbackCharset: nil)
    }

    /// Same as `decode(_:)`, but bytes outside encoded words that are not valid UTF-8 are read
    /// in `fallbackCharset` (e.g. the message's declared charset) instead of Windows-1252.
    public static func decode(_ raw: ArraySlice<UInt8>, fallbackCharset: String?) -> String {
        guard containsMarker(raw) else { return literal(raw, fallbackCharset) }
        let segments = split(raw)
        var out = ""
        var i = 0
        while i < segments.count {
            switch segments[i] {
            case .literal(let bytes):
                // Whitespace only between two encoded words disappears.
                if i > 0, i + 1 < segments.count, case .encoded = segments[i - 1], case .encoded = segments[i + 1],
                   bytes.allSatisfy(Bytes.isSpace) {
                    i += 1
                    continue
                }
                out += literal(bytes, fallbackCharset)
                i += 1
            case .encoded(let charset, var bytes):
                // Join following words in the same charset (skipping whitespace between them).
                var j = i + 1
                while j < segments.count {
                    var k = j
                    if case .literal(let ws) = segments[k], ws.allSatisfy(Bytes.isSpace) { k += 1 }
                    guard k < segments.count, case .encoded(let cs2, let b2) = segments[k],
                          cs2 == charset else { break }
                    bytes += b2
                    j = k + 1
                }
                out += Charset.decode(bytes[...], label: charset).text
                i = j
            }
        }
        return out
    }

    private static func literal(_ bytes: ArraySlice<UInt8>, _ fallback: String?) -> String {
        guard let fallback, !Bytes.isASCII(bytes), SingleByte.validUTF8(bytes) == nil else {
            return SingleByte.utf8OrWindows1252(bytes)
        }
        switch CharsetAliases.kind(for: fallback) {
        case .unknown, .utf8, .ascii: return SingleByte.windows1252(bytes)
        default: return Charset.decode(bytes, label: fallback).text
        }
    }

    /// Calls `body` with the charset label (bytes, `*lang` suffix removed) of each encoded
    /// word of `raw`, without decoding the words.
    static func forEachCharset(in raw: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>) -> Void) {
        // Most header values have no encoded word: look for `=?` at each `?` (memchr), not
        // byte by byte.
        let found = raw.withUnsafeBufferPointer { buf -> Bool in
            guard let base = buf.baseAddress, buf.count >= 2 else { return false }
            var i = 1
            while i < buf.count, let q = memchr(base + i, 0x3F, buf.count - i) {
                let at = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
                if base[at - 1] == 0x3D { return true }
                i = at + 1
            }
            return false
        }
        guard found else { return }
        let end = raw.endIndex
        var i = raw.startIndex
        while i + 1 < end {
            guard raw[i] == Bytes.equals, raw[i + 1] == Bytes.question else { i += 1; continue }
            var j = i + 2
            let csStart = j
            while j < end, raw[j] != Bytes.question, !Bytes.isSpace(raw[j]), raw[j] != Bytes.equals { j += 1 }
            guard j < end, raw[j] == Bytes.question, j > csStart, j + 2 < end, raw[j + 2] == Bytes.question,
                  Bytes.lower(raw[j + 1]) == 0x62 || Bytes.lower(raw[j + 1]) == 0x71 else { i += 1; continue }
            var k = j + 3
            while k + 1 < end, !(raw[k] == Bytes.question && raw[k + 1] == Bytes.equals) { k += 1 }
            guard k + 1 < end else { return }
            var charset = raw[csStart..<j]
            if let star = charset.firstIndex(of: 0x2A) { charset = charset[..<star] }
            body(charset)
            i = k + 2
        }
    }

    private static func containsMarker(_ raw: ArraySlice<UInt8>) -> Bool {
        var prev: UInt8 = 0
        for b in raw {
            if prev == Bytes.equals && b == Bytes.question { return true }
            prev = b
        }
        return false
    }

    private static func split(_ raw: ArraySlice<UInt8>) -> [Segment] {
        var segments: [Segment] = []
        var literalStart = raw.startIndex
        var i = raw.startIndex
        let end = raw.endIndex
        while i + 1 < end {
            if raw[i] == Bytes.equals && raw[i + 1] == Bytes.question,
               let (word, next) = parseWord(raw, at: i) {
                if literalStart < i { segments.append(.literal(raw[literalStart..<i])) }
                segments.append(word)
                i = next
                literalStart = next
            } else {
                i += 1
            }
        }
        if literalStart < end { segments.append(.literal(raw[literalStart..<end])) }
        return segments
    }

    /// Parses `=?charset?E?text?=` at `start`; returns the segment and the index after it.
    private static func parseWord(_ raw: ArraySlice<UInt8>, at start: Int) -> (Segment, Int)? {
        let end = raw.endIndex
        var i = start + 2
        let csStart = i
        while i < end, raw[i] != Bytes.question {
            if Bytes.isSpace(raw[i]) || raw[i] == Bytes.equals { return nil }
            i += 1
        }
        guard i < end, i > csStart, i + 2 < end, raw[i + 2] == Bytes.question else { return nil }
        let encoding = Bytes.lower(raw[i + 1])
        guard encoding == 0x62 || encoding == 0x71 else { return nil } // b, q
        var charset = raw[csStart..<i]
        if let star = charset.firstIndex(of: 0x2A) { charset = charset[..<star] }
        let textStart = i + 3
        var j = textStart
        while j + 1 < end, !(raw[j] == Bytes.question && raw[j + 1] == Bytes.equals) { j += 1 }
        guard j + 1 < end else { return nil }
        let text = raw[textStart..<j]
        let bytes = encoding == 0x62 ? Base64.decode(text) : QuotedPrintable.decodeQ(text)
        return (.encoded(charset: Bytes.lowerString(charset), bytes: bytes), j + 2)
    }
}
