/// Writes sidecars and `tagger tag` lines directly, without Foundation's `JSONEncoder` (which
/// took an eighth of the daemon's time per message). The output is byte for byte what
/// `JSONEncoder` gives with `.sortedKeys` and `.withoutEscapingSlashes` (plus `.prettyPrinted`
/// for sidecars): its layout, key order, number and string forms. Sidecars written by either
/// therefore compare equal and nothing is rewritten after an upgrade; tests hold the two to
/// the same bytes.
enum SidecarJSON {
    /// The sidecar as pretty-printed JSON with sorted keys (no trailing newline).
    static func encode(_ s: Sidecar) throws(JSONWriter.NonFiniteNumber) -> [UInt8] {
        var w = JSONWriter(pretty: true)
        w.bytes.reserveCapacity(1024)
        w.beginObject()
        w.key("abstained"); w.strings(s.abstained)
        if let error = s.error { w.key("error"); w.string(error) }
        w.key("message")
        w.beginObject()
        if let file = s.message.file { w.key("file"); w.string(file) }
        w.key("message_id")
        if let id = s.message.messageID { w.string(id) } else { w.null() }
        w.key("path"); w.string(s.message.path)
        if let root = s.message.root { w.key("root"); w.string(root) }
        w.key("unique"); w.string(s.message.unique)
        w.endObject()
        w.key("model")
        w.beginObject()
        w.key("id"); w.string(s.model.id)
        w.key("trained_at"); w.string(s.model.trainedAt)
        w.endObject()
        w.key("schema"); w.integer(s.schema)
        w.key("scores"); try w.numbers(s.scores, name: "scores")
        w.key("tagged_at"); w.string(s.taggedAt)
        w.key("tags"); w.strings(s.tags)
        w.key("thresholds"); try w.numbers(s.thresholds, name: "thresholds")
        w.key("user")
        w.beginObject()
        w.key("add"); w.strings(s.user.add)
        w.key("remove"); w.strings(s.user.remove)
        w.endObject()
        if let warnings = s.warnings { w.key("warnings"); w.strings(warnings) }
        w.endObject()
        return w.bytes
    }
}

/// One line of `tagger tag` output.
public struct TagLine: Sendable, Equatable {
    public var path: String
    public var tags: [String]
    public var scores: [String: Double]
    public var abstained: [String]
    public var warnings: [String]?

    public init(path: String, tags: [String], scores: [String: Double], abstained: [String], warnings: [String]? = nil) {
        self.path = path
        self.tags = tags
        self.scores = scores
        self.abstained = abstained
        self.warnings = warnings
    }

    /// Compact JSON with sorted keys (`warnings` left out when nil), no newline.
    /// - Throws: when a score is not finite.
    public func json() throws -> [UInt8] {
        var w = JSONWriter(pretty: false)
        w.beginObject()
        w.key("abstained"); w.strings(abstained)
        w.key("path"); w.string(path)
        w.key("scores"); try w.numbers(scores, name: "scores")
        w.key("tags"); w.strings(tags)
        if let warnings { w.key("warnings"); w.strings(warnings) }
        w.endObject()
        return w.bytes
    }
}

/// A JSON byte writer in JSONEncoder's two layouts: compact, or pretty (two-space indent,
/// `"key" : value`, an empty array or object as a blank line between its brackets).
/// Members are written in the order given: callers pass keys already sorted.
struct JSONWriter {
    struct NonFiniteNumber: Error, CustomStringConvertible {
        let key: String
        var description: String { "cannot write \(key): not a finite number" }
    }

    var bytes: [UInt8] = []
    let pretty: Bool
    /// Nesting depth and whether the innermost container has a member yet.
    private var depth = 0
    private var hasMember: [Bool] = []

    init(pretty: Bool) { self.pretty = pretty }

    mutating func beginObject() { begin(0x7B) }
    mutating func endObject() { end(0x7D) }

    private mutating func begin(_ bracket: UInt8) {
        bytes.append(bracket)
        depth += 1
        hasMember.append(false)
    }

    private mutating func end(_ bracket: UInt8) {
        let had = hasMember.removeLast()
        depth -= 1
        if pretty {
            if !had { bytes.append(0x0A) }
            newline()
        }
        bytes.append(bracket)
    }

    private mutating func newline() {
        bytes.append(0x0A)
        for _ in 0..<(2 * depth) { bytes.append(0x20) }
    }

    /// Separator and indentation before a member or element.
    private mutating func nextMember() {
        if hasMember[hasMember.count - 1] { bytes.append(0x2C) }
        hasMember[hasMember.count - 1] = true
        if pretty { newline() }
    }

    mutating func key(_ name: StaticString) {
        nextMember()
        bytes.append(0x22)
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(0x22)
        separator()
    }

    private mutating func separator() {
        if pretty { bytes.append(contentsOf: [0x20, 0x3A, 0x20]) } else { bytes.append(0x3A) }
    }

    mutating func null() { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    mutating func integer(_ v: Int) { bytes.append(contentsOf: String(v).utf8) }

    mutating func boolean(_ v: Bool) { bytes.append(contentsOf: (v ? "true" : "false").utf8) }

    /// An array of strings.
    mutating func strings(_ items: [String]) {
        begin(0x5B)
        for item in items {
            nextMember()
            string(item)
        }
        end(0x5D)
    }

    /// An object of numbers, keys in UTF-8 byte order (JSONEncoder's `.sortedKeys` order).
    mutating func numbers(_ items: [String: Double], name: String) throws(NonFiniteNumber) {
        begin(0x7B)
        for (k, v) in items.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            guard v.isFinite else { throw NonFiniteNumber(key: "\(name).\(k)") }
            nextMember()
            string(k)
            separator()
            number(v)
        }
        end(0x7D)
    }

    /// Swift's shortest round-trip form without a trailing `.0`, as JSONEncoder writes it.
    mutating func number(_ v: Double) {
        var text = v.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
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
            case 0..<0x20: bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, 0x30 + b >> 4, Self.hex(b & 0xF)])
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }
}
