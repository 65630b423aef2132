#if os(Linux)
import Foundation
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// What tagging and the reconciler both know of the messages this run has seen; used by the
/// tagging thread only.
final class MessageMemory {
    /// key `<maildir-name>/<folder>/<unique>` → relative path this run wrote or found in its
    /// sidecar (the catalog answers for the rest: it remembers them between runs).
    var known: [String: String] = [:]
    /// key → when the message was first found missing.
    var missingSince: [String: Date] = [:]
    /// key → the file's stamp when this run read it, and whether that gave an error (the
    /// catalog answers for the rest, once the sidecar is committed).
    var stamps: [String: (stamp: String?, error: Bool)] = [:]
}

/// Tagging one message: scores it and writes its sidecar (deferred, for the batch commit),
/// carrying the user's corrections over from the journal or from a copy in another folder; a
/// message that only moved or changed flags gets its path updated. Used by the tagging thread only.
final class MessageTagger {
    let context: DaemonContext
    let memory: MessageMemory
    /// The user's corrections (the journal is the source of truth for `user`).
    let corrections: CorrectionsCache
    /// Reads each message within the time limit.
    let slow: SlowMessageGuard
    /// The message being read, on disk (skipped after a restart if the daemon dies reading it).
    let inHand: MessageInHand

    init(context: DaemonContext, memory: MessageMemory) {
        self.context = context
        self.memory = memory
        corrections = CorrectionsCache(journal: context.store.journal)
        slow = SlowMessageGuard(limit: context.messageTimeLimit)
        inHand = MessageInHand(path: context.config.state.messageInHand)
    }

    private var config: ResolvedConfig { context.config }
    private var store: TagStore { context.store }
    private var logger: DaemonLogger { context.logger }

    private func key(_ md: ResolvedConfig.Maildir, _ m: MaildirMessage) -> String {
        CatalogEntry.key(maildir: md.name, folder: m.folder.sidecarName, unique: m.unique)
    }

    /// The relative path a message's sidecar holds, as far as this run or the catalog knows.
    /// A key whose sidecar was found missing is absent from both (see `Reconciler`).
    func knownPath(_ k: String) -> String? {
        if let p = memory.known[k] { return p }
        return store.catalog.entry(key: k)?.path
    }

    /// Makes sure `message` has a sidecar with its current path; scores it when it has none
    /// (or when `force`). A flag rename or new→cur move only rewrites `message.path`.
    /// - Returns: the sidecar written, waiting for the batch commit.
    func ensure(maildir i: Int, message m: MaildirMessage, force: Bool) -> TagStore.PendingSidecar? {
        let md = config.maildirs[i]
        let k = key(md, m)
        let rel = m.relativePath
        if !force && knownPath(k) == rel { return nil }
        let ref = TagStore.MessageRef(maildir: md.name, folder: m.folder, unique: m.unique)
        do {
            // An error sidecar is tried again when the file changed since (written in place,
            // permissions fixed): the error moves with the message otherwise.
            if !force, let existing = try readExisting(md, m), existing.error == nil || !fileChanged(k, m, error: true) {
                var pending: TagStore.PendingSidecar?
                if existing.message.path != rel || existing.message.file != Sidecar.Message.file(m, root: md.root) {
                    pending = Self.pending(try store.write(ref, deferred: true) { old in
                        var s = old ?? existing
                        s.message.locate(m, root: md.root)
                        return s
                    })
                    logger.debug("moved \(md.name)/\(rel)")
                } else {
                    store.remember(existing, of: ref)
                }
                memory.known[k] = rel
                memory.missingSince.removeValue(forKey: k)
                return pending
            }
            let current = context.scorer.withLock { $0 }
            if current is NoModelYet { return nil }   // tagged once a model exists (reload reconciles)
            guard let (outcome, stamp) = read(md, m, with: current) else { return nil }
            if outcome.error != nil && !FileIO.exists(m.path) {
                logger.debug("\(m.path) vanished before it was read")
                return nil
            }
            let info = current.modelInfo
            let now = Timestamp.iso8601(Date())
            let carried = userFromOtherFolder(md, m)
            for w in corrections.refresh() { logger.warning(w) }
            let journalled = corrections.user(unique: m.unique, messageID: outcome.messageID)
            let corrections = corrections
            let standing = { corrections.index.lookup(unique: m.unique, messageID: outcome.messageID, digest: nil) }
            var stamped = ref
            stamped.stamp = stamp?.text
            let pending = Self.pending(try store.write(stamped, deferred: true) { old in
                Sidecar(
                    message: .init(m, root: md.root, messageID: outcome.messageID ?? old?.message.messageID),
                    modelTags: outcome.tags, scores: outcome.scores, thresholds: outcome.thresholds,
                    abstained: outcome.abstained,
                    user: Self.user(old: old?.user, standing: standing) {
                        // `label` journals before it writes the sidecar just read: a fresh fold knows it.
                        for w in corrections.refresh(force: true) { self.logger.warning(w) }
                    } ?? carried ?? journalled ?? Sidecar.User(),
                    model: .init(id: info.id, trainedAt: info.trainedAt), taggedAt: now,
                    error: outcome.error, warnings: outcome.warnings)
            })
            memory.known[k] = rel
            memory.missingSince.removeValue(forKey: k)
            memory.stamps[k] = (stamp?.text, outcome.error != nil)
            context.stats.withLock { $0.tagged += 1 }
            if let e = outcome.error {
                // Read errors name the file themselves.
                context.note(error: e.hasPrefix(m.path + ": ") ? e : "\(m.path): \(e)")
            } else {
                logger.info("tagged \(md.name)/\(rel): [\(outcome.tags.joined(separator: ", "))]")
            }
            return pending
        } catch let e as SystemError where e.isOutOfSpace {
            context.note(error: "\(e); old sidecar kept, retrying at the next reconcile")
        } catch {
            context.note(error: "\(md.name)/\(rel): \(error)")
        }
        return nil
    }

    /// The `user` a rewritten sidecar keeps: its own, unless it shows a state the journal had
    /// for the message before its latest (left by a `tagger label` killed between its journal
    /// append and its sidecar write): the journal, the source of truth, wins then. A state the
    /// journal never had is the user's hand edit, kept for `retrain` to pick up.
    /// `standing` looks the message up in the journal's fold; `refresh` re-reads the journal
    /// before the fold is trusted to override the sidecar (the cached fold may be a second old).
    static func user(old: Sidecar.User?, standing: () -> UserLabels?, refresh: () -> Void) -> Sidecar.User? {
        func stale(_ s: UserLabels?) -> Sidecar.User? {
            guard let old, let s else { return nil }
            let current = Sidecar.User(add: s.add.sorted(), remove: s.remove.sorted())
            return old != current && s.past.contains(UserLabels.key(add: old.add, remove: old.remove)) ? current : nil
        }
        guard stale(standing()) != nil else { return old }
        refresh()
        return stale(standing()) ?? old
    }

    /// The pending sidecar of a deferred write (nil when nothing had to be written).
    private static func pending(_ result: TagStore.WriteResult) -> TagStore.PendingSidecar? {
        if case .pending(let p) = result { return p }
        return nil
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
}
#endif
