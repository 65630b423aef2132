import Foundation
import Testing
@testable import MIME

/// Runs every file under the shared third-party corpora through the parser. The corpora are not
/// part of the repository; without them (a fresh clone) these tests are skipped.
@Suite(.enabled(if: corporaAvailable, "third-party corpora not found at ../shared/corpora (set TAGGER_CORPORA)"))
struct CorpusTests {
    static func allFiles() -> [URL] {
        guard let e = FileManager.default.enumerator(at: corporaDirectory, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var files: [URL] = []
        for case let url as URL in e where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }

    @Test func everyMessageParsesQuicklyAndKeepsItsText() throws {
        let files = Self.allFiles()
        #expect(files.count > 10_000)
        let clock = ContinuousClock()
        var slow: [String] = []
        var textless: [String] = []
        for url in files {
            let data = [UInt8](try Data(contentsOf: url))
            var message: Message?
            let elapsed = clock.measure { message = MessageParser.parse(data) }
            if elapsed > .seconds(2) { slow.append(url.path) }
            guard let m = message else { continue }
            for part in m.parts where part.contentType.mimeType == "text/plain" {
                // A text/plain part whose decoded body has visible ASCII must yield visible text.
                let body = part.decodedBody()
                if body.contains(where: { $0 > 0x20 && $0 < 0x7F }),
                   part.text?.contains(where: { !$0.isWhitespace }) != true {
                    textless.append(url.path)
                }
            }
        }
        #expect(slow.isEmpty, "slow: \(slow.prefix(5))")
        #expect(textless.isEmpty, "text/plain without text: \(textless.prefix(5))")
    }

    @Test func plainMessagesYieldTheirBodyText() throws {
        // Enron messages are single-part text/plain with a non-empty body.
        let dir = corporaDirectory.appendingPathComponent("enron-berkeley-categories")
        let files = Self.allFiles().filter { $0.path.hasPrefix(dir.path) && $0.pathExtension == "txt" && $0.lastPathComponent != "categories.txt" }
        #expect(files.count > 1000)
        var missing: [String] = []
        for url in files {
            let m = MessageParser.parse([UInt8](try Data(contentsOf: url)))
            if m.headers.decoded("Subject") == nil && m.headers.decoded("From") == nil { missing.append(url.path); continue }
            if m.parts.first(where: { $0.contentType.mimeType == "text/plain" })?.text?.isEmpty != false {
                missing.append(url.path)
            }
        }
        #expect(missing.isEmpty, "\(missing.prefix(5))")
    }

    @Test func knownEdgeCases() throws {
        func load(_ path: String) throws -> Message {
            MessageParser.parse([UInt8](try Data(contentsOf: corporaDirectory.appendingPathComponent(path))))
        }
        // Nested multipart reusing its parent's boundary (CPython msg_39): text part still found.
        let m39 = try load("cpython-email-tests/msg_39.txt")
        #expect(m39.parts.last?.text?.contains("never too late to have a happy childhood") == true)
        // Boundary with trailing blanks in the parameter (mime4j very-long-boundary).
        let vlb = try load("mime4j-testmsgs/testmsgs/very-long-boundary.msg")
        #expect(vlb.parts.count == 2)
        #expect(squash(vlb.parts.first?.text) == "Text body")
        // An Outlook .msg file is not mail: parsed without crashing, flagged.
        let outlook = try load("mail-parser-tests-mails/mail_outlook_1")
        #expect(outlook.warnings.contains { $0.code == "message.binary" || $0.code == "header.missingSeparator" })
    }
}
