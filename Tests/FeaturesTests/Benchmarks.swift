import Foundation
import HTMLText
import Testing
@testable import Features

/// Throughput checks, run only with `TAGGER_BENCH=1` (and a release build for real numbers):
/// `TAGGER_BENCH=1 swift test -c release --filter Benchmarks`. They print MB/s.
@Suite(.serialized) struct Benchmarks {
    static let enabled = ProcessInfo.processInfo.environment["TAGGER_BENCH"] != nil

    private static func load(_ corpus: String) -> [[UInt8]] {
        Corpora.files(corpus).map(Corpora.bytes)
    }

    private static func report(_ label: String, bytes: Int, seconds: Double, count: Int) {
        let mbps = Double(bytes) / seconds / 1_000_000
        print("bench \(label): \(count) msgs, \(bytes) bytes, \(String(format: "%.3f", seconds)) s, "
              + "\(String(format: "%.1f", mbps)) MB/s, \(String(format: "%.0f", Double(count) / seconds)) msgs/s")
    }

    /// CPU seconds of the calling thread spent in `body` (the machine is shared: wall time lies).
    private static func time(_ body: () -> Void) -> Double {
        func now() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let start = now()
        body()
        return now() - start
    }

    // Opt-in: skipped unless TAGGER_BENCH is set and the corpora are present.
    @Test(.enabled(if: enabled && Corpora.available("spamassassin"), "set TAGGER_BENCH=1 to run"))
    func featurizeTextOnly() throws {
        let docs = Self.load("spamassassin").map {
            Document(parts: [DocumentPart(type: "text/plain", text: String(decoding: $0, as: UTF8.self))])
        }
        let bytes = docs.reduce(0) { $0 + ($1.parts[0].text?.utf8.count ?? 0) }
        var f = try Featurizer()
        var total = 0
        let seconds = Self.time { for d in docs { total &+= f.featurize(d).count } }
        #expect(total > 0)
        Self.report("featurize text (spamassassin as plain text)", bytes: bytes, seconds: seconds, count: docs.count)
    }

    @Test(.enabled(if: enabled && Corpora.available("spamassassin"), "set TAGGER_BENCH=1 to run"))
    func readAndFeaturizeSpamAssassin() throws {
        let messages = Self.load("spamassassin")
        var f = try Featurizer()
        var total = 0
        let seconds = Self.time {
            for m in messages { total &+= f.featurize(DocumentReader.read(bytes: m, htmlMaxBytes: 4 << 20)).count }
        }
        #expect(total > 0)
        Self.report("read+featurize spamassassin", bytes: messages.reduce(0) { $0 + $1.count }, seconds: seconds, count: messages.count)
    }

    @Test(.enabled(if: enabled && Corpora.available("phishing-pot-subset"), "set TAGGER_BENCH=1 to run"))
    func readAndFeaturizePhishing() throws {
        let messages = Self.load("phishing-pot-subset")
        var f = try Featurizer()
        var total = 0
        let seconds = Self.time {
            for m in messages { total &+= f.featurize(DocumentReader.read(bytes: m, htmlMaxBytes: 4 << 20)).count }
        }
        #expect(total > 0)
        Self.report("read+featurize phishing-pot", bytes: messages.reduce(0) { $0 + $1.count }, seconds: seconds, count: messages.count)
    }

    @Test(.enabled(if: enabled && Corpora.available("phishing-pot-subset"), "set TAGGER_BENCH=1 to run"))
    func htmlExtractRawPhishing() {
        let messages = Self.load("phishing-pot-subset").map { String(decoding: $0, as: UTF8.self) }
        var chars = 0
        let seconds = Self.time {
            for m in messages { chars &+= HTMLExtractor.extract(m, maxBytes: 4 << 20).text.utf8.count }
        }
        #expect(chars > 0)
        Self.report("html extract (raw phishing files as HTML)", bytes: messages.reduce(0) { $0 + $1.utf8.count },
                    seconds: seconds, count: messages.count)
    }
}
