import Testing
@testable import MIME

@Suite struct CharsetTests {
    func text(_ b: [UInt8], _ label: String?) -> String { Charset.decode(b[...], label: label).text }

    @Test(arguments: [
        ("iso-8859-2", [0x5A, 0x61, 0xBF, 0xF3, 0xB3, 0xE6, 0x20, 0x67, 0xEA, 0xB6, 0x6C, 0xB1] as [UInt8], "Zażółć gęślą"),
        ("koi8-r", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4, 0x20, 0xCD, 0xC9, 0xD2], "Привет мир"),
        ("KOI8-U", [0xF0, 0xD2, 0xC9, 0xD7, 0xA6, 0xD4], "Привіт"),
        ("windows-1251", [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2, 0x20, 0xEC, 0xE8, 0xF0], "Привет мир"),
        ("cp1251", [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], "Привет"),
        ("gb2312", [0xD6, 0xD0, 0xCE, 0xC4, 0xD3, 0xCA, 0xBC, 0xFE], "中文邮件"),
        ("GBK", [0xD6, 0xD0, 0xCE, 0xC4], "中文"),
        ("big5", [0xA4, 0xA4, 0xA4, 0xE5, 0xB6, 0x6C, 0xA5, 0xF3], "中文郵件"),
        ("CHINESEBIG5", [0xA4, 0xA4, 0xA4, 0xE5], "中文"),  // Outlook's label
        ("shift_jis", [0x93, 0xFA, 0x96, 0x7B, 0x8C, 0xEA, 0x83, 0x81, 0x81, 0x5B, 0x83, 0x8B], "日本語メール"),
        ("x-sjis", [0x93, 0xFA, 0x96, 0x7B], "日本"),
        ("windows-31j", [0x93, 0xFA, 0x96, 0x7B], "日本"),
        ("euc-jp", [0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC, 0xA5, 0xE1, 0xA1, 0xBC, 0xA5, 0xEB], "日本語メール"),
        ("iso-2022-jp", [0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x38, 0x6C, 0x25, 0x61, 0x21, 0x3C, 0x25, 0x6B, 0x1B, 0x28, 0x42], "日本語メール"),
        ("euc-kr", [0xC7, 0xD1, 0xB1, 0xB9, 0xBE, 0xEE, 0x20, 0xB8, 0xDE, 0xC0, 0xCF], "한국어 메일"),
        ("ks_c_5601-1987", [0xC7, 0xD1, 0xB1, 0xB9], "한국"),
        ("unicode-1-1-utf-7", [0x48, 0x69, 0x20, 0x2B, 0x4A, 0x6A, 0x6F, 0x2D], "Hi ☺"),
        ("iso-8859-15", [0xA4, 0x75, 0x72, 0x6F], "€uro"),
        ("latin1", [0x63, 0x61, 0x66, 0xE9], "café"),
        ("iso8859-1", [0x63, 0x61, 0x66, 0xE9], "café"),
        ("cp1252", [0x93, 0x71, 0x94, 0x80], "\u{201C}q\u{201D}€"),
        ("\"UTF8\"", [0xE6, 0x97, 0xA5], "日"),
    ])
    func decodesCharset(label: String, input: [UInt8], expected: String) {
        let (t, w) = Charset.decode(input[...], label: label)
        #expect(t == expected)
        #expect(w == nil)
    }

    @Test func unknownLabelKeepsValidUTF8ElseWindows1252() {
        let u = Charset.decode([0xE6, 0x97, 0xA5][...], label: "x-unknown")
        #expect(u.text == "日")
        #expect(u.warning?.code == "charset.unknown")
        let w = Charset.decode([0x63, 0x61, 0x66, 0xE9][...], label: "no-such-charset")
        #expect(w.text == "café")
        #expect(w.warning?.code == "charset.unknown")
    }

    @Test func invalidBytesAreReplacedAndWarned() {
        let (t, w) = Charset.decode([0x61, 0xFF, 0x62][...], label: "utf-8")
        #expect(t == "a\u{FFFD}b")
        #expect(w?.code == "charset.invalid")
        let (s, v) = Charset.decode([0x93, 0xFA, 0xFF, 0x41][...], label: "shift_jis")
        #expect(s.hasPrefix("日"))
        #expect(s.hasSuffix("A"))
        #expect(v?.code == "charset.invalid")
    }

    @Test func asciiFastPathAndUndeclaredCharset() {
        #expect(text(Array("plain".utf8), "koi8-r") == "plain")
        #expect(text([0xE6, 0x97, 0xA5], nil) == "日")
        #expect(text([0xE9], nil) == "é")
    }

    @Test func concurrentDecodingIsSafe() async {
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    (0..<200).allSatisfy { _ in
                        Charset.decode([0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4][...], label: "koi8-r").text == "Привет"
                    }
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    @Test func htmlMetaCharsetIsSniffedWhenUndeclared() {
        var raw = bytes("Content-Type: text/html\n\n<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\"></head><body>")
        raw += [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]
        let m = MessageParser.parse(raw)
        #expect(m.parts.first?.text?.contains("Привет") == true)
        var raw2 = bytes("Content-Type: text/html\n\n<meta charset='windows-1251'>")
        raw2 += [0xCF, 0xF0, 0xE8]
        #expect(MessageParser.parse(raw2).parts.first?.text?.hasSuffix("При") == true)
    }
}

@Suite struct MislabelledCharsetTests {
    @Test func validUTF8WinsOverALegacyLabel() {
        let (t, w) = Charset.decode(Array("你好，我公司".utf8)[...], label: "gb2312")
        #expect(t == "你好，我公司")
        #expect(w?.code == "charset.mislabelled")
        let (l, _) = Charset.decode(Array("café".utf8)[...], label: "iso-8859-1")
        #expect(l == "café")
    }
}
