#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TaggerSystem
import TaggerMaildir

/// The daemon's status file, `<state_dir>/status.json`, rewritten atomically while it runs;
/// `tagger status` reads it.
public struct DaemonStatus: Codable, Sendable, Equatable {
    public var pid: Int32
    public var startedAt: String
    public var modelID: String?
    public var tagged: Int
    public var backlog: Int
    public var errors: Int
    public var lastError: String?
    public var updatedAt: String
    /// `running`, `reloading` or `stopped`.
    public var state: String
    /// The rescoring of old sidecars by the current model (nil when none ran since the start).
    public var retag: RetagProgress?

    enum CodingKeys: String, CodingKey {
        case pid, tagged, backlog, errors, state, retag
        case startedAt = "started_at"
        case modelID = "model_id"
        case lastError = "last_error"
        case updatedAt = "updated_at"
    }

    public init(pid: Int32, startedAt: String, modelID: String?, tagged: Int, backlog: Int, errors: Int,
                lastError: String?, updatedAt: String, state: String, retag: RetagProgress? = nil) {
        self.pid = pid
        self.startedAt = startedAt
        self.modelID = modelID
        self.tagged = tagged
        self.backlog = backlog
        self.errors = errors
        self.lastError = lastError
        self.updatedAt = updatedAt
        self.state = state
        self.retag = retag
    }


    /// Writes the status file atomically (0600).
    /// - Throws: `SystemError` when the state directory cannot be written.
    public func write(stateDirectory: String) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        let dir = try SecureDirectory.open(base: stateDirectory, components: [], create: true)
        try dir.writeAtomically(StateDirectory.statusFileName, bytes: Array(try e.encode(self)) + [10], syncDirectory: false)
    }

    /// Reads the status file; nil when there is none.
    /// - Throws: `SystemError` (unreadable) or `DecodingError` (corrupt file).
    public static func read(stateDirectory: String) throws -> DaemonStatus? {
        guard let dir = try SecureDirectory.openIfPresent(base: stateDirectory, components: []),
              let bytes = try dir.read(StateDirectory.statusFileName) else { return nil }
        return try JSONDecoder().decode(DaemonStatus.self, from: Data(bytes))
    }

    /// True when a process with `pid` exists (it may belong to another user).
    public var processIsAlive: Bool {
        do throws(SystemError) {
            _ = try Syscall.call("kill", path: "pid \(pid)") { kill(pid, 0) }
            return true
        } catch {
            return error.code == EPERM
        }
    }
}
