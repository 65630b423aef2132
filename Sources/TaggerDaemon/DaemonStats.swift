import Foundation
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState
import TaggerCore

/// Counters the daemon publishes (status file, `STATUS=`), shared under a lock.
struct DaemonStats: Sendable {
    var tagged = 0
    var errors = 0
    var lastError: String?
    var modelID: String?
    var state = "starting"

    /// The one-line `STATUS=` text.
    func statusLine(backlog: Int) -> String {
        "tagged \(tagged), backlog \(backlog), errors \(errors), model \(modelID ?? "none")"
    }
}
