import Foundation
import TaggerLock
import TaggerMaildir
import TaggerSystem

/// The one writer of tagger's per-message state: the corrections journal, the sidecars and the
/// message catalog. Every command and the daemon change them through it, so the three stay in
/// step: a sidecar reaches the catalog only once it is in place under its final name, and every
/// catalog change is announced to ``subscribe()``'s streams (sync targets read them, and catch
/// up with ``MessageCatalog/changes(since:)`` from their cursor).
public final class TagStore: Sendable {
    /// The state directory's files.
    public let state: StateDirectory
    /// The Maildirs whose messages have sidecars.
    public let maildirs: [MaildirRoot]
    /// The corrections journal (read it freely; append through ``appendCorrections(_:)``).
    public let journal: Journal
    /// The sidecar files (read them freely; write through ``write(_:deferred:build:)``).
    public let sidecars: SidecarStore
    /// The message catalog (read it freely; TagStore records into it).
    public let catalog: MessageCatalog

    private let subscribers = Locked<(next: Int, streams: [Int: AsyncStream<TagChange>.Continuation])>((0, [:]))
    /// Sidecar folders with renames not yet made durable (``syncDirectories()``).
    private let unsynced = Locked<[String: (maildir: String, folder: MaildirFolder)]>([:])
    /// Catalog records waiting for ``flushCatalog()`` (entries of sidecars found already right).
    private let queued = Locked<[CatalogChange]>([])
    /// Problems with the catalog, for the caller to log (the sidecars stay the truth).
    private let problems = Locked<[String]>([])
    /// Whether the catalog was loaded (or built) by this process.
    private let catalogOpen = Locked(false)
    /// Whether writes record into the catalog through its index without loading it.
    private let writesWithoutLoading = Locked(false)

    /// Makes this store's writes record their catalog changes through the catalog's index,
    /// without loading the catalog, while the index matches the snapshot (for one-off writers
    /// such as `tagger label`: a load costs seconds at 100,000 messages). Reads of ``catalog``
    /// then see only what it loads itself.
    public func recordWithoutLoadingCatalog() {
        writesWithoutLoading.withLock { $0 = true }
    }

    public convenience init(state: StateDirectory, maildirs: [MaildirRoot]) {
        self.init(state: state, maildirs: maildirs, catalog: MessageCatalog(state: state))
    }

    init(state: StateDirectory, maildirs: [MaildirRoot], catalog: MessageCatalog) {
        self.state = state
        self.maildirs = maildirs
        journal = Journal(path: state.journal)
        sidecars = SidecarStore(layout: SidecarLayout(stateDirectory: state.path))
        self.catalog = catalog
    }

    /// Loads the catalog; builds it from the sidecars when it is missing, and rebuilds it when
    /// it is damaged.
    /// - Returns: what was done, for the log (nothing when the catalog was fine).
    @discardableResult
    public func openCatalog() -> [String] {
        catalogOpen.withLock { open in
            defer { open = true }
            do {
                if try catalog.load() { return [] }
                return rebuildCatalog(because: nil)
            } catch {
                return rebuildCatalog(because: "\(error)")
            }
        }
    }

    /// Opens the catalog unless this process did already; problems go to ``takeProblems()``.
    private func ensureCatalog() {
        guard !catalogOpen.withLock({ $0 }) else { return }
        let notes = openCatalog()
        if !notes.isEmpty { problems.withLock { $0.append(contentsOf: notes) } }
    }

    /// Replaces the catalog with what the sidecars say.
    private func rebuildCatalog(because damage: String?) -> [String] {
        var entries: [CatalogEntry] = []
        var notes: [String] = damage.map { ["catalog: \($0); rebuilding it from the sidecars"] } ?? []
        // Body digests are not in the sidecars: keep those this process knew.
        let digests = Dictionary(catalog.allEntries.compactMap { e in e.digest.map { (e.key, $0) } }) { a, _ in a }
        for md in maildirs {
            for file in sidecars.files(maildirName: md.name) {
                guard let data = FileManager.default.contents(atPath: file.path),
                      let s = try? JSONDecoder().decode(Sidecar.self, from: data) else { continue }
                let key = CatalogEntry.key(maildir: md.name, folder: file.folder, unique: s.message.unique)
                entries.append(Self.entry(s, maildir: md.name, folder: file.folder, digest: digests[key]))
            }
        }
        do { try catalog.replaceAll(entries) } catch {
            notes.append("catalog: cannot write \(state.catalog): \(error); lookups scan the sidecars")
        }
        return notes
    }

    /// The catalog entry a sidecar stands for.
    static func entry(_ s: Sidecar, maildir: String, folder: String, digest: String?, stamp: String? = nil) -> CatalogEntry {
        CatalogEntry(maildir: maildir, folder: folder, unique: s.message.unique, path: s.message.path,
                     messageID: s.message.messageID, digest: digest, model: s.model.id, tags: s.tags,
                     error: s.error == nil ? nil : true, stamp: stamp)
    }

    // MARK: the journal

    /// The lock that serialises read-check-append on the journal (`label`, sidecar pick-up).
    /// - Throws: `TaggerError.io` when the lock file cannot be opened.
    public func journalLock() throws(TaggerError) -> FileLock {
        try FileLock(path: state.journalLock, wait: true)
    }

    /// Appends corrections to the journal; durable when this returns.
    /// - Throws: `TaggerError.journal` naming the file when it cannot be written.
    public func appendCorrections(_ corrections: [Correction]) throws(TaggerError) {
        try journal.append(corrections)
    }

    // MARK: sidecars

    /// Which message a write is about.
    public struct MessageRef: Sendable, Equatable {
        public var maildir: String
        public var folder: MaildirFolder
        public var unique: String
        /// The body digest, when the writer knows it (kept from the catalog otherwise).
        public var digest: String?
        /// The message file's stamp as read, when the writer knows it (kept from the catalog otherwise).
        public var stamp: String?

        public init(maildir: String, folder: MaildirFolder, unique: String, digest: String? = nil, stamp: String? = nil) {
            self.maildir = maildir; self.folder = folder; self.unique = unique; self.digest = digest
            self.stamp = stamp
        }

        /// The catalog key.
        public var key: String { CatalogEntry.key(maildir: maildir, folder: folder.sidecarName, unique: unique) }
    }

    /// A sidecar written under a temporary name, waiting for ``commit(_:)``.
    public struct PendingSidecar: Sendable {
        let directory: SecureDirectory
        let file: SecureDirectory.PendingFile
        let message: MessageRef
        let entry: CatalogEntry
        /// The file the content was built on, and the content: another writer's sidecar found
        /// in its place at the commit keeps that writer's `user`.
        let basis: FileIdentity?
        let content: Sidecar
        /// The catalog key of the message.
        public var key: String { message.key }
    }

    /// What ``write(_:deferred:build:)`` did.
    public enum WriteResult: Sendable {
        /// The sidecar was replaced (and catalogued).
        case written
        /// The new content equalled the old one apart from `tagged_at`; nothing was written.
        case unchanged
        /// Written under a temporary name: ``commit(_:)`` makes it durable and puts it in place.
        case pending(PendingSidecar)
    }

    /// Reads a message's sidecar; nil when there is none.
    /// - Throws: `SystemError` (unreadable, symlink) or `DecodingError` (not a schema-1 sidecar).
    public func sidecar(of m: MessageRef) throws -> Sidecar? {
        try sidecars.read(maildirName: m.maildir, folder: m.folder, unique: m.unique)
    }

    /// The one way a sidecar is written. `build` receives the existing sidecar (nil when absent
    /// or unreadable) and returns the new one; the file is replaced only when the bytes differ
    /// apart from `tagged_at`. Without `deferred` the file is in place and durable (folder
    /// fsynced) when this returns, and catalogued; with it, the caller batches ``commit(_:)``.
    /// - Throws: `SystemError` (ENOSPC, EIO, permission, symlinked component): the old sidecar
    ///   is then intact.
    @discardableResult
    public func write(_ m: MessageRef, deferred: Bool, build: (Sidecar?) -> Sidecar) throws -> WriteResult {
        let known: CatalogEntry?
        if writesWithoutLoading.withLock({ $0 }) && !catalog.isLoaded,
           let hits = catalog.lookup(unique: m.unique) {
            known = hits.first { $0.key == m.key }
        } else {
            ensureCatalog()   // built from the sidecars before this one changes them
            known = catalog.entry(key: m.key)
        }
        var written: Sidecar?
        let result = try sidecars.write(maildirName: m.maildir, folder: m.folder, unique: m.unique,
                                        syncDirectory: !deferred, deferred: deferred) { old in
            let s = build(old)
            written = s
            return s
        }
        let entry = Self.entry(written!, maildir: m.maildir, folder: m.folder.sidecarName, digest: m.digest ?? known?.digest,
                               stamp: m.stamp ?? known?.stamp)
        switch result {
        case .pending(let dir, let file, let basis):
            return .pending(PendingSidecar(directory: dir, file: file, message: m, entry: entry, basis: basis, content: written!))
        case .written:
            record([.put(entry)])
            return .written
        case .unchanged:
            // The catalog may lag the file (a crash between the rename and the record): bring it in line.
            if known?.path != entry.path || known?.model != entry.model || known?.tags != entry.tags
                || m.digest != nil || known?.stamp != entry.stamp {
                record([.put(entry)])
            }
            return .unchanged
        }
    }

    /// Makes a batch of deferred sidecars durable (their fsyncs run together, or one syncfs)
    /// and renames them into place, then catalogues them. A sidecar whose fsync or rename fails
    /// (EIO, ENOSPC) is not renamed: its old version stays intact.
    /// - Returns: the sidecars that failed, with why.
    public func commit(_ batch: [PendingSidecar]) -> [(PendingSidecar, SystemError)] {
        guard !batch.isEmpty else { return [] }
        let failed = SecureDirectory.syncPending(batch.map(\.file))
        var problems: [(PendingSidecar, SystemError)] = []
        var done: [CatalogChange] = []
        // `tagger label` (another process) writes a sidecar under the journal lock: held while
        // the batch goes into place, a label lands either before (and is kept, below) or after.
        // A retrain holds it for seconds while it reads every sidecar: after 50 ms the batch goes
        // in without it (the check below then leaves a window of one stat and one rename).
        let lock = commitLock()
        defer { withExtendedLifetime(lock) {} }
        for (i, p) in batch.enumerated() {
            if let e = failed[i] {
                p.directory.discard(p.file)
                problems.append((p, e))
                continue
            }
            do throws(SystemError) {
                if let merged = try keepingOtherWriters(p) {
                    done.append(.put(merged))
                    unsynced.withLock { $0[p.message.maildir + "/" + p.message.folder.sidecarName] = (p.message.maildir, p.message.folder) }
                    continue
                }
                try p.directory.commit(p.file)
                done.append(.put(p.entry))
                unsynced.withLock { $0[p.message.maildir + "/" + p.message.folder.sidecarName] = (p.message.maildir, p.message.folder) }
            } catch {
                problems.append((p, error))
            }
        }
        record(queued.withLock { q in defer { q.removeAll() }; return q } + done)
        return problems
    }

    /// The journal lock if it can be had within 50 ms, else nil.
    private func commitLock() -> FileLock? {
        for _ in 0..<10 {
            do {
                return try FileLock(path: state.journalLock, wait: false)
            } catch {
                guard case .busy = error else { return nil }
                usleep(5_000)
            }
        }
        return nil
    }

    /// When another writer replaced `p`'s sidecar since its content was built (a `tagger label`
    /// between the read and this commit), writes the content with that sidecar's `user` instead
    /// of renaming the pending file over it, and returns the catalog entry; nil otherwise.
    private func keepingOtherWriters(_ p: PendingSidecar) throws(SystemError) -> CatalogEntry? {
        let name = p.file.name
        guard let now = try p.directory.status(name).map(FileIdentity.init), now != p.basis,
              let bytes = try p.directory.read(name),
              let theirs = try? JSONDecoder().decode(Sidecar.self, from: Data(bytes)),
              theirs.user != p.content.user else { return nil }
        var merged = p.content
        merged.tags = Sidecar.applying(user: theirs.user, to: merged.modelTags)
        merged.user = theirs.user
        do {
            try p.directory.writeAtomically(name, bytes: try SidecarStore.encode(merged), syncDirectory: false)
        } catch let e as SystemError {
            throw e
        } catch {
            return nil   // not encodable (never: scores are finite); the pending content goes in
        }
        p.directory.discard(p.file)
        return Self.entry(merged, maildir: p.message.maildir, folder: p.message.folder.sidecarName,
                          digest: p.entry.digest, stamp: p.entry.stamp)
    }

    /// fsyncs every sidecar folder that got renames since the last call (made durable in
    /// batches: one folder fsync covers many sidecars).
    /// - Returns: warnings for folders that could not be synced.
    public func syncDirectories() -> [String] {
        let folders = unsynced.withLock { u in defer { u.removeAll() }; return Array(u.values) }
        var warnings: [String] = []
        for d in folders {
            do { try sidecars.syncDirectory(maildirName: d.maildir, folder: d.folder) } catch { warnings.append("\(error)") }
        }
        return warnings
    }

    /// Removes a message's sidecar (a missing one is fine) and its catalog entry.
    /// - Throws: `SystemError` when the file cannot be removed.
    public func removeSidecar(maildir: String, folder: String, unique: String) throws {
        if !writesWithoutLoading.withLock({ $0 }) { ensureCatalog() }
        try sidecars.remove(maildirName: maildir, folderSidecarName: folder, unique: unique)
        record([.remove(key: CatalogEntry.key(maildir: maildir, folder: folder, unique: unique))])
    }

    /// Notes that a message's sidecar is already right (found at a reconcile, or written by an
    /// older tagger): its catalog entry is brought in line at the next ``commit(_:)`` or
    /// ``flushCatalog()``.
    public func remember(_ s: Sidecar, of m: MessageRef) {
        var entry = Self.entry(s, maildir: m.maildir, folder: m.folder.sidecarName, digest: m.digest, stamp: m.stamp)
        if let known = catalog.entry(key: m.key) {
            if entry.digest == nil { entry.digest = known.digest }
            if entry.stamp == nil { entry.stamp = known.stamp }
            if known.sameContent(as: entry) { return }
        }
        queued.withLock { $0.append(.put(entry)) }
    }

    /// Forgets the catalog entries of messages whose sidecars are gone (deleted by hand, say).
    public func forget(keys: [String]) {
        record(keys.filter { catalog.entry(key: $0) != nil }.map { .remove(key: $0) })
    }

    /// Remembers folders' modification times (keys `<maildir>/<folder>/new` and `.../cur`).
    public func rememberFolders(_ times: [(key: String, mtime: Int64)]) {
        record(times.map { .folder(key: $0.key, mtime: $0.mtime) })
    }

    /// Records what ``remember(_:of:)`` queued.
    public func flushCatalog() {
        record(queued.withLock { q in defer { q.removeAll() }; return q })
    }

    /// Records changes in the catalog and announces the tag changes. A failure is kept for
    /// ``takeProblems()``: the sidecars are the truth, the catalog catches up later.
    private func record(_ changes: [CatalogChange]) {
        guard !changes.isEmpty else { return }
        var recorded: [TagChange] = []
        do {
            var done: [TagChange]?
            if writesWithoutLoading.withLock({ $0 }) { done = try catalog.recordWithoutLoading(changes) }
            if done == nil { ensureCatalog() }
            recorded = try done ?? catalog.record(changes)
        } catch is CatalogDamage {
            // Removed or damaged under the running process: rebuilt from the sidecars, which
            // already hold what is being recorded (the sidecar is written first).
            problems.withLock { $0.append(contentsOf: rebuildCatalog(because: "\(state.catalog): missing or damaged")) }
            return
        } catch {
            problems.withLock { $0.append("catalog: \(error)") }
            return
        }
        guard !recorded.isEmpty else { return }
        let streams = subscribers.withLock { Array($0.streams.values) }
        for s in streams { for c in recorded { s.yield(c) } }
    }

    /// Catalog problems since the last call (for the log).
    public func takeProblems() -> [String] {
        problems.withLock { p in defer { p.removeAll() }; return p }
    }

    // MARK: tag changes

    /// A stream of every tag change this process records from now on (sync targets and tests
    /// subscribe; changes made before, or by other processes, come from
    /// ``MessageCatalog/changes(since:)``). The stream ends when the store is released.
    /// With `newest`, only that many changes not yet read are kept (a subscriber that only
    /// wants to be woken passes 1).
    public func subscribe(keepingNewest newest: Int? = nil) -> AsyncStream<TagChange> {
        let (stream, continuation) = AsyncStream<TagChange>.makeStream(
            bufferingPolicy: newest.map { .bufferingNewest($0) } ?? .unbounded)
        let id = subscribers.withLock { s in
            s.next += 1
            s.streams[s.next] = continuation
            return s.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.streams.removeValue(forKey: id) }
        }
        return stream
    }

    deinit {
        for c in subscribers.withLock({ Array($0.streams.values) }) { c.finish() }
    }

    /// The cursor of sync target `name`: how far it has applied the changes (nil: nothing yet,
    /// or an unreadable cursor file, which makes the target start over).
    public func cursor(of name: String) -> CatalogCursor? {
        guard let dir = try? SecureDirectory.openIfPresent(base: state.syncCursors, components: []),
              let bytes = try? dir.read(name + ".cursor") else { return nil }
        return CatalogCursor(text: String(decoding: bytes, as: UTF8.self))
    }

    /// Saves the cursor of sync target `name` (atomically; durable when this returns).
    /// - Throws: `SystemError` when it cannot be written.
    public func saveCursor(_ cursor: CatalogCursor, of name: String) throws {
        let dir = try SecureDirectory.open(base: state.syncCursors, components: [], create: true)
        try dir.writeAtomically(name + ".cursor", bytes: Array((cursor.text + "\n").utf8))
    }
}
