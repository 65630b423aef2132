import CLibXML2

/// Turns HTML mail bodies into plain text, links and a few counts, using libxml2's forgiving
/// HTML parser. Safe to call from several threads at once.
public enum HTMLExtractor {
    /// Extracts text and links from HTML source.
    ///
    /// Never throws: broken HTML is recovered as well as libxml2 can, and input past `maxBytes`
    /// is cut (at a UTF-8 character boundary) with an `html.truncated` warning.
    public static func extract(_ html: String, maxBytes: Int) -> HTMLExtraction {
        var html = html
        return html.withUTF8 { extract(utf8: $0, maxBytes: maxBytes, condense: true) }
    }

    /// Extracts text and links from HTML bytes (see `extract(_:maxBytes:)`). The bytes may be
    /// invalid UTF-8 (libxml2 passes stray bytes through), so they go to libxml2 as they are:
    /// the condenser's guarantee rests on valid UTF-8, which a String always is.
    public static func extract(utf8 bytes: UnsafeBufferPointer<UInt8>, maxBytes: Int) -> HTMLExtraction {
        extract(utf8: bytes, maxBytes: maxBytes, condense: false)
    }

    /// `condense: true` hands libxml2 the `HTMLCondenser` form of valid UTF-8 `bytes` when there
    /// is one; `false` the bytes as they are (tests compare the two).
    static func extract(utf8 bytes: UnsafeBufferPointer<UInt8>, maxBytes: Int, condense: Bool) -> HTMLExtraction {
        var warnings: [String] = []
        var count = bytes.count
        if count > maxBytes {
            count = max(0, maxBytes)
            while count > 0, bytes[count] & 0xC0 == 0x80 { count -= 1 }
            warnings.append("html.truncated: HTML cut at \(count) of \(bytes.count) bytes")
        }
        let input = UnsafeBufferPointer(rebasing: bytes[0..<count])
        var collector = TextCollector(capacity: count / 2)
        guard count > 0, parse(input, condense: condense, into: &collector) else {
            if input.contains(where: { $0 > 0x20 }) {
                warnings.append("html.unparsed: libxml2 produced no document")
            }
            return HTMLExtraction(warnings: warnings)
        }
        var result = collector.result()
        result.warnings = warnings
        return result
    }

    /// Runs libxml2 over the condensed form of `input` when `HTMLCondenser` can make one, else
    /// over `input` itself.
    private static func parse(_ input: UnsafeBufferPointer<UInt8>, condense: Bool,
                              into collector: inout TextCollector) -> Bool {
        guard condense else { return SAXParse.run(input, into: &collector) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: input.count) { buffer in
            guard let count = HTMLCondenser.condense(input, into: buffer.baseAddress!), count > 0 else {
                return SAXParse.run(input, into: &collector)
            }
            return SAXParse.run(UnsafeBufferPointer(rebasing: buffer[0..<count]), into: &collector)
        }
    }
}
