/// Appends little-endian values to a byte buffer.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i64(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }
    mutating func string(_ s: String) {
        u32(UInt32(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }
    mutating func floats(_ values: [Float]) {
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for v in values { f32(v) }
    }
    mutating func u32s(_ values: [UInt32]) {
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for v in values { u32(v) }
    }
}

/// Why a `ByteReader` stopped: a description of what was malformed.
struct ByteReaderError: Error {
    var reason: String
}

/// Reads little-endian values from bytes, checking every length against what remains, so a
/// damaged length can never cause a crash or a huge allocation.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int, _ what: String) throws(ByteReaderError) -> ArraySlice<UInt8> {
        guard n >= 0, n <= remaining else {
            throw ByteReaderError(reason: "\(what) needs \(n) bytes at offset \(offset), only \(remaining) remain")
        }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    mutating func u8(_ what: String) throws(ByteReaderError) -> UInt8 { try take(1, what).first! }

    mutating func u32(_ what: String) throws(ByteReaderError) -> UInt32 {
        var v: UInt32 = 0
        for (i, b) in try take(4, what).enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
        return v
    }

    mutating func u64(_ what: String) throws(ByteReaderError) -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(8, what).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }

    mutating func i64(_ what: String) throws(ByteReaderError) -> Int { Int(Int64(bitPattern: try u64(what))) }
    mutating func f32(_ what: String) throws(ByteReaderError) -> Float { Float(bitPattern: try u32(what)) }
    mutating func f64(_ what: String) throws(ByteReaderError) -> Double { Double(bitPattern: try u64(what)) }

    /// A count of items of `size` bytes each, checked to fit in what remains.
    mutating func count(_ what: String, itemSize: Int) throws(ByteReaderError) -> Int {
        let n = try u64(what)
        guard n <= UInt64(remaining / max(1, itemSize)) else {
            throw ByteReaderError(reason: "\(what) \(n) does not fit in the \(remaining) remaining bytes")
        }
        return Int(n)
    }

    mutating func string(_ what: String) throws(ByteReaderError) -> String {
        let n = Int(try u32("length of \(what)"))
        let slice = try take(n, what)
        guard let s = String(validating: slice, as: UTF8.self) else {
            throw ByteReaderError(reason: "\(what) is not valid UTF-8")
        }
        return s
    }

    mutating func floats(_ n: Int, _ what: String) throws(ByteReaderError) -> [Float] {
        guard n <= remaining / 4 else { throw ByteReaderError(reason: "\(what) does not fit") }
        var out = [Float]()
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try f32(what)) }
        return out
    }

    mutating func u32s(_ n: Int, _ what: String) throws(ByteReaderError) -> [UInt32] {
        guard n <= remaining / 4 else { throw ByteReaderError(reason: "\(what) does not fit") }
        var out = [UInt32]()
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try u32(what)) }
        return out
    }
}
