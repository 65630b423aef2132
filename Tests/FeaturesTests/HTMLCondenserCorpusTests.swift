import Testing
import MIME
@testable import HTMLText

/// The condenser must never change what the text walk reads: on every HTML part of the shared
/// corpora, extraction with and without it must agree on text, links, hosts and image count.
/// Prints how much it condensed and, for the parts it gave up on, what stopped it (with one
/// example each), to show where it could read more.
@Suite struct HTMLCondenserCorpusTests {
    @Test(.enabled(if: Corpora.available("spamassassin"), "needs ../shared/corpora"))
    func condensingNeverChangesTheExtraction() {
        var parts = 0, condensed = 0, bytesIn = 0, bytesOut = 0, bounded = 0, maxWork = 0
        var reasons: [String: (parts: Int, bytes: Int, example: String)] = [:]
        for corpus in ["spamassassin", "phishing-pot-subset", "enron-berkeley-categories", "mimekit-testdata",
                       "mime4j-testmsgs", "cpython-email-tests", "mail-parser-tests-mails", "notmuch-test-corpora"]
            where Corpora.available(corpus) {
            for url in Corpora.files(corpus) {
                let message = MessageParser.parse(Corpora.bytes(url))
                for part in message.parts where part.contentType.mimeType == "text/html" {
                    guard var html = part.text, !html.isEmpty else { continue }
                    html.withUTF8 { bytes in
                        parts += 1
                        bytesIn += bytes.count
                        let (plain, work, _) = HTMLExtractor.extract(utf8: bytes, maxBytes: 4 << 20, mode: .raw)
                        maxWork = max(maxWork, work)
                        let fast = HTMLExtractor.extract(utf8: bytes, maxBytes: 4 << 20, condense: true)
                        // The bounds on hostile markup may say they cut (a tag of 184 attributes in
                        // one phishing message), never change what is read.
                        var unbounded = fast
                        unbounded.warnings.removeAll { $0.hasPrefix("html.attributes:") || $0.hasPrefix("html.strayEndTags:") }
                        if unbounded.warnings != fast.warnings { bounded += 1 }
                        #expect(unbounded == plain, "\(url.path)")
                        #expect(!plain.warnings.contains { $0.hasPrefix("html.budget:") }, "work budget spent on \(url.path)")
                        let size = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) {
                            HTMLCondenser.condense(bytes, into: $0.baseAddress!)
                        }
                        if let size { condensed += 1; bytesOut += size } else { bytesOut += bytes.count }
                        if let at = HTMLCondenser.givesUp(on: bytes) {
                            // What stopped it: the markup's first bytes, letters folded to "a".
                            let head = bytes[at..<min(bytes.count, at + 4)].map { b -> Character in
                                (b | 0x20) &- 0x61 < 26 ? "a" : b < 0x20 ? "·" : Character(Unicode.Scalar(b))
                            }
                            let example = String(decoding: bytes[at..<min(bytes.count, at + 60)], as: UTF8.self)
                            reasons[String(head), default: (0, 0, example)].parts += 1
                            reasons[String(head), default: (0, 0, example)].bytes += bytes.count
                        }
                    }
                }
            }
        }
        print("HTML condenser: \(condensed) of \(parts) parts condensed; \(bytesIn) -> \(bytesOut) bytes for libxml2; \(bounded) parts bounded")
        #expect(bounded <= 3)
        // Ordinary mail, even its worst part unbounded, stays far below the work budget.
        print("most work in one part: \(maxWork) of a budget of \(WorkBudget.standard)")
        #expect(maxWork * 5 < WorkBudget.standard)
        for (head, r) in reasons.sorted(by: { $0.value.bytes > $1.value.bytes }).prefix(12) {
            print("  gave up at \(head.debugDescription): \(r.parts) parts, \(r.bytes) bytes, e.g. \(r.example.debugDescription)")
        }
        #expect(parts > 1000)
        // It must pay its way on real mail: most parts condensed, a third of the bytes gone.
        #expect(condensed * 10 >= parts * 7)
        #expect(bytesOut * 10 <= bytesIn * 7)
    }
}
