#if canImport(Glibc)
import Glibc
#endif

/// Where the writer's own words end in a body text, and how much included material follows.
///
/// Replies and forwards carry other people's mail below the writer's text: quoted lines
/// (`> ...`; `>From ` is mbox's escape, not a quote), banners opening with at least three
/// dashes, underscores or `=` (`-----Original Message-----`, `---- Forwarded by ...`,
/// `---- Forwarded message ----`, `Reply Separator`), `Begin forwarded message:`, `On ...
/// wrote:` attributions (also when wrapped before `wrote:`) and the `From:` lines that mail
/// clients paste above an included message (with an `@`, or followed by a `To:`, `Cc:`,
/// `Sent:`, `Sent by:`, `Date:` or `Subject:` line). The first such line ends the writer's own
/// text.
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
        let n = text.count
        var start = 0
        // The last visible line: where it starts, and whether it opens with "On " (the first
        // half of an attribution wrapped before "wrote:").
        var previousStart = 0, previousOpensWithOn = false
        // A `From:` line without `@` is a pasted header only if the next visible line is one too.
        var pendingFrom: Int?
        while start < n {
            let end = memchr(base + start, 0x0A, n - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? n
            let line = Self.visible(text, start, end)
            if !line.isEmpty {
                if let from = pendingFrom {
                    pendingFrom = nil
                    if Self.isHeaderLine(text, line) { mark(at: from, n) }
                }
                switch Self.classify(text, line) {
                case .plain:
                    break
                case .quoted:
                    if ownEnd == n { ownEnd = start }
                    quotedLines += 1
                case .marker:
                    mark(at: start, n)
                case .attribution:
                    mark(at: previousOpensWithOn && line.count <= 8 ? previousStart : start, n)
                case .fromLine(let hasAt):
                    if hasAt { mark(at: start, n) } else { pendingFrom = start }
                }
                previousStart = start
                previousOpensWithOn = Self.hasPrefix(text, line.lowerBound, line.upperBound, "on ")
            }
            start = end + 1
        }
    }

    private mutating func mark(at lineStart: Int, _ count: Int) {
        if ownEnd == count { ownEnd = lineStart }
        markers += 1
    }

    private enum LineKind: Equatable { case plain, quoted, marker, attribution, fromLine(hasAt: Bool) }

    /// The line without leading blanks and trailing blanks or CR.
    private static func visible(_ t: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Range<Int> {
        var s = from
        while s < to && (t[s] == 0x20 || t[s] == 0x09) { s += 1 }
        var e = to
        while e > s && (t[e - 1] == 0x20 || t[e - 1] == 0x09 || t[e - 1] == 0x0D) { e -= 1 }
        return s..<e
    }

    /// Only a line's first and last visible bytes are looked at, unless the first opens a
    /// banner (three dashes, underscores or `=`) or may start a keyword: most lines cost a few
    /// comparisons.
    private static func classify(_ t: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> LineKind {
        let s = line.lowerBound, e = line.upperBound
        switch lower(t[s]) {
        case UInt8(ascii: ">"):
            // `>From ` is how mbox escapes a line starting with "From ", not a quote.
            if !hasPrefix(t, s, e, ">from ") { return .quoted }
        case UInt8(ascii: "f"):
            if hasPrefix(t, s, e, "from:") {
                return .fromLine(hasAt: memchr(t.baseAddress! + s, 0x40, e - s) != nil)
            }
        case UInt8(ascii: "b"):
            if hasPrefix(t, s, e, "begin forwarded message") { return .marker }
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "="):
            if e - s >= 12, isRule(t[s]), isRule(t[s + 1]), isRule(t[s + 2]),
               contains(t, s, e, "original message") || contains(t, s, e, "forwarded")
                || contains(t, s, e, "reply separator") {
                return .marker
            }
        default:
            break
        }
        if t[e - 1] == UInt8(ascii: ":") && (hasSuffix(t, s, e, "wrote:") || hasSuffix(t, s, e, "writes:")) {
            return .attribution
        }
        return .plain
    }

    private static func isRule(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: "=")
    }

    /// `To:`, `Cc:`, `Bcc:`, `Sent:`, `Sent by:` (Lotus Notes), `Date:` or `Subject:`: the
    /// lines that follow a pasted `From:`.
    private static func isHeaderLine(_ t: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        let s = line.lowerBound, e = line.upperBound
        return hasPrefix(t, s, e, "to:") || hasPrefix(t, s, e, "cc:") || hasPrefix(t, s, e, "bcc:")
            || hasPrefix(t, s, e, "sent:") || hasPrefix(t, s, e, "sent by:") || hasPrefix(t, s, e, "date:")
            || hasPrefix(t, s, e, "subject:")
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
