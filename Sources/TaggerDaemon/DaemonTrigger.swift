import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState
import TaggerCore
/// Something that asks the daemon loop to act outside of mail events.
public enum DaemonTrigger: Sendable, Equatable {
    /// Full reconcile: every message without an up-to-date sidecar is queued, stale sidecars expire.
    case reconcile
    /// Reload the model (SIGHUP or model file changed).
    case reload
    /// Finish the message in hand and stop (SIGTERM/SIGINT).
    case stop
    /// Stop once nothing is left to do (`tagger run --once`).
    case stopWhenIdle
}
