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

    /// True when the daemon that wrote this file still runs: a process with `pid` exists (it
    /// may belong to another user), is not a zombie, and (where `/proc` tells) began no later
    /// than `startedAt`, so a pid the kernel gave to another process since is not taken for it.
    public var processIsAlive: Bool {
        do throws(SystemError) {
            _ = try Syscall.call("kill", path: "pid \(pid)") { kill(pid, 0) }
        } catch {
            guard error.code == EPERM else { return false }
        }
        guard let began = Self.processStart(pid) else { return true }
        if began.zombie { return false }
        guard let since = began.time, let started = Timestamp.parse(startedAt) else { return true }
        // `startedAt` is whole seconds, written after the model was loaded.
        if since <= started.timeIntervalSince1970 + 2 { return true }
        // Begun later: a pid reused since, unless it runs this program. /proc's start time is
        // reckoned with today's clock, `startedAt` with the clock of then: a clock set forward
        // after the daemon started (no real-time clock until NTP, a VM resumed from a save)
        // puts a daemon that still runs "after" its own start.
        return began.command == Self.processStart(getpid())?.command
    }

    /// From `/proc/PID/stat`: whether the process is a zombie, when it began (seconds since
    /// 1970, from its start in clock ticks after boot and `btime` of `/proc/stat`), and its
    /// command name (the program's file name, at most 15 bytes). Nil when `/proc` does not say.
    static func processStart(_ pid: Int32) -> (zombie: Bool, time: Double?, command: Substring)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"), open < close else { return nil }
        let command = stat[stat.index(after: open)..<close]
        // After the command's closing parenthesis: field 3 (state) onwards; starttime is field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard let state = fields.first else { return nil }
        let zombie = state == "Z" || state == "X"
        guard fields.count > 19, let ticks = Double(fields[19]), sysconf(Int32(_SC_CLK_TCK)) > 0,
              let proc = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = proc.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let boot = Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) else { return (zombie, nil, command) }
        return (zombie, boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK))), command)
    }
}
