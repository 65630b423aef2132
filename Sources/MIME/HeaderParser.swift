/// The header block of one entity and where its body begins.
struct HeaderBlock {
    var headers: Headers
    /// Index of the first body byte (the byte after the blank separator line).
    var bodyStart: Int
    var warnings: [ParseWarning]
}

/// Parses an RFC 5322 header block from bytes: unfolding, duplicates kept, obsolete whitespace
/// before the colon, CRLF or LF line ends.
enum HeaderParser {
    /// Reads header fields from `buf[start..<end]` until a blank line.
    ///
    /// A line that is neither a field nor a continuation ends the header block and starts the
    /// body (a missing separator, as Python's email package reads it). A leading mbox `From `
    /// line is skipped when `allowEnvelope` is set; a `From ` line elsewhere is skipped with a
    /// warning. At most `maxFields` fields are kept.
    static func parse(_ buf: UnsafeBufferPointer<UInt8>, start: Int, end: Int,
                      maxFields: Int, allowEnvelope: Bool) -> HeaderBlock {
        var fields: [HeaderField] = []
        var warnings: [ParseWarning] = []
        var name = ""
        var value: [UInt8] = []
        var open = false
        var dropped = 0
        var pos = start
        var first = true

        func flush() {
            guard open else { return }
            open = false
            if fields.count >= maxFields { dropped += 1; return }
            var hi = value.count
            while hi > 0, Bytes.isSpace(value[hi - 1]) { hi -= 1 }
            value.removeLast(value.count - hi)
            fields.append(HeaderField(name: name, rawValue: value))
        }

        func finish(_ bodyStart: Int) -> HeaderBlock {
            flush()
            if dropped > 0 {
                warnings.append(ParseWarning(code: "limit.headerFields",
                                             detail: "\(dropped) header fields past the limit of \(maxFields) ignored"))
            }
            return HeaderBlock(headers: Headers(fields: fields), bodyStart: bodyStart, warnings: warnings)
        }

        while pos < end {
            let lineEnd = Bytes.find(Bytes.lf, in: buf, from: pos, to: end) ?? end
            let next = lineEnd < end ? lineEnd + 1 : end
            var contentEnd = lineEnd
            if contentEnd > pos, buf[contentEnd - 1] == Bytes.cr { contentEnd -= 1 }
            defer { first = false }
            if contentEnd == pos { return finish(next) }
            let b0 = buf[pos]
            if Bytes.isWSP(b0) {
                if open {
                    value.append(contentsOf: UnsafeBufferPointer(rebasing: buf[pos..<contentEnd]))
                } else {
                    warnings.append(ParseWarning(code: "header.continuation",
                                                 detail: "continuation line without a header field skipped"))
                }
                pos = next
                continue
            }
            if b0 == 0x46, contentEnd - pos >= 5, buf[pos + 1] == 0x72, buf[pos + 2] == 0x6F,
               buf[pos + 3] == 0x6D, buf[pos + 4] == Bytes.space, !isObsoleteFromField(buf, pos + 4, contentEnd) {
                // "From " envelope line.
                flush()
                if !(first && allowEnvelope) {
                    warnings.append(ParseWarning(code: "header.envelope", detail: "misplaced mbox From line skipped"))
                }
                pos = next
                continue
            }
            if let colon = Bytes.find(Bytes.colon, in: buf, from: pos, to: contentEnd), validName(buf, pos, colon) {
                flush()
                var nameEnd = colon
                while nameEnd > pos, Bytes.isWSP(buf[nameEnd - 1]) { nameEnd -= 1 }
                name = String(decoding: UnsafeBufferPointer(rebasing: buf[pos..<nameEnd]), as: UTF8.self)
                var v = colon + 1
                while v < contentEnd, Bytes.isWSP(buf[v]) { v += 1 }
                value = Array(UnsafeBufferPointer(rebasing: buf[v..<contentEnd]))
                open = true
                pos = next
                continue
            }
            warnings.append(ParseWarning(code: "header.missingSeparator",
                                         detail: "a line that is not a header field ends the header block"))
            return finish(pos)
        }
        return finish(end)
    }

    /// True for `From  : value` (a From field with blanks before the colon), not an envelope.
    private static func isObsoleteFromField(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Bool {
        var i = from
        while i < end, Bytes.isWSP(buf[i]) { i += 1 }
        return i < end && buf[i] == Bytes.colon
    }

    /// A field name: printable ASCII except colon, optionally followed by blanks (obsolete syntax).
    private static func validName(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ colon: Int) -> Bool {
        var end = colon
        while end > start, Bytes.isWSP(buf[end - 1]) { end -= 1 }
        guard end > start else { return false }
        for i in start..<end {
            let b = buf[i]
            if b < 0x21 || b > 0x7E { return false }
        }
        return true
    }
}
