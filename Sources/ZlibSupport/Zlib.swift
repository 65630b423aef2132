import CZlib

/// Errors from compressing or decompressing with zlib.
public enum ZlibError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The input is not a valid zlib/gzip/deflate stream; `code` is zlib's return code.
    case corrupt(code: Int32)
    /// The input ended before the compressed stream did.
    case truncated
    /// zlib could not be initialised (out of memory).
    case initialisation(code: Int32)
    /// The stream decoded to its end but its checksum (gzip CRC-32 and length, zlib Adler-32)
    /// does not match the data: the data was damaged.
    case checksum

    public var description: String {
        switch self {
        case .corrupt(let code): return "corrupt compressed data (zlib error \(code))"
        case .truncated: return "compressed data is truncated"
        case .initialisation(let code): return "zlib could not start (error \(code))"
        case .checksum: return "compressed data fails its checksum (damaged)"
        }
    }
}

/// The outcome of a capped decompression.
public struct Inflated: Sendable {
    /// The decompressed bytes (at most the cap).
    public var bytes: [UInt8]
    /// True when output was cut at the cap: the stream had more to give.
    public var capped: Bool
    /// True when the stream ended early (truncated input): `bytes` holds what could be read.
    public var truncated: Bool
    /// Set when the stream is damaged after some output (`bytes` holds what was decoded
    /// before): `.checksum` when only the final check failed, else `.corrupt`.
    public var damage: ZlibError?
    /// True when the stream was read to its end, checksum included (nothing capped, cut or
    /// damaged).
    public var isComplete: Bool { !capped && !truncated && damage == nil }
}

/// Thin, safe wrappers over zlib: gzip/zlib detection, capped inflation, deflation, CRC-32.
public enum Zlib {
    /// True when `bytes` starts with the gzip magic (1f 8b 08).
    public static func isGzip(_ bytes: some Collection<UInt8>) -> Bool {
        var it = bytes.makeIterator()
        return it.next() == 0x1f && it.next() == 0x8b && it.next() == 0x08
    }

    /// True when `bytes` starts with a plausible zlib header (CMF/FLG check, deflate method).
    public static func isZlib(_ bytes: some Collection<UInt8>) -> Bool {
        var it = bytes.makeIterator()
        guard let cmf = it.next(), let flg = it.next() else { return false }
        return cmf & 0x0f == 8 && cmf >> 4 <= 7 && (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0
    }

    /// Decompresses a gzip or zlib stream (auto-detected), keeping at most `maxOutput` bytes.
    ///
    /// Never allocates more than `maxOutput` (plus one chunk) however much the input claims.
    /// Truncated input yields what was decoded with `truncated` set, damaged input what was
    /// decoded before the damage with `damage` set (`.checksum` when the whole stream decoded
    /// but fails its check); it throws only when nothing could be decoded at all.
    /// - Throws: `ZlibError.corrupt` on invalid data before any output, `.initialisation`.
    public static func inflate(_ input: [UInt8], maxOutput: Int) throws(ZlibError) -> Inflated {
        var stream = z_stream()
        // 15 + 32: auto-detect zlib or gzip header.
        let initCode = tagger_inflateInit2(&stream, 15 + 32)
        guard initCode == Z_OK else { throw .initialisation(code: initCode) }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(maxOutput, max(4096, input.count * 4)))
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var capped = false
        var truncated = false
        var failure: Int32?
        var checksumFailed = false
        input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = uInt(inBuf.count)
            while true {
                let produced: Int
                let code: Int32 = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    let c = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return c
                }
                produced = chunk.count - Int(stream.avail_out)
                let room = maxOutput - output.count
                if produced > room {
                    output.append(contentsOf: chunk[0..<room])
                    capped = true
                    return
                }
                output.append(contentsOf: chunk[0..<produced])
                switch code {
                case Z_STREAM_END:
                    return
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: input exhausted before the end of the stream.
                    truncated = true
                    return
                default:
                    failure = code
                    // zlib reports a failed gzip CRC-32, gzip length or zlib Adler-32 check
                    // as a data error with one of these messages.
                    if code == Z_DATA_ERROR, let msg = stream.msg {
                        let text = String(cString: msg)
                        checksumFailed = text == "incorrect data check" || text == "incorrect length check"
                    }
                    return
                }
            }
        }
        var damage: ZlibError?
        if let failure {
            if checksumFailed { damage = .checksum }
            else if output.isEmpty { throw .corrupt(code: failure) }
            else { damage = .corrupt(code: failure) }
        }
        return Inflated(bytes: output, capped: capped, truncated: truncated, damage: damage)
    }

    /// Compresses `input` as a zlib stream (RFC 1950) at `level` (0–9).
    /// - Throws: `ZlibError.initialisation` if zlib cannot start.
    public static func deflate(_ input: [UInt8], level: Int32 = 6) throws(ZlibError) -> [UInt8] {
        var stream = z_stream()
        let initCode = tagger_deflateInit2(&stream, level, 15)
        guard initCode == Z_OK else { throw .initialisation(code: initCode) }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var result: Int32 = Z_OK
        input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                result = CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { throw .corrupt(code: result) }
        output.removeLast(Int(stream.avail_out))
        return output
    }

    /// CRC-32 (the zlib/gzip polynomial) of `bytes`, continuing from `crc`.
    public static func crc32(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBufferPointer { buf in
            UInt32(CZlib.crc32(uLong(crc), buf.baseAddress, uInt(buf.count)))
        }
    }
}
