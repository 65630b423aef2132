import ArgumentParser
import Foundation
import TaggerConfig
import TaggerNotmuch
import TaggerState
import TaggerSystem

/// `tagger notmuch-sync`: one pass of the notmuch link, for notmuch's post-new hook when no
/// daemon runs (a running daemon does the same whenever notmuch commits a change).
struct NotmuchSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notmuch-sync",
        abstract: "Mirror the tags into notmuch and record tag changes made there as corrections, once.",
        discussion: """
            The daemon (`tagger run` with notmuch = true or --notmuch) does this on its own as soon as notmuch commits a change (it watches the database); \
            this command is for setups without it (`run --once` from a timer), e.g. in notmuch's post-new hook: \
            `tagger notmuch-sync`. With a daemon running on the state directory it does nothing and says so. \
            Exit status: 0 done (or left to the daemon); 1 notmuch or the state could not be used (the next pass retries).
            """)

    @OptionGroup var state: StateOptions

    func run() async throws {
        let config = try failing { try state.resolve() }
        try failing { try makeDirectory(config.stateDir) }
        let lock: FileLock
        do {
            lock = try FileLock(path: config.state.daemonLock, wait: false)
        } catch {
            if case .busy = error {
                emit("notmuch-sync: the daemon runs on \(config.stateDir) and syncs notmuch itself (as soon as notmuch commits a change)")
                return
            }
            throw reported(error)
        }
        defer { withExtendedLifetime(lock) {} }
        let store = TagStore(state: config.state, maildirs: config.maildirs)
        for note in store.openCatalog() { printError(note) }
        let target = NotmuchTarget(config: config, store: store, environment: ProcessInfo.processInfo.environment)
        do {
            let sent = try await SyncLink(store: store, target: target).catchUp()
            let corrections = try await target.pull()
            emit("notmuch-sync: \(sent) tag change(s) sent, \(corrections) correction(s) recorded")
        } catch {
            throw reported(error)
        }
    }
}
