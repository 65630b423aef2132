import Foundation
import Testing
@testable import Model
@testable import TaggerState

/// The hand-written sidecar writer must give exactly the bytes Foundation's JSONEncoder gives
/// (sidecars written before and after compare equal, so nothing is rewritten needlessly).
@Suite struct SidecarJSONTests {
    static func foundationBytes(_ s: Sidecar) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try e.encode(s)) + [0x0A]
    }

    typealias Rng = SplitMix64

    static let pieces = ["a", "Z", "_", "-", "0", "9", "é", "日本", "\"", "\\", "/", "\n", "\r", "\t", "\u{1}",
                         "\u{8}", "\u{c}", "\u{1f}", "\u{7f}", "\u{2028}", "😀", " ", "finance", "<a@b>", ":2,S"]

    static func text(_ r: inout Rng, max: Int = 6) -> String {
        (0..<Int.random(in: 0...max, using: &r)).map { _ in pieces.randomElement(using: &r)! }.joined()
    }

    static func number(_ r: inout Rng) -> Double {
        switch Int.random(in: 0..<6, using: &r) {
        case 0: return 0
        case 1: return 1
        case 2: return Double(Float.random(in: 0...1, using: &r))
        case 3: return Double.random(in: 0...1, using: &r)
        case 4: return Double.random(in: 0...1, using: &r) * 1e-9
        default: return [1e-05, 1e16, 1e21, 123456789012, 0.5, Double.leastNonzeroMagnitude, 0.30000000000000004].randomElement(using: &r)!
        }
    }

    static func sidecar(_ r: inout Rng) -> Sidecar {
        func labels() -> [String] { (0..<Int.random(in: 0...4, using: &r)).map { _ in text(&r, max: 3) } }
        func scores() -> [String: Double] {
            Dictionary(labels().map { ($0, number(&r)) }, uniquingKeysWith: { a, _ in a })
        }
        return Sidecar(
            message: .init(unique: text(&r), path: text(&r), messageID: Bool.random(using: &r) ? text(&r) : nil,
                           root: Bool.random(using: &r) ? text(&r) : nil, file: Bool.random(using: &r) ? text(&r) : nil),
            modelTags: labels(), scores: scores(), thresholds: scores(), abstained: labels(),
            user: .init(add: labels(), remove: labels()),
            model: .init(id: text(&r), trainedAt: text(&r)), taggedAt: text(&r),
            error: Bool.random(using: &r) ? text(&r) : nil,
            warnings: Bool.random(using: &r) ? labels() : nil)
    }

    @Test func sameBytesAsJSONEncoderOnRandomSidecars() throws {
        var r = Rng(seed: 42)
        for _ in 0..<3_000 {
            let s = Self.sidecar(&r)
            let ours = try SidecarStore.encode(s)
            let reference = try Self.foundationBytes(s)
            #expect(ours == reference, "\(String(decoding: ours, as: UTF8.self))\n---\n\(String(decoding: reference, as: UTF8.self))")
            if ours != reference { return }
            #expect(try JSONDecoder().decode(Sidecar.self, from: Data(ours)) == s)
        }
    }

    /// The reference shape of a `tagger tag` line, encoded by Foundation.
    struct ReferenceTagLine: Encodable {
        var path: String
        var tags: [String]
        var scores: [String: Double]
        var abstained: [String]
        var warnings: [String]?
    }

    @Test func tagLinesAreTheBytesJSONEncoderGives() throws {
        var r = Rng(seed: 99)
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for _ in 0..<3_000 {
            let s = Self.sidecar(&r)
            let line = TagLine(path: s.message.path, tags: s.tags, scores: s.scores, abstained: s.abstained,
                               warnings: s.warnings)
            let reference = Array(try e.encode(ReferenceTagLine(path: line.path, tags: line.tags, scores: line.scores,
                                                                abstained: line.abstained, warnings: line.warnings)))
            let ours = try line.json()
            #expect(ours == reference, "\(String(decoding: ours, as: UTF8.self)) vs \(String(decoding: reference, as: UTF8.self))")
            if ours != reference { return }
        }
    }

    @Test func nonFiniteScoreIsAnError() {
        var r = Rng(seed: 7)
        var s = Self.sidecar(&r)
        s.scores["x"] = .nan
        #expect(throws: (any Error).self) { try SidecarStore.encode(s) }
    }
}
