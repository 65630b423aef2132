import Foundation
@testable import HTMLText
import MIME
@testable import TaggerConfig
@testable import TaggerState

/// The fuzz targets: each takes arbitrary bytes and must return without crashing, without
/// reading out of bounds (AddressSanitizer) and quickly (libFuzzer's -timeout). A target that
/// finds its own contract broken calls `fatalError` with the reason, which libFuzzer reports as
/// a crash and saves the input.
enum FuzzTargets {
    /// Every target by name (`TAGGER_FUZZ_TARGET`, and the first argument of the replayer).
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "mime": mime, "html": html, "header": header, "config": config, "journal": journal,
    ]

    /// The MIME parser: a whole message, default limits; every part's decoded bytes are touched.
    static func mime(_ bytes: [UInt8]) {
        let message = MessageParser.parse(bytes)
        var total = 0
        for part in message.parts { total &+= part.rawBody.count &+ (part.text?.utf8.count ?? 0) }
        _ = MessageParser.parse(bytes, limits: tightLimits)
        blackHole(total)
    }

    /// Small limits, so the paths that cut (depth, parts, fields) are reached with small inputs.
    static let tightLimits: ParseLimits = {
        var l = ParseLimits()
        l.maxDepth = 3
        l.maxParts = 8
        l.maxHeaderFields = 16
        l.maxDecompressedBytes = 1 << 16
        return l
    }()

    /// The HTML condenser and extractor. On valid UTF-8 the condensed and the plain parse must
    /// give the same text and links (the condenser's contract), unless `TAGGER_FUZZ_LAX` is set.
    static func html(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { input in
            // (`extract(utf8:maxBytes:)`, with the work it cost.)
            let (plain, work, _) = HTMLExtractor.extract(utf8: input, maxBytes: 1 << 20, mode: .limited)
            // Again with a budget that runs out part way (at a point the last byte picks), so
            // that stopping libxml2 is tried at every kind of place: it must never step past the
            // end of its emptied input (which made it loop, or read the library's own memory).
            let part = work * Int(bytes.last ?? 0) / 256
            if HTMLExtractor.extract(utf8: input, maxBytes: 1 << 20, mode: .limited, budget: part).overran {
                fatalError("libxml2 stepped past its input after being stopped (budget \(part) of \(work))")
            }
            guard String(validating: bytes, as: UTF8.self) != nil else { return }
            let condensed = HTMLExtractor.extract(utf8: input, maxBytes: 1 << 20, condense: true)
            if strict && (condensed.text != plain.text || condensed.links != plain.links) {
                fatalError("condensed HTML extracts differently:\n  plain:     \(plain.text.debugDescription) \(plain.links)\n  condensed: \(condensed.text.debugDescription) \(condensed.links)")
            }
            _ = HTMLCondenser.givesUp(on: input)
        }
    }

    /// Header decoding: RFC 2047 encoded words (also with a fallback charset), Content-Type
    /// and its parameters, address lists, and the bytes as a header block.
    static func header(_ bytes: [UInt8]) {
        let decoded = EncodedWords.decode(bytes)
        _ = EncodedWords.decode(bytes[...], fallbackCharset: "iso-8859-2")
        _ = ContentType.parse(bytes)
        _ = AddressParser.parseList(decoded)
        let message = MessageParser.parse(bytes + [0x0A, 0x0A], limits: tightLimits)
        for name in ["Subject", "From", "To", "Content-Type", "Message-ID"] {
            _ = message.headers.decoded(name)
        }
    }

    /// The config reader (TOML, then tagger's keys and types).
    static func config(_ bytes: [UInt8]) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        _ = try? ConfigSettings.parse(text, file: "fuzz.toml")
    }

    /// The corrections journal reader and its fold into the per-message index, and the
    /// catalog's record reader against JSONDecoder on the same lines.
    static func journal(_ bytes: [UInt8]) {
        let (records, _) = Journal.parse(bytes, path: "fuzz.jsonl")
        var index = CorrectionIndex()
        for (line, c) in records { index.apply(c, line: line) }
        blackHole(index.messages.count)
        // The same bytes as catalog lines: the catalog's own reader must read exactly what
        // JSONDecoder reads, or step aside.
        for line in bytes.split(separator: 0x0A) {
            guard let fast = MessageCatalog.parseRecord(line) else { continue }
            let slow = try? JSONDecoder().decode(MessageCatalog.Record.self, from: Data(line))
            if strict && fast != slow { fatalError("catalog reader and JSONDecoder disagree on \(Array(line))") }
        }
    }

    static let strict = ProcessInfo.processInfo.environment["TAGGER_FUZZ_LAX"] == nil

    @inline(never)
    static func blackHole(_ x: Int) { if x == -1 { print("") } }
}
