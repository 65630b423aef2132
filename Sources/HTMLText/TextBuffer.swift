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

    /// Appends a NUL-terminated UTF-8 string from libxml2.
    mutating func append(cString: UnsafePointer<UInt8>) {
        var p = cString
        while true {
            let b = p.pointee
            if b == 0 { return }
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                pendingSpace = true
                p += 1
            case 0xC2 where p[1] == 0xA0:               // U+00A0 no-break space
                pendingSpace = true
                p += 2
            case 0xC2 where p[1] == 0xAD:               // U+00AD soft hyphen
                p += 2
            case 0xCD where p[1] == 0x8F:               // U+034F combining grapheme joiner
                p += 2
            case 0xE2 where p[1] == 0x80 && (p[2] >= 0x8B && p[2] <= 0x8D):  // U+200B..U+200D
                p += 3
            case 0xEF where p[1] == 0xBB && p[2] == 0xBF:                    // U+FEFF
                p += 3
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
                bytes.append(b)
                p += 1
            }
        }
    }

    /// The collected text as a String (built once).
    func string() -> String { String(decoding: bytes, as: UTF8.self) }
}
