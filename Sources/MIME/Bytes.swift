#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level helpers shared by the MIME parsers. Everything here works on `UInt8`, never `String`.
enum Bytes {
    static let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A, space: UInt8 = 0x20, tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A, dash: UInt8 = 0x2D, equals: UInt8 = 0x3D, question: UInt8 = 0x3F
    static let quote: UInt8 = 0x22, backslash: UInt8 = 0x5C, semicolon: UInt8 = 0x3B

    @inline(__always) static func isWSP(_ b: UInt8) -> Bool { b == space || b == tab }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == space || b == tab || b == cr || b == lf || b == 0x0B || b == 0x0C
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always) static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    /// `bytes` with leading and trailing whitespace (incl. CR/LF) removed.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi, isSpace(bytes[lo]) { lo += 1 }
        while hi > lo, isSpace(bytes[hi - 1]) { hi -= 1 }
        return bytes[lo..<hi]
    }

    /// ASCII-lower-cased string of `bytes` (non-ASCII bytes decoded leniently).
    static func lowerString(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBufferPointer { inp in
            if !inp.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { return String(decoding: inp, as: UTF8.self) }
            return String(unsafeUninitializedCapacity: inp.count) { out in
                for (i, b) in inp.enumerated() { out[i] = lower(b) }
                return inp.count
            }
        }
    }

    /// True when every byte is below 0x80.
    static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { buf in
            guard var p = buf.baseAddress else { return true }
            let end = p + buf.count
            while end - p >= 8 {
                let w = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
                if w & 0x8080_8080_8080_8080 != 0 { return false }
                p += 8
            }
            while p < end {
                if p.pointee >= 0x80 { return false }
                p += 1
            }
            return true
        }
    }

    /// Index of the first `byte` in `buf[from..<to]`, or nil (memchr).
    @inline(__always)
    static func find(_ byte: UInt8, in buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let base = buf.baseAddress else { return nil }
        guard let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// Index of the first line in `buf[from..<to]` that starts with `needle` (a line starts at
    /// `lineStart` or after LF), or nil. Only bytes equal to `needle[0]` at a line start are
    /// compared, and the scan jumps line by line after a miss, so it is linear.
    static func findAtLineStart(_ needle: [UInt8], in buf: UnsafeBufferPointer<UInt8>,
                                from: Int, to: Int, lineStart: Int) -> Int? {
        guard let first = needle.first, let base = buf.baseAddress else { return nil }
        var i = from
        while i + needle.count <= to {
            guard let p = find(first, in: buf, from: i, to: to) else { return nil }
            if p + needle.count > to { return nil }
            if p == lineStart || (p > 0 && buf[p - 1] == lf) {
                let same = needle.withUnsafeBufferPointer { memcmp(base + p, $0.baseAddress!, needle.count) == 0 }
                if same { return p }
            }
            guard let nl = find(lf, in: buf, from: p + 1, to: to) else { return nil }
            i = nl + 1
        }
        return nil
    }

    /// Case-insensitive comparison of `bytes` with a lower-case ASCII `literal`.
    static func equalsLower(_ bytes: ArraySlice<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let lit = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        var i = bytes.startIndex
        for c in lit {
            if lower(bytes[i]) != c { return false }
            i += 1
        }
        return true
    }
}
