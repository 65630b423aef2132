import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    @Suite("Daemon: signals, model reload, systemd notify")
    struct DaemonLifecycleTests {
        @Test("SIGTERM in the middle of a burst exits 0 within 5 s")
        func sigtermExitsCleanly() async throws {
            let ws = try Workspace(samples: false)
            let daemon = try await DaemonProcess(ws)
            for i in 0..<300 { try ws.deliverSample(i) }
            let stop = daemon.terminate(timeout: 5)
            let stopped = try #require(stop, "still running 5 s after SIGTERM")
            #expect(stopped.status == 0)
            #expect(stopped.seconds < 5)
            // Whatever it wrote before stopping is complete.
            for file in ws.sidecarFiles() { #expect(SidecarFile.read(file) != nil, "\(file)") }
        }

        @Test("a second daemon on the same state directory, or a missing Maildir, is refused at start (exit 1)")
        func secondDaemonAndMissingMaildirAreRefused() async throws {
            let ws = try Workspace(samples: false)
            let daemon = try await DaemonProcess(ws)
            #expect(await eventually(timeout: 30) { FileManager.default.fileExists(atPath: ws.state + "/status.json") })
            let second = try ws.tagger(["run", "--once"])
            #expect(second.status == 1, "\(second.stderr)")
            // Which process holds it, and what to do.
            #expect(second.stderr.contains("another `tagger run` (pid \(daemon.pid)) is using this state directory: stop it first"),
                    "\(second.stderr)")
            #expect(daemon.terminate()?.status == 0)
            // Once the first has stopped, the lock is free again.
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            let missing = try ws.tagger(["run", "--once", "--maildir", ws.root + "/no-such-maildir"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("no-such-maildir"), "\(missing.stderr)")
            // --once where no sidecar can be written (a file where the sidecar folder goes): the
            // failures are logged and the exit status says so, for scripts and timers.
            let broken = ws.root + "/broken-state"
            try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: broken + "/sidecars", contents: Data())
            _ = try ws.deliverSample(0)
            let failing = try ws.tagger(["run", "--once", "--maildir", ws.maildir, "--state-dir", broken,
                                         "--model", ws.modelPath], stateFlags: false)
            #expect(failing.status == 1, "\(failing.stderr)")
            #expect(failing.stderr.contains("error(s) while tagging"), "\(failing.stderr)")
        }

        @Test("SIGHUP reloads (RELOADING=1, READY=1); after the model file is replaced, new sidecars carry the new model id")
        func sighupReloadsModel() async throws {
            let ws = try Workspace(samples: false)
            let socket = try NotifySocket()
            let daemon = try await DaemonProcess(ws, env: ["NOTIFY_SOCKET": socket.path])
            // SIGHUP alone (same model file): a reload announced to systemd, then ready again.
            _ = await eventually(timeout: 60) { socket.drain().joined().contains("READY=1") }
            daemon.send(SIGHUP)
            var after: [String] = []
            let announced = await eventually(timeout: 60) {
                after += socket.drain().flatMap { $0.split(separator: "\n").map(String.init) }
                guard let r = after.firstIndex(of: "RELOADING=1") else { return false }
                return after[r...].contains("READY=1")
            }
            #expect(announced, "after SIGHUP: \(after)")
            #expect(await eventually(timeout: 10) { daemon.log.contains("model reloaded: ") && daemon.log.contains(", unchanged") },
                    "a reload of the same model says so: \(daemon.log)")

            let a = try ws.deliverSample(0)
            #expect(await eventually(timeout: 60) { ws.sidecar(a.unique) != nil })
            let oldID = try #require(ws.sidecar(a.unique)).model.id

            // Replace the model the way `tagger retrain` does: a new file renamed over the old.
            let staged = ws.state + "/model/staged.tgm"
            try FileManager.default.copyItem(atPath: try Models.path(Models.reseeded), toPath: staged)
            #expect(rename(staged, ws.modelPath) == 0)
            daemon.send(SIGHUP)

            // Deliver until a sidecar shows another model (the reload takes a moment), then check
            // that every later delivery has it.
            var newID: String?
            let reloaded = try await eventually(timeout: 60) {
                let d = try ws.deliverSample(1)
                guard waitForSidecar(ws, d.unique) else { return false }
                let id = ws.sidecar(d.unique)!.model.id
                if id != oldID { newID = id }
                return id != oldID
            }
            #expect(reloaded, "no sidecar with a new model id after SIGHUP")
            let b = try ws.deliverSample(2)
            #expect(await eventually(timeout: 60) { ws.sidecar(b.unique) != nil })
            #expect(ws.sidecar(b.unique)?.model.id == newID)
            #expect(daemon.process.isRunning)
            #expect(daemon.terminate()?.status == 0, "no clean exit 0 after SIGTERM")
        }

        @Test("NOTIFY_SOCKET receives READY=1 and WATCHDOG=1 (WATCHDOG_USEC=200000)")
        func systemdNotify() async throws {
            let ws = try Workspace(samples: false)
            let socket = try NotifySocket()
            var received: [String] = []
            let daemon = try await DaemonProcess(ws, env: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "200000"])
            let got = await eventually(timeout: 60) {
                received += socket.drain()
                let lines = received.flatMap { $0.split(separator: "\n").map(String.init) }
                return lines.contains("READY=1") && lines.filter { $0 == "WATCHDOG=1" }.count >= 3
            }
            #expect(got, "datagrams: \(received)")
            #expect(received.joined(separator: "\n").contains("STATUS="))
            // READY=1 comes before any watchdog ping.
            let lines = received.flatMap { $0.split(separator: "\n").map(String.init) }
            if let ready = lines.firstIndex(of: "READY=1"), let dog = lines.firstIndex(of: "WATCHDOG=1") {
                #expect(ready < dog)
            }
            #expect(daemon.terminate()?.status == 0, "no clean exit 0 after SIGTERM")
        }
    }
}

/// Waits up to 2 s for the sidecar of `unique` (a synchronous poll for use inside `eventually`).
func waitForSidecar(_ ws: Workspace, _ unique: String, folder: String = "") -> Bool {
    let deadline = Date(timeIntervalSinceNow: 2)
    while Date() < deadline {
        if ws.sidecar(unique, folder: folder) != nil { return true }
        usleep(20_000)
    }
    return false
}
