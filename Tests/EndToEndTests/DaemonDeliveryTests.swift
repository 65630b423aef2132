import Foundation
import Testing

extension EndToEnd {
    @Suite("Daemon: deliveries, renames, deletions, new folders")
    struct DaemonDeliveryTests {
        @Test("delivered mail gets a sidecar with the tags `tagger tag` gives; the backlog is tagged too")
        func deliveryMatchesTag() async throws {
            let ws = try Workspace()
            let daemon = try await DaemonProcess(ws)
            let delivered = try (0..<5).map { try ws.deliverSample($0 * 7) }
            for d in delivered {
                #expect(await eventually(timeout: 60) { ws.sidecar(d.unique) != nil }, "no sidecar for \(d.unique)")
            }
            let result = try ws.tagger(["tag"] + delivered.map(\.path))
            let lines = try result.lines.map { try JSONDecoder().decode(TagLine.self, from: Data($0.utf8)) }
            #expect(lines.count == delivered.count)
            for (d, line) in zip(delivered, lines) {
                let s = try #require(ws.sidecar(d.unique))
                #expect(s.schema == 1)
                #expect(s.message.unique == d.unique)
                #expect(s.message.path.hasSuffix("new/" + d.unique), "\(s.message.path)")
                #expect(s.tags == line.tags, "\(d.unique)")
                #expect(s.abstained == line.abstained)
                for (label, score) in line.scores {
                    #expect(abs((s.scores[label] ?? -1) - score) < 0.001, "\(label) score")
                }
                let mode = try FileManager.default.attributesOfItem(atPath: ws.sidecarPath(unique: d.unique))[.posixPermissions] as? Int
                #expect(mode == 0o600)
            }
            // The 104 samples already in the Maildir (the backlog) all get theirs too.
            let backlog = SampleMail.all.count + delivered.count
            let all = await eventually(timeout: 60) {
                ["", ".Lists", ".Receipts"].map { ws.sidecarFiles(folder: $0).count }.reduce(0, +) >= backlog
            }
            #expect(all, "sidecars: \(["", ".Lists", ".Receipts"].map { ws.sidecarFiles(folder: $0).count })")

            // `tagger status --json` reports the running daemon, its model and what it did.
            let modelID = try #require(ws.sidecar(delivered[0].unique)).model.id
            var status: [String: Any] = [:]
            let reported = try await eventually(timeout: 60) {
                let r = try ws.tagger(["status", "--json"])
                status = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
                return (status["tagged"] as? Int ?? 0) >= backlog
            }
            #expect(reported, "status: \(status)")
            #expect(status["running"] as? Bool == true)
            #expect(status["pid"] as? Int == Int(daemon.pid))
            #expect(status["model_id"] as? String == modelID)
            #expect(daemon.terminate()?.status == 0, "no clean exit 0 after SIGTERM")
            let stopped = try ws.tagger(["status", "--json"])
            let after = try JSONSerialization.jsonObject(with: Data(stopped.stdout.utf8)) as? [String: Any]
            #expect(after?["running"] as? Bool == false, "\(stopped.stdout)")
        }

        @Test("a flag rename and the move to cur/ keep the sidecar: same content but message.path, no re-score")
        func renameKeepsSidecar() async throws {
            let ws = try Workspace(samples: false)
            let daemon = try await DaemonProcess(ws)
            let d = try ws.deliverSample(3)
            #expect(await eventually(timeout: 60) { ws.sidecar(d.unique) != nil })
            let before = try #require(ws.sidecar(d.unique))
            var current = d.path
            for name in [d.unique + ":2,", d.unique + ":2,S", d.unique + ":2,RS"] {
                let next = ws.maildir + "/cur/" + name
                #expect(rename(current, next) == 0)
                current = next
                let moved = await eventually(timeout: 60) { ws.sidecar(d.unique)?.message.path.hasSuffix("cur/" + name) == true }
                #expect(moved, "sidecar path not updated to \(name): \(ws.sidecar(d.unique)?.message.path ?? "none")")
                let after = try #require(ws.sidecar(d.unique))
                #expect(after.ignoringPath == before.ignoringPath, "re-scored or changed on rename to \(name)")
            }
            #expect(ws.sidecarFiles().count == 1)
            #expect(daemon.terminate()?.status == 0, "no clean exit 0 after SIGTERM")
        }

        @Test("a deleted message's sidecar is removed after the grace period")
        func deletionRemovesSidecar() async throws {
            let ws = try Workspace(samples: false)
            let daemon = try await DaemonProcess(ws, reconcile: "2s", grace: "1s")
            let keep = try ws.deliverSample(1)
            let gone = try ws.deliverSample(2)
            #expect(await eventually(timeout: 60) { ws.sidecar(keep.unique) != nil && ws.sidecar(gone.unique) != nil })
            #expect(unlink(gone.path) == 0)
            let removed = await eventually(timeout: 60) {
                !FileManager.default.fileExists(atPath: ws.sidecarPath(unique: gone.unique))
            }
            #expect(removed, "sidecar of a deleted message still there")
            #expect(ws.sidecar(keep.unique) != nil, "the other message's sidecar went too")
            #expect(daemon.terminate()?.status == 0, "no clean exit 0 after SIGTERM")
        }

        @Test("a Maildir++ folder created while running is watched and its mail tagged")
        func newFolderWatched() async throws {
            let ws = try Workspace(samples: false)
            // A long reconcile interval: only the watches can find the new folder in time.
            let daemon = try await DaemonProcess(ws, reconcile: "1h")
            let folder = ".NewFolder"
            try Workspace.makeFolder(ws.maildir + "/" + folder)
            _ = FileManager.default.createFile(atPath: ws.maildir + "/" + folder + "/maildirfolder", contents: Data())
            // Give the watcher a moment to add the new folder's watches, then deliver twice.
            let first = try ws.deliverSample(5, folder: folder)
            #expect(await eventually(timeout: 60) { ws.sidecar(first.unique, folder: folder) != nil },
                    "first message in a new folder not tagged")
            let second = try ws.deliverSample(6, folder: folder)
            #expect(await eventually(timeout: 60) { ws.sidecar(second.unique, folder: folder) != nil },
                    "later delivery to the new folder not tagged")
            #expect(ws.sidecar(second.unique, folder: folder)?.message.path.hasPrefix(folder + "/new/") == true,
                    "\(ws.sidecar(second.unique, folder: folder)?.message.path ?? "none")")
            #expect(daemon.terminate()?.status == 0, "no clean exit 0 after SIGTERM")
        }
    }
}
