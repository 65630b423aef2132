import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    /// Issue 15, parts 2 and 3: lookups through the catalog, sidecars scripts can use, `list`.
    @Suite("Lookups, sidecar locations, tagger list")
    struct ListAndSidecarPathTests {
        /// The sidecar's `message` object as JSON (the keys a script reads).
        static func message(_ path: String) throws -> [String: Any] {
            let data = try #require(FileManager.default.contents(atPath: path))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            return try #require(object["message"] as? [String: Any])
        }

        @Test("a sidecar names the Maildir root and the message file, absolute, and path keeps its schema-1 form")
        func sidecarNamesRootAndFile() throws {
            let ws = try Workspace(samples: false)
            try Workspace.makeFolder(ws.maildir + "/.Lists")
            let inbox = try ws.deliverSample(1)
            let lists = try ws.deliverSample(2, folder: ".Lists")
            #expect(try ws.tagger(["run", "--once", "--log-level", "warning"]).status == 0)
            let root = URL(fileURLWithPath: ws.maildir).standardizedFileURL.path
            for (d, folder) in [(inbox, ""), (lists, ".Lists")] {
                let m = try ListAndSidecarPathTests.message(ws.sidecarPath(unique: d.unique, folder: folder))
                #expect(m["root"] as? String == root)
                let file = try #require(m["file"] as? String)
                #expect(file == d.path, "\(m)")
                #expect(FileManager.default.fileExists(atPath: file))
                #expect(m["path"] as? String == (folder.isEmpty ? "INBOX" : folder) + "/new/" + d.unique)
            }
            // A new → cur move with flags updates path and file (the daemon's next pass).
            let moved = ws.maildir + "/cur/" + inbox.unique + ":2,S"
            #expect(rename(inbox.path, moved) == 0)
            #expect(try ws.tagger(["run", "--once", "--log-level", "warning"]).status == 0)
            let m = try ListAndSidecarPathTests.message(ws.sidecarPath(unique: inbox.unique))
            #expect(m["file"] as? String == moved)
            #expect(m["path"] as? String == "INBOX/cur/" + inbox.unique + ":2,S")
            // show and label find it by unique name and by Message-ID.
            let show = try ws.tagger(["show", inbox.unique, "--path"])
            #expect(show.status == 0 && show.lines == [ws.sidecarPath(unique: inbox.unique)], "\(show.stderr)")
        }

        @Test("after a move to another folder the old sidecar does not make show UNIQUE ambiguous")
        func showAfterMove() throws {
            let ws = try Workspace(samples: false)
            try Workspace.makeFolder(ws.maildir + "/.Archive")
            let d = try ws.deliverSample(3)
            #expect(try ws.tagger(["run", "--once", "--log-level", "warning"]).status == 0)
            let target = ws.maildir + "/.Archive/cur/" + d.unique + ":2,S"
            #expect(rename(d.path, target) == 0)
            #expect(try ws.tagger(["run", "--once", "--log-level", "warning"]).status == 0)
            // The old sidecar stays for deletion_grace; both exist now.
            #expect(FileManager.default.fileExists(atPath: ws.sidecarPath(unique: d.unique)))
            #expect(FileManager.default.fileExists(atPath: ws.sidecarPath(unique: d.unique, folder: ".Archive")))
            let show = try ws.tagger(["show", d.unique])
            #expect(show.status == 0, "\(show.stderr)")
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
            #expect((shown["message"] as? [String: Any])?["file"] as? String == target)
            // label corrects the message where it is now.
            let label = try ws.tagger(["label", d.unique, "+receipts"])
            #expect(label.status == 0 && label.stdout.hasPrefix(target + ":"), "\(label.stdout) \(label.stderr)")
        }

        @Test("tagger list LABEL prints the paths of the messages carrying it, corrections included; -0 separates with NUL")
        func listByLabel() throws {
            let ws = try Workspace(samples: false)
            var delivered: [(unique: String, path: String)] = []
            for i in 0..<12 { delivered.append(try ws.deliverSample(i)) }
            #expect(try ws.tagger(["run", "--once", "--log-level", "warning"]).status == 0)
            // A label no message carries yet, added by a correction.
            let picked = delivered[4]
            #expect(try ws.tagger(["label", picked.unique, "+zzcustom"]).status == 0)
            let list = try ws.tagger(["list", "zzcustom"])
            #expect(list.status == 0, "\(list.stderr)")
            #expect(list.lines == [picked.path])
            // Every label the sidecars carry lists exactly the messages whose sidecar has it.
            for label in Set(delivered.compactMap { ws.sidecar($0.unique) }.flatMap(\.tags)) {
                let expected = delivered.filter { ws.sidecar($0.unique)?.tags.contains(label) == true }.map(\.path).sorted()
                let r = try ws.tagger(["list", label])
                #expect(r.status == 0 && r.lines.sorted() == expected, "\(label): \(r.stdout) \(r.stderr)")
                let z = try ws.tagger(["list", label, "-0"])
                #expect(z.stdout.split(separator: "\0").map(String.init).sorted() == expected)
                #expect(z.stdout.hasSuffix("\0") && !z.stdout.contains("\n"))
            }
            // Removing the label takes the message out again; a label nobody knows is an error.
            #expect(try ws.tagger(["label", picked.unique, "-zzcustom"]).status == 0)
            let empty = try ws.tagger(["list", "zzcustom"])
            #expect(empty.status == 1 && empty.stdout.isEmpty && empty.stderr.contains("no such label"), "\(empty.stderr)")
            let modelOnly = try ws.tagger(["list", SampleMail.labels.first { l in
                !delivered.contains { ws.sidecar($0.unique)?.tags.contains(l) == true } } ?? "finance"])
            #expect(modelOnly.status == 0, "\(modelOnly.stderr)")
        }

        @Test("kill -9 while the daemon writes sidecars and catalog: every sidecar is found after, the catalog agrees")
        func killedWhileWriting() throws {
            let ws = try Workspace(samples: false)
            var delivered: [(unique: String, path: String)] = []
            for i in 0..<150 { delivered.append(try ws.deliverSample(i)) }
            for round in 0..<3 {
                let out = ws.root + "/kill\(round).out"
                let p = try Command.start(["run", "--log-level", "warning"] + ws.flags, home: ws.root, stdout: out, stderr: out)
                usleep(useconds_t(150_000 + round * 250_000))
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
            }
            // Damage on top: a torn line at the end of the log, as a kill in a write leaves.
            if let h = FileHandle(forWritingAtPath: ws.state + "/catalog/log.jsonl") {
                h.seekToEndOfFile()
                h.write(Data(#"{"put":{"folder":"INBOX","lastm"#.utf8))
                try h.close()
            }
            #expect(try ws.tagger(["run", "--once", "--log-level", "warning"]).status == 0)
            for d in delivered {
                let r = try ws.tagger(["show", d.unique, "--path"])
                #expect(r.status == 0 && r.lines == [ws.sidecarPath(unique: d.unique)], "\(d.unique): \(r.stderr)")
            }
            let id = try #require(ws.sidecar(delivered[0].unique)?.message.message_id)
            let byID = try ws.tagger(["show", id, "--path"])
            #expect(byID.status == 0, "\(byID.stderr)")
            // The catalog (what list reads) names every message once.
            var listed: [String] = []
            for label in Set(delivered.compactMap { ws.sidecar($0.unique) }.flatMap(\.tags)) {
                let r = try ws.tagger(["list", label])
                listed += r.lines
                let expected = delivered.filter { ws.sidecar($0.unique)?.tags.contains(label) == true }.count
                #expect(r.lines.count == expected, "\(label)")
            }
            #expect(Set(listed).isSubset(of: Set(delivered.map(\.path))))
        }
    }
}
