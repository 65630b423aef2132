import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The fold of the corrections journal, re-read only when the file changed (size or mtime),
/// and at most once per `minInterval`. Used by the daemon's single processing thread.
final class CorrectionsCache {
    let journal: Journal
    let minInterval: TimeInterval
    private(set) var index = CorrectionIndex()
    /// Records in the journal at the last read.
    private(set) var recordCount = 0
    private var stamp: (size: Int64, mtime: Int) = (-1, -1)
    private var checked = Date.distantPast

    init(journal: Journal, minInterval: TimeInterval = 1) {
        self.journal = journal
        self.minInterval = minInterval
    }

    /// Re-reads the journal if it changed. Returns warnings of the read (torn lines, ...).
    @discardableResult
    func refresh(force: Bool = false) -> [String] {
        let now = Date()
        guard force || now.timeIntervalSince(checked) >= minInterval else { return [] }
        checked = now
        var st = stat()
        guard stat(journal.path, &st) == 0 else { return [] }
        let current = (Int64(st.st_size), Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec))
        guard current != stamp else { return [] }
        do {
            let (records, warnings) = try journal.read()
            var fresh = CorrectionIndex()
            for (line, c) in records { fresh.apply(c, line: line) }
            index = fresh
            recordCount = records.count
            stamp = current
            return warnings
        } catch {
            return ["\(error)"]
        }
    }

    /// The user's standing corrections of a message as a sidecar `user` object, if any.
    func user(unique: String, messageID: String?) -> Sidecar.User? {
        guard let u = index.lookup(unique: unique, messageID: messageID, digest: nil), !u.isEmpty else { return nil }
        return Sidecar.User(add: u.add.sorted(), remove: u.remove.sorted())
    }
}
