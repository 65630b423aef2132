import Testing

/// Every end-to-end suite runs the real `tagger` binary, one test at a time (they start
/// processes, send signals and measure time on a small machine). They are skipped when the
/// binary has not been built (`swift build` first) or `Samples/` is missing; `TAGGER_BIN`
/// points them at another binary (e.g. `.build/release/tagger`).
@Suite(.serialized,
       .enabled(if: Binary.available, "tagger binary not found (build it, or set TAGGER_BIN) or Samples/ missing"))
enum EndToEnd {}
