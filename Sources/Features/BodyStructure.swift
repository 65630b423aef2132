#if canImport(Glibc)
import Glibc
#endif

/// Which lines of a body text the writer wrote, and how much other mail it carries.
///
/// Replies and forwards carry other people's mail beside the writer's text. Quoted lines
/// (`> ...`; `>From ` is mbox's escape, not a quote) and `On ... wrote:` attributions (also
/// when wrapped before `wrote:`) are someone else's, wherever they are: the writer's lines
/// above, between and below them are the writer's own (top-posting, inline and bottom-posting
/// alike). A forwarded or pasted message ends the writer's text for good: a banner opening with
/// at least three dashes, underscores or `=` (`-----Original Message-----`, `---- Forwarded by
/// ...`, `---- Forwarded message ----`, `Reply Separator`), `Begin forwarded message:`, a pasted
/// `From:` line (with an `@`, or followed by a `To:`, `Cc:`, `Bcc:`, `Sent:`, `Sent by:`,
/// `Date:` or `Subject:` line), or a Lotus Notes header block (a `To:` line followed within two
/// lines by `cc:`, `bcc:` or `Subject:`, together with the sender and date lines above it).
struct BodyStructure {
    /// Byte ranges of the writer's own lines, in order (adjacent lines merged).
    var own: [Range<Int>] = []
    /// Where forwarded or pasted mail starts: everything from here on is included.
    var forwardStart: Int
    /// Lines that start included mail (banners, attributions, pasted headers).
    var markers = 0
    /// Lines quoted with `>`.
    var quotedLines = 0

    /// Scans `text` line by line (ASCII case-insensitive; other bytes never match).
    init(_ text: UnsafeBufferPointer<UInt8>) {
        let n = text.count
        forwardStart = n
        guard let base = text.baseAddress else { return }
        var lines = OwnLines()
        var start = 0
        // The last two visible lines (for a wrapped attribution or a Lotus Notes block).
        var previous: Range<Int>? = nil, beforePrevious: Range<Int>? = nil
        // A `From:` line without `@`, or a `To:` line, waiting for the line that confirms a header.
        var pendingFrom: Int?
        var pendingTo: (cut: Int, seen: Int)?
        scan: while start < n {
            let end = memchr(base + start, 0x0A, n - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? n
            let line = Self.visible(text, start, end)
            defer { start = end + 1 }
            guard !line.isEmpty else { lines.add(start..<end); continue }
            if let from = pendingFrom {
                pendingFrom = nil
                if Self.isHeaderLine(text, line) { forward(at: from, &lines); break scan }
            }
            if let to = pendingTo {
                let s = line.lowerBound, e = line.upperBound
                if ASCII.hasPrefix(text, s, e, "cc:") || ASCII.hasPrefix(text, s, e, "bcc:")
                    || ASCII.hasPrefix(text, s, e, "subject:") {
                    forward(at: to.cut, &lines)
                    break scan
                }
                pendingTo = to.seen >= 1 ? nil : (to.cut, to.seen + 1)
            }
            switch Self.classify(text, line) {
            case .plain:
                lines.add(start..<end)
            case .quoted:
                quotedLines += 1
            case .marker:
                forward(at: start, &lines)
                break scan
            case .attribution:
                markers += 1
                // "On <date>, <name>" wrapped before "wrote:": the first half is not the writer's either.
                if line.count <= 8, let p = previous, ASCII.hasPrefix(text, p.lowerBound, p.upperBound, "on ") {
                    lines.drop(from: p.lowerBound)
                }
            case .fromLine(let hasAt):
                if hasAt { forward(at: start, &lines); break scan }
                pendingFrom = start
                lines.add(start..<end)
            case .toLine:
                // Lotus Notes: "Name@ORG" / "05/09/2001 08:49 AM" / "To: ..." / "cc: ..." / "Subject: ...".
                var cut = start
                if let p = previous, Self.endsWithTime(text, p) {
                    cut = p.lowerBound
                    if let q = beforePrevious { cut = q.lowerBound }
                }
                pendingTo = (cut, 0)
                lines.add(start..<end)
            }
            beforePrevious = previous
            previous = line
        }
        own = lines.finish()
    }

    /// Forwarded or pasted mail from the line at `lineStart` on.
    private mutating func forward(at lineStart: Int, _ lines: inout OwnLines) {
        forwardStart = lineStart
        markers += 1
        lines.drop(from: lineStart)
    }

    private enum LineKind { case plain, quoted, marker, attribution, fromLine(hasAt: Bool), toLine }

    /// The line without leading blanks and trailing blanks or CR.
    private static func visible(_ t: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Range<Int> {
        var s = from
        while s < to && (t[s] == 0x20 || t[s] == 0x09) { s += 1 }
        var e = to
        while e > s && (t[e - 1] == 0x20 || t[e - 1] == 0x09 || t[e - 1] == 0x0D) { e -= 1 }
        return s..<e
    }

    /// Only a line's first and last visible bytes are looked at, unless the first may open a
    /// banner (a dash, underscore or `=`) or a keyword (`b`, `f`, `t`): most lines cost a few
    /// comparisons. The close of a forward (`--- end forwarded text`) starts nothing.
    private static func classify(_ t: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> LineKind {
        let s = line.lowerBound, e = line.upperBound
        switch ASCII.lower(t[s]) {
        case UInt8(ascii: ">"):
            // `>From ` is how mbox escapes a line starting with "From ", not a quote.
            if !ASCII.hasPrefix(t, s, e, ">from ") { return .quoted }
        case UInt8(ascii: "f"):
            if ASCII.hasPrefix(t, s, e, "from:") {
                return .fromLine(hasAt: memchr(t.baseAddress! + s, 0x40, e - s) != nil)
            }
        case UInt8(ascii: "b"):
            if ASCII.hasPrefix(t, s, e, "begin forwarded message") { return .marker }
        case UInt8(ascii: "t"):
            if ASCII.hasPrefix(t, s, e, "to:") { return .toLine }
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "="):
            if e - s >= 12, isRule(t[s]), isRule(t[s + 1]), isRule(t[s + 2]),
               ASCII.contains(t, s, e, "original message") || ASCII.contains(t, s, e, "forwarded")
                || ASCII.contains(t, s, e, "reply separator"),
               !ASCII.contains(t, s, e, "end forwarded"), !ASCII.contains(t, s, e, "end of forwarded") {
                return .marker
            }
        default:
            break
        }
        if t[e - 1] == UInt8(ascii: ":")
            && (ASCII.hasSuffix(t, s, e, "wrote:") || ASCII.hasSuffix(t, s, e, "writes:")) {
            return .attribution
        }
        return .plain
    }

    /// A line ending in a clock time such as `08:49 AM` (the date line of a Lotus Notes header).
    private static func endsWithTime(_ t: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        let s = line.lowerBound, e = line.upperBound
        guard e - s >= 8, ASCII.hasSuffix(t, s, e, " am") || ASCII.hasSuffix(t, s, e, " pm") else { return false }
        return t[e - 6] == UInt8(ascii: ":") && t[e - 5] &- 0x30 < 10 && t[e - 4] &- 0x30 < 10
    }

    private static func isRule(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: "=")
    }

    /// `To:`, `Cc:`, `Bcc:`, `Sent:`, `Sent by:` (Lotus Notes), `Date:` or `Subject:`: the
    /// lines that follow a pasted `From:`.
    private static func isHeaderLine(_ t: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        let s = line.lowerBound, e = line.upperBound
        let names: [StaticString] = ["to:", "cc:", "bcc:", "sent:", "sent by:", "date:", "subject:"]
        return names.contains { ASCII.hasPrefix(t, s, e, $0) }
    }
}

/// The writer's line ranges, merged as they come, with the last ones still removable.
private struct OwnLines {
    private var ranges: [Range<Int>] = []

    /// Appends a line (merged with the previous range when adjacent: `end + 1` is the newline).
    mutating func add(_ line: Range<Int>) {
        if let last = ranges.last, last.upperBound + 1 >= line.lowerBound {
            ranges[ranges.count - 1] = last.lowerBound..<line.upperBound
        } else {
            ranges.append(line)
        }
    }

    /// Removes everything from `offset` on.
    mutating func drop(from offset: Int) {
        while let last = ranges.last, last.upperBound > offset {
            if last.lowerBound >= offset { ranges.removeLast() } else { ranges[ranges.count - 1] = last.lowerBound..<offset }
        }
    }

    func finish() -> [Range<Int>] { ranges.filter { !$0.isEmpty } }
}
