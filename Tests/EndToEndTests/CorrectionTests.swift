import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    @Suite("Corrections: durable, and kept through renames, re-tags and lost sidecars")
    struct CorrectionTests {
        /// The journal's records, each line decoded as a JSON object (throws on a torn line).
        static func journal(_ ws: Workspace) throws -> [[String: Any]] {
            let text = Command.read(ws.journalPath)
            return try text.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }

        /// A label the model did not give the message (so adding it is a visible change).
        static func missingLabel(_ s: SidecarFile) -> String {
            SampleMail.labels.first { !s.tags.contains($0) } ?? "custom"
        }

        @Test("a correction survives kill -9 right after `tagger label` returns")
        func labelSurvivesCrash() async throws {
            let ws = try Workspace(samples: false)
            let daemon = try await DaemonProcess(ws)
            let d = try ws.deliverSample(4)
            #expect(await eventually(timeout: 60) { ws.sidecar(d.unique) != nil })
            let label = Self.missingLabel(try #require(ws.sidecar(d.unique)))
            let result = try ws.tagger(["label", d.unique, "+" + label])
            daemon.crash()
            #expect(result.status == 0, "\(result.stderr)")
            let records = try Self.journal(ws)
            let last = try #require(records.last)
            #expect(last["unique"] as? String == d.unique)
            #expect(last["add"] as? [String] == [label])
            // After a restart the sidecar still shows the correction.
            let restarted = try await DaemonProcess(ws)
            #expect(await eventually(timeout: 60) { ws.sidecar(d.unique)?.user?.add == [label] })
            #expect(ws.sidecar(d.unique)?.tags.contains(label) == true)
            #expect(restarted.terminate()?.status == 0, "no clean exit 0 after SIGTERM")
        }

        @Test("label MSG = +L forgets earlier corrections and keeps +L; contradictions and bad names exit 64")
        func resetWithNewCorrections() throws {
            let ws = try Workspace()
            let path = ws.maildir + "/" + SampleMail.all[0].relative
            #expect(try ws.tagger(["label", path, "+personal", "-finance"]).status == 0)
            // `=` once dropped the labels given with it: the user's +receipts was lost.
            for changes in [["=", "+receipts"], ["+receipts", "="]] {
                let r = try ws.tagger(["label", path] + changes)
                #expect(r.status == 0, "\(r.stderr)")
                #expect(r.stdout.contains("(user +[receipts] -[])"), "\(changes): \(r.stdout)")
            }
            // A label the model does not know (a typo, or a new one) is recorded, with a note.
            let typo = try ws.tagger(["label", path, "+reciepts"])
            #expect(typo.status == 0 && typo.stderr.contains("no label 'reciepts'"), "\(typo.stderr)")
            for bad in [["+receipts", "-receipts"], ["+two words"], ["+tab\tlabel"]] {
                let r = try ws.tagger(["label", path] + bad)
                #expect(r.status == 64, "\(bad): exit \(r.status) \(r.stderr)")
            }
        }

        @Test("corrections survive a flag rename, a re-tag by a new model, and a deleted sidecar")
        func correctionsSurvive() async throws {
            let ws = try Workspace(samples: false)
            let daemon = try await DaemonProcess(ws, extra: ["--retag-on-reload", "true"])
            let d = try ws.deliverSample(9)
            #expect(await eventually(timeout: 60) { ws.sidecar(d.unique) != nil })
            let first = try #require(ws.sidecar(d.unique))
            let added = Self.missingLabel(first)
            let removed = first.tags.first
            var changes = ["+" + added]
            if let removed { changes.append("-" + removed) }
            #expect(try ws.tagger(["label", d.path] + changes).status == 0)
            func corrected() -> Bool {
                guard let s = ws.sidecar(d.unique), s.user?.add == [added] else { return false }
                return s.tags.contains(added) && (removed.map { !s.tags.contains($0) } ?? true)
            }
            #expect(corrected(), "sidecar after label: \(String(describing: ws.sidecar(d.unique)))")

            // A flag rename (and the move to cur/).
            let flagged = ws.maildir + "/cur/" + d.unique + ":2,S"
            #expect(rename(d.path, flagged) == 0)
            #expect(await eventually(timeout: 60) { ws.sidecar(d.unique)?.message.path.hasSuffix(":2,S") == true })
            #expect(corrected(), "after a flag rename: \(String(describing: ws.sidecar(d.unique)))")

            // A re-tag by another model (SIGHUP with --retag-on-reload).
            let staged = ws.state + "/model/staged.tgm"
            try FileManager.default.copyItem(atPath: try Models.path(Models.reseeded), toPath: staged)
            #expect(rename(staged, ws.modelPath) == 0)
            daemon.send(SIGHUP)
            #expect(await eventually(timeout: 60) { ws.sidecar(d.unique).map { $0.model.id != first.model.id } == true },
                    "not re-tagged by the new model")
            #expect(corrected(), "after a re-tag: \(String(describing: ws.sidecar(d.unique)))")

            // A deleted sidecar: the daemon writes it again with the user's corrections.
            #expect(unlink(ws.sidecarPath(unique: d.unique)) == 0)
            #expect(await eventually(timeout: 60) { ws.sidecar(d.unique) != nil }, "sidecar not rewritten")
            #expect(corrected(), "after the sidecar was deleted: \(String(describing: ws.sidecar(d.unique)))")
            #expect(daemon.terminate()?.status == 0, "no clean exit 0 after SIGTERM")
        }

        @Test("an edit of a sidecar's user object becomes a journal record at retrain, once; out-of-date sidecars do not")
        func sidecarEditsArePickedUp() throws {
            let ws = try Workspace(samples: false)
            try Workspace.makeFolder(ws.maildir + "/.Lists")
            let a = try ws.deliverSample(12), c = try ws.deliverSample(14)
            let b = try ws.deliverSample(13, folder: ".Lists")   // Maildir++ folders start with a dot
            // d and e: two copies of one message (same Message-ID, two unique names).
            let copy = try #require(SampleMail.bytes.last)
            let d = try ws.deliver(copy), e = try ws.deliver(copy)
            #expect(try ws.tagger(["run", "--once", "--log-level", "warning"]).status == 0)
            // c: corrected with `label`, then its sidecar is put back as it was before (a crash
            // between the journal append and the sidecar update), with a fresh time.
            let before = try #require(FileManager.default.contents(atPath: ws.sidecarPath(unique: c.unique)))
            #expect(try ws.tagger(["label", c.path, "+receipts"]).status == 0)
            try before.write(to: URL(fileURLWithPath: ws.sidecarPath(unique: c.unique)))
            // d is corrected; its copy e keeps the uncorrected sidecar, rewritten afterwards (as
            // the daemon does after a flag change).
            #expect(try ws.tagger(["label", d.path, "+personal"]).status == 0)
            let eSidecar = try #require(FileManager.default.contents(atPath: ws.sidecarPath(unique: e.unique)))
            try eSidecar.write(to: URL(fileURLWithPath: ws.sidecarPath(unique: e.unique)))
            // a and b: the user edits the sidecar files themselves.
            func edit(_ path: String, add: [String], remove: [String]) throws {
                let data = try #require(FileManager.default.contents(atPath: path))
                var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                object["user"] = ["add": add, "remove": remove]
                try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
            }
            try edit(ws.sidecarPath(unique: a.unique), add: ["personal"], remove: [])
            try edit(ws.sidecarPath(unique: b.unique, folder: ".Lists"), add: [], remove: ["finance", "newsletter"])

            func records() throws -> [[String: Any]] {
                let data = try #require(FileManager.default.contents(atPath: ws.journalPath))
                return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
            }
            #expect(try records().count == 2)
            // A `label` on top of a sidecar edit keeps the edit (it is journalled first).
            #expect(try ws.tagger(["label", a.path, "+receipts"]).status == 0)
            #expect(ws.sidecar(a.unique)?.user?.add == ["personal", "receipts"], "\(String(describing: ws.sidecar(a.unique)))")
            #expect(try records().count == 4)
            _ = try ws.tagger(["retrain", "--dry-run"])
            let picked = try records().filter { $0["source"] as? String == "sidecar" }
            #expect(Set(picked.compactMap { $0["unique"] as? String }) == [a.unique, b.unique], "\(picked)")
            let forB = try #require(picked.first { $0["unique"] as? String == b.unique })
            #expect(forB["op"] as? String == "reset" && forB["remove"] as? [String] == ["finance", "newsletter"])
            #expect(ws.sidecar(a.unique).map { $0.tags.contains("personal") && $0.tags.contains("receipts") } == true)
            #expect(ws.sidecar(b.unique, folder: ".Lists").map { !$0.tags.contains("finance") && !$0.tags.contains("newsletter") } == true)
            // Picked up once: another retrain adds nothing; c's and d's corrections stand.
            #expect(try records().count == 5)
            _ = try ws.tagger(["retrain", "--dry-run"])
            #expect(try records().count == 5)
            #expect(try records().contains { $0["unique"] as? String == c.unique && $0["source"] as? String == "sidecar" } == false)
            #expect(try records().contains { $0["unique"] as? String == e.unique } == false)
        }

        @Test("a torn last journal line is skipped with a warning and the next label still works")
        func tornJournalLine() async throws {
            let ws = try Workspace(samples: false)
            let a = try ws.deliverSample(10), b = try ws.deliverSample(11)
            #expect(try ws.tagger(["label", a.path, "+personal"]).status == 0)
            // A crash in the middle of an append: half a record, no newline.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: ws.journalPath))
            handle.seekToEndOfFile()
            handle.write(Data(#"{"v":1,"op":"label","unique":"\#(b.unique)","add":["fin"#.utf8))
            try handle.close()

            // The daemon's reconcile reads the journal: the torn line is skipped with a warning
            // naming the journal, and the correction before it still applies.
            let first = try ws.tagger(["run", "--once", "--log-level", "warning"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stderr.contains("corrections.jsonl") && first.stderr.contains("torn"), "no warning: \(first.stderr)")
            #expect(ws.sidecar(a.unique)?.user?.add == ["personal"])

            // The next label starts on a fresh line and is read back from the journal alone.
            let next = try ws.tagger(["label", b.path, "+receipts"])
            #expect(next.status == 0, "\(next.stderr)")
            #expect(unlink(ws.sidecarPath(unique: b.unique)) == 0)
            let second = try ws.tagger(["run", "--once", "--log-level", "warning"])
            #expect(second.status == 0, "\(second.stderr)")
            #expect(ws.sidecar(a.unique)?.user?.add == ["personal"])
            #expect(ws.sidecar(b.unique)?.user?.add == ["receipts"], "\(String(describing: ws.sidecar(b.unique)))")
        }
    }
}
