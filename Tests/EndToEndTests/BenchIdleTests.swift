import Foundation
import Testing

extension EndToEnd {
    @Suite("bench idle")
    struct BenchIdleTests {
        @Test("bench idle: a short window on a few messages gives sane figures; a missing daemon binary is an error before any work")
        func shortIdleRun() throws {
            let ws = try Workspace(samples: false)
            let r = try ws.tagger(["bench", "idle", Binary.samples + "/Maildir", "--model", ws.modelPath,
                                   "--count", "20", "--seconds", "2", "--json"], stateFlags: false)
            #expect(r.status == 0, "\(r.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
            let runs = try #require(report["runs"] as? [[String: Any]])
            #expect(runs.count == 1)
            let result = try #require(runs.first?["result"] as? [String: Any])
            #expect((result["messages"] as? Int) == 20)
            let window = try #require(result["window_s"] as? Double)
            #expect(window >= 1.9 && window < 10, "window \(window) s")
            // Starting and tagging 20 messages costs CPU; the idle window costs some or none.
            let total = try #require(result["total_cpu_ms"] as? Double)
            let idle = try #require(result["cpu_ms"] as? Double)
            #expect(total > 0 && idle >= 0 && idle <= total, "total \(total) ms, idle \(idle) ms")
            #expect((result["state_writes"] as? Int).map { $0 >= 0 } == true)
            #expect(result["notmuch_spawns"] == nil, "no notmuch, no spawn count")
            let summary = try #require(report["summary"] as? [[String: Any]])
            #expect(summary.count == 1 && (summary[0]["binary"] as? String) == "A" && (summary[0]["runs"] as? Int) == 1)

            let missing = try ws.tagger(["bench", "idle", Binary.samples + "/Maildir", "--model", ws.modelPath,
                                         "--baseline", ws.root + "/no-such-tagger"], stateFlags: false)
            #expect(missing.status != 0 && missing.stderr.contains("no-such-tagger"), "\(missing.status) \(missing.stderr)")
            #expect(missing.stdout.isEmpty, "\(missing.stdout)")
        }

        @Test("bench idle stopped by SIGTERM (or ^C) kills its daemon and removes its workspace")
        func signalStopsTheDaemonToo() async throws {
            let ws = try Workspace(samples: false)
            let bench = Process()
            bench.executableURL = URL(fileURLWithPath: try #require(Binary.path))
            bench.arguments = ["bench", "idle", Binary.samples + "/Maildir", "--model", ws.modelPath,
                               "--count", "5", "--seconds", "600"]
            var env = ProcessInfo.processInfo.environment
            env["HOME"] = ws.root
            bench.environment = env
            bench.standardOutput = FileHandle.nullDevice
            bench.standardError = FileHandle.nullDevice
            try bench.run()
            let pid = bench.processIdentifier
            defer { if bench.isRunning { kill(pid, SIGKILL) } }
            let space = NSTemporaryDirectory() + "tagger-idle-bench-\(pid)"
            // Children of any of its threads (the one that spawned the daemon is not the main one).
            func children() -> [Int32] {
                let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
                return tasks.flatMap { t in
                    Command.read("/proc/\(pid)/task/\(t)/children").split(separator: " ")
                        .compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                }
            }
            // The daemon started and has tagged its five messages (the bench waits for quiet).
            #expect(await eventually(timeout: 120) { !children().isEmpty && FileManager.default.fileExists(atPath: space + "/state/sidecars") })
            let daemons = children()
            #expect(!daemons.isEmpty)
            kill(pid, SIGTERM)
            #expect(await eventually(timeout: 60) { !bench.isRunning })
            #expect(bench.terminationStatus != 0)
            for d in daemons {
                let gone = await eventually(timeout: 30) { kill(d, 0) != 0 || Command.read("/proc/\(d)/stat").contains(") Z ") }
                if !gone { kill(d, SIGKILL) }
                #expect(gone, "daemon \(d) left running after the bench was stopped")
            }
            let removed = await eventually(timeout: 30) { !FileManager.default.fileExists(atPath: space) }
            if !removed { try? FileManager.default.removeItem(atPath: space) }
            #expect(removed, "\(space) left behind")
        }

        @Test("bench idle: an infinite or huge --seconds is a usage error, not a crash after the daemon started")
        func windowLengthIsChecked() throws {
            let ws = try Workspace(samples: false)
            for seconds in ["inf", "1e300", "nan", "0"] {
                let r = try ws.tagger(["bench", "idle", Binary.samples + "/Maildir", "--model", ws.modelPath,
                                       "--count", "5", "--seconds", seconds], stateFlags: false, timeout: 60)
                #expect(r.status == 64 && r.stderr.contains("--seconds"), "--seconds \(seconds): \(r.status) \(r.stderr)")
            }
        }
    }
}
