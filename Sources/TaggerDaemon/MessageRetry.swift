#if os(Linux)
import Foundation
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// Reading one message within the time limit, skipping the one a previous run died on, and
/// trying a message again when its file changes (written in place, permissions fixed).
extension MessageTagger {
    /// Reads and scores a message with the safety net; nil when a stop abandoned it (it stays
    /// recorded as in hand, so the next start skips it). Also returns the file's stamp as it
    /// was before reading.
    func read(_ md: ResolvedConfig.Maildir, _ m: MaildirMessage, with scorer: any MessageScoring) -> (ScoreOutcome, FileStamp?)? {
        let stamp = FileStamp(path: m.path)
        let failedBefore = inHand.failure != nil
        inHand.begin(maildir: md.name, message: m)
        if !failedBefore, let f = inHand.failure { context.logger.warning(f) }
        let began = Date()
        let result = slow.score(scorer, path: m.path, beat: { [context, inHand] in
            context.heartbeat.store(Int(Date().timeIntervalSince1970 * 1000), ordering: .relaxed)
            inHand.stillReading(seconds: Date().timeIntervalSince(began))
        }, stopRequested: { [context] in context.queue.stopRequested })
        switch result {
        case .scored(let outcome):
            inHand.end()
            return (outcome, stamp)
        case .tooSlow(let seconds):
            inHand.end()
            context.logger.warning("\(m.path): still being read after \(SlowMessageGuard.seconds(seconds)); skipped")
            replaceStuckScorer()
            return (ScoreOutcome(thresholds: [:], error: SlowMessageGuard.reason(limit: slow.limit)), stamp?.contentOnly)
        case .stopping(let seconds):
            context.logger.warning("\(m.path): still being read \(SlowMessageGuard.seconds(seconds)) after the stop was asked for; left unread (skipped at the next start)")
            return nil
        }
    }

    /// The abandoned read may still hold the scorer (a model scorer reads one message at a
    /// time): tagging goes on with a fresh copy of the model.
    private func replaceStuckScorer() {
        let path = context.config.modelPath
        do {
            let fresh = try context.loader.load(modelPath: path)
            context.scorer.withLock { $0 = fresh }
            context.stats.withLock { $0.modelID = fresh.modelInfo.id }
        } catch {
            context.note(error: "\(path): cannot load the model again after a stuck read (\(error)); the next message waits for it")
        }
        let reading = slow.stillReading
        if reading > 1 { context.logger.warning("\(reading) skipped messages are still being read in the background") }
    }

    /// True when the message's file differs from the stamp recorded when it was last read (for
    /// an error sidecar, every recorded field counts; otherwise only size and modification
    /// time). A message with an error but no recorded stamp (catalogued by an older tagger)
    /// counts as changed once.
    func fileChanged(_ k: String, _ m: MaildirMessage, error: Bool) -> Bool {
        let recorded: String?
        if let r = memory.stamps[k] {
            recorded = r.stamp
        } else {
            recorded = context.store.catalog.entry(key: k)?.stamp
        }
        guard let now = FileStamp(path: m.path) else { return false }   // gone: expiry handles it
        guard let text = recorded, let then = FileStamp(text: text) else { return error }
        return now.differs(from: then, contentOnly: !error)
    }

    /// A message file changed in place (closed after writing, permissions or links changed), or
    /// a reconcile found an error sidecar's file changed: it is read again when its content
    /// changed, or when it had an error and anything recorded changed.
    func changed(maildir i: Int, message m: MaildirMessage) -> TagStore.PendingSidecar? {
        let md = context.config.maildirs[i]
        let k = CatalogEntry.key(maildir: md.name, folder: m.folder.sidecarName, unique: m.unique)
        guard knownPath(k) == m.relativePath else { return ensure(maildir: i, message: m, force: false) }
        let hadError = memory.stamps[k]?.error ?? (context.store.catalog.entry(key: k)?.error == true)
        guard fileChanged(k, m, error: hadError) else { return nil }
        context.logger.info("\(md.name)/\(m.relativePath): file changed\(hadError ? " since its error" : ""); reading it again")
        return ensure(maildir: i, message: m, force: true)
    }

    /// The message the previous run had in hand when it died (or was stopped while reading it)
    /// gets an error sidecar instead of being read again, when it had been in hand for a second
    /// or more or was in hand at the death before too; otherwise it is read again, once.
    func skipMessageLeftInHand() {
        guard let r = MessageInHand.take(path: inHand.path) else { return }
        guard r.poisoned else {
            context.logger.notice("\(r.maildir)/\(r.folder.isEmpty ? "INBOX" : r.folder)/\(r.subdirectory)/\(r.fileName): in hand when the daemon stopped or died; reading it again (skipped if that happens again)")
            inHand.suspect = r
            return
        }
        guard let md = context.config.maildirs.first(where: { $0.name == r.maildir }) else { return }
        let folder = MaildirFolder(path: r.folder.isEmpty ? md.root : md.root + "/" + r.folder, relativePath: r.folder)
        let m = MaildirMessage(folder: folder, subdirectory: r.subdirectory, fileName: r.fileName)
        guard let stamp = FileStamp(path: m.path) else { return }   // gone since
        let reason = "the daemon stopped or died while reading it (started \(Timestamp.iso8601(Date(timeIntervalSince1970: r.started))), in hand \(SlowMessageGuard.seconds(r.seconds.rounded()))"
            + (r.strikes > 0 ? ", the second time" : "") + "); skipped (tried again if the file changes)"
        context.logger.warning("\(m.path): \(reason)")
        let info = context.scorer.withLock { $0.modelInfo }
        let rel = m.relativePath
        let k = CatalogEntry.key(maildir: md.name, folder: folder.sidecarName, unique: m.unique)
        do {
            let ref = TagStore.MessageRef(maildir: md.name, folder: folder, unique: m.unique, stamp: stamp.contentOnly.text)
            try context.store.write(ref, deferred: false) { old in
                Sidecar(message: .init(unique: m.unique, path: rel, messageID: old?.message.messageID),
                        modelTags: [], scores: [:], thresholds: [:], abstained: [],
                        user: old?.user ?? corrections.user(unique: m.unique, messageID: old?.message.messageID) ?? Sidecar.User(),
                        model: .init(id: info.id, trainedAt: info.trainedAt), taggedAt: Timestamp.iso8601(Date()),
                        error: reason)
            }
            memory.known[k] = rel
            memory.stamps[k] = (stamp.contentOnly.text, true)
            context.stats.withLock {
                $0.errors += 1
                $0.lastError = "\(m.path): \(reason)"
            }
        } catch {
            context.note(error: "\(md.name)/\(rel): \(error)")
        }
    }
}
#endif
