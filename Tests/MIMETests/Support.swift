import Foundation
import Testing
@testable import MIME

/// Message bytes from a string literal; `\n` becomes CRLF when `crlf` is set.
func bytes(_ text: String, crlf: Bool = false) -> [UInt8] {
    let b = Array(text.utf8)
    guard crlf else { return b }
    var out: [UInt8] = []
    for c in b {
        if c == 0x0A { out.append(0x0D) }
        out.append(c)
    }
    return out
}

/// Parses a message written as a string literal.
func parse(_ text: String, crlf: Bool = false, limits: ParseLimits = ParseLimits()) -> Message {
    MessageParser.parse(bytes(text, crlf: crlf), limits: limits)
}

/// Whitespace runs collapsed, ends trimmed.
func squash(_ s: String?) -> String? {
    s.map { $0.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
}

/// Where the shared third-party corpora live: `$TAGGER_CORPORA`, else `../shared/corpora`
/// next to the repository root (found from this file's path).
let corporaDirectory: URL = {
    if let env = ProcessInfo.processInfo.environment["TAGGER_CORPORA"] { return URL(fileURLWithPath: env) }
    return URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/corpora").standardizedFileURL
}()

let corporaAvailable = FileManager.default.fileExists(atPath: corporaDirectory.path)

/// The fixture file `name` from Tests/MIMETests/Fixtures.
func fixture(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
    return [UInt8](try Data(contentsOf: url))
}
