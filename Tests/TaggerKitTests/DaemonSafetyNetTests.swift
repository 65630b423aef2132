import Foundation
import Synchronization
import TaggerLock
import Testing
@testable import TaggerConfig
@testable import TaggerCore
@testable import TaggerDaemon
@testable import TaggerMaildir
@testable import TaggerState
@testable import TaggerSystem

/// A scorer that reads files the way the real one does (through the syscall seam, so injected
/// faults apply): an empty file is an error, a file mentioning HANG keeps it busy for
/// `hangSeconds` (a message libxml2 chokes on), "invoice" tags finance. Counts reads per file name.
final class SlowScorer: MessageScoring {
    let modelInfo: ModelInfo
    let hangSeconds: Double
    let reads = Locked<[String: Int]>([:])

    init(id: String, hangSeconds: Double) {
        modelInfo = ModelInfo(id: id, trainedAt: "2026-11-26T10:00:00Z")
        self.hangSeconds = hangSeconds
    }

    func reads(of name: String) -> Int { reads.withLock { $0[name] ?? 0 } }

    func score(fileAt path: String) -> ScoreOutcome {
        reads.withLock { $0[URL(fileURLWithPath: path).lastPathComponent, default: 0] += 1 }
        let bytes: [UInt8]
        do { bytes = try FileIO.readRegularFile(path, followLink: false, limit: 1 << 20).bytes } catch {
            return ScoreOutcome(error: "\(error)")
        }
        if bytes.isEmpty { return ScoreOutcome(error: "empty file") }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.contains("HANG") { Thread.sleep(forTimeInterval: hangSeconds) }
        let finance = text.contains("invoice") ? 0.9 : 0.1
        return ScoreOutcome(messageID: nil, scores: ["finance": finance], thresholds: ["finance": 0.5],
                            tags: finance > 0.5 ? ["finance"] : [])
    }
}

/// Loads a `SlowScorer` (a fresh one per load: the daemon loads again after abandoning a read).
final class SlowLoader: ScorerLoader {
    let hangSeconds: Double
    let scorers = Locked<[SlowScorer]>([])

    init(hangSeconds: Double) { self.hangSeconds = hangSeconds }

    func load(modelPath: String) throws -> any MessageScoring {
        let s = SlowScorer(id: "slow-model", hangSeconds: hangSeconds)
        scorers.withLock { $0.append(s) }
        return s
    }

    /// Reads of `name` by every scorer this loader made.
    func reads(of name: String) -> Int { scorers.withLock { $0.reduce(0) { $0 + $1.reads(of: name) } } }
}

/// The daemon's safety net: a message that hangs the reader, files written in place or made
/// readable later, and folder churn.
@Suite(.serialized) struct DaemonSafetyNetTests {
    typealias Running = RunningDaemon<SlowLoader>

    let t: TempDir
    let root: String
    let state: String

    init() throws {
        t = try TempDir()
        root = t.path + "/Maildir"
        state = t.path + "/state"
        try Fixture.makeFolder(root)
        try FakeLoader.writeModel(state, id: "slow-model")
    }

    func start(limit: Double, hang: Double = 3) -> Running {
        let loader = SlowLoader(hangSeconds: hang)
        let logs = LogCapture()
        let daemon = Daemon(config: Fixture.config(maildir: root, state: state), loader: loader, logger: logs.logger(),
                            notifier: SystemdNotifier(environment: [:]), messageTimeLimit: limit)
        let (stream, cont) = AsyncStream<DaemonTrigger>.makeStream()
        let task = Task { try await daemon.run(triggers: stream) }
        return Running(daemon: daemon, triggers: cont, task: task, loader: loader, logs: logs)
    }

    func sidecar(_ unique: String, in folder: String = "INBOX") -> Sidecar? {
        guard let data = FileManager.default.contents(atPath: state + "/sidecars/Maildir/\(folder)/\(unique).json") else { return nil }
        return try? JSONDecoder().decode(Sidecar.self, from: data)
    }

    /// How many reconciles `d` has finished (its log's `reconcile:` lines).
    func reconciles(_ d: Running) -> Int { d.logs.all.filter { $0.contains("reconcile:") }.count }

    func write(_ path: String, _ text: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    @Test func aMessageThatHangsTheReaderIsSkippedAndLaterMailIsTaggedMeanwhile() async throws {
        defer { t.cleanup() }
        // The stuck read lasts 10 minutes: waiting for it fails the wait below, or (when a loaded
        // machine made the waits' polls slow) the bound after it. The margins are that wide
        // because an await in this test may resume many seconds late while the suites running
        // beside it fill the test process's thread pool.
        let d = start(limit: 0.5, hang: 600)
        #expect(await Fixture.waitUntil { d.daemon.status != nil })
        let began = Date()
        try Fixture.deliver(root, unique: "1.hang.h", body: "HANG")
        try Fixture.deliver(root, unique: "2.after.h", body: "an invoice")
        #expect(await Fixture.waitUntil { sidecar("2.after.h") != nil })
        // The next message waited for the limit (0.5 s), not for the stuck read.
        #expect(Date().timeIntervalSince(began) < 300)
        let hung = try #require(sidecar("1.hang.h"))
        #expect(hung.error?.contains("took more than 0.50 s to read; skipped") == true, "\(hung.error ?? "no error")")
        #expect(sidecar("2.after.h")?.tags == ["finance"])
        // Not read again by a reconcile: the file did not change.
        d.triggers.yield(.reconcile)
        try Fixture.deliver(root, unique: "3.marker.h", body: "x")
        #expect(await Fixture.waitUntil { sidecar("3.marker.h") != nil })
        #expect(d.loader.reads(of: "1.hang.h") == 1)
        try await d.stop()
    }

    @Test func aMessageThatHangsTheReaderIsSkippedAfterARestartNotRetriedInALoop() async throws {
        defer { t.cleanup() }
        // The limit is long: the daemon is stopped (as systemd's watchdog or an admin would)
        // while the message is in hand.
        let d = start(limit: 600, hang: 600)
        #expect(await Fixture.waitUntil { d.daemon.status != nil })
        try Fixture.deliver(root, unique: "1.hang.h", body: "HANG")
        let inHand = state + "/message-in-hand.json"
        #expect(await Fixture.waitUntil {
            d.loader.reads(of: "1.hang.h") == 1 && (FileManager.default.contents(atPath: inHand)?.count ?? 0) > 0
        })
        let stopAsked = Date()
        try await d.stop()
        // SIGTERM stops the daemon within seconds even while a message is in hand (the read
        // would take 600 s; the stop grace is 2 s, the rest a margin for awaits that resume late
        // on a loaded machine).
        #expect(Date().timeIntervalSince(stopAsked) < 120)
        #expect(sidecar("1.hang.h") == nil)

        let again = start(limit: 60, hang: 30)
        #expect(await Fixture.waitUntil { sidecar("1.hang.h") != nil })
        let skipped = try #require(sidecar("1.hang.h"))
        #expect(skipped.error?.contains("stopped or died while reading it") == true, "\(skipped.error ?? "no error")")
        try Fixture.deliver(root, unique: "2.after.h", body: "an invoice")
        #expect(await Fixture.waitUntil { sidecar("2.after.h") != nil })
        #expect(again.loader.reads(of: "1.hang.h") == 0)
        #expect((FileManager.default.contents(atPath: inHand)?.count ?? 0) == 0)
        try await again.stop()

        // A third start does not read it either (the error sidecar stands until the file changes).
        let third = start(limit: 60, hang: 30)
        try Fixture.deliver(root, unique: "3.marker.h", body: "x")
        #expect(await Fixture.waitUntil { sidecar("3.marker.h") != nil })
        #expect(third.loader.reads(of: "1.hang.h") == 0)
        try await third.stop()
    }

    /// Writes the in-hand file as a daemon killed while reading `unique` leaves it.
    func leaveInHand(_ unique: String, seconds: Double, strikes: Int) throws {
        let r = MessageInHand.Record(maildir: "Maildir", folder: "", subdirectory: "new", fileName: unique,
                                     started: 1_796_000_000, seconds: seconds, strikes: strikes)
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try JSONEncoder().encode(r).write(to: URL(fileURLWithPath: state + "/message-in-hand.json"))
    }

    @Test func aMessageInHandAtAnUnrelatedKillIsReadAgainAndSkippedOnlyAfterASecondDeath() async throws {
        defer { t.cleanup() }
        try Fixture.deliver(root, unique: "1.innocent.h", body: "an invoice")
        try Fixture.deliver(root, unique: "2.crasher.h", body: "x")
        // In hand for a moment at a kill -9: read again, tagged.
        try leaveInHand("1.innocent.h", seconds: 0, strikes: 0)
        let d = start(limit: 10)
        #expect(await Fixture.waitUntil { sidecar("1.innocent.h") != nil })
        #expect(sidecar("1.innocent.h")?.error == nil && sidecar("1.innocent.h")?.tags == ["finance"])
        try await d.stop()
        // In hand at the previous death too (a message that crashes the reader): skipped.
        try? FileManager.default.removeItem(atPath: state + "/sidecars/Maildir/INBOX/2.crasher.h.json")
        try leaveInHand("2.crasher.h", seconds: 0, strikes: 1)
        let again = start(limit: 10)
        #expect(await Fixture.waitUntil { sidecar("2.crasher.h")?.error != nil })
        #expect(sidecar("2.crasher.h")?.error?.contains("the second time") == true)
        #expect(again.loader.reads(of: "2.crasher.h") == 0)
        try await again.stop()
    }

    @Test func aFileWrittenInPlaceInNewIsTaggedOnceComplete() async throws {
        defer { t.cleanup() }
        let d = start(limit: 10)
        #expect(await Fixture.waitUntil { d.daemon.status != nil })
        // As cp does: created empty in new/, then written and closed.
        let path = root + "/new/1.inplace.h"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        #expect(fd >= 0)
        #expect(await Fixture.waitUntil { sidecar("1.inplace.h")?.error == "empty file" })
        let text = Array("Subject: an invoice\n\nplease pay the invoice\n".utf8)
        #expect(Glibc.write(fd, text, text.count) == text.count)
        close(fd)
        #expect(await Fixture.waitUntil { sidecar("1.inplace.h")?.error == nil })
        #expect(sidecar("1.inplace.h")?.tags == ["finance"])
        // The new/→cur/ rename keeps the good sidecar and reads nothing again.
        let reads = d.loader.reads(of: "1.inplace.h")
        #expect(rename(path, root + "/cur/1.inplace.h:2,S") == 0)
        #expect(await Fixture.waitUntil { sidecar("1.inplace.h")?.message.path == "INBOX/cur/1.inplace.h:2,S" })
        #expect(d.loader.reads(of: "1.inplace.h:2,S") == 0 && d.loader.reads(of: "1.inplace.h") == reads)
        try await d.stop()
    }

    @Test func anErrorSidecarWhoseFileChangedWhileTheDaemonWasStoppedIsRetriedAtStart() async throws {
        defer { t.cleanup() }
        let d = start(limit: 10)
        let path = root + "/new/1.later.h"
        write(path, "")
        #expect(await Fixture.waitUntil { sidecar("1.later.h")?.error == "empty file" })
        try await d.stop()
        // Written while the daemon is down: the folder's times do not change.
        let fd = open(path, O_WRONLY)
        let text = Array("Subject: x\n\nan invoice\n".utf8)
        #expect(Glibc.write(fd, text, text.count) == text.count)
        close(fd)
        let again = start(limit: 10)
        #expect(await Fixture.waitUntil { sidecar("1.later.h")?.error == nil })
        #expect(sidecar("1.later.h")?.tags == ["finance"])
        try await again.stop()
    }

    @Test func aFileWhosePermissionsAreFixedLaterIsTagged() async throws {
        defer { t.cleanup() }
        let d = start(limit: 10)
        #expect(await Fixture.waitUntil { d.daemon.status != nil })
        // Unreadable at first (tests run as root, so the refusal is injected at the open).
        let token = Syscall.inject(.init(operation: "open", pathContains: root + "/new/1.perm.h", code: EACCES))
        try Fixture.deliver(root, unique: "1.perm.h", body: "an invoice")
        #expect(await Fixture.waitUntil { sidecar("1.perm.h")?.error?.contains("ermission") == true },
                "\(sidecar("1.perm.h")?.error ?? "no sidecar")")
        // Not retried while nothing changes: a reconcile has run (waited for, not assumed).
        let n = reconciles(d)
        d.triggers.yield(.reconcile)
        #expect(await Fixture.waitUntil { reconciles(d) > n })
        #expect(d.loader.reads(of: "1.perm.h") == 1)
        Syscall.remove(token)
        #expect(chmod(root + "/new/1.perm.h", 0o644) == 0)
        #expect(await Fixture.waitUntil { sidecar("1.perm.h")?.error == nil })
        #expect(sidecar("1.perm.h")?.tags == ["finance"])
        try await d.stop()
    }

    @Test func anErrorIsNotReadAgainWhenNothingChanged() async throws {
        defer { t.cleanup() }
        let d = start(limit: 10)
        write(root + "/new/1.empty.h", "")
        #expect(await Fixture.waitUntil { sidecar("1.empty.h")?.error == "empty file" })
        let n = reconciles(d)
        for _ in 0..<3 { d.triggers.yield(.reconcile) }
        try Fixture.deliver(root, unique: "2.marker.h", body: "x")
        #expect(await Fixture.waitUntil { sidecar("2.marker.h") != nil })
        // At least one more reconcile ran after those asked for (they may be merged into fewer).
        #expect(await Fixture.waitUntil { reconciles(d) > n })
        #expect(d.loader.reads(of: "1.empty.h") == 1)
        try await d.stop()
        let again = start(limit: 10)
        try Fixture.deliver(root, unique: "3.marker.h", body: "x")
        #expect(await Fixture.waitUntil { sidecar("3.marker.h") != nil })
        #expect(again.loader.reads(of: "1.empty.h") == 0)
        try await again.stop()
    }

    @Test func folderChurnDoesNotDelayNewMail() async throws {
        defer { t.cleanup() }
        for n in 0..<400 { try Fixture.makeFolder(root + "/.folder\(n)") }
        let d = start(limit: 10)
        try Fixture.deliver(root, unique: "0.first.h", body: "x")
        #expect(await Fixture.waitUntil(timeout: 60) { sidecar("0.first.h") != nil })
        // Folders created and deleted while mail arrives.
        let churning = Atomic<Bool>(true)
        let root = self.root
        let churn = Thread {
            var n = 0
            while churning.load(ordering: .relaxed) {
                let f = root + "/.churn\(n % 20)"
                if FileManager.default.fileExists(atPath: f) { try? FileManager.default.removeItem(atPath: f) } else { try? Fixture.makeFolder(f) }
                n += 1
            }
        }
        churn.start()
        var names: [String] = []
        for i in 0..<200 {
            let u = "\(100 + i).mail.h"
            try Fixture.deliver(root, unique: u, body: "m \(i)")
            names.append(u)
            try await Task.sleep(for: .milliseconds(10))
        }
        churning.store(false, ordering: .relaxed)
        #expect(await Fixture.waitUntil { names.allSatisfy { sidecar($0) != nil } })
        // How long each message waited, by the files' own times (delivered: the message's mtime;
        // tagged: its sidecar's), so that a late resumption of this test's awaits does not count.
        func modified(_ path: String) -> Date? {
            (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        }
        let waits = names.compactMap { n -> Double? in
            guard let tagged = modified(state + "/sidecars/Maildir/INBOX/\(n).json"),
                  let delivered = modified(root + "/new/" + n) else { return nil }
            return tagged.timeIntervalSince(delivered)
        }
        #expect(waits.count == names.count)
        let seconds = waits.max() ?? 0
        #expect(seconds < 10, "INBOX mail waited \(seconds) s behind folder churn")
        // A folder created during the churn and kept is watched: its mail is tagged.
        try Fixture.makeFolder(root + "/.kept")
        try await Task.sleep(for: .milliseconds(300))
        try Fixture.deliver(root + "/.kept", unique: "900.kept.h", body: "x")
        #expect(await Fixture.waitUntil { sidecar("900.kept.h", in: ".kept") != nil })
        try await d.stop()
    }
}

@Suite struct SafetyNetPartsTests {
    /// A scorer that sleeps on every message.
    struct Sleeper: MessageScoring {
        var seconds: Double
        var modelInfo: ModelInfo { ModelInfo(id: "s", trainedAt: "") }
        func score(fileAt path: String) -> ScoreOutcome {
            Thread.sleep(forTimeInterval: seconds)
            return ScoreOutcome(tags: ["done"])
        }
    }

    @Test func aSlowReadIsAbandonedAtTheLimitAndTheWatchdogIsFedMeanwhile() {
        let guardian = SlowMessageGuard(limit: 0.6)
        var beats = 0
        let began = Date()
        // The read takes 20 s: abandoned at the limit, long before (the margin is for a loaded
        // machine), and still reading when `stillReading` is asked below.
        let r = guardian.score(Sleeper(seconds: 20), path: "/x", beat: { beats += 1 }, stopRequested: { false })
        guard case .tooSlow(let s) = r else { Issue.record("not abandoned: \(r)"); return }
        #expect(s >= 0.6 && Date().timeIntervalSince(began) < 10)
        #expect(beats >= 2)
        // The next message is read by a new worker at once.
        guard case .scored(let o) = guardian.score(Sleeper(seconds: 0), path: "/y", beat: {}, stopRequested: { false }) else {
            Issue.record("next message not scored"); return
        }
        #expect(o.tags == ["done"])
        #expect(guardian.stillReading == 1)
    }

    @Test func aStopAbandonsTheMessageInHandAfterTheGrace() {
        let guardian = SlowMessageGuard(limit: 60, stopGrace: 0.3)
        let began = Date()
        // The read takes 20 s; the stop comes at 0.2 s and its grace is 0.3 s (the bound's
        // margin is for a loaded machine).
        let r = guardian.score(Sleeper(seconds: 20), path: "/x", beat: {}, stopRequested: { Date().timeIntervalSince(began) > 0.2 })
        guard case .stopping = r else { Issue.record("not abandoned: \(r)"); return }
        #expect(Date().timeIntervalSince(began) < 10)
    }

    @Test func fileStampsTellContentFromMetadataChanges() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let p = t.path + "/m"
        _ = FileManager.default.createFile(atPath: p, contents: Data("a".utf8))
        let before = try #require(FileStamp(path: p))
        #expect(FileStamp(text: before.text) == before)
        usleep(20_000)
        #expect(chmod(p, 0o600) == 0)
        let after = try #require(FileStamp(path: p))
        #expect(after.differs(from: before))
        #expect(!after.differs(from: before, contentOnly: true))
        #expect(!after.differs(from: before.contentOnly))
        _ = FileManager.default.createFile(atPath: p, contents: Data("ab".utf8))
        #expect(FileStamp(path: p)!.differs(from: before.contentOnly))
    }

    @Test func theInHandRecordIsJSONTheDaemonReadsBack() throws {
        let r = MessageInHand.Record(maildir: "M \"q\"", folder: ".A\\B", subdirectory: "cur", fileName: "1.x:2,S\u{1}",
                                     started: 1_796_000_000.25, seconds: 1.5, strikes: 1)
        #expect(try JSONDecoder().decode(MessageInHand.Record.self, from: Data(MessageInHand.json(r))) == r)
    }

    @Test func structureChangesMergeWhileTheyWait() {
        let q = WorkQueue()
        for n in 0..<1000 { q.pushStructure(maildir: 0, directory: "/M/.f\(n % 10)") }
        q.pushFresh([.structure(maildir: 1)])
        #expect(q.pending == 2)
        // Fresh work first, then one merged rescan of the ten directories named.
        #expect(q.take(timeout: 0) == .work(.structure(maildir: 1), fromBacklog: false))
        guard case .work(.directories(0, let dirs), _)? = q.take(timeout: 0) else { Issue.record("no merged item"); return }
        #expect(dirs.count == 10)
        #expect(q.take(timeout: 0) == nil)
        // Too many directories: one rescan of the whole Maildir.
        for n in 0..<(StructureLane.maxDirectories + 1) { q.pushStructure(maildir: 0, directory: "/M/.g\(n)") }
        #expect(q.take(timeout: 0) == .work(.structure(maildir: 0), fromBacklog: false))
    }

    @Test func aPartialScanFindsOnlyWhatIsBelowTheDirectory() throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let root = t.path + "/M"
        try Fixture.makeFolder(root)
        try Fixture.makeFolder(root + "/.A")
        try Fixture.makeFolder(root + "/Work/Projects")
        let scanner = MaildirScanner(root: root)
        #expect(try scanner.structure(below: root + "/.A").folders.map(\.sidecarName) == [".A"])
        #expect(try scanner.structure(below: root + "/Work").folders.map(\.sidecarName) == ["Work/Projects"])
        #expect(try scanner.structure(below: root + "/.A/cur").folders.isEmpty)
        #expect(throws: SystemError.self) { try scanner.structure(below: root + "/.Gone") }
    }
}
