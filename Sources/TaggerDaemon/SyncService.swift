#if os(Linux)
import Foundation
import Synchronization
import TaggerState
import TaggerSystem

/// Keeps one mail-client target (notmuch; IMAP keywords next) in step with the tag store:
/// tagger's changes are fed to it as they are recorded (``SyncLink``), and the user's changes
/// there are pulled every ``MailClientTarget/pollInterval``. A failure (the program missing,
/// the database locked or gone) is a warning, said once until it changes, and a retry: the
/// service never stops the daemon.
struct SyncService: DaemonService {
    let target: any MailClientTarget
    let store: TagStore
    let logger: DaemonLogger
    var name: String { "sync \(target.name)" }

    func run() async throws {
        let link = SyncLink(store: store, target: target)
        let woken = Atomic(true)
        let changes = store.subscribe(keepingNewest: 1)
        let listener = Task {
            for await _ in changes { woken.store(true, ordering: .relaxed) }
        }
        defer { listener.cancel() }
        let about = await target.describe()
        logger.notice(about)
        var warned: String?
        var lastPull = ContinuousClock.now - target.pollInterval
        while !Task.isCancelled {
            do {
                if woken.exchange(false, ordering: .relaxed) {
                    // Let a burst of tagging settle into one batch.
                    try? await Task.sleep(for: .milliseconds(200))
                    let n = try await link.catchUp()
                    if n > 0 { logger.debug("\(target.name): \(n) tag change(s) sent") }
                }
                if ContinuousClock.now - lastPull >= target.pollInterval {
                    lastPull = ContinuousClock.now
                    // Changes other processes recorded (`tagger label`) are not announced here.
                    try await link.catchUp()
                    let n = try await target.pull()
                    if n > 0 { logger.info("\(target.name): \(n) correction(s) recorded from the user's tags there") }
                }
                if warned != nil {
                    logger.notice("\(target.name): working again")
                    warned = nil
                }
            } catch {
                let message = "\(target.name): \(error); retrying"
                if message != warned { logger.warning(message) }
                warned = message
                woken.store(true, ordering: .relaxed)
                // Back off: retry at the poll interval (at least a second).
                try? await Task.sleep(for: max(target.pollInterval, .seconds(1)))
                lastPull = ContinuousClock.now - target.pollInterval
                continue
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
#endif
