/// ASCII case-insensitive byte comparisons against lower-case literals, on UTF-8 bytes without
/// building Strings (a non-ASCII byte never equals a literal's ASCII byte).
enum ASCII {
    /// `b` lower-cased if it is an ASCII capital letter.
    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b &- 0x41 < 26 ? b | 0x20 : b }

    /// Whether `t[s..<e]` starts with the lower-case literal `p`, ignoring ASCII case.
    static func hasPrefix(_ t: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ p: StaticString) -> Bool {
        let n = p.utf8CodeUnitCount
        guard e - s >= n else { return false }
        for k in 0..<n where lower(t[s + k]) != p.utf8Start[k] { return false }
        return true
    }

    /// Whether `t[s..<e]` ends with the lower-case literal `p`, ignoring ASCII case.
    static func hasSuffix(_ t: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ p: StaticString) -> Bool {
        let n = p.utf8CodeUnitCount
        guard e - s >= n else { return false }
        return hasPrefix(t, e - n, e, p)
    }

    /// Whether `t[s..<e]` contains the lower-case literal `p`, ignoring ASCII case.
    static func contains(_ t: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ p: StaticString) -> Bool {
        let n = p.utf8CodeUnitCount
        guard e - s >= n else { return false }
        let first = p.utf8Start[0]
        var i = s
        while i <= e - n {
            if lower(t[i]) == first && hasPrefix(t, i, e, p) { return true }
            i += 1
        }
        return false
    }
}
