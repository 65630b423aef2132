/// Collects extracted text as UTF-8 bytes, collapsing whitespace as it goes: a run of spaces
/// becomes one space, a block boundary becomes one line break, nothing leads or trails.
/// Zero-width characters and soft hyphens (used to hide words from filters) are dropped, and
/// no-break spaces count as spaces.
struct TextBuffer {
    private(set) var bytes: [UInt8] = []
    private var pendingSpace = false
    private var pendingBreak = false

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    /// Marks a word boundary (a space unless a line break is already pending).
    mutating func space() { pendingSpace = true }

    /// Marks a block boundary: the next text starts on a new line.
    mutating func lineBreak() { pendingBreak = true }

    /// Appends UTF-8 text from libxml2 (whole characters).
    mutating func append(_ text: UnsafeBufferPointer<UInt8>) {
        guard let p = text.baseAddress else { return }
        let n = text.count
        var i = 0
        while i < n {
            let b = p[i]
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                pendingSpace = true
                i += 1
            case 0xC2 where i + 1 < n && p[i + 1] == 0xA0:               // U+00A0 no-break space
                pendingSpace = true
                i += 2
            case 0xC2 where i + 1 < n && p[i + 1] == 0xAD:               // U+00AD soft hyphen
                i += 2
            case 0xCD where i + 1 < n && p[i + 1] == 0x8F:               // U+034F combining grapheme joiner
                i += 2
            case 0xE2 where i + 2 < n && p[i + 1] == 0x80 && (p[i + 2] >= 0x8B && p[i + 2] <= 0x8D):  // U+200B..D
                i += 3
            case 0xEF where i + 2 < n && p[i + 1] == 0xBB && p[i + 2] == 0xBF:                    // U+FEFF
                i += 3
            default:
                if !bytes.isEmpty {
                    if pendingBreak {
                        bytes.append(0x0A)
                    } else if pendingSpace {
                        bytes.append(0x20)
                    }
                }
                pendingBreak = false
                pendingSpace = false
                // The byte and the ordinary bytes after it go in as one run.
                var j = i + 1
                while j < n, !Self.mayBeSpecial(p[j]) { j += 1 }
                bytes.append(contentsOf: UnsafeBufferPointer(start: p + i, count: j - i))
                i = j
            }
        }
    }

    /// Whether `b` may start whitespace or a dropped character (the cases `append` handles).
    @inline(__always)
    private static func mayBeSpecial(_ b: UInt8) -> Bool {
        switch b {
        case 0x20, 0x09, 0x0A, 0x0D, 0x0C, 0xC2, 0xCD, 0xE2, 0xEF: return true
        default: return false
        }
    }

    /// The collected text as a String (built once).
    func string() -> String { String(decoding: bytes, as: UTF8.self) }
}
