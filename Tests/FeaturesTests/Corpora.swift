import Foundation

/// Locates the shared mail corpora: `$TAGGER_CORPORA`, else `../shared/corpora` next to the
/// repository (found from this file's path). Nil when absent (fresh clones): tests skip.
enum Corpora {
    static let root: URL? = {
        if let env = ProcessInfo.processInfo.environment["TAGGER_CORPORA"] {
            return URL(fileURLWithPath: env)
        }
        let repo = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.appendingPathComponent("../shared/corpora").standardizedFileURL
    }()

    /// Whether the corpus folder `name` exists.
    static func available(_ name: String) -> Bool {
        guard let root else { return false }
        return FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path)
    }

    /// Every regular file under corpus `name`, sorted by path, skipping README/SHA256SUMS/.cats.
    static func files(_ name: String) -> [URL] {
        guard let root, let walker = FileManager.default.enumerator(
            at: root.appendingPathComponent(name), includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [URL] = []
        for case let url as URL in walker {
            let isFile = (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) ?? false
            let name = url.lastPathComponent
            if isFile, !name.hasPrefix("README"), name != "SHA256SUMS", !name.hasSuffix(".cats"),
               !name.hasSuffix(".jsonl") {
                out.append(url)
            }
        }
        return out.sorted { $0.path < $1.path }
    }

    static func bytes(_ url: URL) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: url))) ?? []
    }
}
