import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `notmuch` command on a workspace's Maildir: its own config file in the workspace,
/// handed to notmuch (and to the daemon) through `NOTMUCH_CONFIG`.
struct NotmuchDB {
    static let executable: String? = ["/usr/bin/notmuch", "/usr/local/bin/notmuch", "/bin/notmuch"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static var installed: Bool { executable != nil }

    let ws: Workspace
    var config: String { ws.root + "/notmuch-config" }
    var env: [String: String] { ["NOTMUCH_CONFIG": config] }

    /// Writes the config (database inside the Maildir, new mail tagged `inbox`).
    init(_ ws: Workspace) throws {
        self.ws = ws
        try """
        [database]
        path=\(ws.maildir)
        [new]
        tags=inbox
        ignore=.gitkeep;maildirfolder
        """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Runs `notmuch args`; returns stdout, throws with stderr on failure.
    @discardableResult
    func run(_ args: [String], input: String? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.executable!)
        p.arguments = args
        p.environment = Command.environment(home: ws.root, extra: env)
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input == nil ? FileHandle.nullDevice : inp
        try p.run()
        if let input {
            inp.fileHandleForWriting.write(Data(input.utf8))
            try inp.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failed(args: args, stderr: String(decoding: e, as: UTF8.self))
        }
        return String(decoding: o, as: UTF8.self)
    }

    struct Failed: Error, CustomStringConvertible {
        var args: [String]
        var stderr: String
        var description: String { "notmuch \(args.joined(separator: " ")): \(stderr)" }
    }

    /// The tags of message `id` (bare), empty when notmuch does not have it.
    func tags(id: String) -> Set<String> {
        let out = (try? run(["search", "--output=tags", "--", "id:\"\(id)\""])) ?? ""
        return Set(out.split(separator: "\n").map(String.init))
    }

    /// `notmuch count QUERY`.
    func count(_ query: String) -> Int {
        Int(((try? run(["count", "--", query])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// The database's revision (`notmuch count --lastmod`), nil when notmuch cannot say.
    func revision() -> UInt64? {
        let fields = ((try? run(["count", "--lastmod", "--", "*"])) ?? "").split(whereSeparator: { $0 == "\t" || $0 == "\n" || $0 == " " })
        return fields.count >= 3 ? UInt64(fields[2]) : nil
    }

    /// The revision up to which the daemon has read notmuch's changes (the last `{"db":..,"rev":N}`
    /// line of `<state>/sync/notmuch.jsonl`), nil before its first pull.
    func pulledRevision() -> UInt64? {
        let lines = Command.read(ws.state + "/sync/notmuch.jsonl").split(separator: "\n")
        for line in lines.reversed() {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  o["db"] != nil, let rev = o["rev"] as? NSNumber else { continue }
            return rev.uint64Value
        }
        return nil
    }

    /// Whether some process holds the database's write lock (Xapian's lock on
    /// `.notmuch/xapian/flintlock`, an open file description lock that F_GETLK reports).
    func writeLockHeld() -> Bool {
        let fd = open(ws.maildir + "/.notmuch/xapian/flintlock", O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var query = flock()
        query.l_type = Int16(F_WRLCK)
        query.l_whence = Int16(SEEK_SET)
        query.l_start = 0
        query.l_len = 0
        guard fcntl(fd, F_GETLK, &query) == 0 else { return false }
        return query.l_type != Int16(F_UNLCK)
    }

    /// Starts `notmuch tag --batch` (it takes the write lock and waits on its input) and returns
    /// once it holds the lock; close the pipe to let it go.
    /// - Throws: when it cannot be started or has not taken the lock within 60 s.
    func holdWriteLock() async throws -> (process: Process, input: Pipe) {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: Self.executable!)
        holder.arguments = ["tag", "--batch"]
        holder.environment = Command.environment(home: ws.root, extra: env)
        let pipe = Pipe()
        holder.standardInput = pipe
        try holder.run()
        guard await eventually(timeout: 60, { writeLockHeld() }) else {
            try? pipe.fileHandleForWriting.close()
            holder.waitUntilExit()
            throw Failed(args: ["tag", "--batch"], stderr: "did not take the write lock within 60 s")
        }
        return (holder, pipe)
    }

    /// Whether a child of `pid` runs `notmuch tag` or `notmuch dump` (both take the write lock
    /// in notmuch 0.37, so with another writer holding it this is the daemon waiting for it).
    static func lockingCall(childOf pid: Int32) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { name in
            guard Int32(name) != nil else { return false }
            // /proc/PID/stat: "PID (comm) STATE PPID ..."; comm may hold spaces, so read after the last ')'.
            let stat = Command.read("/proc/\(name)/stat")
            guard let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, Int32(fields[1]) == pid else { return false }
            let argv = Command.read("/proc/\(name)/cmdline").split(separator: "\0").map(String.init)
            return argv.count >= 2 && argv[0].hasSuffix("notmuch") && ["tag", "dump"].contains(argv[1])
        }
    }
}

extension EndToEnd {
    @Suite("notmuch both ways (needs the notmuch command)",
           .enabled(if: NotmuchDB.installed, "notmuch is not installed (apt-get install notmuch): notmuch tests skipped"))
    struct NotmuchTests {
        /// Every sidecar of the workspace's INBOX and `.Lists` with a Message-ID: (bare id, sidecar).
        static func sidecars(_ ws: Workspace) -> [(id: String, sidecar: SidecarFile)] {
            (ws.sidecarFiles() + ws.sidecarFiles(folder: ".Lists") + ws.sidecarFiles(folder: ".Receipts")).compactMap { path in
                guard let s = SidecarFile.read(path), let id = s.message.message_id else { return nil }
                return (id.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")), s)
            }
        }

        /// How many sidecars the workspace's INBOX, `.Lists` and `.Receipts` hold.
        static func sidecarCount(_ ws: Workspace) -> Int {
            ["", ".Lists", ".Receipts"].map { ws.sidecarFiles(folder: $0).count }.reduce(0, +)
        }

        static func journal(_ ws: Workspace) -> [[String: Any]] {
            Command.read(ws.journalPath).split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        @Test("tags appear in notmuch; a tag removed there is a correction; a withdrawn tag goes only if tagger put it; the user's tags stay")
        func bothWays() async throws {
            let ws = try Workspace()
            let nm = try NotmuchDB(ws)
            try nm.run(["new", "--quiet"])
            // Before tagger: the user's own tag everywhere, and one tagger label set by hand on one message.
            try nm.run(["tag", "+mine", "--", "*"])
            let daemon = try await DaemonProcess(ws, reconcile: "1h", extra: ["--notmuch"], env: nm.env)
            // Every sample tagged before the snapshot (a partial one would miss tags notmuch gets).
            #expect(await eventually(timeout: 120) { Self.sidecarCount(ws) == SampleMail.all.count }, "\(daemon.log)")
            let all = Self.sidecars(ws)
            #expect(all.count >= 100)
            // Every tag of every sidecar shows in notmuch.
            let mirrored = await eventually(timeout: 60) {
                all.allSatisfy { nm.tags(id: $0.id).isSuperset(of: $0.sidecar.tags) }
            }
            #expect(mirrored, "\(daemon.log)")
            #expect(nm.count("tag:mine") == nm.count("*"), "the user's tag was touched")
            #expect(nm.count("tag:inbox") == nm.count("*"))
            let financeCount = all.filter { $0.sidecar.tags.contains("finance") }.count
            #expect(financeCount > 0 && nm.count("tag:finance") == financeCount)

            // The user removes a label in notmuch: a correction (source notmuch), the sidecar's user shows it.
            let target = try #require(all.first { $0.sidecar.tags.contains("finance") })
            try nm.run(["tag", "-finance", "--", "id:\"\(target.id)\""])
            let corrected = await eventually(timeout: 60) {
                Self.journal(ws).contains { ($0["source"] as? String) == "notmuch" && ($0["remove"] as? [String]) == ["finance"] }
            }
            #expect(corrected, "\(daemon.log)")
            let path = ws.state + "/sidecars/Maildir/" + Self.folder(ws, target.sidecar) + "/\(target.sidecar.message.unique).json"
            #expect(await eventually(timeout: 60) { SidecarFile.read(path)?.user?.remove == ["finance"] })
            let sidecar = try #require(SidecarFile.read(path))
            #expect(sidecar.user?.remove == ["finance"])
            #expect(!sidecar.tags.contains("finance"))
            #expect(nm.tags(id: target.id).contains("mine"))
            // tagger does not put it back, and its own writes were not taken for corrections.
            // A while for tagger to write, then until it has read back everything notmuch holds
            // (its own writes included): a pull it had not made yet could not have failed this.
            try await Task.sleep(for: .seconds(3))
            let revision = try #require(nm.revision())
            #expect(await eventually(timeout: 60) { (nm.pulledRevision() ?? 0) >= revision }, "no pull up to \(revision): \(daemon.log)")
            #expect(!nm.tags(id: target.id).contains("finance"))
            #expect(Self.journal(ws).count == 1, "only the user's change is a correction: \(Self.journal(ws))")

            // tagger withdraws a tag it put there (a correction by `tagger label`): it goes from notmuch.
            let other = try #require(all.first { $0.id != target.id && $0.sidecar.tags.contains("newsletter") })
            let r = try ws.tagger(["label", other.sidecar.message.unique, "-newsletter"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(await eventually(timeout: 60) { !nm.tags(id: other.id).contains("newsletter") }, "\(daemon.log)")
            #expect(nm.tags(id: other.id).contains("mine"))
            #expect(daemon.process.isRunning)
        }

        @Test("a tag the user had set before tagger is never taken away by tagger")
        func userTagKept() async throws {
            let ws = try Workspace()
            let nm = try NotmuchDB(ws)
            try nm.run(["new", "--quiet"])
            // First a plain run to learn which message the model calls a newsletter.
            _ = try ws.tagger(["run", "--once"])
            let victim = try #require(Self.sidecars(ws).first { $0.sidecar.tags.contains("newsletter") })
            try nm.run(["tag", "+newsletter", "--", "id:\"\(victim.id)\""])
            let daemon = try await DaemonProcess(ws, reconcile: "1h", extra: ["--notmuch"], env: nm.env)
            #expect(await eventually(timeout: 60) { nm.count("tag:finance") > 0 }, "\(daemon.log)")
            let owned = try #require(Self.sidecars(ws).first { $0.id != victim.id && $0.sidecar.tags.contains("newsletter") })
            #expect(await eventually(timeout: 60) { nm.tags(id: owned.id).contains("newsletter") })
            for m in [victim, owned] {
                let r = try ws.tagger(["label", m.sidecar.message.unique, "-newsletter"])
                #expect(r.status == 0, "\(r.stderr)")
            }
            // The one tagger put there goes; the one the user had set stays.
            #expect(await eventually(timeout: 60) { !nm.tags(id: owned.id).contains("newsletter") }, "\(daemon.log)")
            try await Task.sleep(for: .seconds(1))
            #expect(nm.tags(id: victim.id).contains("newsletter"), "tagger removed a tag the user had set")
            #expect(!Self.journal(ws).contains { ($0["source"] as? String) == "notmuch" })
        }

        @Test("new mail: tagged in notmuch once `notmuch new` has indexed it, in either order")
        func deliveryReachesNotmuch() async throws {
            let ws = try Workspace(samples: false)
            let nm = try NotmuchDB(ws)
            try nm.run(["new", "--quiet"])
            let daemon = try await DaemonProcess(ws, reconcile: "1h", extra: ["--notmuch"], env: nm.env)
            // Tagged by tagger first, indexed by notmuch later.
            var delivered: [String] = []
            for i in 0..<6 { delivered.append(try ws.deliverSample(i).unique) }
            #expect(await eventually(timeout: 60) { delivered.allSatisfy { ws.sidecar($0) != nil } })
            try nm.run(["new", "--quiet"])
            let ids = delivered.compactMap { ws.sidecar($0) }.map { ($0.message.message_id ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "<>")) }
            let expected = delivered.compactMap { ws.sidecar($0) }.map { Set($0.tags) }
            #expect(await eventually(timeout: 60) {
                zip(ids, expected).allSatisfy { nm.tags(id: $0).isSuperset(of: $1) }
            }, "\(daemon.log)")
            // Indexed by notmuch first (a hook right after delivery), tagged by tagger after.
            let d = try ws.deliverSample(7)
            try nm.run(["new", "--quiet"])
            #expect(await eventually(timeout: 60) { ws.sidecar(d.unique) != nil })
            let s = try #require(ws.sidecar(d.unique))
            let id = (s.message.message_id ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            #expect(await eventually(timeout: 60) { nm.tags(id: id).isSuperset(of: s.tags) && nm.tags(id: id).contains("inbox") })
        }

        @Test("a database locked by another writer, or missing at start, is a warning and a retry")
        func lockedAndMissing() async throws {
            let ws = try Workspace(samples: false)
            let nm = try NotmuchDB(ws)
            // No database yet: the daemon warns and goes on tagging.
            let daemon = try await DaemonProcess(ws, reconcile: "1h", extra: ["--notmuch"], env: nm.env)
            let first = try ws.deliverSample(0)
            #expect(await eventually(timeout: 60) { ws.sidecar(first.unique) != nil })
            #expect(await eventually(timeout: 60) { daemon.log.contains("warning: notmuch:") }, "\(daemon.log)")
            try nm.run(["new", "--quiet"])
            let s0 = try #require(ws.sidecar(first.unique))
            let id0 = (s0.message.message_id ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            #expect(await eventually(timeout: 60) { nm.tags(id: id0).isSuperset(of: s0.tags) }, "\(daemon.log)")
            #expect(await eventually(timeout: 60) { daemon.log.contains("notmuch: working again") }, "\(daemon.log)")

            // Another writer holds the write lock (a `notmuch tag --batch` waiting on its input):
            // waited for, not assumed after a pause (a loaded machine starts notmuch slowly).
            let (holder, pipe) = try await nm.holdWriteLock()
            // A change tagger must publish while the lock is held: it waits, and the daemon goes on.
            let extra = try #require(SampleMail.labels.first { !s0.tags.contains($0) })
            #expect(try ws.tagger(["label", first.unique, "+" + extra]).status == 0)
            let second = try ws.deliverSample(5)
            #expect(await eventually(timeout: 60) { ws.sidecar(second.unique) != nil }, "tagging stopped while notmuch was locked")
            // The daemon is waiting for the lock in a notmuch call: the change does not land meanwhile.
            #expect(await eventually(timeout: 60) { NotmuchDB.lockingCall(childOf: daemon.pid) }, "no notmuch call waiting: \(daemon.log)")
            try await Task.sleep(for: .seconds(1))
            #expect(nm.writeLockHeld())
            #expect(daemon.process.isRunning)
            #expect(!nm.tags(id: id0).contains(extra), "written through another writer's lock?")
            try pipe.fileHandleForWriting.close()
            holder.waitUntilExit()
            #expect(await eventually(timeout: 60) { nm.tags(id: id0).contains(extra) }, "\(daemon.log)")
            #expect(daemon.process.isRunning)
        }

        @Test("notmuch = true without the notmuch command: a warning, and tagging goes on")
        func withoutNotmuch() async throws {
            let ws = try Workspace(samples: false)
            let empty = ws.root + "/empty-bin"
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            try "notmuch = true\n".write(toFile: ws.root + "/tagger.toml", atomically: true, encoding: .utf8)
            let daemon = try await DaemonProcess(ws, reconcile: "1h", extra: ["--config", ws.root + "/tagger.toml"], env: ["PATH": empty])
            let d = try ws.deliverSample(1)
            #expect(await eventually(timeout: 60) { ws.sidecar(d.unique) != nil })
            #expect(await eventually(timeout: 60) { daemon.log.contains("no `notmuch` command on PATH") }, "\(daemon.log)")
            #expect(daemon.process.isRunning)
        }

        /// The sidecar folder of a sidecar (from its `message.path`).
        static func folder(_ ws: Workspace, _ s: SidecarFile) -> String {
            String(s.message.path.split(separator: "/").first ?? "INBOX")
        }
    }
}

extension EndToEnd.NotmuchTests {
    @Test("without a daemon: `tagger notmuch-sync` in notmuch's post-new hook publishes the tags and takes corrections")
    func postNewHook() async throws {
        let ws = try Workspace()
        let nm = try NotmuchDB(ws)
        try nm.run(["new", "--quiet"])
        #expect(try ws.tagger(["run", "--once"]).status == 0)
        let hooks = ws.maildir + "/.notmuch/hooks"
        try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
        let bin = try #require(Binary.path)
        try """
        #!/bin/sh
        exec '\(bin)' notmuch-sync --maildir '\(ws.maildir)' --state-dir '\(ws.state)'
        """.write(toFile: hooks + "/post-new", atomically: true, encoding: .utf8)
        chmod(hooks + "/post-new", 0o755)
        let out = try nm.run(["new"])
        #expect(out.contains("notmuch-sync:"), "\(out)")
        let all = Self.sidecars(ws)
        #expect(all.count >= 100)
        #expect(all.allSatisfy { nm.tags(id: $0.id).isSuperset(of: $0.sidecar.tags) })
        let target = try #require(all.first { $0.sidecar.tags.contains("finance") })
        try nm.run(["tag", "-finance", "--", "id:\"\(target.id)\""])
        let r = try ws.tagger(["notmuch-sync"], env: nm.env)
        #expect(r.status == 0 && r.stdout.contains("1 correction(s) recorded"), "\(r.stdout) \(r.stderr)")
        #expect(Self.journal(ws).contains { ($0["source"] as? String) == "notmuch" && ($0["remove"] as? [String]) == ["finance"] })
        // A second pass finds nothing new: its own writes are not corrections.
        let again = try ws.tagger(["notmuch-sync"], env: nm.env)
        #expect(again.stdout.contains("0 correction(s) recorded"), "\(again.stdout)")
        #expect(Self.journal(ws).count == 1)
    }
}

extension EndToEnd.NotmuchTests {
    @Test("with notmuch_tag_prefix: tags are prefixed, and any prefixed tag the user adds is a label")
    func prefix() async throws {
        let ws = try Workspace()
        let nm = try NotmuchDB(ws)
        try nm.run(["new", "--quiet"])
        try "notmuch = true\nnotmuch_tag_prefix = \"ml/\"\n".write(toFile: ws.root + "/tagger.toml", atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess(ws, reconcile: "1h", extra: ["--config", ws.root + "/tagger.toml"], env: nm.env)
        #expect(await eventually(timeout: 60) { Self.sidecars(ws).count >= 100 && nm.count("tag:ml/finance") > 0 }, "\(daemon.log)")
        #expect(nm.count("tag:finance") == 0)
        let m = try #require(Self.sidecars(ws).first { !$0.sidecar.tags.contains("travel") })
        try nm.run(["tag", "+ml/travel", "--", "id:\"\(m.id)\""])
        #expect(await eventually(timeout: 60) {
            Self.journal(ws).contains { ($0["source"] as? String) == "notmuch" && ($0["add"] as? [String]) == ["travel"] }
        }, "\(daemon.log)")
        // The journal first, then the sidecar (as `tagger label` does).
        let path = ws.state + "/sidecars/Maildir/" + Self.folder(ws, m.sidecar) + "/\(m.sidecar.message.unique).json"
        #expect(await eventually(timeout: 60) {
            SidecarFile.read(path).map { $0.user?.add == ["travel"] && $0.tags.contains("travel") } ?? false
        })
    }
}

extension EndToEnd.NotmuchTests {
    @Test("SIGTERM while tagger waits for another writer's notmuch lock: a prompt, clean stop")
    func stopWhileLocked() async throws {
        let ws = try Workspace(samples: false)
        let nm = try NotmuchDB(ws)
        let d = try ws.deliverSample(2)
        try nm.run(["new", "--quiet"])
        let daemon = try await DaemonProcess(ws, reconcile: "1h", extra: ["--notmuch"], env: nm.env)
        #expect(await eventually(timeout: 60) { ws.sidecar(d.unique) != nil })
        let (holder, pipe) = try await nm.holdWriteLock()
        defer { try? pipe.fileHandleForWriting.close(); holder.waitUntilExit() }
        let s = try #require(ws.sidecar(d.unique))
        let extra = try #require(SampleMail.labels.first { !s.tags.contains($0) })
        #expect(try ws.tagger(["label", d.unique, "+" + extra]).status == 0)
        // The daemon is now waiting for the lock in a notmuch call (seen, not assumed after a pause).
        #expect(await eventually(timeout: 60) { NotmuchDB.lockingCall(childOf: daemon.pid) }, "no notmuch call waiting: \(daemon.log)")
        let stop = try #require(daemon.terminate(timeout: 10), "the daemon did not stop: \(daemon.log)")
        #expect(stop.status == 0 && stop.seconds < 5, "\(stop) \(daemon.log)")
    }
}
