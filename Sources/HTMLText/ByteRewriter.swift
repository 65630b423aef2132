#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-pass rewriter of HTML bytes `s[0..<n]` into `out` (written up to `o`): the byte steps and
/// character classes the condenser and the limiter share. Both read markup as libxml2's HTML
/// parser does, so what counts as a letter, a blank or a name character must not drift apart.
protocol ByteRewriter {
    var s: UnsafePointer<UInt8> { get }
    var n: Int { get }
    var out: UnsafeMutablePointer<UInt8> { get }
    var o: Int { get set }
}

extension ByteRewriter {
    @inline(__always) mutating func writeBlank() {
        out[o] = 0x20
        o += 1
    }

    /// Copies `s[from..<to]` to the output.
    @inline(__always) mutating func copy(_ from: Int, _ to: Int) {
        guard to > from else { return }
        (out + o).update(from: s + from, count: to - from)
        o += to - from
    }

    /// The index of the first `byte` at or after `i`.
    @inline(__always) func find(_ byte: UInt8, from i: Int) -> Int? {
        guard i < n, let p = memchr(s + i, Int32(byte), n - i) else { return nil }
        return s.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }

    /// Whether the bytes at `i` are `literal` (lower-case ASCII), ignoring ASCII case.
    @inline(__always) func hasPrefix(_ i: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard i + count <= n else { return false }
        let l = literal.utf8Start
        for k in 0..<count where s[i + k] | 0x20 != l[k] { return false }
        return true
    }

    @inline(__always) func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
    @inline(__always) func isBlank(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }
    /// libxml2's HTML name characters: letters, digits, `:`, `-`, `_`, `.`.
    @inline(__always) func isNameChar(_ b: UInt8) -> Bool {
        isLetter(b) || b &- 0x30 < 10 || b == 0x3A || b == 0x2D || b == 0x5F || b == 0x2E
    }
    @inline(__always) func isAttributeNameStart(_ b: UInt8) -> Bool {
        isLetter(b) || b == 0x5F || b == 0x3A || b == 0x2E
    }
}
