import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    @Suite("Odd names and a failing state directory")
    struct StateHygieneTests {
        @Test("a 255-byte message file name is tagged, found by show, and its sidecar kept across reconciles")
        func longFileNameIsTagged() async throws {
            let ws = try Workspace(samples: false)
            let unique = String(repeating: "L", count: 241) + ".M1P1.host"
            #expect((unique + ":2,S").utf8.count == 255)   // NAME_MAX
            let path = ws.maildir + "/cur/" + unique + ":2,S"
            #expect(FileManager.default.createFile(atPath: path, contents: SampleMail.bytes[0]))
            let daemon = try await DaemonProcess(ws, reconcile: "1s", grace: "1s")
            let shown = try await eventually(timeout: 60) { try ws.tagger(["show", unique]).status == 0 }
            #expect(shown, "\(daemon.log)")
            let json = try ws.tagger(["show", path])
            #expect(json.status == 0 && json.stdout.contains(unique), "\(json.stderr)")
            // Three more reconciles: the sidecar is neither removed as orphaned nor rewritten.
            let reconciles = { daemon.log.components(separatedBy: "reconcile:").count - 1 }
            let start = reconciles()
            #expect(await eventually(timeout: 60) { reconciles() >= start + 3 })
            #expect(!daemon.log.contains("removed sidecar"), "\(daemon.log)")
            #expect(daemon.log.components(separatedBy: "tagged Maildir/").count - 1 == 1, "\(daemon.log)")
            #expect(daemon.terminate()?.status == 0)
        }

        @Test("a file name that is not UTF-8 is warned about once, not retried silently on every reconcile")
        func nonUTF8NameIsWarnedOnce() async throws {
            let ws = try Workspace(samples: false)
            var raw = Array((ws.maildir + "/new/1800000000.M1P1.bad").utf8)
            raw += [0xFF, 0xFE, 0x00]
            let fd = raw.withUnsafeBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) { open($0, O_WRONLY | O_CREAT | O_EXCL, 0o600) }
            }
            #expect(fd >= 0)
            _ = SampleMail.bytes[0].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            let good = try ws.deliverSample(1)
            let daemon = try await DaemonProcess(ws, reconcile: "1s", grace: "1s")
            #expect(await eventually(timeout: 60) { ws.sidecar(good.unique) != nil })
            let reconciles = { daemon.log.components(separatedBy: "reconcile:").count - 1 }
            #expect(await eventually(timeout: 60) { reconciles() >= 3 })
            let warnings = daemon.log.split(separator: "\n").filter { $0.contains("not valid UTF-8") }
            #expect(warnings.count == 1, "\(daemon.log)")
            #expect(warnings.first?.hasPrefix("warning:") == true)
            #expect(daemon.terminate()?.status == 0)
        }

        /// True when this test process (and so the binary under test) is built with ThreadSanitizer,
        /// whose runtime dies of SIGBUS under a 512-byte RLIMIT_FSIZE.
        static let threadSanitized = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") != nil

        @Test("label when the sidecar cannot be written says the correction was saved (exit 1)",
              .disabled(if: threadSanitized, "ThreadSanitizer's runtime cannot run under RLIMIT_FSIZE"))
        func labelSaysWhatWasSaved() throws {
            let ws = try Workspace(samples: false)
            let d = try ws.deliverSample(2)
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            #expect(ws.sidecar(d.unique) != nil)
            // A 512-byte file size limit: the journal record fits, the sidecar does not (EFBIG,
            // as a full disk gives ENOSPC at the same step). SIGXFSZ is ignored so write fails.
            guard let bin = Binary.path else { return }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"", bin,
                           "label", d.unique, "+custom"] + ws.flags
            p.environment = Command.environment(home: ws.root)
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(p.terminationStatus == 1, "\(stderr)")
            #expect(stderr.contains("WAS saved in " + ws.journalPath), "\(stderr)")
            #expect(stderr.contains("custom"), "\(stderr)")
            #expect(Command.read(ws.journalPath).contains("\"custom\""), "the correction is in the journal")
        }

        @Test("an existing state directory of mode 0755 is made 0700 with a warning")
        func looseStateDirectoryIsTightened() throws {
            let ws = try Workspace(samples: false)
            chmod(ws.state, 0o755)
            _ = try ws.deliverSample(0)
            let r = try ws.tagger(["run", "--once"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("had mode 0755"), "\(r.stderr)")
            let mode = try FileManager.default.attributesOfItem(atPath: ws.state)[.posixPermissions] as? Int
            #expect(mode == 0o700)
        }
    }
}
