/// Charset conversion to Unicode (iconv for multi-byte and regional charsets), with fallback.
public enum Charset {
    /// Decodes `bytes` labelled `label`; unknown/wrong labels fall back (valid UTF-8 stays, else
    /// Windows-1252) and return a warning. Never fails: invalid bytes become U+FFFD.
    ///
    /// A nil label means "not declared": ASCII, else UTF-8 when valid, else Windows-1252.
    public static func decode(_ bytes: ArraySlice<UInt8>, label: String?) -> (text: String, warning: ParseWarning?) {
        if Bytes.isASCII(bytes) {
            // Every ASCII-compatible charset agrees here. UTF-16/32 and UTF-7 do not.
            if let label, case .iconv(let name) = CharsetAliases.kind(for: label),
               name.hasPrefix("UTF-") || name.hasPrefix("UCS") || name.hasPrefix("ISO-2022") || name == "HZ" {
                return iconvDecode(bytes, name: name, label: label)
            }
            return (String(decoding: bytes, as: UTF8.self), nil)
        }
        guard let label else { return (SingleByte.utf8OrWindows1252(bytes), nil) }
        let kind = CharsetAliases.kind(for: label)
        // Non-ASCII text that is valid UTF-8 is UTF-8 whatever the label says: legacy charsets
        // almost never form valid multi-byte UTF-8 sequences by chance, mislabelled mail often does.
        if kind != .utf8, kind != .unknown, kind != .ascii, let s = SingleByte.validUTF8(bytes) {
            return (s, ParseWarning(code: "charset.mislabelled", detail: "text labelled \(label) is UTF-8"))
        }
        switch kind {
        case .utf8:
            if let s = SingleByte.validUTF8(bytes) { return (s, nil) }
            return (String(decoding: bytes, as: UTF8.self),
                    ParseWarning(code: "charset.invalid", detail: "invalid bytes for charset \(label)"))
        case .ascii:
            return (SingleByte.utf8OrWindows1252(bytes),
                    ParseWarning(code: "charset.invalid", detail: "8-bit bytes in \(label) text"))
        case .latin1:
            return (SingleByte.latin1(bytes), nil)
        case .windows1252:
            return (SingleByte.windows1252(bytes), nil)
        case .iconv(let name):
            return iconvDecode(bytes, name: name, label: label)
        case .unknown:
            return (SingleByte.utf8OrWindows1252(bytes),
                    ParseWarning(code: "charset.unknown", detail: "unknown charset \(label)"))
        }
    }

    /// Whether text labelled `label` is decoded from that charset (false: the label names no
    /// charset tagger knows, and the text is read as UTF-8 or Windows-1252 instead).
    static func isKnown(_ label: String) -> Bool {
        switch CharsetAliases.kind(for: label) {
        case .unknown: return false
        case .iconv(let name): return Iconv.supports(name)
        default: return true
        }
    }

    private static func iconvDecode(_ bytes: ArraySlice<UInt8>, name: String, label: String) -> (text: String, warning: ParseWarning?) {
        guard let (text, invalid) = Iconv.convert(bytes, from: name) else {
            return (SingleByte.utf8OrWindows1252(bytes),
                    ParseWarning(code: "charset.unknown", detail: "unknown charset \(label)"))
        }
        return (text, invalid ? ParseWarning(code: "charset.invalid", detail: "invalid bytes for charset \(label)") : nil)
    }
}
