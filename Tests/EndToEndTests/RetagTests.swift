import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    @Suite("Retag: a model change reaches every sidecar; SIGHUP re-reads the config")
    struct RetagTests {
        /// Every sidecar of the workspace (all folders), by path.
        static func sidecars(_ ws: Workspace) -> [String: SidecarFile] {
            var out: [String: SidecarFile] = [:]
            let root = ws.state + "/sidecars"
            guard let walker = FileManager.default.enumerator(atPath: root) else { return [:] }
            for case let rel as String in walker where rel.hasSuffix(".json") && !(rel as NSString).lastPathComponent.hasPrefix(".") {
                if let s = SidecarFile.read(root + "/" + rel) { out[rel] = s }
            }
            return out
        }

        /// The sidecars' model ids, counted.
        static func modelCounts(_ ws: Workspace) -> [String: Int] {
            sidecars(ws).values.reduce(into: [:]) { $0[$1.model.id, default: 0] += 1 }
        }

        /// Replaces the live model the way `tagger retrain` does (a new file renamed over it).
        static func swapModel(_ ws: Workspace, to variant: Models.Variant) throws {
            let staged = ws.state + "/model/staged.tgm"
            try? FileManager.default.removeItem(atPath: staged)
            try FileManager.default.copyItem(atPath: try Models.path(variant), toPath: staged)
            #expect(rename(staged, ws.modelPath) == 0)
        }

        /// The status file's `retag` object (nil when absent).
        static func retagStatus(_ ws: Workspace) -> [String: Any]? {
            guard let data = FileManager.default.contents(atPath: ws.state + "/status.json"),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return object["retag"] as? [String: Any]
        }

        /// The id of the model in `variant`'s file, read from a sidecar of `tagger tag`.
        static func modelID(_ ws: Workspace, _ variant: Models.Variant) throws -> String {
            let s = try ws.tagger(["status", "--json", "--model", try Models.path(variant)])
            let object = try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any]
            return try #require((object?["model"] as? [String: Any])?["id"] as? String)
        }

        @Test("after a retrain swaps the model, every sidecar carries the new model id; corrections kept; status shows the job")
        func swapRetagsEverySidecar() async throws {
            let ws = try Workspace()
            let daemon = try await DaemonProcess(ws)
            let count = SampleMail.all.count
            #expect(await eventually(timeout: 120) { Self.sidecars(ws).count == count }, "not every sample tagged")
            let oldID = try #require(Self.modelCounts(ws).keys.first)
            // A correction on one message, by path.
            let corrected = SampleMail.all[3]
            let copy = ws.maildir + "/" + corrected.relative
            #expect(try ws.tagger(["label", copy, "+retagcheck"]).status == 0)
            let newID = try Self.modelID(ws, Models.reseeded)
            #expect(newID != oldID)
            try Self.swapModel(ws, to: Models.reseeded)
            #expect(await eventually(timeout: 120) { Self.modelCounts(ws) == [newID: count] },
                    "model ids: \(Self.modelCounts(ws))")
            let unique = (copy as NSString).lastPathComponent.components(separatedBy: ":")[0]
            let mine = try #require(Self.sidecars(ws).values.first { $0.message.unique == unique })
            #expect(mine.user?.add == ["retagcheck"])
            #expect(mine.tags.contains("retagcheck"))
            #expect(await eventually(timeout: 60) { Self.retagStatus(ws)?["state"] as? String == "done" })
            let r = try #require(Self.retagStatus(ws))
            #expect(r["model_id"] as? String == newID)
            #expect(r["done"] as? Int == count && r["total"] as? Int == count, "\(r)")
            #expect(r["started_at"] is String && r["rate"] is Double)
            let status = try ws.tagger(["status"])
            #expect(status.stdout.contains("retag to model \(newID): done, \(count) of \(count)"), "\(status.stdout)")
            // Back to the first model (as a rollback does): a model change too.
            try Self.swapModel(ws, to: Models.standard)
            #expect(await eventually(timeout: 120) { Self.modelCounts(ws) == [oldID: count] },
                    "back to the first model: \(Self.modelCounts(ws))")
            #expect(daemon.terminate()?.status == 0)
        }

        @Test("a daemon started with another model than the sidecars carry retags them")
        func startWithAnotherModel() async throws {
            let ws = try Workspace()
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            let count = SampleMail.all.count
            let oldID = try #require(Self.modelCounts(ws).keys.first)
            #expect(Self.modelCounts(ws) == [oldID: count])
            try Self.swapModel(ws, to: Models.reseeded)
            let daemon = try await DaemonProcess(ws)
            #expect(await eventually(timeout: 120) { Self.modelCounts(ws)[oldID] == nil }, "\(Self.modelCounts(ws))")
            #expect(Self.modelCounts(ws).values.reduce(0, +) == count)
            #expect(daemon.log.contains("retag: \(count) message(s) to rescore"), "\(daemon.log)")
            #expect(daemon.terminate()?.status == 0)
        }

        @Test("tagger retag without a daemon rescores in-process; a second run rewrites nothing")
        func retagWithoutDaemon() throws {
            let ws = try Workspace()
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            let count = SampleMail.all.count
            let corrected = SampleMail.all[5]
            #expect(try ws.tagger(["label", ws.maildir + "/" + corrected.relative, "+retagcheck"]).status == 0)
            try Self.swapModel(ws, to: Models.reseeded)
            let r = try ws.tagger(["retag"])
            #expect(r.status == 0, "\(r.stderr)")
            let ids = Self.modelCounts(ws)
            #expect(ids.count == 1 && ids.values.first == count, "\(ids)")
            #expect(r.stdout.contains("done, \(count) of \(count)"), "\(r.stdout)")
            let unique = (corrected.relative as NSString).lastPathComponent.components(separatedBy: ":")[0]
            #expect(Self.sidecars(ws).values.first { $0.message.unique == unique }?.user?.add == ["retagcheck"])
            // Nothing of another model is left: nothing to do. With --all every sidecar is
            // rescored, and none is rewritten (same model, same content: not even tagged_at).
            let before = Self.sidecars(ws)
            let again = try ws.tagger(["retag"])
            #expect(again.status == 0 && again.stdout.contains("0 of 0"), "\(again.stdout) \(again.stderr)")
            let all = try ws.tagger(["retag", "--all"])
            #expect(all.status == 0 && all.stdout.contains("done, \(count) of \(count) (100%), 0 rewritten"), "\(all.stdout) \(all.stderr)")
            #expect(Self.sidecars(ws) == before)
            // Without a model: exit 1, one line.
            try FileManager.default.removeItem(atPath: ws.modelPath)
            let none = try ws.tagger(["retag"])
            #expect(none.status == 1 && none.stderr.contains("no model"), "\(none.stderr)")
        }

        @Test("tagger retag asks a running daemon (retag_on_reload = false: nothing happens without it)")
        func retagWithDaemon() async throws {
            let ws = try Workspace()
            let daemon = try await DaemonProcess(ws, extra: ["--retag-on-reload", "false"])
            let count = SampleMail.all.count
            #expect(await eventually(timeout: 120) { Self.sidecars(ws).count == count })
            let oldID = try #require(Self.modelCounts(ws).keys.first)
            try Self.swapModel(ws, to: Models.reseeded)
            // New mail gets the new model; the old sidecars stay as they are.
            var newID: String?
            #expect(try await eventually(timeout: 60) {
                let d = try ws.deliverSample(0)
                guard waitForSidecar(ws, d.unique), let id = ws.sidecar(d.unique)?.model.id, id != oldID else { return false }
                newID = id
                return true
            })
            try await Task.sleep(for: .seconds(1))
            #expect(Self.modelCounts(ws)[oldID] == count, "\(Self.modelCounts(ws))")
            let r = try ws.tagger(["retag"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("took the request"), "\(r.stderr)")
            #expect(Self.modelCounts(ws)[oldID] == nil, "\(Self.modelCounts(ws))")
            #expect(Self.modelCounts(ws)[try #require(newID)] ?? 0 >= count)
            #expect(daemon.log.contains("tagger retag, request"), "\(daemon.log)")
            #expect(daemon.terminate()?.status == 0)
        }

        @Test("new mail delivered during a retag gets its sidecar promptly")
        func newMailDuringRetag() async throws {
            let ws = try Workspace(samples: false)
            // A Maildir large enough for the retag to take a while.
            let n = 1_500
            for i in 0..<n {
                let unique = "\(1_700_000_000 + i).M\(i)P1.bulk"
                try SampleMail.bytes[i % SampleMail.bytes.count].write(to: URL(fileURLWithPath: ws.maildir + "/cur/" + unique + ":2,S"))
            }
            #expect(try ws.tagger(["run", "--once"], timeout: 600).status == 0)
            let oldID = try #require(Self.modelCounts(ws).keys.first)
            _ = try Models.path(Models.reseeded)   // trained now, not while the retag runs
            let daemon = try await DaemonProcess(ws)
            // From the model swap to the last delivery this test waits on its own thread (no
            // await): an await may resume seconds late while other suites keep the test pool busy,
            // long enough for the retag to end before any delivery.
            try Self.swapModel(ws, to: Models.reseeded)
            #expect(waitHere(timeout: 60) { Self.retagStatus(ws)?["state"] as? String == "running" }, "\(daemon.log)")
            // Per delivery: the seconds until its sidecar, and whether the retag was still running then.
            var deliveries: [(seconds: Double, duringRetag: Bool)] = []
            for i in 0..<5 {
                guard Self.retagStatus(ws)?["state"] as? String == "running" else { break }
                let t = Date()
                let d = try ws.deliverSample(i)
                var duringRetag = false
                #expect(waitHere(timeout: 60) {
                    guard ws.sidecar(d.unique) != nil else { return false }
                    duringRetag = Self.retagStatus(ws)?["state"] as? String == "running"
                    return true
                })
                deliveries.append((Date().timeIntervalSince(t), duringRetag))
                #expect(ws.sidecar(d.unique)?.model.id != oldID)
                usleep(100_000)
            }
            #expect(!deliveries.isEmpty, "the retag ended before any delivery")
            // Promptly: within 2 s, or at least before the retag ended (a loaded machine slows both;
            // mail queued behind the retag would wait for its end).
            #expect(deliveries.allSatisfy { $0.seconds < 2 || $0.duringRetag }, "deliveries during the retag: \(deliveries)")
            #expect(await eventually(timeout: 300) { Self.modelCounts(ws)[oldID] == nil })
            #expect(daemon.terminate()?.status == 0)
        }

        @Test("SIGHUP re-reads the config: a broken one is kept out with an error, a changed one applies")
        func sighupReloadsConfig() async throws {
            let ws = try Workspace()
            let config = ws.root + "/config.toml"
            try "retag_on_reload = false\n".write(toFile: config, atomically: true, encoding: .utf8)
            let daemon = try await DaemonProcess(ws, extra: ["--config", config])
            let count = SampleMail.all.count
            #expect(await eventually(timeout: 120) { Self.sidecars(ws).count == count })
            let oldID = try #require(Self.modelCounts(ws).keys.first)

            try "retag_on_reload = \"maybe\"\n".write(toFile: config, atomically: true, encoding: .utf8)
            daemon.send(SIGHUP)
            #expect(await eventually(timeout: 60) { daemon.log.contains("config not reloaded, keeping the settings in use") },
                    "\(daemon.log)")
            #expect(daemon.log.contains("retag_on_reload"))
            #expect(daemon.process.isRunning)
            // Configs on which the TOML library tagger used before its own aborted the process
            // (found by fuzzing): an error like any other, and the daemon lives on.
            for (text, error) in [("maildirs = [ 1989-05-2[ 2\n", "line 1: a date is written YYYY-MM-DD"),
                                  ("retag_on_reload = 1979-05-27 7\n", "line 1: expected the end of the line, found '7'")] {
                try text.write(toFile: config, atomically: true, encoding: .utf8)
                daemon.send(SIGHUP)
                #expect(await eventually(timeout: 60) { daemon.log.contains(error) }, "\(daemon.log)")
                #expect(daemon.process.isRunning)
            }
            // The old settings stay: a new model leaves the old sidecars alone.
            try Self.swapModel(ws, to: Models.reseeded)
            #expect(await eventually(timeout: 60) { daemon.log.contains("model reloaded") })
            try await Task.sleep(for: .seconds(1))
            #expect(Self.modelCounts(ws)[oldID] == count, "\(Self.modelCounts(ws))")

            // A config that reads: applied at the next SIGHUP, and the retag follows.
            try "retag_on_reload = true\nreconcile_interval = \"5m\"\n".write(toFile: config, atomically: true, encoding: .utf8)
            daemon.send(SIGHUP)
            #expect(await eventually(timeout: 60) { daemon.log.contains("retag_on_reload, ") || daemon.log.contains("retag_on_reload changed") },
                    "\(daemon.log)")
            #expect(await eventually(timeout: 120) { Self.modelCounts(ws)[oldID] == nil }, "\(Self.modelCounts(ws))")
            let d = try ws.deliverSample(1)
            #expect(await eventually(timeout: 60) { ws.sidecar(d.unique) != nil })
            #expect(daemon.terminate()?.status == 0)
        }
    }
}
