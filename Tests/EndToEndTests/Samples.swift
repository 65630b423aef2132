import Foundation

/// The sample messages of `Samples/` with their labels from `labels.jsonl`.
enum SampleMail {
    struct Entry: Sendable {
        /// Absolute path of the message in the repository.
        var path: String
        /// Path relative to `Samples/Maildir`, e.g. `.Receipts/cur/123.M1P2.samplehost:2,RS`.
        var relative: String
        var labels: Set<String>
    }

    private struct Line: Decodable {
        var path: String
        var labels: [String]
    }

    /// Every labelled sample, in manifest order.
    static let all: [Entry] = {
        guard let data = FileManager.default.contents(atPath: Binary.samples + "/labels.jsonl") else { return [] }
        return data.split(separator: 0x0A).compactMap { line in
            guard let l = try? JSONDecoder().decode(Line.self, from: Data(line)) else { return nil }
            let relative = l.path.hasPrefix("Maildir/") ? String(l.path.dropFirst("Maildir/".count)) : l.path
            return Entry(path: Binary.samples + "/" + l.path, relative: relative, labels: Set(l.labels))
        }
    }()

    /// The labels of the manifest.
    static let labels = ["finance", "important", "newsletter", "personal", "receipts"]

    /// The bytes of every sample (for deliveries of copies).
    static let bytes: [Data] = all.compactMap { FileManager.default.contents(atPath: $0.path) }
}
