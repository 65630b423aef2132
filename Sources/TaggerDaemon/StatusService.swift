#if os(Linux)
import Foundation
import TaggerState
import TaggerSystem

/// Status: writes the status file and systemd's `STATUS=` when the counters change (at most
/// once a second: an idle daemon writes nothing, so the disk may sleep). Idle, it sleeps until
/// ``DaemonContext/statusBell`` rings (tagging took work, an error was counted, a retag job
/// started or ended, the status file was removed), or for a minute at most. A write that fails
/// (a full disk) is tried again every few seconds and logged once until it succeeds or fails
/// otherwise. The daemon writes the final status once tagging has stopped. (The watchdog's
/// pings are ``WatchdogService``'s: a write stalled on a busy disk does not hold them up.)
struct StatusService: DaemonService {
    let name = "status"
    let context: DaemonContext
    /// The longest idle sleep without a watchdog (a safety net: every change rings the bell).
    var idleSafety = Self.idleSafety
    /// The default ``idleSafety``, in seconds.
    static let idleSafety = 60.0
    /// How soon a failed write is tried again (unless the bell rings first).
    static let retryAfterFailure = 5.0

    func run() async throws {
        // While the counters change: a round a second.
        let busyPeriod = 1.0
        let idlePeriod = idleSafety
        var lastStatus = Date.distantPast
        var written: DaemonStatus?
        // The failure logged (what went wrong, not the temporary file's random name).
        var failure: String?
        while !Task.isCancelled {
            var sleep: Double? = busyPeriod
            if Date().timeIntervalSince(lastStatus) >= 1 {
                let snap = context.snapshot()
                // Also written again when removed meanwhile (`tagger status` needs it), and after
                // a failed write even if the counters went back to those last written.
                if written.map({ !Self.sameCounters($0, snap) }) ?? true || failure != nil
                    || FileIO.isMissing(context.config.state.statusFile) {
                    lastStatus = Date()
                    let context = self.context
                    // (`write` throws nothing: it returns what went wrong.)
                    let problem = try? await Blocking.run { Self.write(context, snap) }
                    if let problem {
                        let kind = (problem as? SystemError).map { "\($0.operation): \($0.code)" } ?? "\(problem)"
                        if kind != failure { context.logger.warning("status file: \(problem); trying again every \(Int(Self.retryAfterFailure)) s, logged again only if the error changes") }
                        failure = kind
                        sleep = nil
                    } else {
                        if failure != nil { context.logger.notice("status file written again") }
                        failure = nil
                        written = snap
                    }
                } else {
                    sleep = nil
                }
            }
            if let sleep {
                try? await Task.sleep(for: .seconds(sleep))
            } else {
                let round = Date()
                await context.statusBell.wait(upTo: .seconds(failure != nil ? min(idlePeriod, Self.retryAfterFailure) : idlePeriod))
                // At most a round per period, however often the bell rings (once per message
                // taken: a burst that changes no counter would otherwise spin this loop).
                let since = Date().timeIntervalSince(round)
                if since < busyPeriod { try? await Task.sleep(for: .seconds(busyPeriod - since)) }
            }
        }
    }

    /// Whether two snapshots differ in nothing but the time they were taken.
    static func sameCounters(_ a: DaemonStatus, _ b: DaemonStatus) -> Bool {
        var b = b
        b.updatedAt = a.updatedAt
        return a == b
    }

    /// Writes the status file and `STATUS=` (a blocking file write) from `snap` (default: now),
    /// logging a failure.
    /// - Returns: whether the file was written.
    @discardableResult
    static func publish(_ context: DaemonContext, _ snap: DaemonStatus? = nil) -> Bool {
        guard let problem = write(context, snap ?? context.snapshot()) else { return true }
        context.logger.warning("status file: \(problem)")
        return false
    }

    /// Writes the status file and `STATUS=` from `snap`.
    /// - Returns: nil when written, else what went wrong.
    static func write(_ context: DaemonContext, _ snap: DaemonStatus) -> (any Error)? {
        context.notifier.status("tagged \(snap.tagged), backlog \(snap.backlog), errors \(snap.errors), model \(snap.modelID ?? "none")")
        do {
            try snap.write(stateDirectory: context.config.stateDir)
            return nil
        } catch {
            return error
        }
    }
}

/// The watchdog: pings systemd every half `WatchdogSec` while the tagging loop goes round (it
/// does at least every quarter interval, idle too; a loop stuck on one message gets no pings,
/// so systemd restarts the daemon). On its own, not in the status service's loop: a status
/// write waiting on a busy disk (the units' `IOSchedulingClass=idle`) must not starve it.
struct WatchdogService: DaemonService {
    let name = "watchdog"
    let context: DaemonContext
    /// systemd's `WATCHDOG_USEC`, in seconds.
    let interval: Double

    func run() async throws {
        while !Task.isCancelled {
            let age = Date().timeIntervalSince1970 - Double(context.heartbeat.load(ordering: .relaxed)) / 1000
            if age < interval { context.notifier.watchdog() }
            try? await Task.sleep(for: .seconds(interval / 2))
        }
    }
}
#endif
