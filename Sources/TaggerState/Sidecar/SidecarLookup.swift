import Foundation
import TaggerSystem
import TaggerMaildir

/// Finds a message's sidecar from what a user types: a message file path, a maildir unique name,
/// or a Message-ID (with or without angle brackets).
public struct SidecarLookup: Sendable {
    /// The Maildirs the message may live in.
    public var maildirs: [MaildirRoot]
    /// The path mapping.
    public var layout: SidecarLayout

    public init(maildirs: [MaildirRoot], layout: SidecarLayout) {
        self.maildirs = maildirs
        self.layout = layout
    }

    /// Why a lookup failed.
    public struct NotFound: Error, CustomStringConvertible {
        public var query: String
        public var reason: String
        public var description: String { "\(query): \(reason)" }
    }

    /// The sidecar path for `query`.
    /// - Throws: `NotFound` when no sidecar matches, or a unique name / Message-ID matches several.
    public func find(_ query: String) throws -> String {
        if query.contains("/"), let p = try path(forFile: query) { return p }
        let unique = MaildirName.unique(ofQuery: query)
        let byUnique = scan { name, _ in name == layout.fileName(unique: unique) }
        if byUnique.count == 1 { return byUnique[0] }
        if byUnique.count > 1 {
            throw NotFound(query: query, reason: "unique name matches \(byUnique.count) sidecars; give the path")
        }
        let bare = query.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        if bare.contains("@") {
            let byID = scan { _, read in
                guard let s = read() else { return false }
                return s.message.messageID.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")) } == bare
            }
            if let first = byID.first { return first }
        }
        throw NotFound(query: query, reason: "no sidecar found (not a known message path, unique name or Message-ID)")
    }

    /// The sidecar path of a message file inside one of the Maildirs (nil if it is in none).
    /// - Throws: `NotFound` when the path is in a Maildir but not in a `cur/` or `new/` directory.
    public func path(forFile file: String) throws -> String? {
        try message(forFile: file).map { layout.path(maildirName: $0.maildir.name, message: $0.message) }
    }

    /// The Maildir and message a file path belongs to (nil if it is in none of the Maildirs).
    /// - Throws: `NotFound` when the path is in a Maildir but not in a `cur/` or `new/` directory.
    public func message(forFile file: String) throws -> (maildir: MaildirRoot, message: MaildirMessage)? {
        // The folders may be links (a root given through one); the file itself is not followed.
        let url = URL(fileURLWithPath: file).standardizedFileURL
        let full = url.deletingLastPathComponent().resolvingSymlinksInPath().path + "/" + url.lastPathComponent
        for md in maildirs {
            let root = URL(fileURLWithPath: md.root).standardizedFileURL.resolvingSymlinksInPath().path
            guard full.hasPrefix(root + "/") else { continue }
            let parts = full.dropFirst(root.count + 1).split(separator: "/").map(String.init)
            guard parts.count >= 2, ["cur", "new"].contains(parts[parts.count - 2]) else {
                throw NotFound(query: file, reason: "not a message file (expected FOLDER/cur/NAME or FOLDER/new/NAME)")
            }
            let rel = parts.dropLast(2).joined(separator: "/")
            let folder = MaildirFolder(path: root + (rel.isEmpty ? "" : "/" + rel), relativePath: rel)
            return (md, MaildirMessage(folder: folder, subdirectory: parts[parts.count - 2], fileName: parts.last!))
        }
        return nil
    }

    /// The bytes of the sidecar at `path` (a path ``find(_:)`` returned), read without following
    /// a symbolic link at it or at any folder between the state directory and it, and without
    /// blocking on a FIFO: a link planted at a sidecar's path is refused, never printed through.
    /// - Throws: `NotFound` when the file is missing, outside the state directory, a link or
    ///   not a regular file; `SystemError` for other failures (permission).
    public func read(sidecarAt path: String) throws -> [UInt8] {
        let base = layout.stateDirectory
        guard path.hasPrefix(base + "/") else {
            throw NotFound(query: path, reason: "not a sidecar path (outside \(base))")
        }
        var parts = path.dropFirst(base.count + 1).split(separator: "/").map(String.init)
        guard let name = parts.popLast() else { throw NotFound(query: path, reason: "not a sidecar path") }
        do {
            let dir = try SecureDirectory.open(base: base, components: parts, create: false)
            guard let bytes = try dir.read(name) else { throw NotFound(query: path, reason: "no sidecar yet (is `tagger run` running?)") }
            return bytes
        } catch let e as SystemError where e.isNotFound {
            throw NotFound(query: path, reason: "no sidecar yet (is `tagger run` running?)")
        } catch let e as SystemError where e.code == ELOOP {
            throw NotFound(query: path, reason: "a symbolic link where a sidecar or its folder should be; tagger does not follow links inside its state directory")
        } catch let e as SystemError where e.code == ENODEV || e.code == ENOTDIR {
            throw NotFound(query: path, reason: e.detail ?? "not a regular file")
        }
    }

    /// Every sidecar path for which `match(fileName, read)` is true; `read` decodes the sidecar.
    private func scan(_ match: (String, () -> Sidecar?) -> Bool) -> [String] {
        var out: [String] = []
        func walk(_ dir: String) {
            guard let entries = try? MaildirScanner.directoryEntries(dir) else { return }
            for e in entries.sorted(by: { $0.name < $1.name }) {
                let p = dir + "/" + e.name
                if e.isDirectory { walk(p); continue }
                guard e.name.hasSuffix(".json"), !e.name.hasPrefix(".") else { continue }
                let read = { () -> Sidecar? in
                    guard let bytes = try? self.read(sidecarAt: p) else { return nil }
                    return try? JSONDecoder().decode(Sidecar.self, from: Data(bytes))
                }
                if match(e.name, read) { out.append(p) }
            }
        }
        for md in maildirs { walk(layout.root + "/" + md.name) }
        return out
    }
}
