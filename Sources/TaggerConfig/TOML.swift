/// A TOML 1.0 document's values, as `TOMLParser` reads them.
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case boolean(Bool)
    /// An offset or local date-time, a local date or a local time, as written (checked, not
    /// converted: the config has no dates).
    case dateTime(String)
    case array([TOMLValue])
    case table(TOMLTable)

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var int: Int? { if case .integer(let i) = self { Int(exactly: i) } else { nil } }
    public var bool: Bool? { if case .boolean(let b) = self { b } else { nil } }
    public var array: [TOMLValue]? { if case .array(let a) = self { a } else { nil } }
    public var table: TOMLTable? { if case .table(let t) = self { t } else { nil } }

    /// The type's name, for error messages.
    public var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .dateTime: "a date or time"
        case .array: "an array"
        case .table: "a table"
        }
    }

    public static func == (a: TOMLValue, b: TOMLValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): x == y
        case (.integer(let x), .integer(let y)): x == y
        // nan equals nan here: two documents that both say nan say the same.
        case (.float(let x), .float(let y)): x == y || (x.isNaN && y.isNaN)
        case (.boolean(let x), .boolean(let y)): x == y
        case (.dateTime(let x), .dateTime(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.table(let x), .table(let y)): x == y
        default: false
        }
    }
}

/// A TOML table: its keys in the order the document gave them.
public struct TOMLTable: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var values: [ExactKey: TOMLValue] = [:]

    public init() {}

    public subscript(key: String) -> TOMLValue? { values[ExactKey(key)] }

    mutating func append(_ key: String, _ value: TOMLValue) {
        if values.updateValue(value, forKey: ExactKey(key)) == nil { keys.append(key) }
    }

    /// Key and value pairs in document order.
    public var entries: [(key: String, value: TOMLValue)] { keys.map { ($0, values[ExactKey($0)]!) } }

    public static func == (a: TOMLTable, b: TOMLTable) -> Bool {
        a.keys.map(ExactKey.init) == b.keys.map(ExactKey.init) && a.values == b.values
    }
}

/// A key compared byte for byte: Swift's `String` equality takes canonically equivalent
/// spellings (`é` precomposed or as `e` and a combining accent) as one, TOML keys differ when
/// their bytes do.
struct ExactKey: Hashable, Sendable {
    let text: String
    init(_ text: String) { self.text = text }
    static func == (a: ExactKey, b: ExactKey) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
    func hash(into hasher: inout Hasher) {
        hasher.combine(text.utf8.count)
        for b in text.utf8 { hasher.combine(b) }
    }
}

/// A TOML syntax or definition error: the 1-based line and what is wrong.
public struct TOMLError: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

/// A parser of TOML 1.0 (https://toml.io/en/v1.0.0): every valid document is read, every invalid
/// one is refused with the line and the reason, and nothing a document holds makes it crash or
/// run long (nesting is capped at `maxDepth`; the work is linear in the text's size).
public struct TOMLParser {
    /// Tables and arrays nested deeper than this (header and dotted-key parts, arrays and inline
    /// tables all count) are refused: reading and finishing a document recurses.
    public static let maxDepth = 128

    /// Parses a whole document.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(Array(text.utf8))
        return try parser.document()
    }

    private let s: [UInt8]
    private var i = 0
    private var line = 1

    private init(_ bytes: [UInt8]) { s = bytes }

    // MARK: The tree being built

    /// A table under construction. Tables that can no longer change (inline tables, tables in
    /// static arrays) are finished values.
    private final class Builder {
        enum Origin {
            /// Made as a step of a longer `[header]`: may still be defined by its own header.
            case implicit
            /// Defined by its own `[header]` or `[[header]]`.
            case header
            /// Made by a dotted key (or given keys by one): no header may define it.
            case dotted
        }
        var origin: Origin
        var keys: [String] = []
        var items: [ExactKey: Item] = [:]
        init(_ origin: Origin) { self.origin = origin }

        subscript(key: String) -> Item? {
            get { items[ExactKey(key)] }
            set {
                if items.updateValue(newValue!, forKey: ExactKey(key)) == nil { keys.append(key) }
            }
        }

        func finished() -> TOMLTable {
            var t = TOMLTable()
            for k in keys {
                switch items[ExactKey(k)]! {
                case .value(let v): t.append(k, v)
                case .table(let b): t.append(k, .table(b.finished()))
                case .tables(let list): t.append(k, .array(list.tables.map { .table($0.finished()) }))
                }
            }
            return t
        }
    }

    /// The tables of one `[[header]]` array, appended to in place (a copy per header made a
    /// file of `[[a]]` lines quadratic).
    private final class TableList {
        var tables: [Builder]
        init(_ first: Builder) { tables = [first] }
    }

    private enum Item {
        case value(TOMLValue)
        case table(Builder)
        /// An array of tables (`[[header]]`).
        case tables(TableList)
    }

    // MARK: Document

    private mutating func document() throws(TOMLError) -> TOMLTable {
        // A byte order mark, as some editors write at the start of UTF-8 files, is not content.
        if s.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        let root = Builder(.header)
        var current = root
        var currentDepth = 0
        while true {
            skipBlanks()
            guard i < s.count else { break }
            let c = s[i]
            if c == 0x23 || c == 0x0A || c == 0x0D {
                try endOfLine()
            } else if c == 0x5B {
                (current, currentDepth) = try header(root)
                try endOfLine()
            } else {
                try keyValue(into: current, depth: currentDepth)
                try endOfLine()
            }
        }
        return root.finished()
    }

    /// `[a.b]` or `[[a.b]]`: the table later key/value pairs go to, and how deep it is.
    private mutating func header(_ root: Builder) throws(TOMLError) -> (Builder, Int) {
        let isArray = i + 1 < s.count && s[i + 1] == 0x5B
        i += isArray ? 2 : 1
        skipBlanks()
        let path = try key()
        guard path.count <= Self.maxDepth else { throw tooDeep() }
        skipBlanks()
        guard at(0x5D) else { throw fail("expected ']' to close the table header") }
        i += 1
        if isArray {
            guard at(0x5D) else { throw fail("expected ']]' to close the array-of-tables header") }
            i += 1
        }
        var table = root
        for part in path.dropLast() {
            switch table[part] {
            case nil:
                let made = Builder(.implicit)
                table[part] = .table(made)
                table = made
            case .table(let t): table = t
            case .tables(let list): table = list.tables[list.tables.count - 1]
            case .value: throw fail("'\(dotted(path))': '\(part)' is already a value, not a table")
            }
        }
        let last = path[path.count - 1]
        if isArray {
            switch table[last] {
            case nil:
                let made = Builder(.header)
                table[last] = .tables(TableList(made))
                return (made, path.count)
            case .tables(let list):
                let made = Builder(.header)
                list.tables.append(made)
                return (made, path.count)
            default:
                throw fail("'\(dotted(path))' is already defined, not as an array of tables")
            }
        }
        switch table[last] {
        case nil:
            let made = Builder(.header)
            table[last] = .table(made)
            return (made, path.count)
        case .table(let t) where t.origin == .implicit:
            t.origin = .header
            return (t, path.count)
        default:
            throw fail("'\(dotted(path))' is already defined")
        }
    }

    /// `key = value` (the key may be dotted) into `table`, `depth` tables below the root (a
    /// document's table or an inline table).
    private mutating func keyValue(into table: Builder, depth: Int) throws(TOMLError) {
        let path = try key()
        // The value sits in the table the key's last dot names.
        let valueDepth = depth + path.count - 1
        guard valueDepth <= Self.maxDepth else { throw tooDeep() }
        skipBlanks()
        guard at(0x3D) else { throw fail("expected '=' after the key '\(dotted(path))'") }
        i += 1
        skipBlanks()
        let v = try value(depth: valueDepth)
        try put(v, at: path, in: table)
    }

    private func put(_ v: TOMLValue, at path: [String], in start: Builder) throws(TOMLError) {
        var table = start
        for part in path.dropLast() {
            switch table[part] {
            case nil:
                let made = Builder(.dotted)
                table[part] = .table(made)
                table = made
            case .table(let t) where t.origin == .dotted || t.origin == .implicit:
                // A table a longer header made on the way may take keys; then it is defined.
                t.origin = .dotted
                table = t
            default:
                throw fail("'\(dotted(path))': '\(part)' is already defined and cannot take more keys here")
            }
        }
        let last = path[path.count - 1]
        guard table[last] == nil else { throw fail("'\(dotted(path))' is defined twice") }
        table[last] = .value(v)
    }

    // MARK: Keys

    /// A key: bare or quoted parts joined by dots.
    private mutating func key() throws(TOMLError) -> [String] {
        var parts: [String] = []
        while true {
            guard i < s.count else { throw fail("expected a key") }
            let c = s[i]
            if c == 0x22 {
                if i + 2 < s.count, s[i + 1] == 0x22, s[i + 2] == 0x22 { throw fail("a key cannot be a multi-line string") }
                parts.append(try basicString())
            } else if c == 0x27 {
                if i + 2 < s.count, s[i + 1] == 0x27, s[i + 2] == 0x27 { throw fail("a key cannot be a multi-line string") }
                parts.append(try literalString())
            } else if isBareKey(c) {
                let start = i
                while i < s.count, isBareKey(s[i]) { i += 1 }
                parts.append(String(decoding: s[start..<i], as: UTF8.self))
            } else {
                throw fail("expected a key, found \(shown(c))"
                           + (c == 0x2E ? " (a key that starts with or holds a '.' is written in quotes: \".Receipts\")" : ""))
            }
            skipBlanks()
            guard at(0x2E) else { return parts }
            i += 1
            skipBlanks()
        }
    }

    private func isBareKey(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }

    // MARK: Values

    private mutating func value(depth: Int) throws(TOMLError) -> TOMLValue {
        guard i < s.count else { throw fail("expected a value") }
        switch s[i] {
        case 0x22:
            if i + 2 < s.count, s[i + 1] == 0x22, s[i + 2] == 0x22 { return .string(try multiLineString(quote: 0x22)) }
            return .string(try basicString())
        case 0x27:
            if i + 2 < s.count, s[i + 1] == 0x27, s[i + 2] == 0x27 { return .string(try multiLineString(quote: 0x27)) }
            return .string(try literalString())
        case 0x5B:
            guard depth < Self.maxDepth else { throw tooDeep() }
            return try array(depth: depth + 1)
        case 0x7B:
            guard depth < Self.maxDepth else { throw tooDeep() }
            return try inlineTable(depth: depth + 1)
        case 0x74 where word("true"):
            i += 4
            return .boolean(true)
        case 0x66 where word("false"):
            i += 5
            return .boolean(false)
        default:
            return try numberOrDate()
        }
    }

    private mutating func array(depth: Int) throws(TOMLError) -> TOMLValue {
        i += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlanksAndNewlines()
            guard i < s.count else { throw fail("unterminated array") }
            if s[i] == 0x5D { i += 1; return .array(items) }
            items.append(try value(depth: depth))
            try skipBlanksAndNewlines()
            guard i < s.count else { throw fail("unterminated array") }
            if s[i] == 0x2C { i += 1; continue }
            guard s[i] == 0x5D else { throw fail("expected ',' or ']' in an array, found \(shown(s[i]))") }
            i += 1
            return .array(items)
        }
    }

    private mutating func inlineTable(depth: Int) throws(TOMLError) -> TOMLValue {
        i += 1
        let table = Builder(.header)
        skipBlanks()
        if at(0x7D) { i += 1; return .table(table.finished()) }
        while true {
            skipBlanks()
            try keyValue(into: table, depth: depth)
            skipBlanks()
            guard i < s.count else { throw fail("unterminated inline table") }
            if s[i] == 0x2C { i += 1; continue }
            guard s[i] == 0x7D else {
                throw fail(s[i] == 0x0A || s[i] == 0x0D ? "an inline table must be on one line"
                           : "expected ',' or '}' in an inline table, found \(shown(s[i]))")
            }
            i += 1
            return .table(table.finished())
        }
    }

    // MARK: Strings

    private mutating func basicString() throws(TOMLError) -> String {
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < s.count else { throw fail("unterminated string") }
            let c = s[i]
            if c == 0x22 { i += 1; break }
            if c == 0x5C {
                try escape(into: &out)
                continue
            }
            if c == 0x0A || c == 0x0D { throw fail("a \"string\" ends on its own line (use \"\"\" for more lines)") }
            try checkTextByte(c)
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A `"""` string (`quote` 0x22: escapes and line-ending backslashes) or a `'''` one
    /// (`quote` 0x27: the text as it is).
    private mutating func multiLineString(quote: UInt8) throws(TOMLError) -> String {
        i += 3
        try skipFirstNewline()
        var out: [UInt8] = []
        while true {
            guard i < s.count else { throw fail(quote == 0x22 ? "unterminated \"\"\" string" : "unterminated \'\'\' string") }
            let c = s[i]
            if c == quote, i + 2 < s.count, s[i + 1] == quote, s[i + 2] == quote {
                // Up to two more quotes belong to the text.
                var n = 3
                while i + n < s.count, s[i + n] == quote, n < 5 { n += 1 }
                out.append(contentsOf: repeatElement(quote, count: n - 3))
                i += n
                break
            }
            if c == 0x5C, quote == 0x22 {
                // A backslash at the end of a line takes out the line break and the blanks after it.
                var j = i + 1
                while j < s.count, s[j] == 0x20 || s[j] == 0x09 { j += 1 }
                if j < s.count, s[j] == 0x0A || (s[j] == 0x0D && j + 1 < s.count && s[j + 1] == 0x0A) {
                    i = j
                    while i < s.count {
                        if s[i] == 0x20 || s[i] == 0x09 { i += 1 }
                        else if s[i] == 0x0A { i += 1; line += 1 }
                        else if s[i] == 0x0D, i + 1 < s.count, s[i + 1] == 0x0A { i += 2; line += 1 }
                        else { break }
                    }
                    continue
                }
                try escape(into: &out)
                continue
            }
            // A line break is a line feed in the text, whatever the file uses.
            if c == 0x0A { out.append(c); i += 1; line += 1; continue }
            if c == 0x0D, i + 1 < s.count, s[i + 1] == 0x0A { out.append(0x0A); i += 2; line += 1; continue }
            try checkTextByte(c)
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func literalString() throws(TOMLError) -> String {
        i += 1
        let start = i
        while true {
            guard i < s.count else { throw fail("unterminated string") }
            let c = s[i]
            if c == 0x27 { break }
            if c == 0x0A || c == 0x0D { throw fail("a 'string' ends on its own line (use ''' for more lines)") }
            try checkTextByte(c)
            i += 1
        }
        defer { i += 1 }
        return String(decoding: s[start..<i], as: UTF8.self)
    }

    /// A line break right after an opening `"""` or `'''` is not part of the text.
    private mutating func skipFirstNewline() throws(TOMLError) {
        if at(0x0A) { i += 1; line += 1 }
        else if at(0x0D), i + 1 < s.count, s[i + 1] == 0x0A { i += 2; line += 1 }
    }

    /// The escape at `i` (a backslash), decoded into `out`.
    private mutating func escape(into out: inout [UInt8]) throws(TOMLError) {
        guard i + 1 < s.count else { throw fail("unterminated string") }
        let e = s[i + 1]
        i += 2
        switch e {
        case 0x62: out.append(0x08)
        case 0x74: out.append(0x09)
        case 0x6E: out.append(0x0A)
        case 0x66: out.append(0x0C)
        case 0x72: out.append(0x0D)
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x75, 0x55:
            let n = e == 0x75 ? 4 : 8
            guard i + n <= s.count else { throw fail("\\\(e == 0x75 ? "u" : "U") needs \(n) hex digits" + Self.backslashHint) }
            var v: UInt32 = 0
            for k in 0..<n {
                guard let d = hexDigit(s[i + k]) else { throw fail("\\\(e == 0x75 ? "u" : "U") needs \(n) hex digits" + Self.backslashHint) }
                v = v << 4 | UInt32(d)
            }
            guard let scalar = Unicode.Scalar(v) else { throw fail("\\u\(hex(v, width: 4)) is not a Unicode scalar value") }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            i += n
        default:
            throw fail("unknown escape \\\(shown(e))" + Self.backslashHint)
        }
    }

    /// Said with an escape error: Windows paths are the usual cause.
    private static let backslashHint = " (in a \"string\" a backslash starts an escape: write \\\\, or use a 'literal string')"

    /// Control characters other than tab are not allowed raw in strings and comments.
    private func checkTextByte(_ c: UInt8) throws(TOMLError) {
        if (c < 0x20 && c != 0x09) || c == 0x7F {
            throw fail("control character \(shown(c)) (write it as an escape)")
        }
    }

    // MARK: Numbers and dates

    private mutating func numberOrDate() throws(TOMLError) -> TOMLValue {
        let start = i
        // A date or a time: digits then '-' at 4, or ':' at 2.
        if i + 4 < s.count, isDigits(i, 4), s[i + 4] == 0x2D { return try dateTime() }
        if i + 2 < s.count, isDigits(i, 2), s[i + 2] == 0x3A { return try dateTime() }
        var sign: UInt8? = nil
        if at(0x2B) || at(0x2D) { sign = s[i]; i += 1 }
        if word("inf") || word("nan") {
            let isNaN = s[i] == 0x6E
            i += 3
            if isNaN { return .float(.nan) }
            return .float(sign == 0x2D ? -.infinity : .infinity)
        }
        if sign == nil, at(0x30), i + 1 < s.count, s[i + 1] == 0x78 || s[i + 1] == 0x6F || s[i + 1] == 0x62 {
            let radix: Int64 = s[i + 1] == 0x78 ? 16 : s[i + 1] == 0x6F ? 8 : 2
            i += 2
            let digits = try digitRun(radix: radix)
            guard let v = Int64(digits, radix: Int(radix)) else { throw fail("integer out of range") }
            return .integer(v)
        }
        guard i < s.count, isDigit(s[i]) else {
            i = start
            guard i < s.count, s[i] != 0x0A, s[i] != 0x0D, s[i] != 0x23 else { throw fail("expected a value before the end of the line") }
            let word = bareWord(from: i)
            guard !word.isEmpty else { throw fail("expected a value, found \(shown(s[i]))") }
            if ["yes", "no", "on", "off", "true", "false"].contains(word.lowercased()) {
                throw fail("'\(word)' is not a TOML value: a boolean is true or false")
            }
            throw fail("'\(word)' is not a TOML value: a string is written in quotes (\"\(word)\")")
        }
        let intStart = i
        let intPart = try digitRun(radix: 10)
        if intPart.count > 1, intPart.first == "0" {
            i = intStart
            throw fail("a number does not start with 0 (leading zeros)")
        }
        var text = (sign == 0x2D ? "-" : "") + intPart
        var isFloat = false
        if at(0x2E) {
            i += 1
            guard i < s.count, isDigit(s[i]) else { throw fail("a digit must follow the decimal point") }
            text += "." + (try digitRun(radix: 10))
            isFloat = true
        }
        if at(0x65) || at(0x45) {
            i += 1
            text += "e"
            if at(0x2B) || at(0x2D) { text += s[i] == 0x2D ? "-" : ""; i += 1 }
            guard i < s.count, isDigit(s[i]) else { throw fail("an exponent needs digits") }
            text += try digitRun(radix: 10)
            isFloat = true
        }
        if i < s.count, (s[i] >= 0x41 && s[i] <= 0x5A) || (s[i] >= 0x61 && s[i] <= 0x7A) {
            let word = bareWord(from: start)
            throw fail("'\(word)' is not a number: a string is written in quotes (\"\(word)\")")
        }
        if isFloat {
            guard let d = Double(text) else { throw fail("not a number") }
            return .float(d)
        }
        guard let v = Int64(text) else { throw fail("integer out of range") }
        return .integer(v)
    }

    /// Digits of `radix` with single underscores between them.
    private mutating func digitRun(radix: Int64) throws(TOMLError) -> String {
        var out = ""
        var lastWasDigit = false
        while i < s.count {
            let c = s[i]
            if c == 0x5F {
                guard lastWasDigit, i + 1 < s.count, let d = hexDigit(s[i + 1]), Int64(d) < radix else {
                    throw fail("an underscore in a number must sit between two digits")
                }
                lastWasDigit = false
                i += 1
                continue
            }
            guard let d = hexDigit(c), Int64(d) < radix else { break }
            out.append(Character(Unicode.Scalar(c)))
            lastWasDigit = true
            i += 1
        }
        guard !out.isEmpty else { throw fail("expected digits") }
        return out
    }

    private mutating func dateTime() throws(TOMLError) -> TOMLValue {
        let start = i
        var hasDate = false
        if isDigits(i, 4), i + 4 < s.count, s[i + 4] == 0x2D {
            guard i + 10 <= s.count, isDigits(i + 5, 2), s[i + 7] == 0x2D, isDigits(i + 8, 2) else {
                throw fail("a date is written YYYY-MM-DD")
            }
            let year = number(i, 4), month = number(i + 5, 2), day = number(i + 8, 2)
            guard (1...12).contains(month), day >= 1, day <= daysIn(month, year) else { throw fail("no such date") }
            i += 10
            hasDate = true
            // A time may follow after T or a single space (then it must look like one).
            if i < s.count, s[i] == 0x54 || s[i] == 0x74 || (s[i] == 0x20 && i + 3 < s.count && isDigits(i + 1, 2) && s[i + 3] == 0x3A) {
                i += 1
            } else {
                return .dateTime(String(decoding: s[start..<i], as: UTF8.self))
            }
        }
        guard i + 8 <= s.count, isDigits(i, 2), s[i + 2] == 0x3A, isDigits(i + 3, 2), s[i + 5] == 0x3A, isDigits(i + 6, 2) else {
            throw fail("a time is written HH:MM:SS")
        }
        guard number(i, 2) < 24, number(i + 3, 2) < 60, number(i + 6, 2) <= 60 else { throw fail("no such time") }
        i += 8
        if at(0x2E) {
            i += 1
            guard i < s.count, isDigit(s[i]) else { throw fail("a digit must follow the decimal point of the seconds") }
            while i < s.count, isDigit(s[i]) { i += 1 }
        }
        if hasDate {
            if at(0x5A) || at(0x7A) {
                i += 1
            } else if at(0x2B) || at(0x2D) {
                guard i + 6 <= s.count, isDigits(i + 1, 2), s[i + 3] == 0x3A, isDigits(i + 4, 2),
                      number(i + 1, 2) < 24, number(i + 4, 2) < 60 else { throw fail("a time offset is written +HH:MM") }
                i += 6
            }
        }
        return .dateTime(String(decoding: s[start..<i], as: UTF8.self))
    }

    private func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private func number(_ at: Int, _ n: Int) -> Int {
        var v = 0
        for k in 0..<n { v = v * 10 + Int(s[at + k] - 0x30) }
        return v
    }

    private func isDigits(_ at: Int, _ n: Int) -> Bool {
        guard at + n <= s.count else { return false }
        for k in 0..<n where !isDigit(s[at + k]) { return false }
        return true
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    // MARK: Blanks, comments, line ends

    private mutating func skipBlanks() {
        while i < s.count, s[i] == 0x20 || s[i] == 0x09 { i += 1 }
    }

    /// Blanks, line breaks and comments (inside arrays).
    private mutating func skipBlanksAndNewlines() throws(TOMLError) {
        while i < s.count {
            switch s[i] {
            case 0x20, 0x09: i += 1
            case 0x0A: i += 1; line += 1
            case 0x0D:
                guard i + 1 < s.count, s[i + 1] == 0x0A else { throw fail("a carriage return must be followed by a line feed") }
                i += 2; line += 1
            case 0x23: try comment()
            default: return
            }
        }
    }

    /// After a key/value pair or a header: blanks, an optional comment, then a line break or the end.
    private mutating func endOfLine() throws(TOMLError) {
        skipBlanks()
        if at(0x23) { try comment() }
        guard i < s.count else { return }
        if s[i] == 0x0A { i += 1; line += 1; return }
        if s[i] == 0x0D, i + 1 < s.count, s[i + 1] == 0x0A { i += 2; line += 1; return }
        if s[i] == 0x0D { throw fail("a carriage return must be followed by a line feed") }
        throw fail("expected the end of the line, found \(shown(s[i]))")
    }

    /// A comment, up to (not including) the line break.
    private mutating func comment() throws(TOMLError) {
        i += 1
        while i < s.count, s[i] != 0x0A {
            if s[i] == 0x0D, i + 1 < s.count, s[i + 1] == 0x0A { return }
            try checkTextByte(s[i])
            i += 1
        }
    }

    // MARK: Helpers

    private func at(_ c: UInt8) -> Bool { i < s.count && s[i] == c }

    private func word(_ w: StaticString) -> Bool {
        let n = w.utf8CodeUnitCount
        guard i + n <= s.count else { return false }
        for k in 0..<n where s[i + k] != w.utf8Start[k] { return false }
        return true
    }

    private func shown(_ c: UInt8) -> String {
        c >= 0x21 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "0x" + hex(UInt32(c), width: 2)
    }

    /// The unquoted word at `from` (up to a blank, a separator, a comment or the end of the
    /// line; at most 40 bytes), for error messages.
    private func bareWord(from start: Int) -> String {
        var j = start
        while j < s.count, j - start < 40, s[j] > 0x20, s[j] != 0x2C, s[j] != 0x5D, s[j] != 0x7D, s[j] != 0x23, s[j] != 0x22, s[j] != 0x27, s[j] != 0x7F {
            j += 1
        }
        return String(decoding: s[start..<j], as: UTF8.self)
    }

    private func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private func dotted(_ path: [String]) -> String { path.joined(separator: ".") }

    private func fail(_ message: String) -> TOMLError { TOMLError(line: line, message: message) }

    private func tooDeep() -> TOMLError { fail("tables and arrays nested more than \(Self.maxDepth) deep") }
}
