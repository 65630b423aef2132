/// SHA-1 (FIPS 180-4, section 6.1), for the names notmuch gives messages it cannot name by
/// their Message-ID (see ``NotmuchID``). Not used for anything that needs a secure hash.
enum SHA1 {
    /// The digest of `bytes` as 40 lowercase hex digits.
    static func hex(_ bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity(40)
        for word in digest(bytes) {
            let digits = String(word, radix: 16)
            out += String(repeating: "0", count: 8 - digits.count) + digits
        }
        return out
    }

    /// The digest of `bytes` as five 32-bit words.
    static func digest(_ bytes: [UInt8]) -> [UInt32] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var w = [UInt32](repeating: 0, count: 80)
        bytes.withUnsafeBufferPointer { input in
            let whole = input.count / 64 * 64
            var offset = 0
            while offset < whole {
                compress(UnsafeBufferPointer(rebasing: input[offset..<offset + 64]), &h, &w)
                offset += 64
            }
            // The rest, a 1 bit, zeros, and the length in bits (big-endian): one or two blocks.
            var tail = Array(input[whole...])
            tail.append(0x80)
            while tail.count % 64 != 56 { tail.append(0) }
            let bits = UInt64(input.count) &* 8
            for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
            tail.withUnsafeBufferPointer { t in
                var k = 0
                while k < t.count {
                    compress(UnsafeBufferPointer(rebasing: t[k..<k + 64]), &h, &w)
                    k += 64
                }
            }
        }
        return h
    }

    private static func compress(_ block: UnsafeBufferPointer<UInt8>, _ h: inout [UInt32], _ w: inout [UInt32]) {
        for t in 0..<16 {
            w[t] = UInt32(block[4 * t]) << 24 | UInt32(block[4 * t + 1]) << 16 | UInt32(block[4 * t + 2]) << 8 | UInt32(block[4 * t + 3])
        }
        for t in 16..<80 { w[t] = rotate(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1) }
        var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4]
        for t in 0..<80 {
            let f: UInt32, k: UInt32
            switch t {
            case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
            case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
            case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
            default: f = b ^ c ^ d; k = 0xCA62_C1D6
            }
            let temp = rotate(a, 5) &+ f &+ e &+ k &+ w[t]
            e = d
            d = c
            c = rotate(b, 30)
            b = a
            a = temp
        }
        h[0] &+= a
        h[1] &+= b
        h[2] &+= c
        h[3] &+= d
        h[4] &+= e
    }

    @inline(__always)
    private static func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { x << n | x >> (32 - n) }
}

/// The id notmuch gives a message (what `id:` matches): its Message-ID when that is at most
/// `NotmuchCLI.maximumIDLength` bytes; a longer one as `notmuch-sha1-` and the SHA-1 of the id
/// and a NUL byte; a message without a Message-ID as `notmuch-sha1-` and the SHA-1 of the whole
/// file (checked against notmuch 0.37).
enum NotmuchID {
    static let compressedPrefix = "notmuch-sha1-"

    /// The id for a bare Message-ID; nil when notmuch could not be asked for it on a batch line
    /// (a line break in one it keeps as it is; a NUL, where notmuch's C strings end).
    static func of(messageID id: String) -> String? {
        guard !id.isEmpty, !id.utf8.contains(0) else { return nil }
        if id.utf8.count > NotmuchCLI.maximumIDLength { return compressedPrefix + SHA1.hex(Array(id.utf8) + [0]) }
        return id.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) ? nil : id
    }

    /// The id of a message without a Message-ID, from its file's bytes.
    static func of(file bytes: [UInt8]) -> String { compressedPrefix + SHA1.hex(bytes) }
}
