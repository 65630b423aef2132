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
                guard bytes[i] == UInt8(ascii: ":"), bytes[i + 1] == UInt8(ascii: "/"),
                      i + 2 < n, bytes[i + 2] == UInt8(ascii: "/") else {
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
