#if os(Linux)
import Glibc
import Foundation
import Synchronization
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState
import TaggerCore

/// The processing loop: runs on its own thread, takes work from the ``WorkQueue`` (control
/// first, then fresh mail, then backlog) and keeps sidecars in step with the Maildirs.
/// Everything but `scorer` and `stats` is touched by that one thread only.
final class DaemonProcessor: @unchecked Sendable {
    let config: ResolvedConfig
    let loader: any ScorerLoader
    let logger: DaemonLogger
    let notifier: SystemdNotifier
    let queue: WorkQueue
    let watcher: MaildirWatcher
    /// The journal, sidecars and catalog: the daemon writes them only through it.
    let store: TagStore
    let scorer: Mutex<any MessageScoring>
    let stats: Mutex<DaemonStats>
    let startedAt = Timestamp.iso8601(Date())

    /// key `<maildir-name>/<folder>/<unique>` → relative path this run wrote or found in its
    /// sidecar (the catalog answers for the rest: it remembers them between runs).
    private var known: [String: String] = [:]
    /// key → when the message was first found missing.
    private var missingSince: [String: Date] = [:]
    private var watchedFolders = Set<String>()
    /// Sidecars written since the last folder fsync (directory fsync is batched).
    private var unsynced = 0
    /// The user's corrections (the journal is the source of truth for `user`).
    let corrections: CorrectionsCache
    /// Starts background retrains after enough new corrections.
    let retrainScheduler: RetrainScheduler
    private var stopWhenIdle = false
    /// Sidecars written under temporary names, made durable together by one filesystem sync and
    /// then renamed into place (a burst costs one sync per batch, not one per message).
    private var pending: [TagStore.PendingSidecar] = []
    private var pendingSince = Date.distantFuture
    /// Renames batches of fsynced sidecars into place, in order, off the processing thread.
    private let committer = DispatchQueue(label: "tagger-sidecar-commit")
    private let commitSlots = DispatchSemaphore(value: 2)
    private let commitFailures = Mutex<[(key: String, message: String)]>([])
    private var lastStatus = Date.distantPast
    private var lastWatchdog = Date.distantPast

    init(config: ResolvedConfig, loader: any ScorerLoader, scorer: any MessageScoring, logger: DaemonLogger,
         notifier: SystemdNotifier, queue: WorkQueue, watcher: MaildirWatcher) {
        self.config = config
        self.loader = loader
        self.logger = logger
        self.notifier = notifier
        self.queue = queue
        self.watcher = watcher
        self.store = TagStore(state: config.state, maildirs: config.maildirs)
        self.corrections = CorrectionsCache(journal: store.journal)
        self.retrainScheduler = RetrainScheduler(config: config, logger: logger)
        self.scorer = Mutex(scorer)
        var s = DaemonStats()
        s.modelID = scorer.modelInfo.id
        self.stats = Mutex(s)
    }

    /// Runs until a `.stop` control item is taken.
    func loop() {
        stats.withLock { $0.state = "running" }
        let tick = min(1.0, (notifier.watchdogInterval ?? 2) / 2)
        while true {
            pingWatchdog()
            takeCommitFailures()
            if !pending.isEmpty && (pending.count >= 128 || Date().timeIntervalSince(pendingSince) > 0.05) {
                flushPending()
            }
            guard let next = queue.take(timeout: !pending.isEmpty ? 0 : unsynced == 0 ? tick : 0.05) else {
                flushPending()
                drainCommits()
                syncDirectories()
                if stopWhenIdle {
                    stats.withLock { $0.state = "stopped" }
                    publishStatus(force: true)
                    return
                }
                publishStatus(force: false)
                continue
            }
            if unsynced >= 64 { syncDirectories() }
            switch next {
            case .control(.stop):
                flushPending()
                drainCommits()
                syncDirectories()
                stats.withLock { $0.state = "stopped" }
                publishStatus(force: true)
                return
            case .control(.reconcile):
                reconcile(force: false)
                for w in corrections.refresh(force: true) { logger.warning(w) }
                retrainScheduler.consider(corrections: corrections.recordCount)
            case .control(.reload): reload()
            case .control(.stopWhenIdle): stopWhenIdle = true
            case .work(.message(let i, let m, let force), _): ensure(maildir: i, message: m, force: force)
            case .work(.structure(let i), _): structureChanged(maildir: i)
            }
            publishStatus(force: false)
        }
    }

    // MARK: watches

    /// Scans a Maildir's folders and watches them all; returns the structure (nil if unreadable).
    @discardableResult
    func watchStructure(maildir i: Int) -> MaildirScanner.Structure? {
        let md = config.maildirs[i]
        let structure: MaildirScanner.Structure
        do {
            structure = try MaildirScanner(root: md.root).structure()
        } catch {
            note(error: "\(error); retrying at the next reconcile")
            return nil
        }
        for c in structure.containers {
            do { try watcher.watch(container: c, maildir: i) } catch { logger.warning("\(error)") }
        }
        for f in structure.folders {
            do {
                try watcher.watch(folder: f, maildir: i)
            } catch {
                logger.warning("\(error); retrying at the next reconcile")
            }
        }
        for u in structure.unreadable { logger.warning("\(u); retrying at the next reconcile") }
        return structure
    }

    private func structureChanged(maildir i: Int) {
        guard let s = watchStructure(maildir: i) else { return }
        let scanner = MaildirScanner(root: config.maildirs[i].root)
        for f in s.folders where !watchedFolders.contains(f.path) {
            watchedFolders.insert(f.path)
            logger.info("watching new folder \(config.maildirs[i].name)/\(f.sidecarName)")
            let msgs = (try? scanner.messages(in: f)) ?? []
            queue.pushFresh(msgs.map { .message(maildir: i, $0, force: false) })
        }
    }

    // MARK: reconcile

    /// Queues every message lacking an up-to-date sidecar (all of them when `force`), and removes
    /// sidecars whose message has been gone for longer than the deletion grace period. A folder
    /// whose `new/` and `cur/` have not changed since a reconcile found all its messages
    /// catalogued is not listed again (as notmuch-new skips unchanged directories).
    func reconcile(force: Bool) {
        let started = Date()
        var queued = 0, skipped = 0
        var folderTimes: [(key: String, mtime: Int64)] = []
        for (i, md) in config.maildirs.enumerated() {
            guard let structure = watchStructure(maildir: i) else { continue }
            let scanner = MaildirScanner(root: md.root)
            var blocked = structure.unreadable.map { String($0.path.dropFirst(md.root.count + 1)) }
            var present = Set<String>()
            var items: [WorkItem] = []
            let sidecars = store.sidecars.keys(maildirName: md.name)
            // Catalog entries whose sidecar is gone (deleted by hand) are forgotten, and their
            // folders listed again.
            var catalogued: [String: [CatalogEntry]] = [:]
            var lostSidecars = Set<String>()
            let stem = { (e: CatalogEntry) in e.folder + "/" + self.store.sidecars.layout.stem(unique: e.unique) }
            for e in store.catalog.allEntries where e.maildir == md.name {
                if sidecars.contains(stem(e)) {
                    catalogued[e.folder, default: []].append(e)
                } else {
                    lostSidecars.insert(e.folder)
                }
            }
            store.forget(keys: store.catalog.allEntries.filter { $0.maildir == md.name && lostSidecars.contains($0.folder)
                                                                 && !sidecars.contains(stem($0)) }.map(\.key))
            for folder in structure.folders {
                watchedFolders.insert(folder.path)
                let times = Self.modificationTimes(folder)
                let timeKeys = ["new", "cur"].map { md.name + "/" + folder.sidecarName + "/" + $0 }
                if !force, let times, !lostSidecars.contains(folder.sidecarName),
                   zip(timeKeys, times).allSatisfy({ store.catalog.folderMTime($0) == $1 }) {
                    for e in catalogued[folder.sidecarName] ?? [] { present.insert(stem(e)) }
                    skipped += 1
                    continue
                }
                let before = items.count
                let messages: [MaildirMessage]
                do {
                    let listing = try scanner.listing(in: folder)
                    messages = listing.messages
                    warnUnusableNames(listing.unusableNames)
                } catch {
                    note(error: "\(error); retrying at the next reconcile")
                    blocked.append(folder.sidecarName)
                    continue
                }
                for m in messages {
                    let sidecarKey = m.folder.sidecarName + "/" + store.sidecars.layout.stem(unique: m.unique)
                    present.insert(sidecarKey)
                    if !sidecars.contains(sidecarKey) { known.removeValue(forKey: key(md, m)) }  // sidecar deleted
                    if force || knownPath(key(md, m)) != m.relativePath {
                        items.append(.message(maildir: i, m, force: force))
                    }
                }
                // Remembered only when every message was in the catalog and every catalogued
                // message still there (none waits to expire), and only times at least a second
                // old (a file added later in the same clock tick would not change them).
                if items.count == before, let times, times.allSatisfy({ $0 < Int64((started.timeIntervalSince1970 - 1) * 1e9) }),
                   (catalogued[folder.sidecarName] ?? []).allSatisfy({ present.contains(stem($0)) }) {
                    folderTimes += zip(timeKeys, times).map { ($0, $1) }
                }
            }
            queued += items.count
            queue.pushBacklog(items)
            expire(maildir: md, present: present, blocked: blocked, sidecars: sidecars)
        }
        store.rememberFolders(folderTimes)
        let ms = Int(Date().timeIntervalSince(started) * 1000)
        logger.info("reconcile: \(queued) message(s) queued in \(ms) ms" + (skipped > 0 ? ", \(skipped) unchanged folder(s) not listed" : ""))
    }

    /// The modification times (ns) of a folder's `new/` and `cur/`; nil when either cannot be read.
    static func modificationTimes(_ folder: MaildirFolder) -> [Int64]? {
        var out: [Int64] = []
        for sub in ["new", "cur"] {
            guard let info = try? FileIO.status(folder.path + "/" + sub) else { return nil }
            out.append(Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
        }
        return out
    }

    private func expire(maildir md: ResolvedConfig.Maildir, present: Set<String>, blocked: [String], sidecars: Set<String>) {
        let now = Date()
        let prefix = md.name + "/"
        for k in missingSince.keys where k.hasPrefix(prefix) && present.contains(String(k.dropFirst(prefix.count))) {
            missingSince.removeValue(forKey: k)
        }
        for k in sidecars where !present.contains(k) {
            if blocked.contains(where: { k.hasPrefix($0 + "/") }) { continue }
            let full = prefix + k
            let since = missingSince[full] ?? now
            missingSince[full] = since
            guard now.timeIntervalSince(since) >= config.deletionGrace else { continue }
            let slash = k.lastIndex(of: "/")!
            do {
                try store.removeSidecar(maildir: md.name, folder: String(k[..<slash]), unique: String(k[k.index(after: slash)...]))
                missingSince.removeValue(forKey: full)
                known.removeValue(forKey: full)
                logger.info("removed sidecar of deleted message \(full)")
            } catch {
                note(error: "\(error)")
            }
        }
    }

    /// Files whose names are not UTF-8 already warned about (once per file, not per reconcile).
    private var warnedNames = Set<String>()

    private func warnUnusableNames(_ paths: [String]) {
        for p in paths where warnedNames.insert(p).inserted {
            if warnedNames.count > 100_000 { warnedNames = [p] }
            logger.warning("\(p): file name is not valid UTF-8 (shown with U+FFFD); not tagged: rename it to tag it")
        }
    }

    // MARK: one message

    private func key(_ md: ResolvedConfig.Maildir, _ m: MaildirMessage) -> String {
        CatalogEntry.key(maildir: md.name, folder: m.folder.sidecarName, unique: m.unique)
    }

    /// The relative path a message's sidecar holds, as far as this run or the catalog knows.
    /// A key whose sidecar was found missing is absent from both (see ``reconcile(force:)``).
    private func knownPath(_ k: String) -> String? {
        if let p = known[k] { return p }
        return store.catalog.entry(key: k)?.path
    }

    /// Makes sure `message` has a sidecar with its current path; scores it when it has none
    /// (or when `force`). A flag rename or new→cur move only rewrites `message.path`.
    func ensure(maildir i: Int, message m: MaildirMessage, force: Bool) {
        let md = config.maildirs[i]
        let k = key(md, m)
        let rel = m.relativePath
        if !force && knownPath(k) == rel { return }
        let ref = TagStore.MessageRef(maildir: md.name, folder: m.folder, unique: m.unique)
        do {
            if !force, let existing = try readExisting(md, m) {
                if existing.message.path != rel {
                    hold(try store.write(ref, deferred: true) { old in
                        var s = old ?? existing
                        s.message.path = rel
                        return s
                    })
                    logger.debug("moved \(md.name)/\(rel)")
                } else {
                    store.remember(existing, of: ref)
                }
                known[k] = rel
                missingSince.removeValue(forKey: k)
                return
            }
            let current = scorer.withLock { $0 }
            if current is NoModelYet { return }   // tagged once a model exists (reload reconciles)
            let outcome = current.score(fileAt: m.path)
            if outcome.error != nil && !FileIO.exists(m.path) {
                logger.debug("\(m.path) vanished before it was read")
                return
            }
            let info = current.modelInfo
            let now = Timestamp.iso8601(Date())
            let carried = userFromOtherFolder(md, m)
            for w in corrections.refresh() { logger.warning(w) }
            let journalled = corrections.user(unique: m.unique, messageID: outcome.messageID)
            hold(try store.write(ref, deferred: true) { old in
                Sidecar(
                    message: .init(unique: m.unique, path: rel, messageID: outcome.messageID ?? old?.message.messageID),
                    modelTags: outcome.tags, scores: outcome.scores, thresholds: outcome.thresholds,
                    abstained: outcome.abstained, user: old?.user ?? carried ?? journalled ?? Sidecar.User(),
                    model: .init(id: info.id, trainedAt: info.trainedAt), taggedAt: now,
                    error: outcome.error, warnings: outcome.warnings)
            })
            known[k] = rel
            missingSince.removeValue(forKey: k)
            stats.withLock { $0.tagged += 1 }
            if let e = outcome.error {
                note(error: "\(m.path): \(e)")
            } else {
                logger.info("tagged \(md.name)/\(rel): [\(outcome.tags.joined(separator: ", "))]")
            }
        } catch let e as SystemError where e.isOutOfSpace {
            note(error: "\(e); old sidecar kept, retrying at the next reconcile")
        } catch {
            note(error: "\(md.name)/\(rel): \(error)")
        }
    }

    /// The `user` object of the same unique name's sidecar in another folder (a moved message).
    private func userFromOtherFolder(_ md: ResolvedConfig.Maildir, _ m: MaildirMessage) -> Sidecar.User? {
        for other in store.catalog.entries(unique: m.unique) where other.maildir == md.name && other.folder != m.folder.sidecarName {
            let folder = MaildirFolder(path: "", relativePath: other.folder == "INBOX" ? "" : other.folder)
            guard let s = try? store.sidecar(of: .init(maildir: md.name, folder: folder, unique: m.unique)),
                  s.user != Sidecar.User() else { continue }
            logger.info("\(md.name)/\(m.relativePath): moved from \(other.folder), keeping the user's corrections")
            return s.user
        }
        return nil
    }

    private func readExisting(_ md: ResolvedConfig.Maildir, _ m: MaildirMessage) throws -> Sidecar? {
        do {
            return try store.sidecar(of: .init(maildir: md.name, folder: m.folder, unique: m.unique))
        } catch is DecodingError {
            logger.warning("\(store.sidecars.layout.path(maildirName: md.name, message: m)): not a valid sidecar, rewriting")
            return nil
        }
    }

    // MARK: model reload

    /// Loads the model file again; a broken file is logged and the old model kept.
    func reload() {
        notifier.reloading()
        stats.withLock { $0.state = "reloading" }
        do {
            let new = try loader.load(modelPath: config.modelPath)
            let old = scorer.withLock { s in
                let o = s.modelInfo
                s = new
                return o
            }
            stats.withLock { $0.modelID = new.modelInfo.id }
            logger.notice("model reloaded: \(old.id) → \(new.modelInfo.id)")
            if old.id == NoModelYet().modelInfo.id {
                reconcile(force: false)   // the first model: tag everything that waited for it
            } else if config.retagOnReload && old != new.modelInfo {
                reconcile(force: true)
            }
        } catch {
            note(error: "\(config.modelPath): cannot load model (\(error)); keeping \(scorer.withLock { $0.modelInfo.id })")
        }
        stats.withLock { $0.state = "running" }
        notifier.ready(status: stats.withLock { $0.statusLine(backlog: queue.pending) })
    }

    // MARK: reporting

    private func note(error message: String) {
        logger.error(message)
        stats.withLock {
            $0.errors += 1
            $0.lastError = message
        }
    }

    /// Keeps a deferred sidecar for the next batch commit.
    private func hold(_ result: TagStore.WriteResult) {
        guard case .pending(let p) = result else { return }
        if pending.isEmpty { pendingSince = Date() }
        pending.append(p)
        unsynced += 1
    }

    /// Makes the pending sidecars durable (their fsyncs run concurrently, so the filesystem
    /// folds them into few journal commits) and renames them into place. A sidecar whose fsync
    /// fails (EIO, ENOSPC) is not renamed: its old version stays intact and the message is
    /// retried at the next reconcile.
    private func flushPending() {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending.removeAll(keepingCapacity: true)
        pendingSince = .distantFuture
        // The fsyncs and renames run on the committer while this thread reads the next messages;
        // at most two batches are in flight (each holds its temporaries' descriptors open).
        commitSlots.wait()
        committer.async { [self] in
            defer { commitSlots.signal() }
            let problems = store.commit(batch).map { p, e in
                (key: p.key, message: e.operation == "rename" ? "\(e); retrying at the next reconcile"
                                                              : "\(e); old sidecar kept, retrying at the next reconcile")
            }
            if !problems.isEmpty { commitFailures.withLock { $0.append(contentsOf: problems) } }
        }
    }

    /// Waits until every handed-off batch is renamed into place, then takes note of failures.
    private func drainCommits() {
        committer.sync {}
        takeCommitFailures()
    }

    /// Sidecars whose commit failed are forgotten, so the next reconcile writes them again.
    private func takeCommitFailures() {
        let problems = commitFailures.withLock { f -> [(String, String)] in
            defer { f.removeAll() }
            return f
        }
        for (key, message) in problems {
            known.removeValue(forKey: key)
            note(error: message)
        }
    }

    /// fsyncs every sidecar directory written since the last call, and records in the catalog
    /// the sidecars found already right.
    private func syncDirectories() {
        for w in store.syncDirectories() { logger.warning(w) }
        unsynced = 0
        store.flushCatalog()
        for p in store.takeProblems() { logger.warning(p) }
    }

    private func pingWatchdog() {
        guard let interval = notifier.watchdogInterval else { return }
        let now = Date()
        if now.timeIntervalSince(lastWatchdog) >= interval / 2 {
            notifier.watchdog()
            lastWatchdog = now
        }
    }

    /// The current status, as written to the status file.
    func snapshot() -> DaemonStatus {
        let s = stats.withLock { $0 }
        return DaemonStatus(
            pid: getpid(), startedAt: startedAt, modelID: s.modelID, tagged: s.tagged, backlog: queue.pending,
            errors: s.errors, lastError: s.lastError, updatedAt: Timestamp.iso8601(Date()), state: s.state)
    }

    /// Writes the status file and `STATUS=` at most once a second (always when `force`).
    func publishStatus(force: Bool) {
        let now = Date()
        guard force || now.timeIntervalSince(lastStatus) >= 1 else { return }
        lastStatus = now
        let snap = snapshot()
        notifier.status("tagged \(snap.tagged), backlog \(snap.backlog), errors \(snap.errors), model \(snap.modelID ?? "none")")
        do { try snap.write(stateDirectory: config.stateDir) } catch { logger.warning("status file: \(error)") }
    }
}
#endif
