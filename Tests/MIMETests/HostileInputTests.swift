import Foundation
import Testing
import ZlibSupport
@testable import MIME

/// Messages made to cost memory or time, or to be misread: bounded, and said in a warning.
@Suite struct HostileInputTests {
    private func message(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func contentTypeParametersPastTheLimitAreIgnoredWithAWarning() {
        var header = "Content-Type: text/plain; charset=utf-8"
        for i in 0..<5_000 { header += "; p\(i)=v" }
        let m = MessageParser.parse(message(header + "\n\nbody"))
        let part = m.parts[0]
        #expect(part.contentType.parameters.count == Parameters.maxParameters)
        #expect(part.charset == "utf-8")
        #expect(part.text == "body")
        #expect(m.warnings.filter { $0.code == "limit.parameters" }.count == 1)
        #expect(MessageParser.parse(message("Content-Type: text/plain; a=1; b=2\n\nx")).warnings.isEmpty)
    }

    @Test func dispositionParametersPastTheLimitAreIgnoredWithAWarning() {
        var header = "Content-Disposition: attachment; filename=a.txt"
        for i in 0..<2_000 { header += "; q\(i)=v" }
        let m = MessageParser.parse(message("Content-Type: text/plain\n" + header + "\n\nbody"))
        #expect(m.parts[0].filename == "a.txt")
        #expect(m.warnings.contains { $0.code == "limit.parameters" })
    }

    @Test func encodedWordsInUnknownCharsetsAreCountedInOneWarning() {
        let words = Array(repeating: "=?x-no-such-charset?B?aGVsbG8=?=", count: 1_000).joined(separator: " ")
        let m = MessageParser.parse(message("Subject: \(words)\nFrom: =?bogus?Q?a?= <a@b.example>\n\nbody"))
        let unknown = m.warnings.filter { $0.code == "charset.unknown" }
        #expect(unknown.count == 1)
        #expect(unknown.first?.detail.hasPrefix("1001 encoded words") == true)
        #expect(unknown.first?.detail.contains("x-no-such-charset") == true)
        // The words are still read (as UTF-8 here).
        #expect(m.headers.decoded("Subject")?.hasPrefix("hellohello") == true)
        let known = MessageParser.parse(message("Subject: =?utf-8?B?aGk=?= =?ISO-8859-1?Q?caf=E9?= =?koi8-r?B?aGk=?=\n\nx"))
        #expect(known.warnings.isEmpty)
    }

    @Test func longCharsetLabelsNameNoCharsetAndCostLittle() {
        // (Timed in the README with a release build: 3,000 such labels took 2.2 s when they went
        // to iconv.)
        var subject = ""
        for i in 0..<300 { subject += " =?\(String(repeating: "c", count: 10_000))\(i)?B?aGk=?=" }
        let m = MessageParser.parse(message("Subject:" + subject + "\n\nx"))
        let decoded = m.headers.decoded("Subject")
        #expect(decoded?.hasPrefix("hihi") == true)
        #expect(m.warnings.contains { $0.code == "charset.unknown" })
        #expect(CharsetAliases.kind(for: String(repeating: "x", count: 65)) == .unknown)
        #expect(Charset.decode([0xE9][...], label: String(repeating: "l", count: 100)).warning?.code == "charset.unknown")
    }

    @Test func plainTextThatLooksLikeAZlibHeaderIsReadAsText() {
        for prefix in ["x^", "XG", "8O", "(S", "hC", "HK"] {
            let bytes = message(prefix + "-Note: not compressed\nSubject: plain\n\nthe body")
            #expect(Zlib.isZlib(bytes), "\(prefix)")
            let m = MessageParser.parse(bytes)
            #expect(!m.wasCompressed, "\(prefix)")
            #expect(m.headers.decoded("Subject") == "plain", "\(prefix)")
            #expect(m.parts.first?.text == "the body", "\(prefix)")
            #expect(!MessageParser.isCompressedMessage(bytes), "\(prefix)")
        }
    }

    @Test func zlibStreamThatIsNotMailIsReadAsItIs() throws {
        let z = try Zlib.deflate(Array(repeating: 0, count: 100))
        #expect(!MessageParser.parse(z).wasCompressed)
        #expect(MessageParser.isCompressedMessage(try Zlib.deflate(message("Subject: z\n\nbody"))))
    }

    /// A gzip member of `data`: header, raw deflate (zlib's stream without its 2-byte header
    /// and Adler-32), CRC-32, length.
    private func gzip(_ data: [UInt8]) throws -> [UInt8] {
        let z = try Zlib.deflate(data)
        var out: [UInt8] = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03]
        out += z[2..<(z.count - 4)]
        let crc = Zlib.crc32(data)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: data.count >> shift)) }
        return out
    }

    @Test func gzipWithABadChecksumIsReportedAsDamagedNotTruncated() throws {
        let good = try gzip(message("Subject: crc\n\nthe whole body"))
        let ok = MessageParser.parse(good)
        #expect(ok.wasCompressed && ok.warnings.isEmpty)
        var bad = good
        bad[bad.count - 8] ^= 0xFF
        let m = MessageParser.parse(bad)
        #expect(m.wasCompressed)
        #expect(m.parts.first?.text == "the whole body")
        #expect(m.warnings.map(\.code) == ["compression.checksum"])
        let cut = MessageParser.parse(Array(good.dropLast(12)))
        #expect(cut.warnings.map(\.code) == ["compression.truncated"])
    }

    @Test func inflateSaysWhichCheckFailed() throws {
        var bad = try gzip(message("Subject: x\n\ny"))
        bad[bad.count - 1] ^= 0x01                      // the length
        let inflated = try Zlib.inflate(bad, maxOutput: 1 << 20)
        #expect(inflated.damage == .checksum && !inflated.truncated && !inflated.isComplete)
    }
}
