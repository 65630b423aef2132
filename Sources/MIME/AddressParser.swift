/// Address-list parsing (From, To, Cc).
public enum AddressParser {
    /// Parses an RFC 5322 address list, best effort: `Name <a@b>`, `"Quoted, Name" <a@b>`,
    /// bare `a@b`, `a@b (Comment Name)`, groups `team: a@b, c@d;`, obsolete routes
    /// `<@relay:a@b>`, and RFC 2047 display names (raw or already decoded). Garbage yields
    /// whatever addresses can be recognised; never fails.
    public static func parseList(_ value: String) -> [Address] {
        // Text is gathered as scalar arrays and made into Strings once per piece (appending
        // scalar by scalar to a String was the cost here); the scalar sequences are the same.
        var result: [Address] = []
        var phrase: [Unicode.Scalar] = []
        var comment: String?
        var angle: String?
        var sawQuoted = false
        var chars = Array(value.unicodeScalars)[...]

        func flush() {
            defer { phrase.removeAll(keepingCapacity: true); comment = nil; angle = nil; sawQuoted = false }
            let words = collapse(string(phrase))
            if let angle {
                let email = stripRoute(collapse(angle).replacingSpaces())
                guard !email.isEmpty else { return }
                let name = words.isEmpty ? comment.map(collapse) : words
                result.append(Address(name: decodeName(name), email: email))
            } else if !words.isEmpty, !sawQuoted || words.contains("@") {
                let email = words.replacingSpaces()
                guard email.contains("@") || !words.contains(" ") else { return }
                result.append(Address(name: decodeName(comment.map(collapse)), email: email))
            }
        }

        while let c = chars.popFirst() {
            switch c {
            case "\"":
                sawQuoted = true
                while let d = chars.popFirst(), d != "\"" {
                    if d == "\\", let e = chars.popFirst() { phrase.append(e) } else { phrase.append(d) }
                }
            case "(":
                var depth = 1
                var text: [Unicode.Scalar] = []
                while let d = chars.popFirst() {
                    if d == "\\", let e = chars.popFirst() { text.append(e); continue }
                    if d == "(" { depth += 1 } else if d == ")" { depth -= 1; if depth == 0 { break } }
                    text.append(d)
                }
                if comment == nil {
                    let t = string(text)
                    if !collapse(t).isEmpty { comment = t }
                }
                phrase.append(" ")
            case "<":
                var a: [Unicode.Scalar] = []
                var depth = 0
                while let d = chars.popFirst(), depth > 0 || d != ">" {
                    if d == "(" { depth += 1 } else if d == ")" { depth = max(0, depth - 1) } else if depth == 0 {
                        a.append(d)
                    }
                }
                angle = string(a)
            case ":" where angle == nil && !string(phrase).contains("@"):
                phrase.removeAll(keepingCapacity: true); comment = nil; sawQuoted = false  // group name
            case ";":
                flush()
            case ",":
                flush()
            default:
                phrase.append(c)
            }
        }
        flush()
        return result
    }

    /// A String of the given scalars.
    private static func string(_ scalars: [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    private static func decodeName(_ name: String?) -> String? {
        guard var n = name, !n.isEmpty else { return nil }
        if n.contains("=?") { n = collapse(EncodedWords.decode(Array(n.utf8))) }
        return n.isEmpty ? nil : n
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

    /// `collapse` for all-ASCII text (where characters are scalars and the only whitespace is
    /// tab, LF, VT, FF, CR and space), without Unicode property lookups; nil for other text.
    private static func collapseASCII(_ s: String) -> String? {
        var s = s
        return s.withUTF8 { bytes -> String? in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            for b in bytes {
                if b >= 0x80 { return nil }
                if isASCIIWhitespace(b) {
                    pendingSpace = !out.isEmpty
                } else {
                    if pendingSpace { out.append(0x20); pendingSpace = false }
                    out.append(b)
                }
            }
            return String(decoding: out, as: UTF8.self)
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
