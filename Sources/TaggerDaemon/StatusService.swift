#if os(Linux)
import Foundation
import TaggerState
import TaggerSystem

/// Status: writes the status file and systemd's `STATUS=` when the counters change (at most
/// once a second: an idle daemon writes nothing, so the disk may sleep), and pings the watchdog
/// while the tagging loop goes round (a loop stuck on one message gets no pings, so systemd
/// restarts it). The daemon writes the final status once tagging has stopped.
struct StatusService: DaemonService {
    let name = "status"
    let context: DaemonContext

    func run() async throws {
        let interval = context.notifier.watchdogInterval
        let period = min(1.0, (interval ?? 2) / 2)
        var lastStatus = Date.distantPast
        var written: DaemonStatus?
        while !Task.isCancelled {
            if let interval {
                let age = Date().timeIntervalSince1970 - Double(context.heartbeat.load(ordering: .relaxed)) / 1000
                if age < interval { context.notifier.watchdog() }
            }
            if Date().timeIntervalSince(lastStatus) >= 1 {
                let snap = context.snapshot()
                // Also written again when removed meanwhile (`tagger status` needs it).
                if written.map({ !Self.sameCounters($0, snap) }) ?? true || FileIO.isMissing(context.config.state.statusFile) {
                    lastStatus = Date()
                    let context = self.context
                    if (try? await Blocking.run { Self.publish(context, snap) }) == true { written = snap }
                }
            }
            try? await Task.sleep(for: .seconds(period))
        }
    }

    /// Whether two snapshots differ in nothing but the time they were taken.
    static func sameCounters(_ a: DaemonStatus, _ b: DaemonStatus) -> Bool {
        var b = b
        b.updatedAt = a.updatedAt
        return a == b
    }

    /// Writes the status file and `STATUS=` (a blocking file write) from `snap` (default: now).
    /// - Returns: whether the file was written.
    @discardableResult
    static func publish(_ context: DaemonContext, _ snap: DaemonStatus? = nil) -> Bool {
        let snap = snap ?? context.snapshot()
        context.notifier.status("tagged \(snap.tagged), backlog \(snap.backlog), errors \(snap.errors), model \(snap.modelID ?? "none")")
        do {
            try snap.write(stateDirectory: context.config.stateDir)
            return true
        } catch {
            context.logger.warning("status file: \(error)")
            return false
        }
    }
}
#endif
