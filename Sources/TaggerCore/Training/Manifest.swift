import Foundation
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState

/// One labelled message of a labels manifest.
public struct ManifestEntry: Sendable, Equatable {
    /// Absolute (or manifest-relative resolved) path of the message file.
    public var path: String
    /// The message's labels; any label of the manifest not listed is a negative (unless
    /// `known` leaves it out).
    public var labels: [String]
    /// The only labels the line speaks to (`"known"`; nil: every label of the manifest).
    public var known: [String]? = nil
    /// 1-based line number in the manifest, for error messages.
    public var line: Int
}

/// A labels manifest (JSON Lines): `{"path": "dir/msg.eml", "labels": ["a", "b"]}` per line;
/// an optional `"known": ["a", "c"]` says the line gives an answer for those labels only
/// (`tagger export` writes it for read mail outside the labelled folders).
public struct Manifest: Sendable {
    /// Entries in file order.
    public var entries: [ManifestEntry]
    /// The label set: the union of all labels, sorted.
    public var labels: [String]
    /// Lines skipped with `skipMissing` (missing files), as warnings.
    public var warnings: [String]

    /// Reads a manifest. Paths are resolved against the manifest's own folder.
    /// - Parameter skipMissing: a line naming a missing file becomes a warning instead of an error.
    /// - Throws: `TaggerError.manifest` naming the file and line for unreadable files, malformed
    ///   lines, and (unless `skipMissing`) missing message files.
    public static func load(path: String, skipMissing: Bool = false) throws(TaggerError) -> Manifest {
        let data: Data
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .io(path: path, reason: "is a folder, not a manifest (JSON Lines: {\"path\": ..., \"labels\": [...]})")
        }
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .io(path: path, reason: "cannot read manifest: \(describe(error))")
        }
        let base = (path as NSString).deletingLastPathComponent
        var entries: [ManifestEntry] = []
        var labelSet = Set<String>()
        var warnings: [String] = []
        var lineNo = 0
        for rawLine in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNo += 1
            let line = rawLine.last == UInt8(ascii: "\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: Data(line)) } catch {
                throw .manifest(path: path, line: lineNo, reason: "not valid JSON")
            }
            guard let dict = object as? [String: Any] else {
                throw .manifest(path: path, line: lineNo, reason: "expected a JSON object")
            }
            guard let rel = dict["path"] as? String, !rel.isEmpty else {
                throw .manifest(path: path, line: lineNo, reason: "missing string \"path\"")
            }
            guard let labels = dict["labels"] as? [String] else {
                throw .manifest(path: path, line: lineNo, reason: "\"labels\" must be an array of strings")
            }
            let full = rel.hasPrefix("/") ? rel : (base.isEmpty ? rel : base + "/" + rel)
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: full, isDirectory: &isDir) || isDir.boolValue {
                let reason = isDir.boolValue ? "is a folder, not a message" : "no such file"
                if skipMissing {
                    warnings.append("\(path):\(lineNo): skipped \(rel): \(reason)")
                    continue
                }
                throw .manifest(path: path, line: lineNo, reason: "\(rel): \(reason)")
            }
            var unique: [String] = []
            for label in labels where !unique.contains(label) {
                guard !label.isEmpty else {
                    throw .manifest(path: path, line: lineNo, reason: "empty label name")
                }
                unique.append(label)
            }
            var known: [String]?
            if let k = dict["known"] {
                guard let names = k as? [String] else {
                    throw .manifest(path: path, line: lineNo, reason: "\"known\" must be an array of strings")
                }
                known = names
            }
            labelSet.formUnion(unique)
            entries.append(ManifestEntry(path: full, labels: unique, known: known, line: lineNo))
        }
        return Manifest(entries: entries, labels: labelSet.sorted(), warnings: warnings)
    }
}
