import Foundation
import MIME
import Testing
@testable import TaggerCore

@Suite struct PipelineReadTests {
    /// Only the first `maxMessageBytes` of a file are read; the document must say the message
    /// was cut (it once said nothing, as the parser never saw the rest).
    @Test func aMessageLargerThanTheLimitIsReadInPartWithAWarning() throws {
        let path = NSTemporaryDirectory() + "tagger-big-\(UUID().uuidString).eml"
        defer { unlink(path) }
        let body = String(repeating: "word ", count: 2_000)
        try Data("From: a@example.org\nSubject: big\n\n\(body)\n".utf8).write(to: URL(fileURLWithPath: path))
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        var limits = ParseLimits()
        limits.maxMessageBytes = 1_000
        let cut = try Pipeline(limits: limits).document(path: path)
        #expect(cut.warnings.contains("limit.messageBytes: message cut at 1000 of \(size) bytes"), "\(cut.warnings)")
        let whole = try Pipeline().document(path: path)
        #expect(!whole.warnings.contains { $0.hasPrefix("limit.messageBytes") }, "\(whole.warnings)")
    }
}
