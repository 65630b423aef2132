import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The sidecar fields these tests need, including `error` (absent from ``SidecarFile``).
private func sidecarObject(_ path: String) -> [String: Any]? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
}

extension EndToEnd {
    @Suite("Odd files: FIFOs and symbolic links")
    struct OddFilesTests {
        @Test("a FIFO in new/ does not block the daemon: it gets an error sidecar, later mail is tagged, SIGTERM works")
        func fifoInNewDoesNotBlockTheDaemon() async throws {
            let ws = try Workspace(samples: false)
            let daemon = try await DaemonProcess(ws)
            let fifoName = ws.nextUnique()
            #expect(mkfifo(ws.maildir + "/new/" + fifoName, 0o600) == 0)
            let later = try ws.deliverSample(1)
            #expect(await eventually(timeout: 60) { ws.sidecar(later.unique) != nil }, "mail after the FIFO was not tagged: \(daemon.log)")
            let fifoSidecar = await eventually(timeout: 60) { sidecarObject(ws.sidecarPath(unique: fifoName)) != nil }
            #expect(fifoSidecar, "no sidecar for the FIFO: \(daemon.log)")
            let error = sidecarObject(ws.sidecarPath(unique: fifoName))?["error"] as? String
            #expect(error?.contains("FIFO") == true, "error: \(error ?? "none")")
            let stop = try #require(daemon.terminate(timeout: 5), "still running 5 s after SIGTERM")
            #expect(stop.status == 0)
        }

        @Test("tagger tag on a FIFO, a device or a link says why it is not read, at once, and goes on (exit 1)")
        func tagRefusesOddFilesAtOnce() throws {
            let ws = try Workspace(samples: false)
            let fifo = ws.root + "/fifo.eml"
            #expect(mkfifo(fifo, 0o600) == 0)
            let link = ws.root + "/link.eml"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: SampleMail.all[0].path)
            let good = SampleMail.all[1].path
            let start = Date()
            let result = try ws.tagger(["tag", fifo, "/dev/zero", link, good], timeout: 30)
            #expect(Date().timeIntervalSince(start) < 20)
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.lines.count == 1 && result.stdout.contains(good), "\(result.stdout)")
            #expect(result.errorLines.count == 3, "\(result.stderr)")
            #expect(result.errorLines.contains { $0.contains(fifo) && $0.contains("FIFO") }, "\(result.stderr)")
            #expect(result.errorLines.contains { $0.contains("/dev/zero") && $0.contains("character device") }, "\(result.stderr)")
            #expect(result.errorLines.contains { $0.contains(link) && $0.contains("symbolic link") }, "\(result.stderr)")
        }

        @Test("a FIFO at the model path: SIGHUP keeps the old model and the daemon goes on")
        func fifoAtModelPathKeepsOldModel() async throws {
            let ws = try Workspace(samples: false)
            let daemon = try await DaemonProcess(ws)
            let first = try ws.deliverSample(0)
            #expect(await eventually(timeout: 60) { ws.sidecar(first.unique) != nil })
            let modelID = try #require(ws.sidecar(first.unique)).model.id
            #expect(unlink(ws.modelPath) == 0)
            #expect(mkfifo(ws.modelPath, 0o600) == 0)
            daemon.send(SIGHUP)
            let refused = await eventually(timeout: 60) { daemon.log.contains("cannot load model") }
            #expect(refused, "\(daemon.log)")
            #expect(daemon.log.contains("FIFO"), "\(daemon.log)")
            let second = try ws.deliverSample(1)
            #expect(await eventually(timeout: 60) { ws.sidecar(second.unique) != nil }, "\(daemon.log)")
            #expect(ws.sidecar(second.unique)?.model.id == modelID)
            #expect(daemon.terminate(timeout: 5)?.status == 0)
        }

        @Test("links below a Maildir root are not followed: no loops, no folders outside, no files outside read")
        func linksBelowRootAreNotFollowed() async throws {
            let ws = try Workspace(samples: false)
            // Loops and a link to a directory tree outside the Maildir that holds a "folder".
            try FileManager.default.createSymbolicLink(atPath: ws.maildir + "/a", withDestinationPath: ".")
            try FileManager.default.createSymbolicLink(atPath: ws.maildir + "/b", withDestinationPath: ".")
            let outside = ws.root + "/outside"
            try Workspace.makeFolder(outside + "/Stolen")
            let stolenMail = outside + "/Stolen/new/1.M1.outside"
            _ = FileManager.default.createFile(atPath: stolenMail, contents: SampleMail.bytes[2])
            try FileManager.default.createSymbolicLink(atPath: ws.maildir + "/Elsewhere", withDestinationPath: outside)
            // A 0600 file outside the Maildir, linked as a message.
            let secret = ws.root + "/secret.eml"
            _ = FileManager.default.createFile(atPath: secret, contents: Data("Message-ID: <secret-id@example.org>\nSubject: s\n\nsecret\n".utf8),
                                           attributes: [.posixPermissions: 0o600])
            let linkName = ws.nextUnique()
            try FileManager.default.createSymbolicLink(atPath: ws.maildir + "/cur/" + linkName, withDestinationPath: secret)
            let real = try ws.deliverSample(0)

            let daemon = try await DaemonProcess(ws)
            #expect(await eventually(timeout: 60) { ws.sidecar(real.unique) != nil }, "\(daemon.log)")
            #expect(await eventually(timeout: 60) { sidecarObject(ws.sidecarPath(unique: linkName)) != nil }, "\(daemon.log)")
            let linked = try #require(sidecarObject(ws.sidecarPath(unique: linkName)))
            #expect((linked["error"] as? String)?.contains("symbolic link") == true, "\(linked)")
            let message = linked["message"] as? [String: Any]
            #expect(message?["message_id"] == nil || message?["message_id"] is NSNull, "read through the link: \(linked)")
            // A link delivered while running is refused the same way.
            let lateLink = ws.nextUnique()
            try FileManager.default.createSymbolicLink(atPath: ws.maildir + "/new/" + lateLink, withDestinationPath: secret)
            #expect(await eventually(timeout: 60) { sidecarObject(ws.sidecarPath(unique: lateLink)) != nil }, "\(daemon.log)")
            #expect(daemon.terminate(timeout: 5)?.status == 0)

            // Exactly the INBOX: no sidecar folder for a/, b/ or Elsewhere/, three sidecars.
            let tree = try FileManager.default.subpathsOfDirectory(atPath: ws.state + "/sidecars/Maildir")
            #expect(tree.filter { $0.hasSuffix(".json") }.count == 3, "\(tree)")
            #expect(!tree.contains { $0.hasPrefix("a") || $0.hasPrefix("b") || $0.hasPrefix("Elsewhere") }, "\(tree)")
            #expect(!daemon.log.contains("Elsewhere"), "watched or scanned the linked folder: \(daemon.log)")
        }

        @Test("a configured Maildir root may itself be a link")
        func linkedRootIsWatched() async throws {
            let ws = try Workspace(samples: false)
            let linkedRoot = ws.root + "/MailLink"
            try FileManager.default.createSymbolicLink(atPath: linkedRoot, withDestinationPath: ws.maildir)
            let d = try ws.deliverSample(0)
            let result = try ws.tagger(["run", "--once", "--maildir", linkedRoot, "--state-dir", ws.state,
                                        "--model", ws.modelPath], stateFlags: false)
            #expect(result.status == 0, "\(result.stderr)")
            let sidecar = ws.state + "/sidecars/MailLink/INBOX/" + d.unique + ".json"
            #expect(SidecarFile.read(sidecar) != nil, "\(result.stderr)")
        }

        @Test("tagger show refuses a link or a FIFO planted at a sidecar's path instead of printing through it")
        func showDoesNotFollowPlantedLinks() throws {
            let ws = try Workspace(samples: false)
            let d = try ws.deliverSample(0)
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            let sidecar = ws.sidecarPath(unique: d.unique)
            let shown = try ws.tagger(["show", d.unique])
            #expect(shown.status == 0 && shown.stdout.contains(d.unique), "\(shown.stderr)")

            let secret = ws.root + "/secret.txt"
            _ = FileManager.default.createFile(atPath: secret, contents: Data("TOP-SECRET\n".utf8))
            #expect(unlink(sidecar) == 0)
            try FileManager.default.createSymbolicLink(atPath: sidecar, withDestinationPath: secret)
            for query in [d.unique, d.path] {
                let r = try ws.tagger(["show", query], timeout: 30)
                #expect(r.status == 1, "\(query): \(r.stdout)")
                #expect(!r.stdout.contains("TOP-SECRET"), "\(query): printed the link's target")
                #expect(r.stderr.contains("symbolic link"), "\(query): \(r.stderr)")
            }
            #expect(unlink(sidecar) == 0)
            #expect(mkfifo(sidecar, 0o600) == 0)
            let r = try ws.tagger(["show", d.path], timeout: 30)
            #expect(r.status == 1)
            #expect(r.stderr.contains("FIFO"), "\(r.stderr)")
        }
    }
}
