/// Host extraction from URLs, shared by the HTML walk and plain-text URL scanning.
public enum LinkHost {
    /// The lower-cased host of an `http://` or `https://` URL (scheme case-insensitive, leading
    /// whitespace skipped), without user info, port or trailing dot; nil for other schemes, for
    /// an empty host, or for a host with bytes no host name has.
    public static func host<C: Collection>(ofURL url: C) -> String? where C.Element == UInt8 {
        if let found = url.withContiguousStorageIfAvailable({ host(ofURL: $0) }) { return found }
        return Array(url).withUnsafeBufferPointer { host(ofURL: $0) }
    }

    /// `host(ofURL:)` over contiguous bytes (the fast, non-generic path).
    public static func host(ofURL url: UnsafeBufferPointer<UInt8>) -> String? {
        var i = 0
        while i < url.count, url[i] == 0x20 || url[i] == 0x09 || url[i] == 0x0A || url[i] == 0x0D {
            i += 1
        }
        guard let afterScheme = skipScheme(url, from: i) else { return nil }
        return host(url, from: afterScheme)
    }

    /// The host starting at `start` (just past `//`), ending at `/ ? # \` or whitespace.
    /// Nil when empty or when it holds a byte that cannot be in a host name.
    private static func host(_ url: UnsafeBufferPointer<UInt8>, from start: Int) -> String? {
        var bytes: [UInt8] = []
        var i = start
        scan: while i < url.count {
            let b = url[i]
            switch b {
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "\\"),
                 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"),
                 UInt8(ascii: ">"):
                break scan
            case UInt8(ascii: "@"):
                bytes.removeAll(keepingCapacity: true)   // drop user info
            default:
                if bytes.count >= 253 { return nil }
                bytes.append(b >= 65 && b <= 90 ? b | 0x20 : b)
            }
            i += 1
        }
        if let colon = bytes.lastIndex(of: UInt8(ascii: ":")) {
            let bracketed = bytes.first == UInt8(ascii: "[")
            if !bracketed || (colon > 0 && bytes[colon - 1] == UInt8(ascii: "]")) {
                bytes.removeSubrange(colon...)   // the port
            }
        }
        while bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        guard !bytes.isEmpty else { return nil }
        for b in bytes where !isHostByte(b) { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The "registrable-ish" suffix of a host: the last two labels, or three when the
    /// second-to-last label is a common second-level category (`co.uk`, `com.au`, ...).
    /// IP addresses and single-label hosts are returned unchanged.
    public static func registrableSuffix(_ host: String) -> String {
        // Byte-level: the labels are the dot-separated pieces (empty ones included).
        let u = host.utf8
        var dots = 0
        var onlyDigits = true
        for b in u {
            if b == 0x2E { dots += 1 } else if b < 0x30 || b > 0x39 { onlyDigits = false }
        }
        guard dots >= 2, !onlyDigits else { return host }
        let lastDot = u.lastIndex(of: 0x2E)!
        let secondDot = u[..<lastDot].lastIndex(of: 0x2E)!
        let lastLabelCount = u.distance(from: u.index(after: lastDot), to: u.endIndex)
        let second = Substring(host.utf8[u.index(after: secondDot)..<lastDot])
        let keep = secondLevel.contains(String(second)) && lastLabelCount == 2 ? 3 : 2
        if keep == 2 { return String(host.utf8[u.index(after: secondDot)...])! }
        guard dots >= 3, let thirdDot = u[..<secondDot].lastIndex(of: 0x2E) else { return host }
        return String(host.utf8[u.index(after: thirdDot)...])!
    }

    private static let secondLevel: Set<String> = [
        "co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob", "mil", "nic", "ltd", "plc",
    ]

    private static func isHostByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ":"), 0x80...0xFF:
            return true
        default:
            return false
        }
    }

    /// Index just past `http://` or `https://` (case-insensitive), else nil.
    private static func skipScheme(_ url: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        for expected in "http".utf8 {
            guard i < url.count, url[i] | 0x20 == expected else { return nil }
            i += 1
        }
        if i < url.count, url[i] | 0x20 == UInt8(ascii: "s") { i += 1 }
        for expected in "://".utf8 {
            guard i < url.count, url[i] == expected else { return nil }
            i += 1
        }
        return i
    }
}
