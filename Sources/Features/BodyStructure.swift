/// Where the writer's own words end in a body text, and how much included material follows.
///
/// Replies and forwards carry other people's mail below the writer's text: quoted lines
/// (`> ...`), `-----Original Message-----` separators, `Forwarded by ...` banners, `On ... wrote:`
/// attributions and the `From:`/`To:` header blocks that mail clients paste above included
/// messages. The first such line ends the writer's own text.
struct BodyStructure {
    /// Byte offset where the writer's own text ends (the whole text when nothing is included).
    var ownEnd: Int
    /// Lines that start included material (separators, banners, attributions, `From:` lines).
    var markers: Int
    /// Lines quoted with `>`.
    var quotedLines: Int

    /// Scans `text` line by line (ASCII case-insensitive; other bytes never match).
    init(_ text: UnsafeBufferPointer<UInt8>) {
        ownEnd = text.count
        markers = 0
        quotedLines = 0
        var start = 0
        let n = text.count
        while start < n {
            var end = start
            while end < n && text[end] != 0x0A { end += 1 }
            let kind = Self.classify(text, start, end)
            if kind != .plain {
                if ownEnd == n { ownEnd = start }
                if kind == .quoted { quotedLines += 1 } else { markers += 1 }
            }
            start = end + 1
        }
    }

    private enum LineKind { case plain, quoted, marker }

    private static func classify(_ t: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> LineKind {
        var s = from
        while s < to && (t[s] == 0x20 || t[s] == 0x09) { s += 1 }
        var e = to
        while e > s && (t[e - 1] == 0x20 || t[e - 1] == 0x09 || t[e - 1] == 0x0D) { e -= 1 }
        guard s < e else { return .plain }
        if t[s] == UInt8(ascii: ">") { return .quoted }
        if hasPrefix(t, s, e, "from:") { return .marker }
        if hasSuffix(t, s, e, "wrote:") || hasSuffix(t, s, e, "writes:") { return .marker }
        guard e - s >= 12 else { return .plain }
        let dashed = t[s] == UInt8(ascii: "-") || t[s] == UInt8(ascii: "_") || t[s] == UInt8(ascii: "=")
        if dashed && (contains(t, s, e, "original message") || contains(t, s, e, "forwarded")
                      || contains(t, s, e, "reply separator")) {
            return .marker
        }
        if contains(t, s, e, "forwarded by") || contains(t, s, e, "begin forwarded message") { return .marker }
        return .plain
    }

    private static func lower(_ b: UInt8) -> UInt8 { b &- 0x41 < 26 ? b | 0x20 : b }

    private static func hasPrefix(_ t: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ p: StaticString) -> Bool {
        let n = p.utf8CodeUnitCount
        guard e - s >= n else { return false }
        for k in 0..<n where lower(t[s + k]) != p.utf8Start[k] { return false }
        return true
    }

    private static func hasSuffix(_ t: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ p: StaticString) -> Bool {
        let n = p.utf8CodeUnitCount
        guard e - s >= n else { return false }
        return hasPrefix(t, e - n, e, p)
    }

    private static func contains(_ t: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ p: StaticString) -> Bool {
        let n = p.utf8CodeUnitCount
        guard e - s >= n else { return false }
        let first = p.utf8Start[0]
        var i = s
        while i <= e - n {
            if lower(t[i]) == first && hasPrefix(t, i, e, p) { return true }
            i += 1
        }
        return false
    }
}
