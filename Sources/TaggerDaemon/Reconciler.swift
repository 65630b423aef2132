#if os(Linux)
import Foundation
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// Reconciling the Maildirs with the sidecars: queues what lacks an up-to-date sidecar, expires
/// the sidecars of messages gone for longer than the grace period, and watches folders that
/// appear. Used by the tagging thread only (a reconcile is a control item of its queue).
final class Reconciler {
    let context: DaemonContext
    let memory: MessageMemory
    let tagger: MessageTagger
    /// Paths of the folders watched (and whose messages were queued) so far.
    var watchedFolders = Set<String>()

    init(context: DaemonContext, memory: MessageMemory, tagger: MessageTagger) {
        self.context = context
        self.memory = memory
        self.tagger = tagger
    }

    private var config: ResolvedConfig { context.config }
    private var store: TagStore { context.store }
    private var logger: DaemonLogger { context.logger }

    /// A Maildir's folders changed: watches new folders and queues their messages.
    func structureChanged(maildir i: Int) {
        guard let s = context.watchStructure(maildir: i) else { return }
        let scanner = MaildirScanner(root: config.maildirs[i].root)
        for f in s.folders where !watchedFolders.contains(f.path) {
            watchedFolders.insert(f.path)
            logger.info("watching new folder \(config.maildirs[i].name)/\(f.sidecarName)")
            let msgs = (try? scanner.messages(in: f)) ?? []
            context.queue.pushFresh(msgs.map { .message(maildir: i, $0, force: false) })
        }
    }

    /// Queues every message lacking an up-to-date sidecar (all of them when `force`), and removes
    /// sidecars whose message has been gone for longer than the deletion grace period. A folder
    /// whose `new/` and `cur/` have not changed since a reconcile found all its messages
    /// catalogued is not listed again (as notmuch-new skips unchanged directories).
    func reconcile(force: Bool) {
        let started = Date()
        var queued = 0, skipped = 0, retried = 0
        var folderTimes: [(key: String, mtime: Int64)] = []
        for (i, md) in config.maildirs.enumerated() {
            guard let structure = context.watchStructure(maildir: i) else { continue }
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
            let entries = store.catalog.entries(maildir: md.name)
            for e in entries {
                if sidecars.contains(stem(e)) {
                    catalogued[e.folder, default: []].append(e)
                } else {
                    lostSidecars.insert(e.folder)
                }
            }
            store.forget(keys: entries.filter { lostSidecars.contains($0.folder) && !sidecars.contains(stem($0)) }.map(\.key))
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
                    context.note(error: "\(error); retrying at the next reconcile")
                    blocked.append(folder.sidecarName)
                    continue
                }
                for m in messages {
                    let sidecarKey = m.folder.sidecarName + "/" + store.sidecars.layout.stem(unique: m.unique)
                    present.insert(sidecarKey)
                    let k = CatalogEntry.key(maildir: md.name, folder: m.folder.sidecarName, unique: m.unique)
                    if !sidecars.contains(sidecarKey) { memory.known.removeValue(forKey: k) }  // sidecar deleted
                    if force || tagger.knownPath(k) != m.relativePath {
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
            context.queue.pushBacklog(items)
            retried += retryChangedErrors(maildir: i, blocked: blocked)
            expire(maildir: md, present: present, blocked: blocked, sidecars: sidecars)
        }
        store.rememberFolders(folderTimes)
        FreeMemory.release()
        let ms = Int(Date().timeIntervalSince(started) * 1000)
        logger.info("reconcile: \(queued) message(s) queued in \(ms) ms" + (skipped > 0 ? ", \(skipped) unchanged folder(s) not listed" : "")
                    + (retried > 0 ? ", \(retried) changed since their error" : ""))
    }

    /// Files whose names are not UTF-8 already warned about (once per file, not per reconcile).
    private var warnedNames = Set<String>()

    private func warnUnusableNames(_ paths: [String]) {
        for p in paths where warnedNames.insert(p).inserted {
            if warnedNames.count > 100_000 { warnedNames = [p] }
            logger.warning("\(p): file name is not valid UTF-8 (shown with U+FFFD); not tagged: rename it to tag it")
        }
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
        for k in memory.missingSince.keys where k.hasPrefix(prefix) && present.contains(String(k.dropFirst(prefix.count))) {
            memory.missingSince.removeValue(forKey: k)
        }
        for k in sidecars where !present.contains(k) {
            if blocked.contains(where: { k.hasPrefix($0 + "/") }) { continue }
            let full = prefix + k
            let since = memory.missingSince[full] ?? now
            memory.missingSince[full] = since
            guard now.timeIntervalSince(since) >= config.deletionGrace else { continue }
            let slash = k.lastIndex(of: "/")!
            do {
                try store.removeSidecar(maildir: md.name, folder: String(k[..<slash]), unique: String(k[k.index(after: slash)...]))
                memory.missingSince.removeValue(forKey: full)
                memory.known.removeValue(forKey: full)
                logger.info("removed sidecar of deleted message \(full)")
            } catch {
                context.note(error: "\(error)")
            }
        }
    }
}
#endif
