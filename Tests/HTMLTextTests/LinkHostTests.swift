import Testing
@testable import HTMLText

@Suite struct LinkHostTests {
    private func host(_ s: String) -> String? { LinkHost.host(ofURL: Array(s.utf8)) }

    @Test func parsesHttpAndHttpsHosts() {
        #expect(host("https://Example.COM/path") == "example.com")
        #expect(host("http://a.b.example.org:80?q") == "a.b.example.org")
        #expect(host("HTTPS://user:pw@host.test#frag") == "host.test")
        #expect(host("http://[::1]:8080/") == "[::1]")
        #expect(host("http://[::1]/") == "[::1]")
    }

    @Test func rejectsOtherSchemesAndEmptyHosts() {
        #expect(host("mailto:x@y.z") == nil)
        #expect(host("ftp://example.com") == nil)
        #expect(host("https:///path") == nil)
        #expect(host("javascript:alert(1)") == nil)
        #expect(host("http://exa%6dple.com") == nil)
    }

    @Test func registrableSuffix() {
        #expect(LinkHost.registrableSuffix("www.mail.example.com") == "example.com")
        #expect(LinkHost.registrableSuffix("shop.example.co.uk") == "example.co.uk")
        #expect(LinkHost.registrableSuffix("example.com") == "example.com")
        #expect(LinkHost.registrableSuffix("192.168.1.20") == "192.168.1.20")
        #expect(LinkHost.registrableSuffix("localhost") == "localhost")
    }
}
