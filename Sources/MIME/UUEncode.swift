/// uuencode decoding (`begin MODE NAME` … `end`), used for `x-uuencode` transfer encodings.
enum UUEncode {
    /// Decodes the first uuencoded block in `input`, or nil when there is no `begin` line.
    static func decode(_ input: ArraySlice<UInt8>) -> [UInt8]? {
        var lines = input.split(separator: Bytes.lf, omittingEmptySubsequences: false).makeIterator()
        var started = false
        var out: [UInt8] = []
        while let rawLine = lines.next() {
            var line = rawLine
            if line.last == Bytes.cr { line = line.dropLast() }
            if !started {
                if line.starts(with: Array("begin ".utf8)) { started = true }
                continue
            }
            if line.starts(with: Array("end".utf8)) { break }
            guard let first = line.first else { continue }
            let count = Int((first &- 0x20) & 0x3F)
            if count == 0 { continue }
            var chars = line.dropFirst().map { ($0 &- 0x20) & 0x3F }
            while chars.count % 4 != 0 { chars.append(0) }
            var produced = 0
            var k = 0
            while k + 3 < chars.count, produced < count {
                let v = UInt32(chars[k]) << 18 | UInt32(chars[k + 1]) << 12 | UInt32(chars[k + 2]) << 6 | UInt32(chars[k + 3])
                for shift in [16, 8, 0] where produced < count {
                    out.append(UInt8(truncatingIfNeeded: v >> UInt32(shift)))
                    produced += 1
                }
                k += 4
            }
        }
        return started ? out : nil
    }
}
