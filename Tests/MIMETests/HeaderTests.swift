import Testing
@testable import MIME

@Suite struct HeaderTests {
    @Test func unfoldsContinuationLines() {
        let m = parse("Subject: a long\n  subject line\n\tcontinued\nFrom: x@y\n\nbody")
        #expect(squash(m.headers.decoded("subject")) == "a long subject line continued")
        #expect(m.parts.first?.text == "body")
    }

    @Test func keepsDuplicatesInOrder() {
        let m = parse("Received: one\nReceived: two\nreceived: three\n\nx")
        #expect(m.headers.allDecoded("Received") == ["one", "two", "three"])
        #expect(m.headers.count("RECEIVED") == 3)
        #expect(m.headers.fields.map(\.name) == ["Received", "Received", "received"])
    }

    @Test func acceptsWhitespaceBeforeColon() {
        let m = parse("Subject : obsolete\nDate\t: today\nFrom : a@b.c\n\nbody")
        #expect(m.headers.decoded("Subject") == "obsolete")
        #expect(m.headers.decoded("From") == "a@b.c")
        #expect(m.headers.decoded("date") == "today")
    }

    @Test func crlfLfAndMixedLineEndingsAgree() {
        let text = "Subject: hi\nContent-Type: text/plain\n\nline one\nline two\n"
        let lf = parse(text)
        let crlf = parse(text, crlf: true)
        var mixed = bytes("Subject: hi\r\nContent-Type: text/plain\n\r\nline one\nline two\n")
        let mm = MessageParser.parse(mixed)
        for m in [lf, crlf, mm] {
            #expect(m.headers.decoded("subject") == "hi")
            #expect(squash(m.parts.first?.text) == "line one line two")
        }
        mixed.removeAll()
    }

    @Test func skipsMboxFromLine() {
        let m = parse("From someone@example.com Mon Jan  1 00:00:00 2002\nSubject: s\n\nbody")
        #expect(m.headers.fields.map(\.name) == ["Subject"])
        #expect(m.warnings.isEmpty)
    }

    @Test func eightBitHeadersDecodeAsUTF8OrWindows1252() {
        var raw = bytes("Subject: caf")
        raw += [0xC3, 0xA9]  // é in UTF-8
        raw += bytes("\nX-Latin: caf")
        raw += [0xE9, 0x20, 0x93, 0x71, 0x94]  // é “q” in Windows-1252
        raw += bytes("\n\nbody")
        let m = MessageParser.parse(raw)
        #expect(m.headers.decoded("subject") == "café")
        #expect(m.headers.decoded("x-latin") == "café \u{201C}q\u{201D}")
    }

    @Test func lineWithoutColonEndsHeadersAndStartsBody() {
        let m = parse("Subject: s\nthis is not a header\nmore\n")
        #expect(m.headers.fields.count == 1)
        #expect(squash(m.parts.first?.text) == "this is not a header more")
        #expect(m.warnings.contains { $0.code == "header.missingSeparator" })
    }

    @Test func headersWithoutBody() {
        let m = parse("Subject: only headers\nFrom: a@b")
        #expect(m.headers.decoded("from") == "a@b")
        #expect(m.parts.count == 1)
        #expect(m.parts[0].text == "")
    }

    @Test func headerFieldLimitKeepsTheFirstFields() {
        var limits = ParseLimits()
        limits.maxHeaderFields = 3
        let m = parse("A: 1\nB: 2\nC: 3\nD: 4\nE: 5\n\nbody", limits: limits)
        #expect(m.headers.fields.map(\.name) == ["A", "B", "C"])
        #expect(m.parts.first?.text == "body")
        #expect(m.warnings.contains { $0.code == "limit.headerFields" })
    }
}

@Suite struct ByteOrderMarkTests {
    @Test func leadingUTF8ByteOrderMarkIsSkipped() {
        let m = MessageParser.parse([0xEF, 0xBB, 0xBF] + bytes("Subject: bom\n\nbody"))
        #expect(m.headers.decoded("Subject") == "bom")
        #expect(m.parts.first?.text == "body")
    }
}

@Suite struct RawHeaderCharsetTests {
    @Test func eightBitHeaderUsesTheDeclaredCharset() {
        var raw = bytes("Subject: ")
        raw += [0xC7, 0xD1, 0xB1, 0xB9]  // 한국 in EUC-KR
        raw += bytes("\nContent-Type: text/plain; charset=euc-kr\n\nx")
        #expect(MessageParser.parse(raw).headers.decoded("Subject") == "한국")
    }

    @Test func multipartMessageUsesTheFirstPartCharset() {
        var raw = bytes("Subject: ")
        raw += [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]  // Привет in KOI8-R
        raw += bytes("\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=koi8-r\n\nx\n--b--\n")
        #expect(MessageParser.parse(raw).headers.decoded("Subject") == "Привет")
    }

    @Test func htmlMetaCharsetDecodesEightBitHeadersWhenNothingIsDeclared() {
        var raw = bytes("Subject: ")
        raw += [0xA4, 0xA4, 0xA4, 0xE5]  // 中文 in Big5
        raw += bytes("\nContent-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n")
        raw += bytes("<html><head><meta http-equiv=3D\"Content-Type\" content=3D\"text/html; charset=3Dbig5\"></head>")
        #expect(MessageParser.parse(raw).headers.decoded("Subject") == "中文")
    }

    @Test func declaredPartCharsetWinsOverAnHTMLMetaCharset() {
        var raw = bytes("Subject: ")
        raw += [0xF0, 0xD2, 0xC9, 0xD7]  // Прив in KOI8-R
        raw += bytes("\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n\n")
        raw += bytes("<meta charset=big5>\n--b\nContent-Type: text/plain; charset=koi8-r\n\nx\n--b--\n")
        #expect(MessageParser.parse(raw).headers.decoded("Subject") == "Прив")
    }
}
