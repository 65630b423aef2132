import Foundation
import Testing
@testable import TaggerCore
@testable import TaggerSystem

@Suite struct ManifestTests {
    private func folder(_ files: [String: String]) throws -> String {
        let d = NSTemporaryDirectory() + "tagger-manifest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: d + "/msgs", withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: d + "/" + name, atomically: true, encoding: .utf8) }
        return d
    }

    @Test func pathsAreRelativeToTheManifestAndTheLabelSetIsTheUnion() throws {
        let d = try folder([
            "msgs/a.eml": "Subject: a\n\nx\n", "msgs/b.eml": "Subject: b\n\ny\n",
            "m.jsonl": "{\"path\": \"msgs/a.eml\", \"labels\": [\"finance\", \"important\"]}\n\n{\"path\": \"msgs/b.eml\", \"labels\": []}\n",
        ])
        let m = try Manifest.load(path: d + "/m.jsonl")
        #expect(m.entries.map(\.path) == [d + "/msgs/a.eml", d + "/msgs/b.eml"])
        #expect(m.labels == ["finance", "important"])
        #expect(m.entries.map(\.line) == [1, 3])
    }

    @Test func aMalformedLineIsAnErrorWithItsLineNumber() throws {
        let d = try folder(["msgs/a.eml": "x", "m.jsonl": "{\"path\": \"msgs/a.eml\", \"labels\": []}\n{\"path\": 3}\n"])
        #expect(throws: TaggerError.manifest(path: d + "/m.jsonl", line: 2, reason: "missing string \"path\"")) {
            try Manifest.load(path: d + "/m.jsonl")
        }
        let e = try folder(["m.jsonl": "not json\n"])
        #expect(throws: TaggerError.manifest(path: e + "/m.jsonl", line: 1, reason: "not valid JSON")) {
            try Manifest.load(path: e + "/m.jsonl")
        }
    }

    @Test func aMissingFileIsAnErrorOrASkipWithSkipMissing() throws {
        let d = try folder(["m.jsonl": "{\"path\": \"msgs/gone.eml\", \"labels\": [\"x\"]}\n"])
        #expect(throws: TaggerError.manifest(path: d + "/m.jsonl", line: 1, reason: "msgs/gone.eml: no such file")) {
            try Manifest.load(path: d + "/m.jsonl")
        }
        let m = try Manifest.load(path: d + "/m.jsonl", skipMissing: true)
        #expect(m.entries.isEmpty)
        #expect(m.warnings.count == 1)
    }
}
