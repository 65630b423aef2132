#if os(Linux)
import Foundation
import Synchronization
import TaggerState
import TaggerSystem

/// Keeps one mail-client target (notmuch; IMAP keywords next) in step with the tag store:
/// tagger's changes are fed to it as they are recorded (``SyncLink``), and the user's changes
/// there are pulled when the target's directory changes (``MailClientTarget/changeDirectory()``,
/// watched with inotify, and looked at every ``safetyInterval`` too), or every
/// ``MailClientTarget/pollInterval`` when it has none. Between those it sleeps. A failure (the
/// program missing, the database locked or gone) is a warning, said once until it changes, and a
/// retry: the service never stops the daemon.
struct SyncService: DaemonService {
    let target: any MailClientTarget
    let store: TagStore
    let logger: DaemonLogger
    var name: String { "sync \(target.name)" }

    /// Pulls at least this often while the target's directory is watched (a change the watch
    /// missed, on a network filesystem say, waits no longer than this).
    static let safetyInterval = Duration.seconds(60)
    /// How often the target's directory is looked for while it is not watched (it may not exist
    /// yet: the user has not run `notmuch new`); also at once after the watched one went away
    /// and when the target works again after failing.
    static let relocateInterval = Duration.seconds(10)

    func run() async throws {
        let link = SyncLink(store: store, target: target)
        let bell = Doorbell()
        let woken = Atomic(true)
        let changes = store.subscribe(keepingNewest: 1)
        let listener = Task {
            for await _ in changes {
                woken.store(true, ordering: .relaxed)
                bell.ring()
            }
        }
        defer { listener.cancel() }
        let about = await target.describe()
        logger.notice(about)
        // Other processes' changes (`tagger label`, a retrain's pick-up of sidecar edits) reach
        // the catalog's files, not this process's subscription: watched, they go out at once.
        let catalogDirectory = store.state.catalog
        let watchCatalog: @Sendable () throws -> DirectoryWatch = {
            try DirectoryWatch(directory: catalogDirectory) {
                woken.store(true, ordering: .relaxed)
                bell.ring()
            }
        }
        var catalogWatch: DirectoryWatch?
        do { catalogWatch = try watchCatalog() } catch {
            logger.warning("\(target.name): \(error); other processes' corrections are sent every \(target.pollInterval)")
        }
        defer { catalogWatch?.stop() }
        var lastCatalogTry = ContinuousClock.now
        var watch: DirectoryWatch?
        defer { watch?.stop() }
        var lastLocate = ContinuousClock.now
        var locateDue = true
        var watchProblem: String?
        var warned: String?
        var lastPull = ContinuousClock.now
        var pullDue = true   // at start: what changed there while tagger was not running
        while !Task.isCancelled {
            // The catalog folder removed and rebuilt under the running daemon (or events lost):
            // watched again, else the link would poll the target every pollInterval for good.
            if let c = catalogWatch, !c.isAlive {
                c.stop()
                catalogWatch = nil
                woken.store(true, ordering: .relaxed)
            }
            if catalogWatch == nil, ContinuousClock.now - lastCatalogTry >= Self.relocateInterval {
                lastCatalogTry = ContinuousClock.now
                if let made = try? watchCatalog() {
                    catalogWatch = made
                    woken.store(true, ordering: .relaxed)   // what was recorded while unwatched
                }
            }
            if let w = watch, !w.isAlive {
                w.stop()
                watch = nil
                locateDue = true
                logger.info("\(target.name): its database directory went away; looking for it again")
            }
            if watch == nil, locateDue || ContinuousClock.now - lastLocate >= Self.relocateInterval {
                lastLocate = ContinuousClock.now
                locateDue = false
                if let directory = await target.changeDirectory() {
                    do {
                        watch = try DirectoryWatch(directory: directory) { bell.ring() }
                        logger.info("\(target.name): watching \(directory) for changes")
                        pullDue = true   // changes made before the watch
                    } catch {
                        // Said once until it changes (it is tried again every relocateInterval).
                        let problem = "\(target.name): \(error); polling every \(target.pollInterval) instead"
                        if problem != watchProblem { logger.warning(problem) }
                        watchProblem = problem
                    }
                }
            }
            let interval = watch == nil || catalogWatch?.isAlive != true ? target.pollInterval : Self.safetyInterval
            do {
                if woken.exchange(false, ordering: .relaxed) {
                    // Let a burst of tagging settle into one batch.
                    try? await Task.sleep(for: .milliseconds(200))
                    let n = try await link.catchUp()
                    if n > 0 { logger.debug("\(target.name): \(n) tag change(s) sent") }
                }
                let changed = watch?.takeChange() == true
                if changed || pullDue || ContinuousClock.now - lastPull >= interval {
                    if changed {
                        // One commit shows as a few events (the lock file, the version file):
                        // let them, and a run of commits, settle into one look.
                        try? await Task.sleep(for: .milliseconds(200))
                        _ = watch?.takeChange()
                    }
                    lastPull = ContinuousClock.now
                    pullDue = false
                    try await link.catchUp()
                    let n = try await target.pull()
                    if n > 0 { logger.info("\(target.name): \(n) correction(s) recorded from the user's tags there") }
                }
                if warned != nil {
                    logger.notice("\(target.name): working again")
                    warned = nil
                    locateDue = true
                }
            } catch {
                let message = "\(target.name): \(error); retrying"
                if message != warned { logger.warning(message) }
                warned = message
                woken.store(true, ordering: .relaxed)
                // Back off: retry at the poll interval (at least a second).
                try? await Task.sleep(for: max(target.pollInterval, .seconds(1)))
                pullDue = true
                continue
            }
            let untilPull = pullDue ? .zero : lastPull + interval - ContinuousClock.now
            await bell.wait(upTo: max(untilPull, .milliseconds(10)))
        }
    }
}
#endif
