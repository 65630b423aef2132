/// Checks TOML text for the inputs on which toml++ (under TOMLKit) aborts the process with a
/// failed assertion instead of reporting a parse error, so that a damaged config file gives a
/// clear error. Found by the `config` fuzz target (Tests/Fuzz):
/// - control characters (other than tab and line ends) and a CR not before LF, which TOML allows
///   nowhere: `[\u{3}folder_labels]` aborted;
/// - a table header whose first key does not start with a bare-key character or a quote
///   (`[.x]`, `[/x]`, `[ {x]`);
/// - a missing value (`a = }`, `x = [ }`, `[1,,2]`, `{ k = , }`), a date-time whose `T` is
///   not followed by a digit (`1979-05-27Tt7:32:00Z`), and an unquoted value holding a character
///   no number, boolean or date has (`[ 1989-05-2[ 2`), or followed by a space and a digit other
///   than as a date and its time (`1979-05-27 7`);
/// - and, for this walk's own sake, values nested deeper than toml++ accepts (256 levels).
///
/// It is not a TOML parser: it walks the text as toml++ does (comments, key/value lines,
/// strings of the four kinds, arrays spanning lines, inline tables) only to find those shapes,
/// each of which is invalid TOML. Everything else is left to TOMLKit to accept or report.
enum TOMLPrecheck {
    /// Why the text is refused, with its line, or nil when TOMLKit may parse it.
    static func problem(_ text: String) -> String? {
        let b = Array(text.utf8)
        var line = 1
        for (i, c) in b.enumerated() {
            if c == 0x0A { line += 1; continue }
            if c == 0x0D, i + 1 < b.count, b[i + 1] == 0x0A { continue }
            if c < 0x20 && c != 0x09 || c == 0x7F {
                let code = String(c, radix: 16, uppercase: true)
                return "line \(line): control character U+\(String(repeating: "0", count: 4 - code.count))\(code) is not allowed in TOML"
            }
        }
        var s = Scanner(b: b)
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { s.i = 3 }   // a byte-order mark, skipped as toml++ does
        return s.topLevel()
    }

    private struct Scanner {
        let b: [UInt8]
        var i = 0
        var line = 1

        static func isBareKey(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
        }

        /// A character of an unquoted value: digits, letters, `+ - _ . :`.
        static func isScalar(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == 0x2B || c == 0x2D || c == 0x5F || c == 0x2E || c == 0x3A
        }

        static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

        /// toml++'s own limit (TOML_MAX_NESTED_VALUES).
        static let maximumDepth = 256

        var atEnd: Bool { i >= b.count }

        mutating func skipBlanks() { while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 } }

        mutating func skipToLineEnd() {
            while i < b.count, b[i] != 0x0A { i += 1 }
        }

        /// Walks lines at the top level; returns the first problem found.
        mutating func topLevel() -> String? {
            while !atEnd {
                skipBlanks()
                guard !atEnd else { break }
                switch b[i] {
                case 0x0A: line += 1; i += 1
                case 0x0D: i += 1
                case 0x23: skipToLineEnd()   // comment
                case 0x5B:                   // [table] or [[array of tables]]
                    var j = i + 1
                    if j < b.count, b[j] == 0x5B { j += 1 }
                    while j < b.count, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                    if j < b.count, b[j] != 0x5D, !Self.isBareKey(b[j]), b[j] != 0x22, b[j] != 0x27 {
                        return "line \(line): a table header must start with a key (a name or a quoted string)"
                    }
                    skipToLineEnd()
                default:
                    if !key() { skipToLineEnd(); continue }
                    if let p = value() { return p }
                    skipRestOfLine()
                }
            }
            return nil
        }

        /// A key up to and past its `=`; false when the line has no `=` (TOMLKit reports it).
        mutating func key() -> Bool {
            while !atEnd, b[i] != 0x3D, b[i] != 0x0A, b[i] != 0x7D {
                if b[i] == 0x22 || b[i] == 0x27 { string() } else { i += 1 }
            }
            guard !atEnd, b[i] == 0x3D else { return false }
            i += 1
            return true
        }

        /// Blanks, line ends and comments (between array elements).
        mutating func skipSpaceAndComments() {
            while !atEnd {
                switch b[i] {
                case 0x20, 0x09, 0x0D: i += 1
                case 0x0A: line += 1; i += 1
                case 0x23: skipToLineEnd()
                default: return
                }
            }
        }

        /// One value at a value position (after `=`, `[` or `,`): toml++ asserts when it finds a
        /// value terminator there, or a date whose time does not start with a digit.
        mutating func value(depth: Int = 1) -> String? {
            skipBlanks()
            guard !atEnd else { return "line \(line): a value is missing" }
            // toml++ refuses more than 256 levels too; this walk recurses per level, and 16 KB of
            // `[` overflowed a thread's stack before toml++ was reached.
            guard depth <= Self.maximumDepth else {
                return "line \(line): arrays and inline tables nested deeper than \(Self.maximumDepth) levels"
            }
            switch b[i] {
            case 0x22, 0x27:
                string()
            case 0x5B:
                i += 1
                while true {
                    skipSpaceAndComments()
                    guard !atEnd else { return nil }
                    if b[i] == 0x5D { i += 1; return nil }
                    if let p = value(depth: depth + 1) { return p }
                    skipSpaceAndComments()
                    guard !atEnd, b[i] == 0x2C else {
                        if !atEnd, b[i] == 0x5D { i += 1 }
                        return nil
                    }
                    i += 1
                }
            case 0x7B:
                i += 1
                while true {
                    skipBlanks()
                    guard !atEnd else { return nil }
                    if b[i] == 0x7D { i += 1; return nil }
                    guard key() else { return nil }
                    if let p = value(depth: depth + 1) { return p }
                    skipBlanks()
                    guard !atEnd, b[i] == 0x2C else {
                        if !atEnd, b[i] == 0x7D { i += 1 }
                        return nil
                    }
                    i += 1
                }
            case 0x0A, 0x0D, 0x2C, 0x5D, 0x7D, 0x23:
                return "line \(line): a value is missing"
            default:
                let start = i
                while !atEnd, ![0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x5D, 0x7D, 0x23].contains(b[i]) { i += 1 }
                let token = b[start..<i]
                // Numbers, booleans and dates are written with these characters only; toml++
                // asserted on others glued to a date (`[ 1989-05-2[ 2`).
                if let c = token.first(where: { !Self.isScalar($0) }) {
                    let shown = c >= 0x21 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16, uppercase: true))"
                    return "line \(line): unexpected \(shown) in a value (strings need quotes)"
                }
                // toml++ reads a value, one space and a digit as a date and its time, and asserted
                // when one digit alone followed (`1979-05-27 7`). In valid TOML only a full date
                // followed by HH: stands there; anything else is two values without a comma.
                if i + 1 < b.count, b[i] == 0x20, Self.isDigit(b[i + 1]) {
                    let t = Array(token)
                    let isDate = t.count == 10 && t[4] == 0x2D && t[7] == 0x2D
                        && [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { Self.isDigit(t[$0]) }
                    let timeFollows = i + 3 < b.count && Self.isDigit(b[i + 2]) && b[i + 3] == 0x3A
                    if !(isDate && timeFollows) {
                        return "line \(line): a value followed by another without a comma (a date-time's time is HH:MM:SS)"
                    }
                }
                // YYYY-MM-DD then T/t: toml++ asserts unless a digit follows.
                if token.count >= 11, token.prefix(4).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                   token[start + 4] == 0x2D, token[start + 10] == 0x54 || token[start + 10] == 0x74,
                   token.count == 11 || !(token[start + 11] >= 0x30 && token[start + 11] <= 0x39) {
                    return "line \(line): a date-time needs a time (HH:MM:SS) after its T"
                }
            }
            return nil
        }

        /// After a value: anything up to the line end (a comment, or junk TOMLKit will report).
        mutating func skipRestOfLine() {
            while !atEnd, b[i] != 0x0A {
                if b[i] == 0x22 || b[i] == 0x27 { string() } else { i += 1 }
            }
        }

        /// A basic or literal string, single- or multi-line, from its opening quote.
        mutating func string() {
            let q = b[i]
            let triple = i + 2 < b.count && b[i + 1] == q && b[i + 2] == q
            i += triple ? 3 : 1
            while !atEnd {
                let c = b[i]
                if c == 0x5C && q == 0x22 {                       // escape in a basic string
                    if i + 1 < b.count, b[i + 1] == 0x0A { line += 1 }
                    i += 2
                    continue
                }
                if c == 0x0A {
                    if !triple { return }                     // unterminated: TOMLKit reports it
                    line += 1
                }
                if c == q {
                    if !triple { i += 1; return }
                    if i + 2 < b.count, b[i + 1] == q, b[i + 2] == q {
                        i += 3
                        while i < b.count, b[i] == q { i += 1 }   // up to two quotes may end the content
                        return
                    }
                }
                i += 1
            }
        }
    }
}
