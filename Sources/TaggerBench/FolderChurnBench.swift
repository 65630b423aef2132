#if os(Linux)
import Foundation
import Glibc
import TaggerSystem
import TaggerState

/// Folder churn against new mail: starts `tagger run` on a Maildir of many Maildir++ folders,
/// creates and deletes folders at a steady rate while delivering INBOX mail, then times how
/// long after the churn stops every INBOX message has its sidecar.
public final class FolderChurnBench: Sendable {
    public struct Options: Sendable {
        /// The tagger binary run as the daemon.
        public var executable: String
        public var messages: [[UInt8]]
        public var modelPath: String
        /// Maildir++ folders made before the daemon starts.
        public var folders = 5_000
        /// How long folders are created and deleted while mail arrives.
        public var seconds = 15.0
        /// Folders created per second (each deleted about a second later).
        public var foldersPerSecond = 50.0
        /// INBOX deliveries per second during the churn.
        public var rate = 270.0
        /// How long to wait for the last sidecar after the churn stops.
        public var timeout = 300.0
        public init(executable: String, messages: [[UInt8]], modelPath: String) {
            self.executable = executable; self.messages = messages; self.modelPath = modelPath
        }
    }

    public struct Result: Encodable {
        public var folders: Int
        public var churnSeconds: Double
        public var foldersCreated: Int
        public var delivered: Int
        /// INBOX messages with a sidecar when the churn stopped.
        public var taggedAtChurnEnd: Int
        /// The daemon's backlog (status file) when the churn stopped, if it said.
        public var backlogAtChurnEnd: Int?
        /// Seconds from the end of the churn until every INBOX message had a sidecar (nil: not
        /// within the timeout).
        public var secondsToAllTagged: Double?
        /// INBOX messages with a sidecar at the end (all of them unless timed out).
        public var taggedAtEnd: Int
        enum CodingKeys: String, CodingKey {
            case folders, delivered
            case churnSeconds = "churn_s", foldersCreated = "folders_created", taggedAtChurnEnd = "tagged_at_churn_end"
            case backlogAtChurnEnd = "backlog_at_churn_end", secondsToAllTagged = "s_to_all_tagged", taggedAtEnd = "tagged_at_end"
        }

        public var summary: String {
            "\(folders) folders, \(foldersCreated) created and deleted in \(String(format: "%.0f", churnSeconds)) s while \(delivered) INBOX messages arrived: "
                + "\(taggedAtChurnEnd) tagged when the churn stopped (backlog \(backlogAtChurnEnd.map(String.init) ?? "?")), "
                + (secondsToAllTagged.map { String(format: "all tagged %.1f s later", $0) } ?? "only \(taggedAtEnd) tagged at the timeout")
        }
    }

    let options: Options
    let space: BenchWorkspace
    private let seen = SeenTimes()

    public init(options: Options) {
        self.options = options
        space = BenchWorkspace(name: "churn")
    }

    /// Runs the benchmark and stops the daemon.
    /// - Throws: `DaemonBench.Failure` when the daemon does not start or dies.
    public func run(progress: (String) -> Void) throws -> Result {
        let fm = FileManager.default
        defer { space.remove() }
        try space.create()
        for n in 0..<options.folders {
            for d in ["cur", "new", "tmp"] { try fm.createDirectory(atPath: space.maildir + "/.folder\(n)/" + d, withIntermediateDirectories: true) }
        }
        progress("\(options.folders) folders made")

        let inotify = try Inotify()
        _ = try inotify.addWatch(space.sidecarDir, mask: InotifyMask.movedTo)
        inotify.start { [seen] events in
            let now = BenchRecorder.now()
            seen.withLock { map in
                for e in events where e.name.hasSuffix(".json") && !e.name.hasPrefix(".") {
                    let unique = String(e.name.dropLast(5))
                    if map[unique] == nil { map[unique] = now }
                }
            }
        }
        defer { inotify.stop() }

        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: options.executable)
        daemon.arguments = ["run", "--maildir", space.maildir, "--state-dir", space.state, "--model", options.modelPath,
                            "--log-level", "warning", "--reconcile-interval", "15m", "--deletion-grace", "1s"]
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        // Started and through its first reconcile once a probe message is tagged.
        let probe = "1690000000.probe.churn"
        try deliver(options.messages[0], unique: probe)
        let ready = Date().addingTimeInterval(300)
        while seen.withLock({ $0[probe] }) == nil {
            guard daemon.isRunning else { throw DaemonBench.Failure(description: "the daemon exited at start (status \(daemon.terminationStatus))") }
            guard Date() < ready else { throw DaemonBench.Failure(description: "the daemon tagged nothing within 300 s") }
            usleep(10_000)
        }
        progress("daemon running (pid \(daemon.processIdentifier))")

        // Churn: folders created (folder, then cur/new/tmp, as Dovecot does) and deleted about
        // a second later, while mail arrives in INBOX at a steady rate.
        var names: [String] = []
        var live: [(String, Date)] = []
        var created = 0
        let start = Date()
        var nextFolder = 0.0, nextMail = 0.0
        while true {
            let t = Date().timeIntervalSince(start)
            if t >= options.seconds { break }
            while nextFolder <= t {
                let f = space.maildir + "/.churn\(created)"
                try fm.createDirectory(atPath: f, withIntermediateDirectories: false)
                for d in ["cur", "new", "tmp"] { try fm.createDirectory(atPath: f + "/" + d, withIntermediateDirectories: false) }
                live.append((f, Date()))
                created += 1
                nextFolder += 1 / options.foldersPerSecond
            }
            while let first = live.first, Date().timeIntervalSince(first.1) >= 1 {
                try? fm.removeItem(atPath: first.0)
                live.removeFirst()
            }
            while nextMail <= t {
                let i = names.count
                let u = "\(1_700_000_000 + i).M\(i)P\(getpid()).churn"
                try deliver(options.messages[i % options.messages.count], unique: u)
                names.append(u)
                nextMail += 1 / options.rate
            }
            guard daemon.isRunning else { throw DaemonBench.Failure(description: "the daemon died (status \(daemon.terminationStatus))") }
            usleep(2_000)
        }
        for (f, _) in live { try? fm.removeItem(atPath: f) }
        let end = Date()
        let taggedAtEnd0 = seen.withLock { map in names.filter { map[$0] != nil }.count }
        let backlog = (try? DaemonStatus.read(stateDirectory: space.state))?.backlog
        progress("churn stopped: \(names.count) delivered, \(taggedAtEnd0) tagged")
        var all: Double?
        var tagged = taggedAtEnd0
        while Date().timeIntervalSince(end) < options.timeout {
            tagged = seen.withLock { map in names.filter { map[$0] != nil }.count }
            if tagged == names.count {
                all = Date().timeIntervalSince(end)
                break
            }
            guard daemon.isRunning else { throw DaemonBench.Failure(description: "the daemon died (status \(daemon.terminationStatus))") }
            usleep(50_000)
        }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        return Result(folders: options.folders, churnSeconds: end.timeIntervalSince(start), foldersCreated: created,
                      delivered: names.count, taggedAtChurnEnd: taggedAtEnd0, backlogAtChurnEnd: backlog,
                      secondsToAllTagged: all, taggedAtEnd: tagged)
    }

    private func deliver(_ bytes: [UInt8], unique: String) throws {
        let tmp = space.maildir + "/tmp/" + unique
        let fd = try Syscall.call("open", path: tmp) { open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
        do {
            try FileIO.writeAll(fd, bytes, path: tmp)
            close(fd)
        } catch {
            close(fd)
            throw error
        }
        _ = try Syscall.call("rename", path: space.maildir + "/new/" + unique) { rename(tmp, space.maildir + "/new/" + unique) }
    }
}
#endif
