#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TaggerSystem

extension StateDirectory {
    /// The file `tagger retag` leaves for a running daemon (`<state_dir>/retag-request.json`);
    /// the daemon takes it (reads and removes it) within a second.
    public static let retagRequestName = "retag-request.json"
    /// The retag request's path.
    public var retagRequest: String { path + "/" + Self.retagRequestName }
}

/// How far the rescoring of the sidecars by the current model has got, as the daemon publishes
/// it in its status file (`retag`) and `tagger retag` prints it.
public struct RetagProgress: Codable, Sendable, Equatable {
    /// `running` while messages are being rescored, `done` once none carries another model.
    public var state: String
    /// The model the sidecars are being brought to.
    public var modelID: String
    /// When this job started (ISO 8601).
    public var startedAt: String
    /// When it finished (ISO 8601), once done.
    public var finishedAt: String?
    /// Messages rescored (or found already right) so far.
    public var done: Int
    /// Messages the job has to rescore in all (grows when mail moves during the job).
    public var total: Int
    /// Messages whose file vanished or could not be written: left for the next reconcile.
    public var skipped: Int
    /// Sidecars whose content changed (the others were left untouched).
    public var rewritten: Int
    /// Messages per second since the job started.
    public var rate: Double
    /// The id of the `tagger retag` request this job answers (nil for an automatic one).
    public var request: String?
    /// Whether every sidecar is rescored (`tagger retag --all`), not only those of other models.
    public var all: Bool

    public init(state: String, modelID: String, startedAt: String, finishedAt: String? = nil, done: Int, total: Int,
                skipped: Int = 0, rewritten: Int = 0, rate: Double = 0, request: String? = nil, all: Bool = false) {
        self.state = state; self.modelID = modelID; self.startedAt = startedAt; self.finishedAt = finishedAt
        self.done = done; self.total = total; self.skipped = skipped; self.rewritten = rewritten; self.rate = rate
        self.request = request; self.all = all
    }

    enum CodingKeys: String, CodingKey {
        case state, done, total, skipped, rewritten, rate, request, all
        case modelID = "model_id", startedAt = "started_at", finishedAt = "finished_at"
    }

    /// One line for `tagger status` and `tagger retag`.
    public var summary: String {
        let pct = total > 0 ? Double(done) * 100 / Double(total) : 100
        var line = "retag to model \(modelID): \(state), \(done) of \(total) (\(String(format: "%.0f", pct))%), "
            + "\(rewritten) rewritten, \(String(format: "%.0f", rate)) msgs/s, started \(startedAt)"
        if skipped > 0 { line += ", \(skipped) skipped (message gone or unwritable; retried at the next reconcile)" }
        if let f = finishedAt { line += ", finished \(f)" }
        return line
    }
}

/// What `tagger retag` asks a running daemon for (the file ``StateDirectory/retagRequest``).
public struct RetagRequest: Codable, Sendable, Equatable {
    /// Chosen by the requester; the daemon's ``RetagProgress/request`` echoes it.
    public var id: String
    /// Rescore every sidecar, not only those of another model.
    public var all: Bool

    public init(id: String, all: Bool) {
        self.id = id
        self.all = all
    }

    /// Leaves the request for the daemon (atomically: it never reads half a request).
    /// - Throws: `SystemError` when the state directory cannot be written.
    public func write(state: StateDirectory) throws {
        let dir = try SecureDirectory.open(base: state.path, components: [], create: true)
        try dir.writeAtomically(StateDirectory.retagRequestName, bytes: Array(try JSONEncoder().encode(self)) + [10])
    }

    /// The largest request read (one is about 40 bytes): a bigger file is not a request, and
    /// is not read whole (a 2 GiB file planted there made the daemon hold 6 GB).
    public static let maxBytes = 64 * 1024

    /// Takes the pending request, if any: reads and removes it. A file that is not a request is
    /// removed too and reported as `problem`.
    public static func take(state: StateDirectory) -> (request: RetagRequest?, problem: String?) {
        guard let dir = try? SecureDirectory.openIfPresent(base: state.path, components: []) else { return (nil, nil) }
        let bytes: [UInt8]?
        do { bytes = try dir.read(StateDirectory.retagRequestName, limit: maxBytes) } catch {
            try? dir.remove(StateDirectory.retagRequestName)
            return (nil, "\(error)")
        }
        guard let bytes else { return (nil, nil) }
        try? dir.remove(StateDirectory.retagRequestName)
        guard bytes.count <= maxBytes else {
            return (nil, "\(state.retagRequest): over \(maxBytes / 1024) KiB, not a retag request; ignored")
        }
        guard let r = try? JSONDecoder().decode(RetagRequest.self, from: Data(bytes)) else {
            return (nil, "\(state.retagRequest): not a retag request; ignored")
        }
        return (r, nil)
    }
}
