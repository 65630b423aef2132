import Foundation
import Testing
import TaggerLock
@testable import TaggerDaemon
@testable import TaggerState
@testable import TaggerSystem

/// A daemon running in-process plus the handles a test needs.
struct RunningDaemon<Loader> {
    let daemon: Daemon
    let triggers: AsyncStream<DaemonTrigger>.Continuation
    let task: Task<Void, any Error>
    let loader: Loader
    let logs: LogCapture

    func stop() async throws {
        triggers.yield(.stop)
        triggers.finish()
        try await task.value
    }
}

/// Drives the daemon through its `run(triggers:)` seam on a temporary Maildir with a fake scorer.
@Suite(.serialized) struct DaemonLoopTests {
    typealias Running = RunningDaemon<FakeLoader>

    let t: TempDir
    let root: String
    let state: String

    init() throws {
        t = try TempDir()
        root = t.path + "/Maildir"
        state = t.path + "/state"
        try Fixture.makeFolder(root)
        try FakeLoader.writeModel(state, id: "model-1")
    }

    func start(grace: Double = 0, retag: Bool = false, pace: Double = 0,
               retagIdleTimeout: Duration = RetagService.idleTimeout,
               statusIdleTimeout: Double = StatusService.idleSafety) -> Running {
        let loader = FakeLoader(pace: pace)
        let logs = LogCapture()
        let daemon = Daemon(config: Fixture.config(maildir: root, state: state, grace: grace, retag: retag),
                            loader: loader, logger: logs.logger(), notifier: SystemdNotifier(environment: [:]))
        let (stream, cont) = AsyncStream<DaemonTrigger>.makeStream()
        let task = Task { try await daemon.run(triggers: stream, retagIdleTimeout: retagIdleTimeout,
                                               statusIdleTimeout: statusIdleTimeout) }
        return Running(daemon: daemon, triggers: cont, task: task, loader: loader, logs: logs)
    }

    func sidecar(_ unique: String, in folder: String = "INBOX") -> String {
        state + "/sidecars/Maildir/\(folder)/\(unique).json"
    }

    func read(_ path: String) throws -> Sidecar {
        try JSONDecoder().decode(Sidecar.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func backlogAndNewMailGetSidecars() async throws {
        defer { t.cleanup() }
        try Fixture.deliver(root, unique: "100.old.h", body: "an invoice from before")
        let d = start()
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("100.old.h")) })
        try Fixture.deliver(root, unique: "200.new.h", body: "hello")
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("200.new.h")) })
        try await d.stop()
        let old = try read(sidecar("100.old.h"))
        #expect(old.tags == ["finance"])
        #expect(old.message.path == "INBOX/new/100.old.h")
        #expect(old.message.messageID == "<100.old.h@test>")
        #expect(old.model.id == "model-1")
        #expect(try read(sidecar("200.new.h")).tags == [])
        let status = try #require(try DaemonStatus.read(stateDirectory: state))
        #expect(status.tagged == 2)
        #expect(status.state == "stopped")
    }

    @Test func burstOfTwoThousandMissesNothing() async throws {
        defer { t.cleanup() }
        let d = start()
        #expect(await Fixture.waitUntil { d.daemon.status != nil })
        for i in 0..<2000 { try Fixture.deliver(root, unique: "\(1000 + i).burst.h", body: "m \(i)") }
        let dir = state + "/sidecars/Maildir/INBOX"
        let all = await Fixture.waitUntil {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir))?.filter { $0.hasSuffix(".json") }.count ?? 0) == 2000
        }
        #expect(all)
        #expect(d.daemon.status?.tagged == 2000)
        try await d.stop()
    }

    @Test func flagRenameAndNewToCurMoveUpdatePathWithoutRescoring() async throws {
        defer { t.cleanup() }
        let d = start()
        let file = try Fixture.deliver(root, unique: "300.flag.h", body: "x")
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("300.flag.h")) })
        let calls = d.loader.lastScorer.withLock { $0!.calls.withLock { $0 } }
        #expect(rename(file, root + "/cur/300.flag.h:2,S") == 0)
        #expect(await Fixture.waitUntil { (try? read(sidecar("300.flag.h")).message.path) == "INBOX/cur/300.flag.h:2,S" })
        #expect(rename(root + "/cur/300.flag.h:2,S", root + "/cur/300.flag.h:2,RS") == 0)
        #expect(await Fixture.waitUntil { (try? read(sidecar("300.flag.h")).message.path) == "INBOX/cur/300.flag.h:2,RS" })
        #expect(d.loader.lastScorer.withLock { $0!.calls.withLock { $0 } } == calls)
        try await d.stop()
    }

    @Test func folderCreatedLaterIsWatched() async throws {
        defer { t.cleanup() }
        let d = start()
        #expect(await Fixture.waitUntil { d.daemon.status != nil })
        try await Task.sleep(for: .milliseconds(100))
        // Created the way Dovecot/mbsync do: the folder dir first, then its subdirectories.
        let sub = root + "/.Lists.swift"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
        try Fixture.makeFolder(sub)
        try Fixture.deliver(sub, unique: "400.early.h", body: "delivered before the watch may exist")
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("400.early.h", in: ".Lists.swift")) })
        try await Task.sleep(for: .milliseconds(100))
        try Fixture.deliver(sub, unique: "401.late.h", body: "after")
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("401.late.h", in: ".Lists.swift")) })
        try await d.stop()
    }

    @Test func folderFilledBetweenItsScanAndItsWatchIsStillTagged() async throws {
        // Forces the race `folderCreatedLaterIsWatched` can only hope for: the new folder's
        // directory is scanned while still empty, and its cur/, new/ and a message appear just
        // before its watch exists, so no event will ever tell of them. The daemon looks again
        // after adding watches; without that the message waited for the next reconcile (15 min).
        defer { t.cleanup() }
        let folder = root + "/.Race"
        let filled = Locked(false)
        let hook: @Sendable (String) -> Void = { path in
            guard path == folder, filled.withLock({ done in defer { done = true }; return !done }) else { return }
            try? Fixture.makeFolder(folder)
            _ = try? Fixture.deliver(folder, unique: "700.race.h", body: "delivered between scan and watch")
        }
        let loader = FakeLoader(pace: 0)
        let logs = LogCapture()
        let daemon = Daemon(config: Fixture.config(maildir: root, state: state, grace: 0, retag: false),
                            loader: loader, logger: logs.logger(), notifier: SystemdNotifier(environment: [:]))
        let (stream, cont) = AsyncStream<DaemonTrigger>.makeStream()
        let task = Task { try await daemon.run(triggers: stream, beforeWatch: hook) }
        let d = Running(daemon: daemon, triggers: cont, task: task, loader: loader, logs: logs)
        #expect(await Fixture.waitUntil { d.daemon.status != nil })
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        #expect(await Fixture.waitUntil(timeout: 60) { Fixture.exists(sidecar("700.race.h", in: ".Race")) }, "\(logs.all.joined(separator: "\n"))")
        #expect(filled.withLock { $0 })
        try await d.stop()
    }

    @Test func reconcileTriggerCatchesWhatEventsMissed() async throws {
        defer { t.cleanup() }
        try Fixture.deliver(root, unique: "500.a.h", body: "x")
        let d = start()
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("500.a.h")) })
        // Lose the sidecar behind the daemon's back: a reconcile (as after IN_Q_OVERFLOW) writes it again.
        try FileManager.default.removeItem(atPath: sidecar("500.a.h"))
        d.triggers.yield(.reconcile)
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("500.a.h")) }, "a reconcile rewrites a lost sidecar")
        try await d.stop()
        try FileManager.default.removeItem(atPath: sidecar("500.a.h"))
        let d2 = start()
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("500.a.h")) }, "a restart catches up")
        try await d2.stop()
    }

    /// Sets a folder's modification time (as if its last change were long ago).
    func age(_ dir: String, _ date: Date) {
        var times = [timespec(tv_sec: Int(date.timeIntervalSince1970), tv_nsec: 0),
                     timespec(tv_sec: Int(date.timeIntervalSince1970), tv_nsec: 0)]
        _ = utimensat(AT_FDCWD, dir, &times, 0)
    }

    /// The catalog remembers folder modification times: a reconcile does not list a folder
    /// that has not changed since every message in it was catalogued; a changed one (mail
    /// delivered while the daemon was down) is listed, and so is one whose sidecar was lost.
    @Test func unchangedFoldersAreNotListedAgain() async throws {
        defer { t.cleanup() }
        try Fixture.deliver(root, unique: "700.a.h", body: "x")
        let hourAgo = Date(timeIntervalSinceNow: -3600)
        for sub in ["new", "cur"] { age(root + "/" + sub, hourAgo) }
        let d = start()
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("700.a.h")) })
        func skips() -> Int { d.logs.all.filter { $0.contains("unchanged folder(s) not listed") }.count }
        func reconciles() -> Int { d.logs.all.filter { $0.contains("reconcile:") }.count }
        // The first reconcile after tagging finds everything catalogued and notes the times;
        // the next one skips the folder.
        var tries = 0
        while skips() == 0 && tries < 20 {
            let n = reconciles()
            d.triggers.yield(.reconcile)
            #expect(await Fixture.waitUntil { reconciles() > n })
            tries += 1
        }
        #expect(skips() > 0, "an unchanged folder is not listed")
        // A lost sidecar makes its folder listed again.
        try FileManager.default.removeItem(atPath: sidecar("700.a.h"))
        d.triggers.yield(.reconcile)
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("700.a.h")) }, "a lost sidecar is rewritten")
        try await d.stop()

        // Mail delivered while the daemon is down changes the folder: listed at the next start.
        try Fixture.deliver(root, unique: "701.b.h", body: "an invoice")
        age(root + "/new", hourAgo.addingTimeInterval(60))
        let d2 = start()
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("701.b.h")) }, "a changed folder is listed")
        try await d2.stop()
        #expect(try read(sidecar("701.b.h")).tags == ["finance"])
    }

    /// A full disk (ENOSPC) or a failing one (EIO) while the daemon writes sidecars: the error is
    /// logged and counted, the loop goes on, and the next reconcile writes what was missed.
    @Test(arguments: [(ENOSPC, "write"), (EIO, "fsync")])
    func sidecarWriteFailuresAreCountedAndRetriedAtTheNextReconcile(code: Int32, operation: String) async throws {
        defer { t.cleanup() }
        let d = start()
        #expect(await Fixture.waitUntil { d.daemon.status != nil })
        let token = Syscall.inject(.init(operation: operation, pathContains: state + "/sidecars/", code: code))
        try Fixture.deliver(root, unique: "600.full.h", body: "an invoice")
        #expect(await Fixture.waitUntil { (d.daemon.status?.errors ?? 0) > 0 }, "the failure is counted")
        #expect(Syscall.remove(token) > 0)
        #expect(!Fixture.exists(sidecar("600.full.h")))
        #expect(d.logs.all.contains { $0.contains("600.full.h") && $0.contains(String(cString: strerror(code))) })
        try Fixture.deliver(root, unique: "601.after.h", body: "the loop goes on")
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("601.after.h")) })
        d.triggers.yield(.reconcile)
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("600.full.h")) }, "retried at the next reconcile")
        try await d.stop()
        #expect(try read(sidecar("600.full.h")).tags == ["finance"])
    }

    @Test func deletedMessagesLoseTheirSidecarAfterTheGracePeriod() async throws {
        defer { t.cleanup() }
        let file = try Fixture.deliver(root, unique: "600.del.h", body: "x")
        let grace = 0.5
        let d = start(grace: grace)
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("600.del.h")) })
        func reconciles() -> Int { d.logs.all.filter { $0.contains("reconcile:") }.count }
        let n = reconciles()
        try FileManager.default.removeItem(atPath: file)
        let removed = Date()
        d.triggers.yield(.reconcile)
        // A reconcile has seen the deletion (waited for, not assumed after a pause); the sidecar
        // stays unless the grace period is over by now (on a machine too loaded to tell).
        #expect(await Fixture.waitUntil { reconciles() > n })
        #expect(Fixture.exists(sidecar("600.del.h")) || Date().timeIntervalSince(removed) >= grace, "removed within the grace period")
        try await Task.sleep(for: .seconds(max(0, grace + 0.1 - Date().timeIntervalSince(removed))))
        d.triggers.yield(.reconcile)
        #expect(await Fixture.waitUntil { !Fixture.exists(sidecar("600.del.h")) })
        try await d.stop()
    }

    @Test func unreadableMessageGetsAnErrorSidecarAndTheLoopGoesOn() async throws {
        defer { t.cleanup() }
        try Fixture.deliver(root, unique: "700.bad.h", body: "GARBAGE")
        try Fixture.deliver(root, unique: "701.good.h", body: "invoice")
        let d = start()
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("700.bad.h")) && Fixture.exists(sidecar("701.good.h")) })
        #expect(try read(sidecar("700.bad.h")).error == "unparseable message")
        #expect(try read(sidecar("701.good.h")).error == nil)
        #expect(d.daemon.status?.errors == 1)
        try await d.stop()
    }

    @Test func reloadSwapsModelKeepsOldOnBrokenFileAndRetagsKeepingUser() async throws {
        defer { t.cleanup() }
        try Fixture.deliver(root, unique: "800.r.h", body: "invoice")
        let d = start(retag: true)
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("800.r.h")) })
        // The user's correction, made by editing the sidecar.
        var s = try read(sidecar("800.r.h"))
        s.user = .init(add: ["important"], remove: ["finance"])
        try Data(try SidecarStore.encode(s)).write(to: URL(fileURLWithPath: sidecar("800.r.h")))

        try FakeLoader.writeModel(state, id: "broken")
        d.triggers.yield(.reload)
        #expect(await Fixture.waitUntil { d.logs.all.contains { $0.contains("cannot load model") } })
        #expect(d.daemon.status?.modelID == "model-1")

        try FakeLoader.writeModel(state, id: "model-2")
        #expect(await Fixture.waitUntil { (try? read(sidecar("800.r.h")).model.id) == "model-2" })
        let after = try read(sidecar("800.r.h"))
        #expect(after.user == .init(add: ["important"], remove: ["finance"]))
        #expect(after.tags == ["important"])
        #expect(d.daemon.status?.modelID == "model-2")
        try await d.stop()
    }

    @Test func withoutAModelTheDaemonWaitsAndTagsOnceOneAppears() async throws {
        defer { t.cleanup() }
        try FileManager.default.removeItem(atPath: state + "/model/current.tgm")
        try Fixture.deliver(root, unique: "700.w.h", body: "x")
        let d = start()
        #expect(await Fixture.waitUntil { d.logs.all.contains { $0.contains("no model yet") } })
        try await Task.sleep(for: .milliseconds(300))
        #expect(!FileManager.default.fileExists(atPath: sidecar("700.w.h")))
        try FakeLoader.writeModel(state, id: "model-late")
        #expect(await Fixture.waitUntil { (try? read(sidecar("700.w.h")).model.id) == "model-late" })
        try await d.stop()
    }

    @Test func aCorruptModelAtStartIsAClearError() async throws {
        defer { t.cleanup() }
        try FakeLoader.writeModel(state, id: "broken")
        let d = start()
        await #expect(throws: DaemonStartError.self) { try await d.task.value }
    }
}

extension DaemonLoopTests {
    @Test func stopFinishesTheMessageInHandAndReturnsQuickly() async throws {
        defer { t.cleanup() }
        // 400 messages of 200 ms each: a backlog of 80 s. A stop finishes the message in hand
        // (0.2 s); one that worked off the backlog would take 80 s and fail the bound below. The
        // bound is that wide because the stop goes through the test pool, which the suites running
        // beside this one can keep busy for many seconds.
        for i in 0..<400 { try Fixture.deliver(root, unique: "\(9000 + i).s.h", body: "x") }
        let d = start(pace: 0.2)
        #expect(await Fixture.waitUntil { (d.daemon.status?.tagged ?? 0) > 0 })
        let started = Date()
        try await d.stop()
        #expect(Date().timeIntervalSince(started) < 60)
        let status = try #require(try DaemonStatus.read(stateDirectory: state))
        #expect(status.state == "stopped")
        #expect(status.tagged < 400, "stopped before working off the whole backlog")
        // Every sidecar on disk is complete JSON (no partial files), and no temporaries are left.
        let dir = state + "/sidecars/Maildir/INBOX"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(names.allSatisfy { $0.hasSuffix(".json") && !$0.hasPrefix(".") })
        for n in names { _ = try read(dir + "/" + n) }
    }
}

extension DaemonLoopTests {
    @Test func messageMovedToAnotherFolderKeepsTheUsersCorrections() async throws {
        defer { t.cleanup() }
        try Fixture.makeFolder(root + "/.Archive")
        let file = try Fixture.deliver(root, unique: "950.mv.h", body: "invoice")
        let d = start(grace: 0)
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("950.mv.h")) })
        var s = try read(sidecar("950.mv.h"))
        s.user = .init(add: ["important"], remove: [])
        try Data(try SidecarStore.encode(s)).write(to: URL(fileURLWithPath: sidecar("950.mv.h")))
        #expect(rename(file, root + "/.Archive/cur/950.mv.h:2,S") == 0)
        #expect(await Fixture.waitUntil { Fixture.exists(sidecar("950.mv.h", in: ".Archive")) })
        let moved = try read(sidecar("950.mv.h", in: ".Archive"))
        #expect(moved.user.add == ["important"])
        #expect(moved.tags == ["finance", "important"])
        d.triggers.yield(.reconcile)
        #expect(await Fixture.waitUntil { !Fixture.exists(sidecar("950.mv.h")) }, "old folder's sidecar expires")
        try await d.stop()
    }
}
