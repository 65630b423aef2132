/// The element names started so far in a document, to tell an end tag that cannot match any
/// element libxml2 has open. libxml2's stack of open elements holds only names read from start
/// tags, plus the `html`, `head`, `body` and `p` elements it implies itself, so an end tag with
/// any other name not among those started is certain to match nothing.
///
struct TagNames {
    /// A Bloom filter of one hash bit per name in 8,192 bits (a false positive keeps an end tag,
    /// the safe side; some hundred distinct names, as ordinary mail has, fill 1%).
    private var bits = [UInt64](repeating: 0, count: 128)

    init() {}

    /// Records the start tag name at `name` (`length` name bytes).
    mutating func insert(_ name: UnsafePointer<UInt8>, _ length: Int) {
        let h = Self.hash(name, length) & 8191
        bits[Int(h >> 6)] |= 1 << (h & 63)
    }

    /// Whether an element called `name` may be open: it was (perhaps) started before, or
    /// libxml2 may have implied it, or the name is empty (not an end tag libxml2 reads as one).
    func mayBeOpen(_ name: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        guard length > 0 else { return true }
        let full = Self.hash(name, length)
        let h = full & 8191
        return bits[Int(h >> 6)] & (1 << (h & 63)) != 0 || Self.implied.contains(full)
    }

    private static let implied: Set<UInt64> = Set(["html", "head", "body", "p"].map { name in
        var name = name
        return name.withUTF8 { hash($0.baseAddress!, $0.count) }
    })

    /// FNV-1a over the name with ASCII letters lower-cased (as libxml2 lower-cases names),
    /// cut at 100 bytes as libxml2 cuts them.
    static func hash(_ name: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in 0..<min(length, 100) {
            var b = name[i]
            if b &- 0x41 < 26 { b |= 0x20 }
            h = (h ^ UInt64(b)) &* 0x100_0000_01b3
        }
        return h ^ (h >> 29)
    }
}
