import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The `error` field of a sidecar (absent from ``SidecarFile``).
private func sidecarError(_ path: String) -> String?? {
    guard let data = FileManager.default.contents(atPath: path),
          let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
    return .some(object["error"] as? String)
}

/// A message of about 1 MB whose HTML libxml2 2.9 reads in quadratic time (inline tags opened,
/// then as many end tags never opened): over a minute with tagger tag before the parser was bounded.
private func slowMessage() -> Data {
    let n = 150_000
    let html = "<html><body>" + String(repeating: "<b>", count: n) + String(repeating: "</i>", count: n) + "</body></html>\n"
    return Data(("From: a@example.org\nSubject: slow\nMessage-ID: <slow@example.org>\nContent-Type: text/html\n\n" + html).utf8)
}

extension EndToEnd {
    @Suite("Safety net: slow messages, files written in place")
    struct SafetyNetTests {
        @Test("a message that takes longer than --message-time-limit gets an error sidecar, later mail is tagged, SIGTERM stops the daemon in seconds")
        func slowMessageIsSkippedAtTheLimit() async throws {
            let ws = try Workspace(samples: false)
            let daemon = try await DaemonProcess(ws, extra: ["--message-time-limit", "0.05"])
            let slow = try ws.deliver(slowMessage())
            let later = try ws.deliverSample(1)
            #expect(await eventually(timeout: 60) { ws.sidecar(later.unique) != nil }, "later mail not tagged: \(daemon.log)")
            let error = sidecarError(ws.sidecarPath(unique: slow.unique))
            #expect(error??.contains("to read; skipped") == true, "error: \(String(describing: error)) \(daemon.log)")
            let stop = try #require(daemon.terminate(timeout: 5), "still running 5 s after SIGTERM")
            #expect(stop.status == 0)
        }

        @Test("a message that hung the reader when the daemon was killed is skipped after the restart, not read again in a loop")
        func messageInHandAtACrashIsSkippedAfterRestart() async throws {
            // What a daemon killed (by the watchdog, the OOM killer, kill -9) while a message had
            // been in hand for seconds leaves behind: the in-hand file naming it. The parser is
            // bounded now, so no message is slow enough to leave it for real in this test; the
            // unit tests (DaemonSafetyNetTests) make one with a slow scorer.
            let ws = try Workspace(samples: false)
            let inHand = ws.state + "/message-in-hand.json"
            let slow = try ws.deliver(slowMessage())
            try FileManager.default.createDirectory(atPath: ws.state, withIntermediateDirectories: true)
            let record = #"{"maildir":"Maildir","folder":"","subdirectory":"new","file_name":"\#(slow.unique)","started":\#(Date().timeIntervalSince1970 - 30),"seconds":20,"strikes":0}"#
            #expect(FileManager.default.createFile(atPath: inHand, contents: Data(record.utf8)))

            let daemon = try await DaemonProcess(ws, extra: ["--message-time-limit", "600"])
            #expect(await eventually(timeout: 60) { sidecarError(ws.sidecarPath(unique: slow.unique)) != nil }, "\(daemon.log)")
            let error = sidecarError(ws.sidecarPath(unique: slow.unique))
            #expect(error??.contains("stopped or died while reading it") == true, "error: \(String(describing: error))")
            let later = try ws.deliverSample(2)
            #expect(await eventually(timeout: 60) { ws.sidecar(later.unique) != nil }, "later mail not tagged: \(daemon.log)")
            #expect((FileManager.default.contents(atPath: inHand)?.count ?? 0) == 0)
            let stop = try #require(daemon.terminate(timeout: 5))
            #expect(stop.status == 0)
        }

        @Test("a file written in place in new/ (created empty, then written, as cp does) is tagged once complete")
        func fileWrittenInPlaceIsTaggedOnceComplete() async throws {
            let ws = try Workspace(samples: false)
            let daemon = try await DaemonProcess(ws)
            let name = ws.nextUnique()
            let path = ws.maildir + "/new/" + name
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            #expect(fd >= 0)
            #expect(await eventually(timeout: 60) { (sidecarError(ws.sidecarPath(unique: name)) ?? nil) != nil },
                    "no error sidecar for the empty file: \(daemon.log)")
            // The error line names the file once.
            #expect(daemon.log.contains("empty file") && !daemon.log.contains("\(name): /"), "\(daemon.log)")
            let bytes = SampleMail.bytes[3]
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            #expect(await eventually(timeout: 60) {
                sidecarError(ws.sidecarPath(unique: name)).map { $0 == nil } == true
            }, "still an error after the file was written: \(daemon.log)")
            let tagged = try #require(ws.sidecar(name))
            #expect(!tagged.scores.isEmpty)
            // Moved to cur/ by a mail client: the good sidecar follows.
            #expect(rename(path, ws.maildir + "/cur/" + name + ":2,S") == 0)
            #expect(await eventually(timeout: 60) { ws.sidecar(name)?.message.path == "INBOX/cur/\(name):2,S" })
            #expect(sidecarError(ws.sidecarPath(unique: name)).map { $0 == nil } == true)
            _ = daemon.terminate()
        }
    }
}
