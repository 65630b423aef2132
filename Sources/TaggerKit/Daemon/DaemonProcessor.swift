#if os(Linux)
import Glibc
import Foundation
import Synchronization

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
    let store: SidecarStore
    let scorer: Mutex<any MessageScoring>
    let stats: Mutex<DaemonStats>
    let startedAt = Timestamp.iso8601(Date())

    /// key `<maildir-name>/<folder>/<unique>` → relative path last written in its sidecar.
    private var known: [String: String] = [:]
    /// `<maildir-name>/<unique>` → folder (sidecar name) it was last seen in: a message moved to
    /// another folder keeps the user's corrections.
    private var folderOfUnique: [String: String] = [:]
    /// key → when the message was first found missing.
    private var missingSince: [String: Date] = [:]
    private var watchedFolders = Set<String>()
    /// Sidecar directories with renames not yet made durable (directory fsync is batched).
    private var unsynced: [String: (maildir: String, folder: MaildirFolder)] = [:]
    /// The user's corrections (the journal is the source of truth for `user`).
    let corrections: CorrectionsCache
    /// Starts background retrains after enough new corrections.
    let retrainScheduler: RetrainScheduler
    private var stopWhenIdle = false
    /// Sidecars written under temporary names, made durable together by one filesystem sync and
    /// then renamed into place (a burst costs one sync per batch, not one per message).
    private var pending: [(dir: SecureDirectory, file: SecureDirectory.PendingFile, key: String)] = []
    private var pendingSince = Date.distantFuture
    /// Renames batches of fsynced sidecars into place, in order, off the processing thread.
    private let committer = DispatchQueue(label: "tagger-sidecar-commit")
    private let commitSlots = DispatchSemaphore(value: 2)
    private let commitFailures = Mutex<[(String, String)]>([])
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
        self.store = SidecarStore(layout: SidecarLayout(stateDirectory: config.stateDir))
        self.corrections = CorrectionsCache(journal: Journal(path: config.stateDir + "/corrections.jsonl"))
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
            guard let next = queue.take(timeout: !pending.isEmpty ? 0 : unsynced.isEmpty ? tick : 0.05) else {
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
            if unsynced.count >= 64 { syncDirectories() }
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
    /// sidecars whose message has been gone for longer than the deletion grace period.
    func reconcile(force: Bool) {
        let started = Date()
        var queued = 0
        for (i, md) in config.maildirs.enumerated() {
            guard let structure = watchStructure(maildir: i) else { continue }
            let scanner = MaildirScanner(root: md.root)
            var blocked = structure.unreadable.map { String($0.path.dropFirst(md.root.count + 1)) }
            var present = Set<String>()
            var items: [WorkItem] = []
            let sidecars = store.keys(maildirName: md.name)
            for folder in structure.folders {
                watchedFolders.insert(folder.path)
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
                    let sidecarKey = m.folder.sidecarName + "/" + store.layout.stem(unique: m.unique)
                    present.insert(sidecarKey)
                    if !sidecars.contains(sidecarKey) { known.removeValue(forKey: key(md, m)) }  // sidecar deleted
                    if force || known[key(md, m)] != m.relativePath {
                        items.append(.message(maildir: i, m, force: force))
                    }
                }
            }
            queued += items.count
            queue.pushBacklog(items)
            expire(maildir: md, present: present, blocked: blocked, sidecars: sidecars)
        }
        let ms = Int(Date().timeIntervalSince(started) * 1000)
        logger.info("reconcile: \(queued) message(s) queued in \(ms) ms")
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
                try store.remove(maildirName: md.name, folderSidecarName: String(k[..<slash]),
                                 unique: String(k[k.index(after: slash)...]))
                missingSince.removeValue(forKey: full)
                known.removeValue(forKey: full)
                let folder = String(k[..<slash]), unique = md.name + "/" + String(k[k.index(after: slash)...])
                if folderOfUnique[unique] == folder { folderOfUnique.removeValue(forKey: unique) }
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
        md.name + "/" + m.folder.sidecarName + "/" + m.unique
    }

    /// Makes sure `message` has a sidecar with its current path; scores it when it has none
    /// (or when `force`). A flag rename or new→cur move only rewrites `message.path`.
    func ensure(maildir i: Int, message m: MaildirMessage, force: Bool) {
        let md = config.maildirs[i]
        let k = key(md, m)
        let rel = m.relativePath
        if !force && known[k] == rel { return }
        do {
            if !force, let existing = try readExisting(md, m) {
                if existing.message.path != rel {
                    let result = try store.write(maildirName: md.name, folder: m.folder, unique: m.unique,
                                                 syncDirectory: false, deferred: true) { old in
                        var s = old ?? existing
                        s.message.path = rel
                        return s
                    }
                    hold(result, key: k)
                    wrote(md, m.folder)
                    logger.debug("moved \(md.name)/\(rel)")
                }
                known[k] = rel
                folderOfUnique[md.name + "/" + m.unique] = m.folder.sidecarName
                missingSince.removeValue(forKey: k)
                return
            }
            let current = scorer.withLock { $0 }
            if current is NoModelYet { return }   // tagged once a model exists (reload reconciles)
            let outcome = current.score(fileAt: m.path)
            if outcome.error != nil && access(m.path, F_OK) != 0 {
                logger.debug("\(m.path) vanished before it was read")
                return
            }
            let info = current.modelInfo
            let now = Timestamp.iso8601(Date())
            let carried = userFromOtherFolder(md, m)
            for w in corrections.refresh() { logger.warning(w) }
            let journalled = corrections.user(unique: m.unique, messageID: outcome.messageID)
            let result = try store.write(maildirName: md.name, folder: m.folder, unique: m.unique,
                                         syncDirectory: false, deferred: true) { old in
                Sidecar(
                    message: .init(unique: m.unique, path: rel, messageID: outcome.messageID ?? old?.message.messageID),
                    modelTags: outcome.tags, scores: outcome.scores, thresholds: outcome.thresholds,
                    abstained: outcome.abstained, user: old?.user ?? carried ?? journalled ?? Sidecar.User(),
                    model: .init(id: info.id, trainedAt: info.trainedAt), taggedAt: now,
                    error: outcome.error, warnings: outcome.warnings)
            }
            hold(result, key: k)
            wrote(md, m.folder)
            known[k] = rel
            folderOfUnique[md.name + "/" + m.unique] = m.folder.sidecarName
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
        guard let other = folderOfUnique[md.name + "/" + m.unique], other != m.folder.sidecarName else { return nil }
        let folder = MaildirFolder(path: "", relativePath: other == "INBOX" ? "" : other)
        guard let s = try? store.read(maildirName: md.name, folder: folder, unique: m.unique),
              s.user != Sidecar.User() else { return nil }
        logger.info("\(md.name)/\(m.relativePath): moved from \(other), keeping the user's corrections")
        return s.user
    }

    private func readExisting(_ md: ResolvedConfig.Maildir, _ m: MaildirMessage) throws -> Sidecar? {
        do {
            return try store.read(maildirName: md.name, folder: m.folder, unique: m.unique)
        } catch is DecodingError {
            logger.warning("\(store.layout.path(maildirName: md.name, message: m)): not a valid sidecar, rewriting")
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

    private func wrote(_ md: ResolvedConfig.Maildir, _ folder: MaildirFolder) {
        unsynced[md.name + "/" + folder.sidecarName] = (md.name, folder)
    }

    private func hold(_ result: SidecarStore.WriteResult, key: String) {
        guard case .pending(let dir, let file) = result else { return }
        if pending.isEmpty { pendingSince = Date() }
        pending.append((dir, file, key))
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
            let failed = SecureDirectory.syncPending(batch.map(\.file))
            var problems: [(String, String)] = []
            for (i, p) in batch.enumerated() {
                if let e = failed[i] {
                    p.dir.discard(p.file)
                    problems.append((p.key, "\(e); old sidecar kept, retrying at the next reconcile"))
                    continue
                }
                do { try p.dir.commit(p.file) } catch {
                    problems.append((p.key, "\(error); retrying at the next reconcile"))
                }
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

    /// fsyncs every sidecar directory written since the last call.
    private func syncDirectories() {
        for (_, d) in unsynced {
            do { try store.syncDirectory(maildirName: d.maildir, folder: d.folder) } catch { logger.warning("\(error)") }
        }
        unsynced.removeAll()
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
