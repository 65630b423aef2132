import Testing
@testable import TaggerConfig

/// tagger's own TOML 1.0 parser (the config file's): what users write is read as the spec says,
/// and what is not TOML is refused with its line. (Tests/reference/toml_tomllib.py compares it
/// with Python's tomllib on generated documents.)
@Suite struct TOMLParserTests {
    private func parse(_ text: String) throws -> TOMLTable { try TOMLParser.parse(text) }

    private func error(_ text: String) -> TOMLError? {
        do { _ = try TOMLParser.parse(text); return nil } catch { return error }
    }

    @Test func everyKindOfValue() throws {
        let t = try parse("""
            # a config
            s = "tab\\t \\u00E9 \\U0001F600 \\"q\\" \\\\"
            l = 'C:\\Users\\x'
            ml = \"\"\"
            one
            two \\
                three\"\"\"
            mll = '''
            raw \\n'''
            i = [ +99, -17, 0, 1_000, 0xDEAD_beef, 0o755, 0b1101 ]
            f = [ 3.14, -0.01, 5e+22, 1E06, -2e-2, 224_617.445_991 ]
            special = [ inf, -inf, nan ]
            b = [ true, false ]
            d = [ 1979-05-27T07:32:00Z, 1979-05-27 00:32:00.5-07:00, 1979-05-27T07:32:00, 1979-05-27, 07:32:00 ]
            mixed = [ 1, "a", [ 2 ], { k = 'v' }, ]
            """)
        #expect(t["s"] == .string("tab\t é 😀 \"q\" \\"))
        #expect(t["l"] == .string("C:\\Users\\x"))
        #expect(t["ml"] == .string("one\ntwo three"))
        #expect(t["mll"] == .string("raw \\n"))
        #expect(t["i"] == .array([99, -17, 0, 1000, 0xDEADBEEF, 0o755, 0b1101].map { .integer($0) }))
        #expect(t["f"] == .array([3.14, -0.01, 5e22, 1e6, -0.02, 224_617.445_991].map { .float($0) }))
        #expect(t["special"] == .array([.float(.infinity), .float(-.infinity), .float(.nan)]))
        #expect(t["b"] == .array([.boolean(true), .boolean(false)]))
        #expect(t["d"]?.array?.map { if case .dateTime(let s) = $0 { s } else { "" } }
                == ["1979-05-27T07:32:00Z", "1979-05-27 00:32:00.5-07:00", "1979-05-27T07:32:00", "1979-05-27", "07:32:00"])
        var inline = TOMLTable()
        inline.append("k", .string("v"))
        #expect(t["mixed"] == .array([.integer(1), .string("a"), .array([.integer(2)]), .table(inline)]))
        #expect(t.keys == ["s", "l", "ml", "mll", "i", "f", "special", "b", "d", "mixed"])
    }

    @Test func tablesDottedKeysAndArraysOfTables() throws {
        let t = try parse("""
            a.b.c = 1
            a.b.d = 2
            [folder_labels]
            ".Receipts" = "receipts"
            'INBOX' = "inbox"
            [x.y.z]
            [x]
            y.w = 1
            [[fruit]]
            name = "apple"
            [fruit.physical]
            color = "red"
            [[fruit]]
            name = "banana"
            """)
        #expect(t["a"]?.table?["b"]?.table?.keys == ["c", "d"])
        #expect(t["folder_labels"]?.table?.entries.map(\.key) == [".Receipts", "INBOX"])
        #expect(t["x"]?.table?["y"]?.table?.keys == ["z", "w"])
        let fruit = try #require(t["fruit"]?.array)
        #expect(fruit.count == 2)
        #expect(fruit[0].table?["physical"]?.table?["color"] == .string("red"))
        #expect(fruit[1].table?["name"] == .string("banana"))
        #expect(try parse("\"\" = 1\n\"a.b\" = 2\n1234 = 3\n")["a.b"] == .integer(2))
        #expect(try parse("x = 1\r\ny = 2\r\n")["y"] == .integer(2))
        #expect(try parse("").keys.isEmpty)
        #expect(try parse("\u{FEFF}a = 1\n")["a"] == .integer(1))   // a byte order mark at the start
        // Keys are their bytes: `é` precomposed and as `e` + U+0301 are two keys (Swift's String
        // equality would take them as one, and call the second a duplicate).
        let accents = try parse("\"\u{E9}\" = 1\n\"e\u{301}\" = 2\n")
        #expect(accents.entries.map { Array($0.key.unicodeScalars) } == [["\u{E9}"], ["e", "\u{301}"]])
        #expect(accents.entries.map(\.value) == [.integer(1), .integer(2)])
        // Many `[[a]]` headers: each appends to the one array (the array was copied per header).
        let many = try parse(String(repeating: "[[a]]\nx = 1\n", count: 20_000))
        #expect(many["a"]?.array?.count == 20_000)
    }

    @Test(arguments: [
        ("a = 1\na = 2\n", 2, "defined twice"),
        ("[t]\n[t]\n", 2, "already defined"),
        ("a = 1\n[a]\n", 2, "already defined"),
        ("[a]\nb.c = 1\n[a.b]\n", 3, "already defined"),
        ("[a.b]\n[a]\nb.c = 1\n", 3, "cannot take more keys"),
        ("t = { a = 1 }\n[t]\n", 2, "already defined"),
        ("t = { a = 1 }\nt.b = 2\n", 2, "cannot take more keys"),
        ("a = [1]\n[[a]]\n", 2, "not as an array of tables"),
        ("[[a]]\n[a]\n", 2, "already defined"),
        ("a = \n", 1, "expected a value"),
        ("a = 01\n", 1, "leading zeros"),
        ("a = 1__0\n", 1, "underscore"),
        ("a = 9223372036854775808\n", 1, "out of range"),
        ("a = 1.\n", 1, "decimal point"),
        ("a = \"x\n", 1, "ends on its own line"),
        ("a = \"\\q\"\n", 1, "unknown escape"),
        ("a = \"\\uD800\"\n", 1, "not a Unicode scalar"),
        ("a = \"x\u{1}\"\n", 1, "control character"),
        ("# c\u{7F}\n", 1, "control character"),
        ("a = 1 b = 2\n", 1, "end of the line"),
        ("a = 1\rb = 2\n", 1, "carriage return"),
        ("a = [1, 2\n", 2, "unterminated array"),
        ("a = [1,,2]\n", 1, "expected a value"),
        ("t = { a = 1,\n b = 2 }\n", 1, "expected a key"),
        ("t = { a = 1, }\n", 1, "expected a key"),
        ("a = 1979-02-29\n", 1, "no such date"),
        ("a = 1979-05-27T25:00:00\n", 1, "no such time"),
        ("a = 07:32\n", 1, "HH:MM:SS"),
        ("x = \"\"\"\na\nb\n", 4, "unterminated"),
        ("\n\n[ a\n", 3, "']'"),
        ("[[a]\n", 1, "']]'"),
        ("= 1\n", 1, "expected a key"),
    ] as [(String, Int, String)])
    func invalidDocumentsAreRefusedWithTheirLine(text: String, line: Int, reason: String) throws {
        let e = try #require(error(text), "\(text.debugDescription) was accepted")
        #expect(e.line == line, "\(text.debugDescription): \(e)")
        #expect(e.message.contains(reason), "\(text.debugDescription): \(e)")
    }

    @Test(arguments: [
        ("maildirs = ~/Maildir\n", #"'~/Maildir' is not a TOML value: a string is written in quotes ("~/Maildir")"#),
        ("log_level = debug\n", #"a string is written in quotes ("debug")"#),
        ("notmuch = yes\n", "'yes' is not a TOML value: a boolean is true or false"),
        ("reconcile_interval = 15m\n", #"'15m' is not a number: a string is written in quotes ("15m")"#),
        ("[folder_labels]\n.Receipts = \"receipts\"\n", #"is written in quotes: ".Receipts""#),
        (#"model = "C:\Users\m.tgm""# + "\n", "a backslash starts an escape"),
    ] as [(String, String)])
    func usualMistakesAreExplained(text: String, message: String) throws {
        let e = try #require(error(text))
        #expect(e.message.contains(message), "\(e)")
    }

    @Test func nestingIsCappedNotAStackOverflow() throws {
        let deepest = TOMLParser.maxDepth
        #expect(throws: Never.self) {
            try TOMLParser.parse("a = " + String(repeating: "[", count: deepest) + String(repeating: "]", count: deepest))
        }
        // Deep by nesting, and deep by long keys: a header or dotted key of 200,000 parts made a
        // chain of tables whose finishing overflowed the stack (found trying it by hand).
        let parts = Array(repeating: "a", count: 200_000).joined(separator: ".")
        let inline = String(repeating: "{" + Array(repeating: "b", count: 100).joined(separator: ".") + " = ", count: 200)
        for deep in ["a = " + String(repeating: "[", count: 1_000_000), "a = " + String(repeating: "{b=", count: 300_000),
                     "[" + parts + "]\n", parts + " = 1\n", "a = " + inline + "1" + String(repeating: "}", count: 200)] {
            #expect(error(deep)?.message.contains("nested more than 128 deep") == true)
        }
        // A header and a dotted key share the depth.
        let header = "[" + Array(repeating: "h", count: 100).joined(separator: ".") + "]\n"
        #expect(throws: Never.self) { try TOMLParser.parse(header + Array(repeating: "k", count: 29).joined(separator: ".") + " = 1\n") }
        #expect(error(header + Array(repeating: "k", count: 30).joined(separator: ".") + " = 1\n") != nil)
    }
}
