import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    @Suite("Message forms, copies, export, train history, run --once without a model")
    struct MessageFormsTests {
        static let sample = SampleMail.all[0]
        static let messageID = "<20260824080544.8759b99653@trailhead-outfitters.com>"

        /// Runs `tagger args` with `input` on standard input (through the shell).
        static func withInput(_ ws: Workspace, _ args: [String], input: String) throws -> CommandResult {
            guard let bin = Binary.path else { throw CocoaError(.fileNoSuchFile) }
            let quoted = ([bin] + args + ws.flags).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            let out = ws.root + "/stdin.out", err = ws.root + "/stdin.err"
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", quoted.joined(separator: " ") + " < '\(input)' > '\(out)' 2> '\(err)'"]
            p.environment = Command.environment(home: ws.root)
            try p.run()
            p.waitUntilExit()
            return CommandResult(status: p.terminationStatus, stdout: Command.read(out), stderr: Command.read(err))
        }

        @Test("tag, features and explain take a path, a unique name, a Message-ID with or without <>, and -")
        func sameForms() throws {
            let ws = try Workspace()
            let path = ws.maildir + "/" + Self.sample.relative
            let unique = String((path as NSString).lastPathComponent.prefix { $0 != ":" })
            let bare = String(Self.messageID.dropFirst().dropLast())
            for form in [path, unique, Self.messageID, bare] {
                let tag = try ws.tagger(["tag", form])
                #expect(tag.status == 0 && tag.lines.count == 1, "tag \(form): \(tag.stderr)")
                let explain = try ws.tagger(["explain", form, "--top", "2"])
                #expect(explain.status == 0 && explain.stdout.contains("threshold"), "explain \(form): \(explain.stderr)")
                let features = try ws.tagger(["features", form])
                #expect(features.status == 0 && features.stdout.contains("trailhead"), "features \(form): \(features.stderr)")
            }
            for command in [["tag", "-"], ["explain", "-"], ["features", "-"]] {
                let r = try Self.withInput(ws, command, input: path)
                #expect(r.status == 0 && !r.stdout.isEmpty, "\(command): \(r.stderr)")
            }
            let missing = try ws.tagger(["explain", "<nobody@nowhere.example>"])
            #expect(missing.status == 1 && missing.errorLines.count == 1, "\(missing.stderr)")
        }

        @Test("label on a Message-ID two copies share corrects both")
        func labelEveryCopy() throws {
            let ws = try Workspace()
            let path = ws.maildir + "/" + Self.sample.relative
            try Workspace.makeFolder(ws.maildir + "/.Archive")
            let copy = ws.maildir + "/.Archive/cur/1799999999.M1P1.copyhost:2,S"
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            let r = try ws.tagger(["label", Self.messageID, "+travel"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.lines.count == 2 && r.stdout.contains(copy) && r.stdout.contains(path), "\(r.stdout)")
            let journal = Command.read(ws.journalPath).split(separator: "\n")
            #expect(journal.count == 2, "\(journal)")
            #expect(journal.allSatisfy { $0.contains("travel") })
        }

        @Test("train into the live model keeps the replaced one in history; rollback restores it")
        func trainKeepsHistory() throws {
            let ws = try Workspace()
            let original = try #require(FileManager.default.contents(atPath: ws.modelPath))
            let r = try ws.tagger(["train", "--manifest", Binary.samples + "/labels.jsonl", "--seed", "99"], timeout: 300)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(FileManager.default.contents(atPath: ws.modelPath) != original)
            let history = try FileManager.default.contentsOfDirectory(atPath: ws.state + "/model/history").filter { $0.hasSuffix(".tgm") }
            #expect(history.count == 1)
            #expect(try ws.tagger(["rollback"]).status == 0)
            #expect(FileManager.default.contents(atPath: ws.modelPath) == original)
        }

        @Test("run --once with no model exits non-zero with one line")
        func onceWithoutModel() throws {
            let ws = try Workspace(model: nil)
            let r = try ws.tagger(["run", "--once"])
            #expect(r.status == 1)
            #expect(r.errorLines.count == 1 && r.stderr.contains("no model"), "\(r.stderr)")
        }

        @Test("export writes the training set; eval reads it as is")
        func exportThenEval() throws {
            let ws = try Workspace()
            try RetrainTests.correct(ws, 0..<6)
            let manifest = ws.root + "/export.jsonl"
            let r = try ws.tagger(["export", "--output", manifest])
            #expect(r.status == 0, "\(r.stderr)")
            let lines = Command.read(manifest).split(separator: "\n")
            #expect(lines.count == 6 && lines.allSatisfy { $0.contains("\"source\":\"correction\"") }, "\(lines)")
            let eval = try ws.tagger(["eval", "--manifest", manifest])
            #expect(eval.status == 0, "\(eval.stderr)")
        }
    }
}
