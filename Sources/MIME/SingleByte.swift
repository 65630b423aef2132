/// Decoders that need no iconv: UTF-8 validation, ISO-8859-1 and Windows-1252.
enum SingleByte {
    /// Windows-1252 code points for bytes 0x80–0x9F (undefined slots map to the C1 control).
    static let cp1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// Decodes Windows-1252 (every byte maps to a character).
    static func windows1252(_ bytes: ArraySlice<UInt8>) -> String {
        cp1252High.withUnsafeBufferPointer { high in
            transcode(bytes) { b in b < 0xA0 ? UInt32(high[Int(b - 0x80)]) : UInt32(b) }
        }
    }

    /// Decodes ISO-8859-1 (byte value = code point).
    static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        transcode(bytes) { UInt32($0) }
    }

    /// The bytes as a String when they are valid UTF-8, else nil.
    static func validUTF8(_ bytes: ArraySlice<UInt8>) -> String? {
        String(validating: bytes, as: UTF8.self)
    }

    /// Valid UTF-8 as is, else Windows-1252: the reading of bytes in an unknown charset.
    static func utf8OrWindows1252(_ bytes: ArraySlice<UInt8>) -> String {
        if Bytes.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return validUTF8(bytes) ?? windows1252(bytes)
    }

    /// Builds a String from single-byte text: ASCII copied, high bytes mapped by `high`.
    @inline(__always)
    private static func transcode(_ bytes: ArraySlice<UInt8>, _ high: (UInt8) -> UInt32) -> String {
        bytes.withUnsafeBufferPointer { inp in
            String(unsafeUninitializedCapacity: inp.count * 3) { out in
                var o = 0
                for b in inp {
                    if b < 0x80 { out[o] = b; o += 1; continue }
                    let c = high(b)
                    if c < 0x800 {
                        out[o] = UInt8(0xC0 | (c >> 6)); out[o + 1] = UInt8(0x80 | (c & 0x3F)); o += 2
                    } else {
                        out[o] = UInt8(0xE0 | (c >> 12)); out[o + 1] = UInt8(0x80 | ((c >> 6) & 0x3F))
                        out[o + 2] = UInt8(0x80 | (c & 0x3F)); o += 3
                    }
                }
                return o
            }
        }
    }

    @inline(__always) static func appendUTF8(_ c: UInt32, to out: inout [UInt8]) {
        switch c {
        case 0..<0x80: out.append(UInt8(c))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (c >> 6))); out.append(UInt8(0x80 | (c & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (c >> 12))); out.append(UInt8(0x80 | ((c >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (c & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (c >> 18))); out.append(UInt8(0x80 | ((c >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((c >> 6) & 0x3F))); out.append(UInt8(0x80 | (c & 0x3F)))
        }
    }
}
