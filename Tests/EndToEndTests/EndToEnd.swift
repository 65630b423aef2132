import Foundation
import Testing

/// Every end-to-end suite runs the real `tagger` binary, one test at a time (they start
/// processes, send signals and measure time on a small machine). `swift test` builds the binary
/// first (this target depends on it); `TAGGER_BIN` points the tests at another one (e.g.
/// `.build/release/tagger`). Without a binary or `Samples/` the tests fail, naming what is
/// missing: an end-to-end suite that skipped would pass without testing anything.
@Suite(.serialized)
enum EndToEnd {
    @Test("the binary under test and the samples are there")
    static func binaryAndSamplesArePresent() {
        #expect(Binary.path != nil, "\(Binary.missing)")
        #expect(FileManager.default.fileExists(atPath: Binary.samples + "/labels.jsonl"), "Samples/ is missing")
    }
}
