#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TaggerLock

/// An open iconv descriptor. Used by one thread at a time: the pool hands it out exclusively.
struct IconvHandle: @unchecked Sendable {
    let cd: iconv_t
}

/// Converts bytes to UTF-8 through iconv, keeping open descriptors in a pool per charset name.
enum Iconv {
    private struct PoolState {
        var free: [String: [IconvHandle]] = [:]
        var unsupported: Set<String> = []
    }
    private static let pool = Locked(PoolState())

    private static func take(_ name: String) -> IconvHandle?? {
        let cached: IconvHandle?? = pool.withLock { state -> IconvHandle?? in
            if state.unsupported.contains(name) { return .some(nil) }
            if let h = state.free[name]?.popLast() { return .some(h) }
            return nil
        }
        if let cached { return cached }
        let cd = iconv_open("UTF-8", name)
        if cd == iconv_t(bitPattern: -1) {
            pool.withLock { state in
                // Bounded: every message may name new charsets.
                if state.unsupported.count >= 512 { state.unsupported.removeAll(keepingCapacity: true) }
                state.unsupported.insert(name)
            }
            return .some(nil)
        }
        return .some(IconvHandle(cd: cd!))
    }

    private static func giveBack(_ name: String, _ h: IconvHandle) {
        // Reset shift state before reuse.
        iconv(h.cd, nil, nil, nil, nil)
        pool.withLock { state in
            if state.free[name, default: []].count < 8 {
                state.free[name, default: []].append(h)
            } else {
                iconv_close(h.cd)
            }
        }
    }

    /// Whether iconv converts from charset `name`.
    static func supports(_ name: String) -> Bool {
        guard let handle = take(name), let h = handle else { return false }
        giveBack(name, h)
        return true
    }

    /// Converts `bytes` from charset `name` to a String. Returns nil when iconv does not know
    /// the charset; `invalid` is true when some bytes were not valid and were replaced by U+FFFD.
    static func convert(_ bytes: ArraySlice<UInt8>, from name: String) -> (text: String, invalid: Bool)? {
        guard let handle = take(name), let h = handle else { return nil }
        defer { giveBack(name, h) }
        var out = [UInt8](repeating: 0, count: bytes.count * 3 + 16)
        var written = 0
        var invalid = false
        var input = Array(bytes)
        input.withUnsafeMutableBufferPointer { inBuf in
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress)?
                .assumingMemoryBound(to: CChar.self)
            var inLeft = inBuf.count
            while true {
                if out.count - written < 16 { out.append(contentsOf: repeatElement(0, count: out.count)) }
                let (rc, err, produced): (Int, Int32, Int) = out.withUnsafeMutableBufferPointer { o in
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(o.baseAddress! + written)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = o.count - written
                    let before = outLeft
                    let rc = inLeft == 0
                        ? iconv(h.cd, nil, nil, &outPtr, &outLeft)
                        : iconv(h.cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (rc, rc == -1 ? errno : 0, before - outLeft)
                }
                written += produced
                if rc != -1 {
                    if inLeft == 0 { break }
                    continue
                }
                switch err {
                case E2BIG:
                    out.append(contentsOf: repeatElement(0, count: out.count))
                case EILSEQ:
                    invalid = true
                    if out.count - written < 3 { out.append(contentsOf: repeatElement(0, count: 16)) }
                    out[written] = 0xEF; out[written + 1] = 0xBF; out[written + 2] = 0xBD
                    written += 3
                    inPtr = inPtr! + 1
                    inLeft -= 1
                    if inLeft == 0 { return }
                default: // EINVAL: incomplete sequence at the end.
                    invalid = true
                    if out.count - written < 3 { out.append(contentsOf: repeatElement(0, count: 16)) }
                    out[written] = 0xEF; out[written + 1] = 0xBF; out[written + 2] = 0xBD
                    written += 3
                    return
                }
            }
        }
        return (String(decoding: out[0..<written], as: UTF8.self), invalid)
    }
}
