import Testing
@testable import MIME

@Suite struct ParameterTests {
    func ct(_ s: String) -> ContentType? { ContentType.parse(Array(s.utf8)) }

    @Test func typeSubtypeAndQuotedParameters() throws {
        let t = try #require(ct("Text/HTML; Charset=\"UTF-8\"; format=flowed (a comment)"))
        #expect(t.mimeType == "text/html")
        #expect(t.parameters["charset"] == "UTF-8")
        #expect(t.parameters["format"] == "flowed")
    }

    @Test func quotedAndUnquotedBoundaries() {
        #expect(ct("multipart/mixed; boundary=\"=_a b;c\"")?.parameters["boundary"] == "=_a b;c")
        #expect(ct("multipart/mixed;\n\tboundary=----=_NextPart_000")?.parameters["boundary"] == "----=_NextPart_000")
        #expect(ct("multipart/mixed; boundary=\"with \\\"escape\\\"\"")?.parameters["boundary"] == "with \"escape\"")
    }

    @Test func missingSemicolonsAndBlanks() {
        let t = ct("text/plain charset = us-ascii ; name=a.txt")
        #expect(t?.parameters["charset"] == "us-ascii")
        #expect(t?.parameters["name"] == "a.txt")
    }

    @Test func invalidTypesAreRejected() {
        #expect(ct("text") == nil)
        #expect(ct("") == nil)
        #expect(ct("/plain") == nil)
    }

    @Test func rfc2231ContinuationsAndCharset() {
        let t = ct("application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"")
        #expect(t?.parameters["title"] == "This is even more ***fun*** isn't it!")
        let u = ct("application/octet-stream; name*=UTF-8''%E6%97%A5%E6%9C%AC.txt")
        #expect(u?.parameters["name"] == "日本.txt")
        let v = ct("application/pdf; name*0=\"long \"; name*1=\"name.pdf\"")
        #expect(v?.parameters["name"] == "long name.pdf")
        let w = ct("text/plain; name*=iso-8859-1'de'M%FCller.txt")
        #expect(w?.parameters["name"] == "Müller.txt")
    }

    @Test func encodedWordsInQuotedParameters() {
        let t = ct("application/pdf; name=\"=?utf-8?B?5pel5pys?=.pdf\"")
        #expect(t?.parameters["name"] == "日本.pdf")
    }

    @Test func dispositionFilenameWinsOverName() {
        let m = parse("""
        Content-Type: application/pdf; name="ct.pdf"
        Content-Disposition: ATTACHMENT; filename*=utf-8''r%C3%A9sum%C3%A9.pdf

        %PDF
        """)
        #expect(m.parts.first?.filename == "résumé.pdf")
        #expect(m.parts.first?.disposition == "attachment")
        #expect(m.parts.first?.text == nil)
    }
}
