import Foundation
import Testing
@testable import TaggerMaildir
@testable import TaggerState
@testable import TaggerSystem

/// The repository root, from this file's path (Tests/TaggerKitTests/<file>).
private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func run(_ args: [String]) -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    do { try p.run() } catch { return (-1, "\(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Validation needs python3 with the `jsonschema` package; without it the test is skipped.
private let hasJSONSchema = run(["python3", "-c", "import jsonschema"]).status == 0

@Suite struct SidecarSchemaTests {
    @Test(.enabled(if: hasJSONSchema, "needs python3 with the jsonschema package"))
    func writtenSidecarsValidateAgainstTheShippedSchema() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let store = SidecarStore(layout: SidecarLayout(stateDirectory: t.path))
        let folder = MaildirFolder(path: "/m", relativePath: "")
        try store.write(maildirName: "M", folder: folder, unique: "1.a") { _ in
            Sidecar(message: .init(unique: "1.a", path: "INBOX/cur/1.a:2,S", messageID: nil), modelTags: ["finance"],
                    scores: ["finance": 0.93], thresholds: ["finance": 0.41], abstained: [],
                    user: .init(add: ["important"]), model: .init(id: "m", trainedAt: "2026-11-26T10:00:00Z"),
                    taggedAt: Timestamp.iso8601(Date()), warnings: ["size limit"])
        }
        // The keys added later (root, file) validate, and a relative root does not.
        try store.write(maildirName: "M", folder: MaildirFolder(path: "/m/.Lists", relativePath: ".Lists"), unique: "3.a") { _ in
            Sidecar(message: .init(MaildirMessage(folder: MaildirFolder(path: "/m/.Lists", relativePath: ".Lists"),
                                                  subdirectory: "cur", fileName: "3.a:2,S"), root: "/m", messageID: "<z@y>"),
                    modelTags: [], scores: [:], thresholds: [:], abstained: [], user: .init(),
                    model: .init(id: "m", trainedAt: "2026-11-26T10:00:00Z"), taggedAt: "2026-11-26T10:04:12Z")
        }
        try store.write(maildirName: "M", folder: folder, unique: "2.a") { _ in
            Sidecar(message: .init(unique: "2.a", path: "INBOX/new/2.a", messageID: "<x@y>"), modelTags: [],
                    scores: [:], thresholds: [:], abstained: [], user: .init(),
                    model: .init(id: "m", trainedAt: "2026-11-26T10:00:00Z"), taggedAt: "2026-11-26T10:04:12Z",
                    error: "unparseable")
        }
        let schema = repoRoot.appendingPathComponent("Sources/TaggerState/Sidecar/sidecar.schema.json").path
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            for f in sys.argv[2:]:
                jsonschema.Draft202012Validator(schema).validate(json.load(open(f)))
            bad = json.load(open(sys.argv[2])); bad["schema"] = 2
            assert not jsonschema.Draft202012Validator(schema).is_valid(bad)
            new = json.load(open(sys.argv[-1]))
            assert new["message"]["root"] == "/m" and new["message"]["file"] == "/m/.Lists/cur/3.a:2,S", new
            new["message"]["root"] = "m"
            assert not jsonschema.Draft202012Validator(schema).is_valid(new)
            """
        let files = ["1.a", "2.a"].map { t.path + "/sidecars/M/INBOX/\($0).json" } + [t.path + "/sidecars/M/.Lists/3.a.json"]
        let r = run(["python3", "-c", script, schema] + files)
        #expect(r.status == 0, "\(r.output)")
    }
}
