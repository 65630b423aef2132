/// Writes a sidecar's canonical bytes directly, without Foundation's `JSONEncoder` (which
/// took an eighth of the daemon's time per message). The output is byte for byte what
/// `JSONEncoder` gives with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` (its
/// layout, key order, number and string forms), so sidecars written by either compare equal
/// and nothing is rewritten after an upgrade; a test holds the two to the same bytes.
enum SidecarJSON {
    struct NonFiniteNumber: Error, CustomStringConvertible {
        let key: String
        var description: String { "cannot write \(key): not a finite number" }
    }

    /// The sidecar as pretty-printed JSON with sorted keys (no trailing newline).
    static func encode(_ s: Sidecar) throws(NonFiniteNumber) -> [UInt8] {
        var w = Writer()
        w.bytes.reserveCapacity(1024)
        w.open(0x7B)
        w.key("abstained", 1); w.strings(s.abstained, 1)
        if let error = s.error { w.comma(); w.key("error", 1); w.string(error) }
        w.comma(); w.key("message", 1)
        w.open(0x7B)
        w.key("message_id", 2)
        if let id = s.message.messageID { w.string(id) } else { w.raw("null") }
        w.comma(); w.key("path", 2); w.string(s.message.path)
        w.comma(); w.key("unique", 2); w.string(s.message.unique)
        w.close(0x7D, 1)
        w.comma(); w.key("model", 1)
        w.open(0x7B)
        w.key("id", 2); w.string(s.model.id)
        w.comma(); w.key("trained_at", 2); w.string(s.model.trainedAt)
        w.close(0x7D, 1)
        w.comma(); w.key("schema", 1); w.raw(String(s.schema))
        w.comma(); w.key("scores", 1); try w.numbers(s.scores, 1, name: "scores")
        w.comma(); w.key("tagged_at", 1); w.string(s.taggedAt)
        w.comma(); w.key("tags", 1); w.strings(s.tags, 1)
        w.comma(); w.key("thresholds", 1); try w.numbers(s.thresholds, 1, name: "thresholds")
        w.comma(); w.key("user", 1)
        w.open(0x7B)
        w.key("add", 2); w.strings(s.user.add, 2)
        w.comma(); w.key("remove", 2); w.strings(s.user.remove, 2)
        w.close(0x7D, 1)
        if let warnings = s.warnings { w.comma(); w.key("warnings", 1); w.strings(warnings, 1) }
        w.close(0x7D, 0)
        return w.bytes
    }

    private struct Writer {
        var bytes: [UInt8] = []

        mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

        mutating func indent(_ level: Int) {
            bytes.append(0x0A)
            for _ in 0..<(2 * level) { bytes.append(0x20) }
        }

        /// `{` or `[` (its first member starts on the next line).
        mutating func open(_ bracket: UInt8) { bytes.append(bracket) }

        /// `}` or `]` on its own line at `level`.
        mutating func close(_ bracket: UInt8, _ level: Int) {
            indent(level)
            bytes.append(bracket)
        }

        mutating func comma() { bytes.append(0x2C) }

        /// A member's key at `level`, then ` : `.
        mutating func key(_ name: StaticString, _ level: Int) {
            indent(level)
            bytes.append(0x22)
            bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            bytes.append(contentsOf: [0x22, 0x20, 0x3A, 0x20])
        }

        /// An array of strings whose elements sit at `level + 1` (empty: a blank line inside).
        mutating func strings(_ items: [String], _ level: Int) {
            bytes.append(0x5B)
            if items.isEmpty { bytes.append(0x0A) }
            for (i, item) in items.enumerated() {
                if i > 0 { comma() }
                indent(level + 1)
                string(item)
            }
            close(0x5D, level)
        }

        /// An object of numbers, keys in UTF-8 byte order, members at `level + 1`.
        mutating func numbers(_ items: [String: Double], _ level: Int, name: String) throws(NonFiniteNumber) {
            bytes.append(0x7B)
            if items.isEmpty { bytes.append(0x0A) }
            let sorted = items.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (i, (k, v)) in sorted.enumerated() {
                guard v.isFinite else { throw NonFiniteNumber(key: "\(name).\(k)") }
                if i > 0 { comma() }
                indent(level + 1)
                string(k)
                bytes.append(contentsOf: [0x20, 0x3A, 0x20])
                number(v)
            }
            close(0x7D, level)
        }

        /// Swift's shortest round-trip form, without a trailing `.0` (as JSONEncoder writes it).
        mutating func number(_ v: Double) {
            var text = v.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            raw(text)
        }

        private static func hex(_ digit: UInt8) -> UInt8 { digit < 10 ? 0x30 + digit : 0x61 + digit - 10 }

        /// A JSON string: `"` and `\` escaped, control characters as short escapes or `\u00XX`,
        /// everything else (slashes, non-ASCII) as is.
        mutating func string(_ s: String) {
            bytes.append(0x22)
            for b in s.utf8 {
                switch b {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x08: bytes.append(contentsOf: [0x5C, 0x62])
                case 0x0C: bytes.append(contentsOf: [0x5C, 0x66])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                case 0..<0x20:
                    bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, 0x30 + b >> 4, Self.hex(b & 0xF)])
                default: bytes.append(b)
                }
            }
            bytes.append(0x22)
        }
    }
}
