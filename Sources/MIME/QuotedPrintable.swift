/// Quoted-printable decoding (RFC 2045 §6.7, and RFC 2047 "Q" for headers).
enum QuotedPrintable {
    /// Decodes a quoted-printable body: `=XX` escapes, soft line breaks (`=` then optional
    /// blanks then end of line); a bad escape stays literal.
    static func decode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        input.withUnsafeBufferPointer { inp in
            [UInt8](unsafeUninitializedCapacity: inp.count) { out, count in
                var o = 0
                var i = 0
                let end = inp.count
                while i < end {
                    let b = inp[i]
                    if b != Bytes.equals { out[o] = b; o += 1; i += 1; continue }
                    // Soft break: '=' [WSP]* (CRLF | LF | end)
                    var j = i + 1
                    while j < end, Bytes.isWSP(inp[j]) { j += 1 }
                    if j == end { i = end; continue }
                    if inp[j] == Bytes.lf { i = j + 1; continue }
                    if inp[j] == Bytes.cr {
                        i = (j + 1 < end && inp[j + 1] == Bytes.lf) ? j + 2 : j + 1
                        continue
                    }
                    if i + 2 < end, let hi = Bytes.hexValue(inp[i + 1]), let lo = Bytes.hexValue(inp[i + 2]) {
                        out[o] = hi << 4 | lo; o += 1
                        i += 3
                        continue
                    }
                    out[o] = b; o += 1
                    i += 1
                }
                count = o
            }
        }
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
