#if canImport(Glibc)
import Glibc
#endif

/// Where the writer's own words end in a body text, and how much included material follows.
///
/// Replies and forwards carry other people's mail below the writer's text: quoted lines
/// (`> ...`), dashed banners (`-----Original Message-----`, `---- Forwarded by ...`,
/// `---- Forwarded message ----`, `Reply Separator`), `Begin forwarded message:`, `On ...
/// wrote:` attributions and the `From:` lines that mail clients paste above an included
/// message. The first such line ends the writer's own text.
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
        guard let base = text.baseAddress else { return }
        var start = 0
        let n = text.count
        while start < n {
            let end = memchr(base + start, 0x0A, n - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? n
            let kind = Self.classify(text, start, end)
            if kind != .plain {
                if ownEnd == n { ownEnd = start }
                if kind == .quoted { quotedLines += 1 } else { markers += 1 }
            }
            start = end + 1
        }
    }

    private enum LineKind { case plain, quoted, marker }

    /// Only a line's first and last visible bytes are looked at, unless the first is a dash, an
    /// underscore, `=` or `b` (a banner may follow): most lines cost a few comparisons.
    private static func classify(_ t: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> LineKind {
        var s = from
        while s < to && (t[s] == 0x20 || t[s] == 0x09) { s += 1 }
        var e = to
        while e > s && (t[e - 1] == 0x20 || t[e - 1] == 0x09 || t[e - 1] == 0x0D) { e -= 1 }
        guard s < e else { return .plain }
        switch lower(t[s]) {
        case UInt8(ascii: ">"):
            return .quoted
        case UInt8(ascii: "f"):
            if hasPrefix(t, s, e, "from:") { return .marker }
        case UInt8(ascii: "b"):
            if hasPrefix(t, s, e, "begin forwarded message") { return .marker }
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "="):
            if e - s >= 12 && (contains(t, s, e, "original message") || contains(t, s, e, "forwarded")
                               || contains(t, s, e, "reply separator")) {
                return .marker
            }
        default:
            break
        }
        if t[e - 1] == UInt8(ascii: ":") && (hasSuffix(t, s, e, "wrote:") || hasSuffix(t, s, e, "writes:")) {
            return .marker
        }
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
