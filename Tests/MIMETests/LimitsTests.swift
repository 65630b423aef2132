import Testing
import ZlibSupport
@testable import MIME

@Suite struct LimitsTests {
    @Test func gzipFixtureIsInflated() throws {
        let m = MessageParser.parse(try fixture("compressed.eml.gz"))
        #expect(m.wasCompressed)
        #expect(m.headers.decoded("Subject") == "compressed fixture")
        #expect(m.parts.first?.text?.contains("Dovecot stores mail") == true)
        #expect(m.warnings.isEmpty)
    }

    @Test func zlibStreamIsInflated() throws {
        let z = try Zlib.deflate(bytes("Subject: z\n\nzlib body"))
        let m = MessageParser.parse(z)
        #expect(m.wasCompressed)
        #expect(m.parts.first?.text == "zlib body")
    }

    @Test func decompressionBombIsCapped() throws {
        let huge = bytes("Subject: bomb\n\n") + [UInt8](repeating: 0x41, count: 4 << 20)
        var limits = ParseLimits()
        limits.maxDecompressedBytes = 1 << 20
        let m = MessageParser.parse(try Zlib.deflate(huge), limits: limits)
        #expect(m.byteCount == 1 << 20)
        #expect(m.warnings.contains { $0.code == "limit.decompressed" })
        #expect(m.headers.decoded("subject") == "bomb")
    }

    @Test func corruptGzipIsAWarningNotAFailure() {
        let m = MessageParser.parse([0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x03, 0xFF, 0xFF])
        #expect(m.warnings.contains { $0.code.hasPrefix("compression.") })
    }

    @Test func messageSizeLimit() {
        var limits = ParseLimits()
        limits.maxMessageBytes = 20
        let m = parse("Subject: s\n\n0123456789abcdefghij", limits: limits)
        #expect(m.byteCount == 20)
        #expect(m.parts.first?.text == "01234567")
        #expect(m.warnings.contains { $0.code == "limit.messageBytes" })
    }

    @Test func tenThousandDeepNestingStopsAtTheDepthLimit() {
        var text = ""
        for i in 0..<10_000 { text += "Content-Type: multipart/mixed; boundary=b\(i)\n\n--b\(i)\n" }
        text += "\ndeep text\n"
        let clock = ContinuousClock()
        var m: Message?
        let elapsed = clock.measure { m = parse(text) }
        #expect(elapsed < .seconds(5))
        #expect(m?.warnings.contains { $0.code == "limit.depth" } == true)
        #expect(m?.parts.isEmpty == true)
    }

    @Test func hugeConfiguredDepthCannotOverflowTheStack() async {
        var limits = ParseLimits()
        limits.maxDepth = 1_000_000
        let text = String(repeating: "Content-Type: message/rfc822\n\n", count: 20_000) + "Subject: x\n\nbody"
        // Run on a cooperative-pool thread: those have the smallest stacks.
        let m = await Task.detached { parse(text, limits: limits) }.value
        #expect(m.warnings.contains { $0.code == "limit.depth" })
    }

    @Test func deepMessageRFC822Nesting() {
        let text = String(repeating: "Content-Type: message/rfc822\n\n", count: 10_000) + "Subject: x\n\nbody"
        let m = parse(text)
        #expect(m.warnings.contains { $0.code == "limit.depth" })
    }

    @Test func partCountLimit() {
        var limits = ParseLimits()
        limits.maxParts = 5
        let body = (0..<50).map { "--b\n\npart \($0)\n" }.joined()
        let m = parse("Content-Type: multipart/mixed; boundary=b\n\n" + body + "--b--\n", limits: limits)
        #expect(m.parts.count == 5)
        #expect(m.parts.last?.text == "part 4")
        #expect(m.warnings.contains { $0.code == "limit.parts" })
    }

    @Test func manyBoundaryLookalikesStayLinear() {
        let line = "--" + String(repeating: "x", count: 60) + "\n"
        let body = String(repeating: line, count: 40_000)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            _ = parse("Content-Type: multipart/mixed; boundary=\"" + String(repeating: "x", count: 61) + "\"\n\n" + body)
        }
        #expect(elapsed < .seconds(2))
    }

    @Test func hostileInputsNeverCrash() {
        let inputs: [[UInt8]] = [
            [], [0], [0x0D], [0x0A], bytes(":"), bytes("\n\n\n"), bytes(" folded first\n\nx"),
            bytes("Content-Type: multipart/mixed; boundary=\"\"\n\n--\n"),
            bytes("Content-Type: text/plain; charset=\"\n\nx"),
            bytes("Subject: =?utf-8?b?====?= =?\n\n"),
            [UInt8](repeating: 0xFF, count: 1000),
            [0x1F, 0x8B, 0x08],
        ]
        for input in inputs { _ = MessageParser.parse(input) }
        let binary = MessageParser.parse([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0])
        #expect(binary.warnings.contains { $0.code == "message.binary" })
    }
}
