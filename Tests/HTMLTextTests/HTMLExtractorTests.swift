import Testing
@testable import HTMLText

@Suite struct HTMLExtractorTests {
    private func text(_ html: String) -> String {
        HTMLExtractor.extract(html, maxBytes: 1 << 20).text
    }

    @Test func dropsScriptStyleHeadAndNoscript() {
        let html = """
        <html><head><title>T</title><style>p{color:red}</style></head>
        <body><script>var x = "secret";</script><p>Hello world</p>
        <noscript>enable js</noscript><template>tmpl</template></body></html>
        """
        #expect(text(html) == "Hello world")
    }

    @Test func keepsAltAndTitleText() {
        let html = #"<p>Click <a href="x" title="your bank">here</a><img src="a.png" alt="Logo ACME"></p>"#
        let t = text(html)
        #expect(t.contains("your bank"))
        #expect(t.contains("here"))
        #expect(t.contains("Logo ACME"))
    }

    @Test func collectsLinksAndLowercasedHosts() {
        let html = """
        <a href=" https://User@WWW.Example.COM:8443/login?x=1 ">a</a>
        <a href="mailto:bob@example.org">m</a><a href="http://evil.test./p">b</a>
        <a href="https://www.example.com/other">c</a><area href="HTTP://Map.Example.net">
        """
        let r = HTMLExtractor.extract(html, maxBytes: 1 << 20)
        #expect(r.links == ["https://User@WWW.Example.COM:8443/login?x=1", "mailto:bob@example.org",
                            "http://evil.test./p", "https://www.example.com/other", "HTTP://Map.Example.net"])
        #expect(r.linkHosts == ["www.example.com", "evil.test", "map.example.net"])
    }

    @Test func countsImages() {
        let r = HTMLExtractor.extract(#"<img src=a><p><img src=b alt=""></p><IMG SRC=c>"#, maxBytes: 1 << 20)
        #expect(r.imageCount == 3)
    }

    @Test func decodesEntities() {
        #expect(text("<p>Fish &amp; Chips &lt;3 &eacute;t&#233; &#x20AC;5&nbsp;now</p>") == "Fish & Chips <3 été €5 now")
    }

    @Test func blockElementsBecomeLineBreaksAndWhitespaceCollapses() {
        let html = "<div>one   \n\t two</div><p>three</p>four<br>five<ul><li>six</li><li>seven</li></ul><h1>eight</h1>"
        #expect(text(html) == "one two\nthree\nfour\nfive\nsix\nseven\neight")
    }

    @Test func prefixedElementsAreReadByTheirLocalName() {
        // Word writes <o:p>; libxml2's tree names it `p`, so it separates lines like <p>.
        #expect(text("<p>one<o:p></o:p>two<x:span>three</x:span></p>") == "one\ntwothree")
    }

    // The extractor reads libxml2's parse events instead of its tree; these pin cases where
    // the two could part ways (checked against the tree walk this replaced).
    @Test func textAfterTheDocumentEndIsKept() {
        #expect(text("<html><body>x</body></html>tail words") == "x\ntail words")
        #expect(text("text before<html><body>body</body></html>") == "text before\nbody")
    }

    @Test func valuelessAttributesAndDuplicates() {
        let r = HTMLExtractor.extract("<p>a<img alt>b</p><p title=\"T1\" title=\"T2\">dup</p><a href>x</a>", maxBytes: 1 << 20)
        #expect(r.text == "a b\nT1 dup\nx")
        #expect(r.imageCount == 1)
        #expect(r.links.isEmpty)
    }

    @Test func commentsAndProcessingInstructionsDoNotSplitWords() {
        #expect(text("<p>a<!-- c -->b<?pi x?>c</p>") == "abc")
    }

    @Test func tableCellsAreSeparated() {
        #expect(text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>") == "a b\nc")
    }

    @Test func inlineMarkupDoesNotSplitWords() {
        #expect(text("<p>un<b>believ</b><span>able</span> deal</p>") == "unbelievable deal")
    }

    @Test func dropsZeroWidthPreheaderPadding() {
        #expect(text("<p>Sale&#847;&zwnj;&nbsp;&#8203;&shy;today</p>") == "Sale today")
    }

    @Test func recoversBrokenHTML() {
        let html = "<p>unclosed <b>bold <i>both</p><div>after</span></div><p attr='x>tail &bogus; <<"
        let t = text(html)
        #expect(t.contains("unclosed bold both"))
        #expect(t.contains("after"))
    }

    @Test func ignoresMetaCharsetBecauseInputIsAlreadyUTF8() {
        let html = #"<html><head><meta charset="iso-8859-1"></head><body>Grüße</body></html>"#
        #expect(text(html) == "Grüße")
    }

    @Test func survivesTenThousandNestedElements() {
        let depth = 10_000
        let html = String(repeating: "<div><span>", count: depth) + "deep" + String(repeating: "</span></div>", count: depth) + "<p>after</p>"
        let r = HTMLExtractor.extract(html, maxBytes: 1 << 24)
        #expect(r.text == "deep\nafter")
    }

    @Test func capsInputSizeWithWarning() {
        let html = "<p>" + String(repeating: "é", count: 100) + "</p>"
        let r = HTMLExtractor.extract(html, maxBytes: 52)
        #expect(r.warnings.count == 1)
        #expect(r.warnings[0].hasPrefix("html.truncated"))
        #expect(!r.text.contains("\u{FFFD}"))
        #expect(r.text.unicodeScalars.count == 24)
        #expect(HTMLExtractor.extract(html, maxBytes: 1 << 20).warnings.isEmpty)
    }

    @Test func emptyAndWhitespaceInputGiveEmptyText() {
        #expect(HTMLExtractor.extract("", maxBytes: 100) == HTMLExtraction())
        #expect(HTMLExtractor.extract("  \n ", maxBytes: 100).text == "")
    }
}
