import Foundation
import Testing
@testable import TaggerConfig
@testable import TaggerCore
@testable import TaggerDaemon
@testable import TaggerMaildir
@testable import TaggerState
@testable import TaggerSystem

/// Inputs the fuzz targets (Tests/Fuzz) found, each kept as a test of the behaviour it broke.
@Suite("Fuzz findings: config and journal readers")
struct FuzzRegressionTests {
    /// Config texts on which toml++ (the TOML library tagger used before its own parser) asserted,
    /// aborting tagger, instead of reporting an error.
    static let abortingConfigs: [String] = [
        "maildirs = [\"~/Maildir\"]\n\n[\u{3}\u{3}\u{3}folder_labels]\n\".Receipts\" = \"receipts\"\n",
        "log_level = \"info\"\n\n[.local/folde\t\t\tr_labels]\n\".Receipts\" = \"receipts\"\n",
        "[[ /x]]\n",
        "[ {x]\n",
        "a = 1\r b = 2\n",
        "\u{FEFF}[=mr['tr[ai''[=",
        "maildirs = [\n  \"x\", true, 1979-05-27T~07:32:00Z],\n]\n",
        "# comment\nma = [}}}}}eY\nildir s = [}}\n",
        "maildirs = [ 'a', }\nrec = 1\n",
        "folder_labels = { \".A\" = { \".S\" = [ }\n",
        "maildirs =[\n}  [1, 2.5e3,]\n]\n",
        "a = # nothing\n",
        "a = [1,,2]\n",
        "t = { k = , }\n",
        "ma = [ 0989-05-2[ 2\n",
        "maildirs = [ 1989-05-2{ 2 ]\n",
        "a = 1979-05-27 7\n",
        "a = [1979-05-27 7]\n",
        "a = 1989-05-2x 2 # c\n",
        "a = 1979-05-2_7 0\n",
        "a = 12 3\n",
    ]

    @Test("a damaged config file is a clear error naming the line, never an abort")
    func damagedConfigIsAnError() {
        for text in Self.abortingConfigs {
            #expect(throws: ConfigError.self, "\(text.debugDescription)") { try ConfigSettings.parse(text, file: "c.toml") }
        }
        #expect { try ConfigSettings.parse(Self.abortingConfigs[0], file: "c.toml") } throws: {
            "\($0)".contains("line 3") && "\($0)".contains("0x03")
        }
        // 16 KB of `[` overflowed the stack of a recursive walk (found with ASan's larger frames).
        for deep in ["a = " + String(repeating: "[", count: 100_000), "a = " + String(repeating: "{b=", count: 50_000)] {
            #expect { try ConfigSettings.parse(deep, file: "c.toml") } throws: { "\($0)".contains("nested more than 128 deep") }
        }
        let nested = "a = " + String(repeating: "[", count: 128) + String(repeating: "]", count: 128) + "\n"
        #expect(throws: Never.self) { try TOMLParser.parse(nested) }
        #expect { try ConfigSettings.parse("# x\nmaildirs = [ 1989-05-2[ 2\n", file: "c.toml") } throws: {
            "\($0)".contains("line 2") && "\($0)".contains("YYYY-MM-DD")
        }
    }

    @Test("valid TOML whose lines start with [ inside values is read")
    func validTOMLWithBracketsInValues() throws {
        let text = """
            # a comment with [.odd] text
            maildirs = [
              "~/Maildir", # trailing [ comment
              '''/srv/mail/x''',
            ]
            state_dir = \"\"\"
            [.not-a-header]
            \"\"\"
            log_level = "debug"  # [ also fine
            [ folder_labels ]
            ".Spam" = "spam"
            "a\\"b" = 'c'

            """
        #expect(throws: Never.self) { try TOMLParser.parse("x = [\n  [1, 2],\n  [+3],\n]\n[\"quoted\".key]\n") }
        let values = """
            a = { x = 1, y = [ 'p', "q", ], z = { w = true } }
            d = [1979-05-27T07:32:00Z, 1979-05-27 07:32:00, 1979-05-27, 07:32:00, 1979-05-27t00:00:00]
            e = []
            f = [ # comment
              1, # one
            ]
            g = [ 0xDEAD_beef, 0o17, 0b1, -1_000, +inf, -nan, 6.626e-34, 5E+22, true, false ]
            h = 07:32:00.999999
            """
        #expect(throws: Never.self) { try TOMLParser.parse(values) }
        let s = try ConfigSettings.parse(text, file: "c.toml")
        #expect(s.maildirs == ["~/Maildir", "/srv/mail/x"])
        #expect(s.stateDir == "[.not-a-header]\n")
        #expect(s.folderLabels == [".Spam": "spam", "a\"b": "c"])
    }
}
