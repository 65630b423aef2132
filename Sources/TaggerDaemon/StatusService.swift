#if os(Linux)
import Foundation
import TaggerState
import TaggerSystem

/// Status: writes the status file and systemd's `STATUS=` once a second, and pings the
/// watchdog while the tagging loop goes round (a loop stuck on one message gets no pings, so
/// systemd restarts it). The daemon writes the final status once tagging has stopped.
struct StatusService: DaemonService {
    let name = "status"
    let context: DaemonContext

    func run() async throws {
        let interval = context.notifier.watchdogInterval
        let period = min(1.0, (interval ?? 2) / 2)
        var lastStatus = Date.distantPast
        while !Task.isCancelled {
            if let interval {
                let age = Date().timeIntervalSince1970 - Double(context.heartbeat.load(ordering: .relaxed)) / 1000
                if age < interval { context.notifier.watchdog() }
            }
            if Date().timeIntervalSince(lastStatus) >= 1 {
                lastStatus = Date()
                let context = self.context
                _ = try? await Blocking.run { Self.publish(context) }
            }
            try? await Task.sleep(for: .seconds(period))
        }
    }

    /// Writes the status file and `STATUS=` (a blocking file write).
    static func publish(_ context: DaemonContext) {
        let snap = context.snapshot()
        context.notifier.status("tagged \(snap.tagged), backlog \(snap.backlog), errors \(snap.errors), model \(snap.modelID ?? "none")")
        do { try snap.write(stateDirectory: context.config.stateDir) } catch {
            context.logger.warning("status file: \(error)")
        }
    }
}
#endif
