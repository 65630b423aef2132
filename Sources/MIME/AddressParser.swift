/// Address-list parsing (From, To, Cc).
public enum AddressParser {
    /// Parses an RFC 5322 address list, best effort: `Name <a@b>`, `"Quoted, Name" <a@b>`,
    /// bare `a@b`, `a@b (Comment Name)`, groups `team: a@b, c@d;`, obsolete routes
    /// `<@relay:a@b>`, and RFC 2047 display names (raw or already decoded). Garbage yields
    /// whatever addresses can be recognised; never fails.
    public static func parseList(_ value: String) -> [Address] {
        var value = value
        return value.withUTF8 { parseList(utf8: $0) }
    }

    /// `parseList` over the UTF-8 bytes of a (valid UTF-8) header value. Every delimiter is
    /// ASCII, so multi-byte characters pass through as opaque bytes and pieces split only at
    /// ASCII bytes stay valid UTF-8; a String is made once per piece.
    static func parseList(utf8 chars: UnsafeBufferPointer<UInt8>) -> [Address] {
        var result: [Address] = []
        var phrase: [UInt8] = []
        var comment: [UInt8]?
        var angle: [UInt8]?
        var sawQuoted = false
        var i = 0
        let n = chars.count

        func flush() {
            defer { phrase.removeAll(keepingCapacity: true); comment = nil; angle = nil; sawQuoted = false }
            let words = collapse(phrase)
            if let angle {
                let email = stripRoute(collapse(angle).replacingSpaces())
                guard !email.isEmpty else { return }
                let name = words.isEmpty ? comment.map(collapse) : words
                result.append(Address(name: decodeName(name), email: email))
            } else if !words.isEmpty, !sawQuoted || words.utf8.contains(0x40) {
                let email = words.replacingSpaces()
                guard email.utf8.contains(0x40) || !words.utf8.contains(0x20) else { return }
                result.append(Address(name: decodeName(comment.map(collapse)), email: email))
            }
        }

        while i < n {
            let c = chars[i]
            i += 1
            switch c {
            case 0x22:  // '"': a quoted string, backslash escapes
                sawQuoted = true
                while i < n {
                    let d = chars[i]
                    i += 1
                    if d == 0x22 { break }
                    if d == 0x5C, i < n { phrase.append(chars[i]); i += 1 } else { phrase.append(d) }
                }
            case 0x28:  // '(': a comment, nested, backslash escapes
                var depth = 1
                var text: [UInt8] = []
                while i < n {
                    let d = chars[i]
                    i += 1
                    if d == 0x5C, i < n { text.append(chars[i]); i += 1; continue }
                    if d == 0x28 { depth += 1 } else if d == 0x29 { depth -= 1; if depth == 0 { break } }
                    text.append(d)
                }
                if comment == nil, !collapse(text).isEmpty { comment = text }
                phrase.append(0x20)
            case 0x3C:  // '<': an angle address; comments inside it are dropped
                var a: [UInt8] = []
                var depth = 0
                while i < n {
                    let d = chars[i]
                    i += 1
                    if depth == 0, d == 0x3E { break }
                    if d == 0x28 { depth += 1 } else if d == 0x29 { depth = max(0, depth - 1) } else if depth == 0 {
                        a.append(d)
                    }
                }
                angle = a
            case 0x3A where angle == nil && !phrase.contains(0x40):  // ':' ends a group name
                phrase.removeAll(keepingCapacity: true); comment = nil; sawQuoted = false
            case 0x3B, 0x2C:  // ';' and ','
                flush()
            default:
                phrase.append(c)
            }
        }
        flush()
        return result
    }

    private static func decodeName(_ name: String?) -> String? {
        guard var n = name, !n.isEmpty else { return nil }
        if containsEncodedWordStart(n) { n = collapse(EncodedWords.decode(Array(n.utf8))) }
        return n.isEmpty ? nil : n
    }

    /// Whether `s` contains `=?` (a byte search; `String.contains(String)` walks graphemes).
    private static func containsEncodedWordStart(_ s: String) -> Bool {
        var previous: UInt8 = 0
        for b in s.utf8 {
            if previous == 0x3D, b == 0x3F { return true }
            previous = b
        }
        return false
    }

    /// Removes an obsolete source route (`@a,@b:`) before the address.
    private static func stripRoute(_ s: String) -> String {
        guard s.hasPrefix("@"), let colon = s.firstIndex(of: ":") else { return s }
        return String(s[s.index(after: colon)...])
    }

    /// Whitespace runs collapsed to one space, ends trimmed.
    static func collapse(_ s: String) -> String {
        if let ascii = collapseASCII(s) { return ascii }
        return s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// `collapse` of the String these UTF-8 bytes spell.
    static func collapse(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { b in
            if let ascii = collapseASCII(b) { return ascii }
            return collapse(String(decoding: b, as: UTF8.self))
        }
    }

    /// `collapse` for all-ASCII text (where characters are scalars and the only whitespace is
    /// tab, LF, VT, FF, CR and space), without Unicode property lookups; nil for other text.
    private static func collapseASCII(_ s: String) -> String? {
        var s = s
        return s.withUTF8 { collapseASCII($0) }
    }

    private static func collapseASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count + 1) { out -> String? in
            var count = 0
            var pendingSpace = false
            for b in bytes {
                if b >= 0x80 { return nil }
                if isASCIIWhitespace(b) {
                    pendingSpace = count > 0
                } else {
                    if pendingSpace { out[count] = 0x20; count += 1; pendingSpace = false }
                    out[count] = b
                    count += 1
                }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: out[0..<count]), as: UTF8.self)
        }
    }

    @inline(__always)
    fileprivate static func isASCIIWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }
}

extension String {
    fileprivate func replacingSpaces() -> String {
        var copy = self
        let ascii = copy.withUTF8 { bytes -> String? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            guard bytes.contains(where: AddressParser.isASCIIWhitespace) else { return self }
            return String(decoding: bytes.filter { !AddressParser.isASCIIWhitespace($0) }, as: UTF8.self)
        }
        if let ascii { return ascii }
        return String(unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }
}
