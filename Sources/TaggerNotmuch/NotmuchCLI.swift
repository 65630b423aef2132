#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import TaggerLock

/// Why talking to notmuch failed. Every case is a reason to warn and try again later.
public enum NotmuchError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No `notmuch` program on `PATH`.
    case notInstalled(path: String)
    /// `notmuch` ran and failed (no database, a damaged one, a bad query): its stderr.
    case failed(command: String, status: Int32, stderr: String)
    /// `notmuch` did not finish in time (a writer held the database lock for long): it was stopped.
    case timedOut(command: String, seconds: Double)
    /// `notmuch` printed something tagger cannot read.
    case unreadable(command: String, reason: String)
    /// The program could not be started.
    case launch(command: String, reason: String)
    /// tagger is stopping: the call was stopped, or not made.
    case stopped(command: String)

    public var description: String {
        switch self {
        case .notInstalled(let path):
            return "no `notmuch` command on PATH (\(path)); install notmuch or set notmuch = false"
        case .failed(let command, let status, let stderr):
            let detail = stderr.split(separator: "\n").prefix(3).joined(separator: "; ")
            return "`\(command)` failed (status \(status)): \(detail.isEmpty ? "no message" : detail)"
        case .timedOut(let command, let seconds):
            return "`\(command)` took over \(Int(seconds)) s (the database stayed locked?); stopped it"
        case .unreadable(let command, let reason):
            return "`\(command)`: unexpected output: \(reason)"
        case .launch(let command, let reason):
            return "cannot run `\(command)`: \(reason)"
        case .stopped(let command):
            return "`\(command)` stopped: tagger is stopping"
        }
    }
}

/// One message's tags as `notmuch dump --format=batch-tag` prints them.
public struct NotmuchTags: Sendable, Equatable {
    /// The Message-ID without angle brackets (notmuch's `id:`).
    public var id: String
    public var tags: Set<String>
}

/// Where the `notmuch` process running now is kept, so that a shutdown can stop it (a call
/// waiting for another writer's lock would otherwise hold the daemon's exit for minutes).
public final class NotmuchRun: Sendable {
    private let state = Locked<(process: Process?, stopped: Bool)>((nil, false))

    public init() {}

    /// Stops the running call (it throws) and every later one. The process gets SIGKILL: a SIGTERM
    /// sent from the daemon was seen not to reach a `notmuch` waiting for the lock (a child
    /// inherits the blocked signals of the thread that started it). Xapian is crash-safe: a
    /// killed `notmuch tag` leaves the database as before its batch, which tagger writes again.
    public func stop() {
        let p = state.withLock { s -> Process? in
            s.stopped = true
            return s.process
        }
        if let p { kill(p.processIdentifier, SIGKILL) }
    }

    /// Whether ``stop()`` was called.
    public var isStopped: Bool { state.withLock { $0.stopped } }

    func started(_ p: Process) -> Bool {
        state.withLock { s in
            s.process = p
            return !s.stopped
        }
    }

    func ended() { state.withLock { $0.process = nil } }
}

/// The `notmuch` command, run with the user's environment so that it finds the database the way
/// notmuch does (`NOTMUCH_CONFIG`, `NOTMUCH_PROFILE`, `~/.notmuch-config`, the XDG locations).
/// Only batch modes are used: one `count`, one `dump` or one `tag --batch` per call, so that
/// the database's write lock is held for one short batch at a time.
public struct NotmuchCLI: Sendable {
    /// The program (absolute path).
    public let executable: String
    /// The environment it runs with.
    public let environment: [String: String]
    /// How long one call may take before it is stopped (a writer holding the lock makes
    /// `notmuch tag` wait: notmuch retries the lock).
    public var timeout: Double = 300
    /// Where each call's process is kept while it runs (for stopping it).
    public var runs: NotmuchRun?

    /// Finds `notmuch` on `PATH`.
    /// - Throws: ``NotmuchError/notInstalled(path:)`` when there is none.
    public init(environment: [String: String]) throws(NotmuchError) {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = String(dir) + "/notmuch"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                executable = String(candidate)
                self.environment = environment
                return
            }
        }
        throw .notInstalled(path: path)
    }

    /// The database's lastmod state: (message count, database UUID, revision).
    /// - Throws: ``NotmuchError`` (no database yet, say).
    public func revision() throws(NotmuchError) -> (count: Int, uuid: String, revision: UInt64) {
        let out = try run(["count", "--lastmod", "--", "*"])
        let fields = String(decoding: out, as: UTF8.self).split(whereSeparator: { $0 == "\t" || $0 == "\n" || $0 == " " })
        guard fields.count >= 3, let n = Int(fields[0]), let rev = UInt64(fields[2]) else {
            throw .unreadable(command: "notmuch count --lastmod", reason: "expected COUNT UUID REVISION")
        }
        return (n, String(fields[1]), rev)
    }

    /// `database.path` as notmuch resolves it (for the log), nil when notmuch says nothing.
    public func databasePath() -> String? {
        guard let out = try? run(["config", "get", "database.path"]) else { return nil }
        let s = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? nil : s
    }

    /// The tags of every message matching `query`.
    /// - Throws: ``NotmuchError``.
    public func dump(query: String) throws(NotmuchError) -> [NotmuchTags] {
        let out = try run(["dump", "--format=batch-tag", "--include=tags", "--", query])
        var result: [NotmuchTags] = []
        for line in out.split(separator: 0x0A) where line.first != UInt8(ascii: "#") {
            guard let m = Self.parseDumpLine(Array(line)) else {
                throw .unreadable(command: "notmuch dump", reason: "line '\(String(decoding: line.prefix(200), as: UTF8.self))'")
            }
            result.append(m)
        }
        return result
    }

    /// The tags of the messages with these ids (absent ones are left out), a few hundred per query.
    public func dump(ids: [String]) throws(NotmuchError) -> [NotmuchTags] {
        var result: [NotmuchTags] = []
        var query = "", n = 0
        for id in ids {
            let term = Self.idQuery(id)
            // At most 400 ids and 64 KiB a query: it is one argument of `notmuch dump`.
            if n == 400 || (n > 0 && query.utf8.count + term.utf8.count + 4 > 65_536) {
                result += try dump(query: query)
                query = ""
                n = 0
            }
            query += (n == 0 ? "" : " or ") + term
            n += 1
        }
        if n > 0 { result += try dump(query: query) }
        return result
    }

    /// Applies `lines` (`+tag -tag -- id:"..."`) with `notmuch tag --batch`.
    public func tag(batch lines: [String]) throws(NotmuchError) {
        guard !lines.isEmpty else { return }
        _ = try run(["tag", "--batch"], input: Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    // MARK: batch-tag syntax

    /// `id:"..."` for a bare Message-ID (a `"` doubled, as Xapian's query parser wants).
    public static func idQuery(_ id: String) -> String {
        "id:\"" + id.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The longest Message-ID notmuch keeps as it is (`NOTMUCH_MESSAGE_ID_MAX`, 200 bytes less
    /// its `thread_id-` metadata prefix): a longer one is stored as `notmuch-sha1-<digest>`
    /// (``NotmuchID``), the name tagger then asks for. A sender chooses the Message-ID, so a
    /// longer one also must not reach a command line (one argument may hold at most 128 KiB).
    public static let maximumIDLength = 189

    /// A tag in batch-tag form: bytes outside `[A-Za-z0-9@=.,_+/:-]` as `%XX`.
    public static func encode(tag: String) -> String {
        var out = ""
        for b in tag.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "@"), UInt8(ascii: "="), UInt8(ascii: "."),
                 UInt8(ascii: ","), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: ":"),
                 UInt8(ascii: "-"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }

    /// `%XX` decoded (invalid escapes kept as they are).
    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.endIndex,
               let v = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `+a +b%20c -- id:ID` or `... -- id:"I""D"`.
    static func parseDumpLine(_ line: [UInt8]) -> NotmuchTags? {
        let sep: [UInt8] = Array(" -- id:".utf8)
        var tags = Set<String>()
        var start: Int
        if line.starts(with: Array("-- id:".utf8)) {
            start = 6
        } else {
            guard let at = (0...max(0, line.count - sep.count)).first(where: { line[$0..<min(line.count, $0 + sep.count)].elementsEqual(sep) }) else { return nil }
            for word in line[..<at].split(separator: UInt8(ascii: " ")) {
                guard word.first == UInt8(ascii: "+") else { return nil }
                tags.insert(decode(word.dropFirst()))
            }
            start = at + sep.count
        }
        var id: String
        if start < line.count, line[start] == UInt8(ascii: "\"") {
            var bytes: [UInt8] = []
            var i = start + 1
            var closed = false
            while i < line.count {
                if line[i] == UInt8(ascii: "\"") {
                    if i + 1 < line.count, line[i + 1] == UInt8(ascii: "\"") { bytes.append(line[i]); i += 2; continue }
                    closed = true
                    break
                }
                bytes.append(line[i])
                i += 1
            }
            guard closed else { return nil }
            id = String(decoding: bytes, as: UTF8.self)
        } else {
            id = String(decoding: line[start...], as: UTF8.self)
        }
        if id.isEmpty { return nil }
        return NotmuchTags(id: id, tags: tags)
    }

    // MARK: running

    /// Runs `notmuch ARGS` with `input` on standard input; returns standard output.
    func run(_ args: [String], input: [UInt8]? = nil) throws(NotmuchError) -> [UInt8] {
        let command = "notmuch " + args.prefix(2).joined(separator: " ")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.environment = environment
        let out = Pipe(), err = Pipe()
        let inPipe = input == nil ? nil : Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inPipe ?? FileHandle.nullDevice
        if runs?.isStopped == true { throw .stopped(command: command) }
        do { try p.run() } catch { throw .launch(command: command, reason: "\(error)") }
        if let runs, !runs.started(p) { kill(p.processIdentifier, SIGKILL) }
        defer { runs?.ended() }
        let group = DispatchGroup()
        let collected = Locked<(out: Data, err: Data)>((Data(), Data()))
        DispatchQueue.global().async(group: group) {
            let d = out.fileHandleForReading.readDataToEndOfFile()
            collected.withLock { $0.out = d }
        }
        DispatchQueue.global().async(group: group) {
            let d = err.fileHandleForReading.readDataToEndOfFile()
            collected.withLock { $0.err = d }
        }
        if let inPipe, let input {
            DispatchQueue.global().async(group: group) {
                try? inPipe.fileHandleForWriting.write(contentsOf: Data(input))
                try? inPipe.fileHandleForWriting.close()
            }
        }
        let stopped = Atomic(false)
        // The pid, not the Process: a cancelled item stays queued until its deadline, and the
        // Process it held kept its pipes open that long (two descriptors per call for 300 s).
        let pid = p.processIdentifier
        let watchdog = DispatchWorkItem {
            stopped.store(true, ordering: .relaxed)
            kill(pid, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        p.waitUntilExit()
        watchdog.cancel()
        if stopped.load(ordering: .relaxed) || runs?.isStopped == true {
            // A stopped notmuch may leave a child (Xapian's lock waiter) holding its output
            // open: do not wait for that.
            _ = group.wait(timeout: .now() + 1)
        } else {
            group.wait()
        }
        let (o, e) = collected.withLock { $0 }
        if stopped.load(ordering: .relaxed) { throw .timedOut(command: command, seconds: timeout) }
        if runs?.isStopped == true { throw .stopped(command: command) }
        guard p.terminationReason == .exit, p.terminationStatus == 0 else {
            throw .failed(command: command, status: p.terminationStatus, stderr: String(decoding: e, as: UTF8.self))
        }
        return Array(o)
    }
}
