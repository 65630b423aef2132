import Foundation
import MIME
import TaggerConfig
import TaggerMaildir
import TaggerState
import TaggerSystem

/// Finds messages from what a user types, the same way for every command that takes a message:
/// a path to a message file; a Maildir unique name (the file name up to `:2,`); or a
/// Message-ID, with or without angle brackets. (`-`, standard input, is the caller's: only
/// commands that read a message's content accept it.)
///
/// A unique name or Message-ID may name several files: copies of one message in two folders,
/// or the same mail delivered twice. `locateAll` returns every one, so `label` corrects them all.
public struct MessageReference: Sendable {
    public var maildirs: [ResolvedConfig.Maildir]
    /// Sidecars hold each message's Message-ID, so a lookup by id need not read every message.
    public var layout: SidecarLayout

    public init(maildirs: [ResolvedConfig.Maildir], layout: SidecarLayout) {
        self.maildirs = maildirs
        self.layout = layout
    }

    public init(config: ResolvedConfig) {
        self.init(maildirs: config.maildirs, layout: SidecarLayout(stateDirectory: config.stateDir))
    }

    /// Every message file `query` names, in Maildir and folder order.
    /// - Throws: `TaggerError.notFound` when nothing matches, `.io` for a folder given as a
    ///   message.
    public func locateAll(_ query: String) throws -> [LocatedMessage] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: query, isDirectory: &isDir) {
            if isDir.boolValue { throw TaggerError.io(path: query, reason: "is a folder, not a message") }
            let lookup = SidecarLookup(maildirs: maildirs, layout: layout)
            if let (md, m) = try lookup.message(forFile: query) {
                return [LocatedMessage(path: m.path, maildir: md, message: m)]
            }
            return [LocatedMessage(path: URL(fileURLWithPath: query).standardizedFileURL.resolvingSymlinksInPath().path,
                                   maildir: nil, message: nil)]
        }
        func located(_ pairs: [(ResolvedConfig.Maildir, MaildirMessage)]) -> [LocatedMessage] {
            pairs.sorted { ($0.0.name, $0.1.relativePath) < ($1.0.name, $1.1.relativePath) }
                .map { LocatedMessage(path: $0.1.path, maildir: $0.0, message: $0.1) }
        }
        // The catalog first (its index answers without loading it): the messages it knows
        // whose files are still there.
        let store = TagStore(state: StateDirectory(layout.stateDirectory), maildirs: maildirs)
        let bare = Self.bareID(query)
        let unique = MaildirName.unique(ofQuery: query)
        for hits in [store.catalogEntries(unique: unique), bare.contains("@") ? store.catalogEntries(messageID: bare) : nil] {
            let found = (hits ?? []).compactMap { e in message(of: e, in: store) }
            if !found.isEmpty { return located(found) }
        }
        // Messages the catalog does not know (the daemon has not seen them yet, or they moved
        // since): the Maildirs are listed, and for a Message-ID the uncatalogued files read.
        var all: [(ResolvedConfig.Maildir, MaildirMessage)] = []
        for md in maildirs {
            let scanner = MaildirScanner(root: md.root)
            guard let structure = try? scanner.structure() else { continue }
            for folder in structure.folders {
                for m in (try? scanner.messages(in: folder)) ?? [] { all.append((md, m)) }
            }
        }
        let byUnique = all.filter { $0.1.unique == unique }
        if !byUnique.isEmpty { return located(byUnique) }
        if bare.contains("@") {
            store.openCatalog()
            let catalogued = { (md: ResolvedConfig.Maildir, m: MaildirMessage) -> Bool in
                guard let e = store.catalog.entry(key: CatalogEntry.key(maildir: md.name, folder: m.folder.sidecarName, unique: m.unique)) else { return false }
                return e.messageID.map(Self.bareID) != bare   // known, with another id
            }
            let found = all.filter { md, m in
                !catalogued(md, m) && Self.messageID(ofFile: m.path).map(Self.bareID) == bare
            }
            if !found.isEmpty { return located(found) }
        }
        throw TaggerError.notFound("\(query): no such message (not a file, nor a unique name or Message-ID in \(maildirs.map(\.root).joined(separator: ", ")))")
    }

    /// The Maildir message a catalog entry stands for, if its file still exists (found again
    /// after a flag change).
    private func message(of e: CatalogEntry, in store: TagStore) -> (ResolvedConfig.Maildir, MaildirMessage)? {
        guard let md = maildirs.first(where: { $0.name == e.maildir }), let file = store.messageFile(of: e) else { return nil }
        let root = Sidecar.Message.absolute(md.root)
        var parts = file.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, file.hasPrefix(root + "/") else { return nil }
        let name = parts.removeLast(), sub = parts.removeLast()
        let folderPath = parts.joined(separator: "/")
        let rel = folderPath == root ? "" : String(folderPath.dropFirst(root.count + 1))
        return (md, MaildirMessage(folder: MaildirFolder(path: folderPath, relativePath: rel), subdirectory: sub, fileName: name))
    }

    /// A Message-ID without its angle brackets and surrounding spaces.
    public static func bareID(_ id: String) -> String {
        id.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t\r\n"))
    }

    /// The Message-ID header of the message at `path` (its first 64 KiB are read).
    static func messageID(ofFile path: String) -> String? {
        guard let bytes = try? MessageFile.read(path, maxBytes: 64 << 10) else { return nil }
        let end = Labeler.headerEnd(bytes)
        return MessageParser.parse(Array(bytes[..<end])).headers.decoded("Message-ID")
    }

    /// Standard input as message bytes (at most `maxBytes`).
    /// - Throws: `TaggerError.io` for empty input.
    public static func readStandardInput(maxBytes: Int = 32 << 20) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < maxBytes {
            let chunk = FileHandle.standardInput.readData(ofLength: min(1 << 16, maxBytes - bytes.count))
            if chunk.isEmpty { break }
            bytes.append(contentsOf: chunk)
        }
        if bytes.isEmpty { throw TaggerError.io(path: "-", reason: "empty standard input, not a message") }
        return bytes
    }
}
