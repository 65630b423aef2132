import Testing
@testable import MIME

@Suite struct EncodedWordTests {
    func decode(_ s: String) -> String { EncodedWords.decode(Array(s.utf8)) }

    @Test func base64AndQuotedPrintableWords() {
        #expect(decode("=?utf-8?B?5Lit5paH?=") == "中文")
        #expect(decode("=?ISO-8859-1?Q?Caf=E9_cr=E8me?=") == "Café crème")
        #expect(decode("=?iso-8859-1?q?a?= plain =?utf-8?b?5Lit?=") == "a plain 中")
    }

    @Test func languageSuffixIsIgnored() {
        #expect(decode("=?US-ASCII*EN?Q?Keith_Moore?=") == "Keith Moore")
    }

    @Test func whitespaceBetweenAdjacentWordsIsDropped() {
        #expect(decode("=?utf-8?q?a?= =?utf-8?q?b?=") == "ab")
        #expect(decode("=?utf-8?q?a?=\r\n =?iso-8859-1?q?b?=") == "ab")
        #expect(decode("=?utf-8?q?a?= x =?utf-8?q?b?=") == "a x b")
    }

    @Test func multiByteCharacterSplitAcrossWords() {
        // 日 = E6 97 A5, split after the second byte.
        #expect(decode("=?utf-8?Q?=E6=97?= =?utf-8?Q?=A5?=") == "日")
        #expect(decode("=?UTF-8?B?5pc=?= =?UTF-8?B?peacrA==?=") == "日本")
    }

    @Test func regionalCharsets() {
        #expect(decode("=?koi8-r?B?8NLJ18XU?=") == "Привет")
        #expect(decode("=?gb2312?B?1tDOxA==?=") == "中文")
        #expect(decode("=?iso-2022-jp?B?GyRCRnxLXBsoQg==?=") == "日本")
    }

    @Test func malformedWordsStayReadable() {
        #expect(decode("=?utf-8?x?abc?=") == "=?utf-8?x?abc?=")
        #expect(decode("=?utf-8?q?unterminated") == "=?utf-8?q?unterminated")
        #expect(decode("price =? 5") == "price =? 5")
        #expect(decode("a=?b") == "a=?b")
    }

    @Test func unknownCharsetFallsBack() {
        #expect(decode("=?x-nonsense?q?caf=C3=A9?=") == "café")
    }

    @Test func decodedHeaderThroughMessage() {
        let m = parse("Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= aus\n =?iso-8859-1?q?K=F6ln?=\n\nx")
        #expect(m.headers.decoded("subject") == "Grüße aus Köln")
    }
}
