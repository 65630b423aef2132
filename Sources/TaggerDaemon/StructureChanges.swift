#if os(Linux)
import Foundation
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// Folder churn costs only what changed: a directory that appeared is scanned and watched (its
/// folders' messages queued behind fresh mail), one that vanished is forgotten (the kernel drops
/// its watches; its sidecars expire at a reconcile after the grace period). A reconcile also
/// tries error sidecars again whose message file changed.
extension Reconciler {
    /// Rescans `directories` of Maildir `i` (each one created, removed or renamed, or a folder
    /// whose `cur/`/`new/` changed), not the whole Maildir.
    func directoriesChanged(maildir i: Int, _ directories: [String]) {
        let md = context.config.maildirs[i]
        let scanner = MaildirScanner(root: md.root)
        var queued: [WorkItem] = []
        for d in directories {
            var s: MaildirScanner.Structure
            do {
                s = try scanner.structure(below: d)
            } catch where error.isNotFound {
                let gone = watchedFolders.filter { $0 == d || $0.hasPrefix(d + "/") }
                watchedFolders.subtract(gone)
                if !gone.isEmpty { context.logger.info("folder(s) gone: \(gone.count) below \(d)") }
                continue
            } catch {
                context.logger.warning("\(error); retrying at the next reconcile")
                continue
            }
            // A directory made inside a new one before the new one's watch existed sent no event
            // (`mkdir -p`, mbsync and Dovecot make a folder's cur/ and new/ one after the other):
            // while watches are added, look again.
            var rounds = 0
            while context.watch(s, maildir: i), rounds < 4, let again = try? scanner.structure(below: d) {
                s = again
                rounds += 1
            }
            for f in s.folders where !watchedFolders.contains(f.path) {
                watchedFolders.insert(f.path)
                context.logger.info("watching new folder \(md.name)/\(f.sidecarName)")
                let msgs = (try? scanner.messages(in: f)) ?? []
                queued += msgs.map { .message(maildir: i, $0, force: false) }
            }
        }
        context.queue.pushFresh(queued)
    }

    /// Queues the messages of Maildir `i` whose sidecar holds an error and whose file changed
    /// since it was read (the folder listing does not see a file written in place or made
    /// readable: the folder's times do not change).
    func retryChangedErrors(maildir i: Int, blocked: [String]) -> Int {
        let md = context.config.maildirs[i]
        var items: [WorkItem] = []
        for e in context.store.catalog.allEntries where e.maildir == md.name && e.error == true {
            if blocked.contains(e.folder) { continue }
            let parts = e.path.split(separator: "/")
            guard parts.count >= 3 else { continue }
            let rel = e.folder == "INBOX" ? "" : e.folder
            let folder = MaildirFolder(path: rel.isEmpty ? md.root : md.root + "/" + rel, relativePath: rel)
            let m = MaildirMessage(folder: folder, subdirectory: String(parts[parts.count - 2]), fileName: String(parts[parts.count - 1]))
            guard m.relativePath == e.path, tagger.fileChanged(e.key, m, error: true) else { continue }
            items.append(.changed(maildir: i, m))
        }
        context.queue.pushBacklog(items)
        return items.count
    }
}

extension DaemonContext {
    /// Watches the containers and folders of a (partial) structure scan.
    /// - Returns: whether a watch was added.
    @discardableResult
    func watch(_ structure: MaildirScanner.Structure, maildir i: Int) -> Bool {
        var added = false
        for c in structure.containers {
            do { added = try watcher.watch(container: c, maildir: i) || added } catch { logger.warning("\(error)") }
        }
        for f in structure.folders {
            do { added = try watcher.watch(folder: f, maildir: i) || added } catch { logger.warning("\(error); retrying at the next reconcile") }
        }
        for u in structure.unreadable { logger.warning("\(u); retrying at the next reconcile") }
        return added
    }
}
#endif
