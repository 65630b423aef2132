import Testing
@testable import MIME

@Suite struct MultipartTests {
    @Test func nestedAlternativeInMixedWithPreambleAndEpilogue() {
        let m = parse("""
        Content-Type: multipart/mixed; boundary="outer"

        This is the preamble.
        --outer
        Content-Type: multipart/alternative; boundary=inner

        --inner
        Content-Type: text/plain; charset=utf-8

        plain text
        --inner
        Content-Type: text/html

        <p>html</p>
        --inner--
        --outer
        Content-Type: image/png
        Content-Transfer-Encoding: base64

        iVBORw0KGgo=
        --outer--
        This is the epilogue.
        """, crlf: true)
        #expect(m.parts.map(\.contentType.mimeType) == ["text/plain", "text/html", "image/png"])
        #expect(m.parts[0].text == "plain text")
        #expect(m.parts[1].text == "<p>html</p>")
        #expect(m.parts[2].text == nil)
        #expect(m.parts[2].decodedBody() == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(m.parts.map(\.depth) == [2, 2, 1])
        #expect(m.warnings.isEmpty)
    }

    @Test func missingFinalBoundaryKeepsTheLastPart() {
        let m = parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nfirst\n--b\n\nsecond\nstill second\n")
        #expect(m.parts.map { squash($0.text) } == ["first", "second still second"])
        #expect(m.warnings.contains { $0.code == "multipart.unterminated" })
    }

    @Test func boundaryLinesWithTrailingWhitespace() {
        let m = parse("Content-Type: multipart/mixed; boundary=b\n\n--b \t\n\none\n--b  \n\ntwo\n--b-- \n")
        #expect(m.parts.map(\.text) == ["one", "two"])
    }

    @Test func boundaryThatIsAPrefixOfAnotherLine() {
        let m = parse("""
        Content-Type: multipart/mixed; boundary=abc

        --abc
        Content-Type: multipart/alternative; boundary=abcdef

        --abcdef

        inner one
        --abcdef

        inner two
        --abcdef--
        --abcx is body text
        --abc--
        """)
        #expect(m.parts.map { squash($0.text) } == ["inner one", "inner two"])
        let n = parse("Content-Type: multipart/mixed; boundary=abc\n\n--abc\n\none\n--abcdef\nstill one\n--abc--\n")
        #expect(n.parts.map { squash($0.text) } == ["one --abcdef still one"])
    }

    @Test func digestPartsDefaultToMessageRFC822() {
        let m = parse("""
        Content-Type: multipart/digest; boundary=d

        --d

        Subject: first
        Content-Type: text/plain

        digest one
        --d

        Subject: second

        digest two
        --d--
        """)
        #expect(m.parts.map(\.contentType.mimeType) == ["text/plain", "text/plain"])
        #expect(m.parts.map(\.text) == ["digest one", "digest two"])
        #expect(m.parts.map(\.depth) == [2, 2])
    }

    @Test func messageRFC822LeavesJoinTheList() {
        let m = parse("""
        Content-Type: multipart/mixed; boundary=x

        --x

        cover note
        --x
        Content-Type: message/rfc822

        Subject: forwarded
        Content-Type: multipart/alternative; boundary=y

        --y

        inner plain
        --y--
        --x--
        """)
        #expect(m.parts.map(\.text) == ["cover note", "inner plain"])
        #expect(m.headers.decoded("Content-Type")?.hasPrefix("multipart/mixed") == true)
    }

    @Test func base64EncodedMessageRFC822IsDecodedFirst() {
        // "Subject: in\n\nhello" in base64.
        let m = parse("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogaW4KCmhlbGxv\n")
        #expect(m.parts.map(\.text) == ["hello"])
    }

    @Test func missingContentTypeIsTextPlain() {
        let m = parse("Subject: x\n\nhello")
        #expect(m.parts.first?.contentType == .textPlain)
        #expect(m.parts.first?.charset == nil)
    }

    @Test func multipartWithoutBoundaryIsTextPlain() {
        let m = parse("Content-Type: multipart/mixed\n\nsome text")
        #expect(m.parts.map(\.contentType.mimeType) == ["text/plain"])
        #expect(m.parts.first?.text == "some text")
        #expect(m.warnings.contains { $0.code == "multipart.noBoundary" })
    }

    @Test func partsWithoutHeaders() {
        let m = parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nno headers\n--b\nnot: a header\n--b--\n")
        #expect(m.parts.map(\.text) == ["no headers", ""])
        #expect(m.parts.map(\.contentType.mimeType) == ["text/plain", "text/plain"])
    }

    @Test(arguments: [false, true])
    func consecutiveBoundaryLinesEncloseNoPart(crlf: Bool) {
        let m = parse("""
            Content-Type: multipart/mixed; boundary=ABCDE

            --ABCDE
            Content-Type: text/x-one

            one
            --ABCDE
            --ABCDE
            --ABCDE
            Content-Type: text/x-two

            two
            --ABCDE--

            """, crlf: crlf)
        #expect(m.parts.map(\.contentType.mimeType) == ["text/x-one", "text/x-two"])
        #expect(m.parts.map(\.text) == ["one", "two"])
    }

    @Test func aBlankLineBetweenBoundariesIsAnEmptyPart() {
        let m = parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--b\n\nx\n--b--\n")
        #expect(m.parts.map(\.text) == ["", "x"])
    }

    @Test func aLoneClosingBoundaryMeansNoParts() {
        let m = parse("""
            Content-Type: multipart/mixed; boundary=b

            preamble
            --b--

            epilogue

            """)
        #expect(m.parts.isEmpty)
        #expect(!m.warnings.contains { $0.code == "multipart.unterminated" })
        let nested = parse("""
            Content-Type: multipart/mixed; boundary=AAA

            --AAA

            Stuff
            --AAA
            Content-Type: message/rfc822

            Content-Type: multipart/mixed; boundary=BBB

            --BBB--
            --AAA--

            """)
        #expect(nested.parts.map(\.text) == ["Stuff"])
    }
}
