import Foundation
import TaggerMaildir
import TaggerSystem

extension TagStore {
    /// The sidecar path for what a user typed: a message file path, a maildir unique name or a
    /// Message-ID (with or without angle brackets). Names and Message-IDs are looked up in the
    /// catalog; only when it knows no sidecar for them are the sidecars scanned (`SidecarLookup`).
    /// - Throws: `SidecarLookup.NotFound` when no sidecar matches, or a unique name matches several.
    public func findSidecar(_ query: String) throws -> String {
        let lookup = SidecarLookup(maildirs: maildirs, layout: sidecars.layout)
        if query.contains("/"), let p = try lookup.path(forFile: query) { return p }
        openCatalog()
        let byUnique = catalog.entries(unique: query).map(sidecarPath).filter { FileIO.exists($0) }
        if byUnique.count == 1 { return byUnique[0] }
        if byUnique.count > 1 {
            throw SidecarLookup.NotFound(query: query, reason: "unique name matches \(byUnique.count) sidecars; give the path")
        }
        if query.contains("@"), let first = catalog.entries(messageID: query).map(sidecarPath).first(where: { FileIO.exists($0) }) {
            return first
        }
        return try lookup.find(query)
    }

    /// The sidecar file of a catalog entry.
    public func sidecarPath(_ e: CatalogEntry) -> String {
        ([state.path] + sidecars.layout.components(maildirName: e.maildir, folderSidecarName: e.folder)
            + [sidecars.layout.fileName(unique: e.unique)]).joined(separator: "/")
    }
}
