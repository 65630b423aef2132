import Foundation
import TaggerLock

/// Models trained once per test run from `Samples/labels.jsonl` and copied into workspaces.
enum Models {
    /// A model trained with the default seed on every sample.
    static let standard = Variant(name: "standard", args: [])
    /// Same data, another seed: different weights and id (a "retrained" model for reloads).
    static let reseeded = Variant(name: "reseeded", args: ["--seed", "4242"])
    /// Trained on the first 40 samples only: a weaker model for retrains to improve on.
    static let firstForty = Variant(name: "first40", args: [], subset: 40)

    struct Variant: Sendable {
        var name: String
        var args: [String]
        /// Train on the first `subset` samples of the manifest only (nil: all).
        var subset: Int?
    }

    struct TrainingFailed: Error, CustomStringConvertible {
        var output: String
        var description: String { "tagger train failed: \(output)" }
    }

    private static let cache = Locked<[String: String]>([:])
    private static let directory: String = {
        let dir = FileManager.default.temporaryDirectory.path + "/tagger-e2e-models-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Models.directory) }
        return dir
    }()

    /// The path of the trained model file for `variant` (training it on first use).
    /// - Throws: `TrainingFailed` with tagger's output when training fails.
    static func path(_ variant: Variant) throws -> String {
        // One training at a time: tests running in parallel asked for the same variant at once and
        // trained it twice into the same file (and rewrote the subset manifest while the other
        // training read it).
        try training.withLock { _ in try train(variant) }
    }

    private static let training = Locked(())

    private static func train(_ variant: Variant) throws -> String {
        if let done = cache.withLock({ $0[variant.name] }) { return done }
        let out = directory + "/\(variant.name).tgm"
        var manifest = Binary.samples + "/labels.jsonl"
        if let subset = variant.subset {
            manifest = directory + "/\(variant.name).jsonl"
            try Manifests.write(SampleMail.all.prefix(subset).map { ($0.path, $0.labels) }, to: manifest)
        }
        let result = try Command.run(
            ["train", "--manifest", manifest, "--model", out,
             "--state-dir", directory + "/state", "--maildir", Binary.samples + "/Maildir"] + variant.args,
            home: directory, timeout: 300)
        guard result.status == 0, FileManager.default.fileExists(atPath: out) else {
            throw TrainingFailed(output: result.stdout + result.stderr)
        }
        cache.withLock { $0[variant.name] = out }
        return out
    }
}

/// Writes labels manifests (README "Labels manifest").
enum Manifests {
    static func write(_ entries: [(path: String, labels: Set<String>)], to file: String) throws {
        var text = ""
        for e in entries {
            let object: [String: Any] = ["path": e.path, "labels": e.labels.sorted()]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    }
}
