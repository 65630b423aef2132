#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTMLText

/// Finds `http://` and `https://` URLs in plain text and reports their hosts.
enum URLScanner {
    /// Calls `found` with the lower-cased host of every http(s) URL in `text`, in order.
    static func hosts(in text: String, _ found: (String) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            let n = bytes.count
            var i = 0
            // Look for "://" and check that "http" or "https" precedes it.
            while i + 3 <= n {
                // Jump to the next colon (memchr is vectorised; most text has few colons).
                guard let colon = memchr(bytes.baseAddress! + i, 0x3A, n - i) else { return }
                i = bytes.baseAddress!.distance(to: UnsafePointer(colon.assumingMemoryBound(to: UInt8.self)))
                guard i + 3 <= n, bytes[i + 1] == UInt8(ascii: "/"), bytes[i + 2] == UInt8(ascii: "/") else {
                    i += 1
                    continue
                }
                var schemeStart = i
                while schemeStart > 0, schemeStart > i - 5, bytes[schemeStart - 1] | 0x20 &- 0x61 < 26 {
                    schemeStart -= 1
                }
                if let host = LinkHost.host(ofURL: UnsafeBufferPointer(rebasing: bytes[schemeStart..<n])) { found(host) }
                i += 3
            }
        }
    }
}
