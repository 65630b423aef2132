import Foundation
import MIME
import Testing
@testable import Features

@Suite struct FeaturizerTests {
    static let sample = Document(
        headers: DocumentHeaders(subject: "Re: Your invoice 2024", from: "ACME Billing <billing@mail.acme.co.uk>",
                                 to: "bob@example.org", replyTo: "other@elsewhere.test",
                                 listID: "ACME news <news.acme.co.uk>", listUnsubscribe: "<mailto:u@acme.co.uk>",
                                 precedence: " Bulk "),
        from: [Address(name: "ACME Billing", email: "billing@mail.acme.co.uk")],
        to: [Address(name: nil, email: "bob@example.org"), Address(name: nil, email: "carol@example.org")],
        parts: [
            DocumentPart(type: "text/plain", charset: "utf-8", text: "Your invoice is attached. Pay your invoice today."),
            DocumentPart(type: "application/pdf", filename: "Invoice-May.PDF", disposition: "attachment"),
        ],
        linkHosts: ["www.pay.acme.co.uk"], byteCount: 5000)

    private func names(_ doc: Document) throws -> Set<String> {
        var f = try Featurizer()
        return Set(f.featurizeNamed(doc).1.map(\.name))
    }

    @Test func vectorHasUnitNormAndSortedUniqueIndices() throws {
        var f = try Featurizer()
        let v = f.featurize(Self.sample)
        #expect(v.count > 20)
        #expect(zip(v.indices, v.indices.dropFirst()).allSatisfy { $0 < $1 })
        #expect(v.indices.allSatisfy { $0 < 1 << 18 })
        let norm = v.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
    }

    @Test func sameDocumentGivesSameVectorAcrossInstancesAndReuse() throws {
        var a = try Featurizer()
        var b = try Featurizer()
        let first = a.featurize(Self.sample)
        _ = a.featurize(Document(parts: [DocumentPart(type: "text/plain", text: "something else entirely")]))
        #expect(a.featurize(Self.sample) == first)
        #expect(b.featurize(Self.sample) == first)
        #expect(b.featurizeNamed(Self.sample).0 == first)
    }

    @Test func fieldPrefixesKeepSameWordApart() throws {
        let n = try names(Self.sample)
        #expect(n.contains("s:invoice"))
        #expect(n.contains("b:invoice"))
        #expect(n.contains("af:invoice"))
        #expect(n.contains("f:billing"))
        var f = try Featurizer()
        let (_, named) = f.featurizeNamed(Self.sample)
        let indices = Dictionary(grouping: named, by: \.name).mapValues { $0[0].index }
        #expect(Set([indices["s:invoice"], indices["b:invoice"], indices["af:invoice"]]).count == 3)
    }

    @Test func headerAndStructureFeaturesArePresent() throws {
        let n = try names(Self.sample)
        for expected in ["from@:billing@mail.acme.co.uk", "fromdom:mail.acme.co.uk", "fromreg:acme.co.uk",
                         "replyto:differs", "todom:example.org", "to#:2", "cc#:0", "rcpt#:2",
                         "list:yes", "listid:news.acme.co.uk", "prec:bulk", "unsub:yes", "reply:yes",
                         "att#:1", "hasatt:yes", "att:application/pdf", "attext:pdf", "cs:utf-8",
                         "url:www.pay.acme.co.uk", "urldom:acme.co.uk", "url#:1", "size:2^13", "img#:0"] {
            #expect(n.contains(expected), "missing \(expected)")
        }
        #expect(!n.contains("fwd:yes"))
        #expect(!n.contains("htmlonly:yes"))
    }

    @Test func bigramsFollowTheSetting() throws {
        #expect(try names(Self.sample).contains("s:your invoice"))
        // Body words are single words (bigrams there cost a tenth of the featuriser's time for no quality).
        #expect(try !names(Self.sample).contains { $0.hasPrefix("b:") && $0.contains(" ") })
        var f = try Featurizer(settings: FeaturizerSettings(bigrams: false))
        #expect(!f.featurizeNamed(Self.sample).1.contains { $0.name.contains(" ") })
    }

    @Test func repeatedWordsWeighSublinearly() throws {
        var f = try Featurizer()
        let (v, named) = f.featurizeNamed(Self.sample)
        let invoice = try #require(named.first { $0.name == "b:invoice" })
        let today = try #require(named.first { $0.name == "b:today" })
        #expect(invoice.count == 2)
        #expect(today.count == 1)
        let ratio = abs(invoice.weight / today.weight)
        #expect(abs(ratio - 1.6931472) < 1e-4)   // (1 + ln 2) / 1
        #expect(v.values.contains(invoice.weight))
    }

    @Test func htmlOnlyAndForwardMarkers() throws {
        let doc = Document(headers: DocumentHeaders(subject: "Fwd: look"),
                           parts: [DocumentPart(type: "text/html", text: "Look here")], imageCount: 4)
        let n = try names(doc)
        #expect(n.contains("htmlonly:yes"))
        #expect(n.contains("fwd:yes"))
        #expect(n.contains("img#:3-5"))
        #expect(n.contains("b:look"))
    }

    @Test func nonBodyPartsAreNotReadAsBody() throws {
        let doc = Document(parts: [
            DocumentPart(type: "text/plain", text: "alpha"),
            DocumentPart(type: "text/html", text: "beta", isBody: false),
        ])
        let n = try names(doc)
        #expect(n.contains("b:alpha"))
        #expect(!n.contains("b:beta"))
    }

    @Test func invalidSettingsAreRejected() {
        #expect(throws: FeaturizerError.invalidBucketBits(40)) { try Featurizer(settings: FeaturizerSettings(bucketBits: 40)) }
        #expect(throws: FeaturizerError.invalidLimit(name: "max_text_bytes", value: 0)) {
            try Featurizer(settings: FeaturizerSettings(maxTextBytes: 0))
        }
    }

    @Test func smallerBucketCountBoundsIndices() throws {
        var f = try Featurizer(settings: FeaturizerSettings(bucketBits: 10))
        #expect(f.featurize(Self.sample).indices.allSatisfy { $0 < 1024 })
    }

    @Test func emptyDocumentStillHasStructureFeaturesAndUnitNorm() throws {
        var f = try Featurizer()
        let v = f.featurize(Document())
        #expect(!v.indices.isEmpty)
        #expect(abs(v.values.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
    }
}

@Suite struct CountTableTests {
    @Test(arguments: [0, 1, 5, 47, 48, 1000, 20_000])
    func radixSortOrdersByIndex(count: Int) {
        var rng = SystemRandomNumberGenerator()
        let input = (0..<count).map { _ in UInt64(UInt32.random(in: 0..<(1 << 18), using: &rng)) << 32 | UInt64(UInt32.random(in: 0...9, using: &rng)) }
        var sorted = input
        CountTable.radixSortByHighWord(&sorted, bits: 18)
        #expect(sorted.map { $0 >> 32 } == input.map { $0 >> 32 }.sorted())
        #expect(sorted.sorted() == input.sorted())
    }

    @Test func manyDistinctBucketsGrowTheTableAndAllSurvive() {
        var table = CountTable(capacity: 16)
        for i in 0..<5000 { table.add(UInt32(i * 37 % (1 << 18)), i % 2 == 0 ? 1 : -1) }
        table.add(0, 1)   // bucket 0 now counts +2
        let v = table.finish(bucketBits: 18)
        #expect(v.count == 5000)
        #expect(zip(v.indices, v.indices.dropFirst()).allSatisfy { $0 < $1 })
        #expect(abs(v.values[0] / v.values[1] + (1 + log(2.0 as Float))) < 1e-5)
    }
}

@Suite struct RadixSortWidthTests {
    @Test(arguments: [8, 17, 22, 23, 26])
    func sortsEveryBucketWidth(bits: Int) {
        let mask = (1 << bits) - 1
        let input: [UInt64] = (0..<3000).map { (i: Int) -> UInt64 in
            let index = UInt64((i &* 2_654_435_761) & mask)
            return index << 32 | UInt64(i)
        }
        var sorted = input
        CountTable.radixSortByHighWord(&sorted, bits: bits)
        #expect(sorted.map { $0 >> 32 } == input.map { $0 >> 32 }.sorted())
    }
}
