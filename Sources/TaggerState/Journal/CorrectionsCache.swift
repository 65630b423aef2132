import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TaggerSystem
import TaggerMaildir

/// The fold of the corrections journal, re-read only when the file changed (size or mtime),
/// and at most once per `minInterval`. Used by the daemon's single processing thread.
package final class CorrectionsCache {
    package let journal: Journal
    let minInterval: TimeInterval
    package private(set) var index = CorrectionIndex()
    /// Records in the journal at the last read.
    package private(set) var recordCount = 0
    private var stamp: (size: Int64, mtime: Int) = (-1, -1)
    private var checked = Date.distantPast

    package init(journal: Journal, minInterval: TimeInterval = 1) {
        self.journal = journal
        self.minInterval = minInterval
    }

    /// Re-reads the journal if it changed. Returns warnings of the read (torn lines, ...).
    @discardableResult
    package func refresh(force: Bool = false) -> [String] {
        let now = Date()
        guard force || now.timeIntervalSince(checked) >= minInterval else { return [] }
        checked = now
        var st = stat()
        guard stat(journal.path, &st) == 0 else { return [] }
        let current = (Int64(st.st_size), Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec))
        guard current != stamp else { return [] }
        do {
            let (fresh, warnings) = try journal.fold()
            index = fresh
            recordCount = fresh.recordCount
            stamp = current
            return warnings
        } catch {
            return ["\(error)"]
        }
    }

    /// The user's standing corrections of a message as a sidecar `user` object, if any.
    package func user(unique: String, messageID: String?) -> Sidecar.User? {
        guard let u = index.lookup(unique: unique, messageID: messageID, digest: nil), !u.isEmpty else { return nil }
        return Sidecar.User(add: u.add.sorted(), remove: u.remove.sorted())
    }
}
