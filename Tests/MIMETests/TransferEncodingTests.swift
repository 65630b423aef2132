import Testing
@testable import MIME

@Suite struct TransferEncodingTests {
    func decode(_ s: String, _ e: String?) -> [UInt8] { TransferEncoding.decode(Array(s.utf8)[...], encoding: e) }

    @Test func base64ToleratesWhitespaceJunkAndMissingPadding() {
        #expect(decode("SGVs\r\nbG8g\n d29y bGQ=", "base64") == Array("Hello world".utf8))
        #expect(decode("SGVsbG8*!gd29ybGQ", "BASE64") == Array("Hello world".utf8))
        #expect(decode("SGk", "base64") == Array("Hi".utf8))
        #expect(decode("", "base64") == [])
    }

    @Test func quotedPrintableSoftBreaksAndBadEscapes() {
        #expect(decode("caf=C3=A9 soft=\r\nbreak and=  \nspaces", "quoted-printable") == Array("café softbreak andspaces".utf8))
        #expect(decode("100% =ZZ bad =4 end=", "quoted-printable") == Array("100% =ZZ bad =4 end".utf8))
        #expect(decode("lower =c3=a9", "Quoted-Printable") == Array("lower é".utf8))
    }

    @Test func identityEncodingsKeepBytes() {
        for e in ["7bit", "8bit", "binary", nil] {
            #expect(decode("a=41\r\nb", e) == Array("a=41\r\nb".utf8))
        }
    }

    @Test func unknownEncodingKeepsRawAndWarns() {
        let m = parse("Content-Transfer-Encoding: x-weird\n\nraw=41")
        #expect(m.parts.first?.text == "raw=41")
        #expect(m.warnings.contains { $0.code == "transferEncoding.unknown" })
    }

    @Test func uuencode() {
        let body = "begin 644 hi.txt\n&2&5L;&\\*\n`\nend\n"
        #expect(decode(body, "x-uuencode") == Array("Hello\n".utf8))
    }

    @Test func quotedPrintableTextPart() {
        let m = parse("Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nJ'ai =E9t=E9 l=E0=\n bas.")
        #expect(m.parts.first?.text == "J'ai été là bas.")
    }
}
