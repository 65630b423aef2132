/// The body parts of one multipart entity, as byte ranges of the buffer.
struct MultipartSplit {
    /// Each part's bytes: after its boundary line, up to the line end before the next one.
    /// Empty when the multipart holds only a closing boundary line.
    var parts: [Range<Int>]
    /// False when the closing `--boundary--` line was never found.
    var terminated: Bool
}

/// Splits a multipart body at its boundary lines (RFC 2046 §5.1.1).
///
/// A boundary line is `--boundary`, optionally `--`, then only blanks up to the end of the line;
/// so a boundary that is a prefix of another one does not match it. Scanning uses `memchr` on line
/// starts and moves forward only, so it is linear in the body size.
enum MultipartParser {
    /// Returns nil when not a single boundary line is found in `buf[start..<end]`.
    /// At most `maxParts` parts are returned.
    static func split(_ buf: UnsafeBufferPointer<UInt8>, start: Int, end: Int,
                      boundary: [UInt8], maxParts: Int) -> MultipartSplit? {
        let delimiter: [UInt8] = [Bytes.dash, Bytes.dash] + boundary
        var parts: [Range<Int>] = []
        var partStart: Int? = nil
        var from = start
        while let hit = Bytes.findAtLineStart(delimiter, in: buf, from: from, to: end, lineStart: start) {
            from = hit + 1
            var q = hit + delimiter.count
            var closing = false
            if q + 1 < end, buf[q] == Bytes.dash, buf[q + 1] == Bytes.dash {
                closing = true
                q += 2
            }
            while q < end, Bytes.isWSP(buf[q]) { q += 1 }
            var lineEnd = q
            if q < end {
                if buf[q] == Bytes.lf {
                    lineEnd = q + 1
                } else if buf[q] == Bytes.cr {
                    lineEnd = (q + 1 < end && buf[q + 1] == Bytes.lf) ? q + 2 : q + 1
                } else {
                    continue // more text on the line: not a boundary
                }
            }
            // Two boundary lines in a row enclose no part at all (not even an empty one), as
            // Python's email package reads it; a blank line between them is an empty part.
            if let s = partStart, hit > s {
                var e = hit
                if e > s, buf[e - 1] == Bytes.lf { e -= 1 }
                if e > s, buf[e - 1] == Bytes.cr { e -= 1 }
                parts.append(s..<e)
                if parts.count >= maxParts { return MultipartSplit(parts: parts, terminated: true) }
            }
            if closing {
                // A closing line first: a multipart with no parts; what follows is epilogue.
                return MultipartSplit(parts: parts, terminated: true)
            }
            partStart = lineEnd
            from = lineEnd
        }
        guard let s = partStart else { return nil }
        parts.append(s..<end)
        return MultipartSplit(parts: parts, terminated: false)
    }
}
