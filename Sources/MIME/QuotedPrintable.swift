/// Quoted-printable decoding (RFC 2045 §6.7, and RFC 2047 "Q" for headers).
enum QuotedPrintable {
    /// Decodes a quoted-printable body: `=XX` escapes, soft line breaks (`=` then optional
    /// blanks then end of line); a bad escape stays literal.
    static func decode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = input.startIndex
        let end = input.endIndex
        while i < end {
            let b = input[i]
            if b != Bytes.equals { out.append(b); i += 1; continue }
            // Soft break: '=' [WSP]* (CRLF | LF | end)
            var j = i + 1
            while j < end, Bytes.isWSP(input[j]) { j += 1 }
            if j == end { i = end; continue }
            if input[j] == Bytes.lf { i = j + 1; continue }
            if input[j] == Bytes.cr {
                i = (j + 1 < end && input[j + 1] == Bytes.lf) ? j + 2 : j + 1
                continue
            }
            if i + 2 < end, let hi = Bytes.hexValue(input[i + 1]), let lo = Bytes.hexValue(input[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
                continue
            }
            out.append(b)
            i += 1
        }
        return out
    }

    /// Decodes RFC 2047 "Q" text: like quoted-printable, plus `_` meaning space.
    static func decodeQ(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = input.startIndex
        let end = input.endIndex
        while i < end {
            let b = input[i]
            if b == 0x5F { out.append(Bytes.space); i += 1; continue }
            if b == Bytes.equals, i + 2 < end,
               let hi = Bytes.hexValue(input[i + 1]), let lo = Bytes.hexValue(input[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
                continue
            }
            out.append(b)
            i += 1
        }
        return out
    }
}
