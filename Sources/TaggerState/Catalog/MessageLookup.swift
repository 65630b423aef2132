import Foundation
import TaggerMaildir
import TaggerSystem

extension TagStore {
    /// The sidecar path for what a user typed: a message file path, a maildir unique name or a
    /// Message-ID (with or without angle brackets). Names and Message-IDs are looked up in the
    /// catalog's index (no full load; see ``MessageCatalog/lookup(unique:)``). When several
    /// sidecars carry the name (a message moved and its old sidecar not yet expired), the one
    /// whose message file exists wins. The sidecars are scanned (`SidecarLookup`) only when the
    /// catalog cannot be read or built.
    /// - Throws: `SidecarLookup.NotFound` when no sidecar matches, or a unique name matches
    ///   several existing messages.
    public func findSidecar(_ query: String) throws -> String {
        let lookup = SidecarLookup(maildirs: maildirs, layout: sidecars.layout)
        if query.contains("/"), let p = try lookup.path(forFile: query) { return p }
        guard let byUnique = catalogEntries(unique: MaildirName.unique(ofQuery: query)) else { return try lookup.find(query) }
        let withSidecar = byUnique.filter { FileIO.exists(sidecarPath($0)) }
        if withSidecar.count == 1 { return sidecarPath(withSidecar[0]) }
        if withSidecar.count > 1 {
            let live = withSidecar.filter { messageFile(of: $0) != nil }
            if live.count == 1 { return sidecarPath(live[0]) }
            throw SidecarLookup.NotFound(query: query, reason: live.isEmpty
                ? "unique name matches \(withSidecar.count) sidecars and none of their messages exists; give the path"
                : "unique name matches \(live.count) messages; give the path")
        }
        let bare = query.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t"))
        if bare.contains("@"), let byID = catalogEntries(messageID: bare) {
            let withSidecar = byID.filter { FileIO.exists(sidecarPath($0)) }
            if let first = withSidecar.first(where: { messageFile(of: $0) != nil }) ?? withSidecar.first {
                return sidecarPath(first)
            }
        }
        throw SidecarLookup.NotFound(query: query, reason: "no sidecar found (not a known message path, unique name or Message-ID)")
    }

    /// The catalog's entries with unique name `unique`, from its index when it has a usable one,
    /// else from the loaded catalog (built from the sidecars when missing, rebuilt when damaged;
    /// its index is then written for the next lookup). Nil when the catalog cannot be used.
    public func catalogEntries(unique: String) -> [CatalogEntry]? {
        catalogEntries { $0.lookup(unique: unique) }
    }

    /// The catalog's entries with Message-ID `id` (angle brackets optional); as
    /// ``catalogEntries(unique:)``.
    public func catalogEntries(messageID id: String) -> [CatalogEntry]? {
        catalogEntries { $0.lookup(messageID: id) }
    }

    private func catalogEntries(_ ask: (MessageCatalog) -> [CatalogEntry]?) -> [CatalogEntry]? {
        if let hits = ask(catalog) { return hits }
        // No sidecars at all: nothing to build a catalog from (and nothing is created).
        guard FileIO.exists(state.sidecars) else { return nil }
        let notes = openCatalog()
        guard (try? catalog.load()) == true else { return nil }
        if !notes.isEmpty || !catalog.hasUsableIndex { try? catalog.writeIndex() }
        return ask(catalog)
    }

    /// The message file a catalog entry stands for, if it exists: at the entry's path, else
    /// (its flags changed since it was catalogued) the file in the same folder with its
    /// unique name. Nil when the message is in none of the Maildirs' folders any more.
    public func messageFile(of e: CatalogEntry) -> String? {
        guard let md = maildirs.first(where: { $0.name == e.maildir }) else { return nil }
        let root = Sidecar.Message.absolute(md.root)
        let candidates = Sidecar.Message.candidateFiles(root: root, relativePath: e.path)
        if let hit = candidates.first(where: { FileIO.exists($0) }) { return hit }
        let folders = e.folder == "INBOX" ? [root, root + "/INBOX"] : [root + "/" + e.folder]
        for folder in folders {
            for sub in ["cur", "new"] {
                guard let names = try? MaildirScanner.directoryEntries(folder + "/" + sub) else { continue }
                if let hit = names.first(where: { !$0.isDirectory && MaildirName.unique(ofFile: $0.name) == e.unique }) {
                    return folder + "/" + sub + "/" + hit.name
                }
            }
        }
        return nil
    }

    /// The sidecar file of a catalog entry.
    public func sidecarPath(_ e: CatalogEntry) -> String {
        ([state.path] + sidecars.layout.components(maildirName: e.maildir, folderSidecarName: e.folder)
            + [sidecars.layout.fileName(unique: e.unique)]).joined(separator: "/")
    }
}
