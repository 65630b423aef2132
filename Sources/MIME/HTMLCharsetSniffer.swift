/// Finds the charset an HTML document declares in a `<meta>` tag.
enum HTMLCharsetSniffer {
    /// Looks in the first 2 KB for `<meta charset=...>` or
    /// `<meta http-equiv=... content="...; charset=...">`; returns the lower-cased label.
    static func sniff(_ html: ArraySlice<UInt8>) -> String? {
        let head = html.prefix(2048).map(Bytes.lower)
        var i = 0
        while let meta = find(Array("<meta".utf8), in: head, from: i) {
            let close = head[meta...].firstIndex(of: 0x3E) ?? head.count
            if let cs = find(Array("charset".utf8), in: head, from: meta), cs < close {
                var j = cs + 7
                while j < close, Bytes.isSpace(head[j]) { j += 1 }
                if j < close, head[j] == Bytes.equals {
                    j += 1
                    while j < close, Bytes.isSpace(head[j]) || head[j] == Bytes.quote || head[j] == 0x27 { j += 1 }
                    let s = j
                    while j < close, isLabelByte(head[j]) { j += 1 }
                    if j > s { return String(decoding: head[s..<j], as: UTF8.self) }
                }
            }
            i = meta + 5
        }
        return nil
    }

    private static func isLabelByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || b == Bytes.dash || b == 0x5F || b == 0x2E || b == Bytes.colon
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0], hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
