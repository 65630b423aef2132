/// Lenient base64 decoding: skips whitespace and junk, tolerates missing padding, stops where
/// padding completes a group (as most mail readers do).
enum Base64 {
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Decodes `input`; never fails.
    static func decode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3 / 4 + 3)
        var acc: UInt32 = 0
        var n = 0
        var pads = 0
        table.withUnsafeBufferPointer { t in
            for b in input {
                if b == Bytes.equals {
                    if n >= 2 {
                        pads += 1
                        if n + pads >= 4 { break }
                    }
                    continue
                }
                let v = t[Int(b)]
                if v == 0xFF { continue }
                if pads > 0 { pads = 0 }
                acc = acc << 6 | UInt32(v)
                n += 1
                if n == 4 {
                    out.append(UInt8(truncatingIfNeeded: acc >> 16))
                    out.append(UInt8(truncatingIfNeeded: acc >> 8))
                    out.append(UInt8(truncatingIfNeeded: acc))
                    acc = 0; n = 0
                }
            }
        }
        // Leftover: 2 symbols → 1 byte, 3 symbols → 2 bytes; 1 symbol carries no full byte.
        if n == 2 {
            out.append(UInt8(truncatingIfNeeded: acc >> 4))
        } else if n == 3 {
            out.append(UInt8(truncatingIfNeeded: acc >> 10))
            out.append(UInt8(truncatingIfNeeded: acc >> 2))
        }
        return out
    }
}
