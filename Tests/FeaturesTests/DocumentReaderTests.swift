import Testing
@testable import Features

@Suite struct DocumentReaderTests {
    @Test func alternativePairReadsPlainOnceWhenComparable() {
        var parts = [DocumentPart(type: "text/plain", text: "Hello Bob, your order shipped."),
                     DocumentPart(type: "text/html", text: "Hello Bob, your order shipped!")]
        DocumentReader.markAlternatives(&parts, depths: [1, 1])
        #expect(parts.map(\.isBody) == [true, false])
    }

    @Test func alternativePairPrefersHTMLWhenPlainIsAStub() {
        var parts = [DocumentPart(type: "text/html", text: String(repeating: "real offer text ", count: 10)),
                     DocumentPart(type: "text/plain", text: "View in browser")]
        DocumentReader.markAlternatives(&parts, depths: [2, 2])
        #expect(parts.map(\.isBody) == [true, false])
    }

    @Test func partsAtDifferentDepthsOrAttachmentsAreNotPaired() {
        var parts = [DocumentPart(type: "text/plain", text: "a"),
                     DocumentPart(type: "text/html", text: "b"),
                     DocumentPart(type: "text/plain", text: "c"),
                     DocumentPart(type: "text/html", filename: "page.html", text: "d")]
        DocumentReader.markAlternatives(&parts, depths: [1, 2, 1, 1])
        #expect(parts.map(\.isBody) == [true, true, true, false])
        #expect(parts[3].isAttachment)
    }

    @Test func plainTextURLHostsAreFound() {
        var hosts: [String] = []
        URLScanner.hosts(in: "see https://Www.Example.com/x and (http://a.test:8080) or ftp://no.test, mailto:x") {
            hosts.append($0)
        }
        #expect(hosts == ["www.example.com", "a.test"])
    }

    @Test func documentBuildsWithoutCrashOnGarbage() {
        let garbage: [UInt8] = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        let doc = DocumentReader.read(bytes: garbage, htmlMaxBytes: 1 << 20)
        #expect(doc.byteCount == 4096)
    }
}
