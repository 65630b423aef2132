import Foundation

/// Where the `tagger` executable under test and the repository's files are.
enum Binary {
    /// The repository root, from this file's path (Tests/EndToEndTests/Binary.swift).
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Samples/` of the repository.
    static var samples: String { repoRoot.appendingPathComponent("Samples").path }

    /// The built `tagger`: `$TAGGER_BIN`, else next to the test bundle, else `.build/debug/tagger`.
    static let path: String? = {
        let fm = FileManager.default
        if let bin = ProcessInfo.processInfo.environment["TAGGER_BIN"], !bin.isEmpty {
            return fm.isExecutableFile(atPath: bin) ? bin : nil
        }
        let bundle = Bundle.main.bundleURL
        let candidates = [
            bundle.appendingPathComponent("tagger"),
            bundle.deletingLastPathComponent().appendingPathComponent("tagger"),
            repoRoot.appendingPathComponent(".build/debug/tagger"),
        ]
        return candidates.map(\.path).first { fm.isExecutableFile(atPath: $0) }
    }()

    /// Why there is no binary to test.
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            if let bin = ProcessInfo.processInfo.environment["TAGGER_BIN"], !bin.isEmpty {
                return "TAGGER_BIN=\(bin) is not an executable file"
            }
            return "no tagger binary next to the tests or in .build/debug (swift build --product tagger, or set TAGGER_BIN)"
        }
    }

    /// The error every end-to-end test fails with when there is no binary.
    static let missing = Missing()
}
