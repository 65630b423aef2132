#if os(Linux)
import Foundation
import Glibc
import TaggerCore
import TaggerMaildir
import TaggerSystem

/// The daemon's safety net for a message that takes too long to read: scoring runs on a worker
/// thread while the tagging thread waits with a time limit, keeps the watchdog fed (its wait is
/// bounded) and watches for a stop. A message still unread at the limit is abandoned (the
/// worker is left to finish it and its result dropped) and gets an error sidecar; on a stop,
/// one still in hand after `stopGrace` is abandoned too, so SIGTERM ends the daemon in seconds.
/// Used by the tagging thread only.
final class SlowMessageGuard {
    /// What became of one message.
    enum Result {
        /// Scored within the limit.
        case scored(ScoreOutcome)
        /// Still being read at the time limit: abandoned.
        case tooSlow(seconds: Double)
        /// A stop was asked for and the message was still in hand `stopGrace` later: abandoned.
        case stopping(seconds: Double)
    }

    /// Seconds one message may take.
    let limit: Double
    /// Seconds a message in hand may still take once a stop is asked for.
    let stopGrace: Double
    private var worker: ScoringWorker
    /// Workers abandoned with a message in hand (kept to count those still reading).
    private var abandoned: [ScoringWorker] = []

    init(limit: Double, stopGrace: Double = 2) {
        self.limit = limit
        self.stopGrace = stopGrace
        worker = ScoringWorker()
    }

    /// Workers still reading an abandoned message.
    var stillReading: Int {
        abandoned.removeAll { $0.isFinished }
        return abandoned.count
    }

    /// Scores `path` with `scorer` within the limit. `beat` is called at least every 0.25 s
    /// while waiting; `stopRequested` is asked as often.
    func score(_ scorer: any MessageScoring, path: String, beat: () -> Void, stopRequested: () -> Bool) -> Result {
        let started = Date()
        let limitAt = started.addingTimeInterval(limit)
        var stopAt: Date?
        worker.start(scorer: scorer, path: path)
        while true {
            var deadline = min(Date().addingTimeInterval(0.25), limitAt)
            if let s = stopAt { deadline = min(deadline, s) }
            if let outcome = worker.wait(until: deadline) { return .scored(outcome) }
            beat()
            let now = Date()
            let elapsed = now.timeIntervalSince(started)
            if now >= limitAt {
                abandon()
                return .tooSlow(seconds: elapsed)
            }
            if stopAt == nil && stopRequested() { stopAt = now.addingTimeInterval(stopGrace) }
            if let s = stopAt, now >= s {
                abandon()
                return .stopping(seconds: elapsed)
            }
        }
    }

    private func abandon() {
        worker.retire()
        abandoned.append(worker)
        worker = ScoringWorker()
    }

    /// The error a message gets when it was abandoned at the limit.
    static func reason(limit: Double) -> String {
        "took more than \(Self.seconds(limit)) to read; skipped (tried again if the file changes)"
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : String(format: "%.2f s", s)
    }
}

/// One thread that scores the messages handed to it, one at a time. A retired worker ends
/// once its message is done, and its result is dropped.
final class ScoringWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var job: (scorer: any MessageScoring, path: String)?
    private var outcome: ScoreOutcome?
    private var retired = false
    private var finished = false

    init() {
        let thread = Thread { [self] in loop() }
        thread.name = "tagger-read"
        thread.start()
    }

    private func loop() {
        condition.lock()
        while true {
            while job == nil && !retired { condition.wait() }
            guard let j = job else { break }
            job = nil
            condition.unlock()
            let o = j.scorer.score(fileAt: j.path)
            condition.lock()
            if retired { break }
            outcome = o
            condition.broadcast()
        }
        finished = true
        condition.unlock()
    }

    /// Hands over one message (the previous one's result must have been taken).
    func start(scorer: any MessageScoring, path: String) {
        condition.lock()
        outcome = nil
        job = (scorer, path)
        condition.broadcast()
        condition.unlock()
    }

    /// The result, once there is one before `deadline`; nil at the deadline.
    func wait(until deadline: Date) -> ScoreOutcome? {
        condition.lock()
        defer { condition.unlock() }
        while outcome == nil {
            if !condition.wait(until: deadline) { break }
        }
        defer { outcome = nil }
        return outcome
    }

    /// Lets the thread end once its message (if any) is done; its result is dropped.
    func retire() {
        condition.lock()
        retired = true
        condition.broadcast()
        condition.unlock()
    }

    /// True once a retired worker's thread has ended.
    var isFinished: Bool {
        condition.lock()
        defer { condition.unlock() }
        return finished
    }
}

/// The message in hand, in a small state file: written before a message is read (and again
/// every quarter second while a slow one is read), emptied once it is done. One found there at
/// start was in hand when the daemon died, was killed or was stopped while reading it: it is
/// skipped rather than read again when it had been in hand for a second or more, or when it was
/// already in hand at the previous death (a message that kills or hangs the daemon would
/// otherwise do it at every start); a message merely in hand at an unrelated kill is read again.
final class MessageInHand {
    /// What the file holds.
    struct Record: Codable, Equatable {
        var maildir: String
        /// The folder's path relative to the Maildir root (`""` for INBOX).
        var folder: String
        var subdirectory: String
        var fileName: String
        /// When reading started (seconds since 1970).
        var started: Double
        /// How long it had been in hand when last written.
        var seconds: Double = 0
        /// Deaths with this message in hand before this one.
        var strikes: Int = 0

        enum CodingKeys: String, CodingKey {
            case maildir, folder, subdirectory, started, seconds, strikes
            case fileName = "file_name"
        }

        func same(as other: Record) -> Bool {
            maildir == other.maildir && folder == other.folder && fileName == other.fileName && subdirectory == other.subdirectory
        }

        /// True when the message is to be skipped rather than read again.
        var poisoned: Bool { seconds >= 1 || strikes >= 1 }
    }

    let path: String
    private var fd: Int32 = -1
    private var current: Record?
    /// The message in hand at the previous death, read again once: if it is in hand at the
    /// next death too, it is skipped.
    var suspect: Record?
    /// Set after the first failure to write the file (warned once, then the net is off).
    private(set) var failure: String?

    init(path: String) {
        self.path = path
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Records `message` as in hand (one `pwrite` to an emptied file).
    func begin(maildir: String, message m: MaildirMessage) {
        guard failure == nil else { return }
        var r = Record(maildir: maildir, folder: m.folder.relativePath, subdirectory: m.subdirectory,
                       fileName: m.fileName, started: Date().timeIntervalSince1970)
        if let s = suspect, s.same(as: r) { r.strikes = s.strikes + 1 }
        current = r
        write(r)
    }

    /// Notes how long the message has been in hand (called while a slow one is read).
    func stillReading(seconds: Double) {
        guard failure == nil, var r = current else { return }
        r.seconds = seconds
        current = r
        write(r)
    }

    /// The record as JSON, written by hand (one per message: JSONEncoder costs tens of µs).
    static func json(_ r: Record) -> [UInt8] {
        func string(_ s: String) -> String {
            var out = "\""
            for u in s.unicodeScalars {
                switch u {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
                default: out.unicodeScalars.append(u)
                }
            }
            return out + "\""
        }
        let text = "{\"maildir\":\(string(r.maildir)),\"folder\":\(string(r.folder)),\"subdirectory\":\(string(r.subdirectory)),"
            + "\"file_name\":\(string(r.fileName)),\"started\":\(r.started),\"seconds\":\(r.seconds),\"strikes\":\(r.strikes)}"
        return Array(text.utf8)
    }

    private func write(_ r: Record) {
        let data = Self.json(r)
        if fd < 0 {
            fd = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if fd < 0 {
                failure = "\(path): cannot be written (errno \(errno)); a message that hangs the daemon would be read again after a restart"
                return
            }
        }
        if r.seconds > 0 { _ = ftruncate(fd, 0) }   // a rewrite (the file is empty before a message)
        let written = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        if written != data.count {
            failure = "\(path): cannot be written; a message that hangs the daemon would be read again after a restart"
        }
    }

    /// The message is done.
    func end() {
        if fd >= 0 { _ = ftruncate(fd, 0) }
        if let s = suspect, let c = current, s.same(as: c) { suspect = nil }
        current = nil
    }

    /// The message left in hand by the previous run (nil when none), and the file emptied.
    static func take(path: String) -> Record? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        let fd = Glibc.open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd >= 0 {
            _ = ftruncate(fd, 0)
            Glibc.close(fd)
        }
        return try? JSONDecoder().decode(Record.self, from: data)
    }
}

/// A message file's size, modification and change times, to tell whether it changed since it
/// was read. The text form is `size:mtime` or `size:mtime:ctime` (nanoseconds); comparisons use
/// the fields the recorded text has (a message skipped as too slow records no change time:
/// fixing permissions or renaming it does not make it faster to read).
struct FileStamp: Equatable {
    var size: Int64
    var mtime: Int64
    var ctime: Int64?

    /// The stamp of the file at `path` itself (a symbolic link is not followed); nil when it cannot be read.
    init?(path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        size = Int64(st.st_size)
        mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        ctime = Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec)
    }

    init?(text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2 || parts.count == 3, let s = Int64(parts[0]), let m = Int64(parts[1]) else { return nil }
        size = s
        mtime = m
        ctime = parts.count == 3 ? Int64(parts[2]) : nil
    }

    var text: String { "\(size):\(mtime)" + (ctime.map { ":\($0)" } ?? "") }

    /// Without the change time.
    var contentOnly: FileStamp {
        var s = self
        s.ctime = nil
        return s
    }

    /// True when this (current) stamp differs from `recorded` in a field `recorded` has; with
    /// `contentOnly`, only size and modification time count.
    func differs(from recorded: FileStamp, contentOnly: Bool = false) -> Bool {
        if size != recorded.size || mtime != recorded.mtime { return true }
        if !contentOnly, let c = recorded.ctime { return ctime != c }
        return false
    }
}
#endif
