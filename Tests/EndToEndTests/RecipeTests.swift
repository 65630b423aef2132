import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs `/bin/sh -c script` (`$1`... are `arguments`) with `tagger` and `contrib/` first on PATH.
func shell(_ script: String, ws: Workspace, stdin: Data? = nil, env: [String: String] = [:],
           arguments: [String] = []) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", script, "sh"] + arguments
    let bin = (try #require(Binary.path) as NSString).deletingLastPathComponent
    let contrib = (Binary.samples as NSString).deletingLastPathComponent + "/contrib"
    var e = Command.environment(home: ws.root, extra: env)
    e["PATH"] = bin + ":" + contrib + ":" + (e["PATH"] ?? "/usr/bin:/bin")
    e["TAGGER_FLAGS"] = "--maildir \(ws.maildir) --state-dir \(ws.state)"
    p.environment = e
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = stdin == nil ? FileHandle.nullDevice : inp
    try p.run()
    if let stdin {
        inp.fileHandleForWriting.write(stdin)
        try inp.fileHandleForWriting.close()
    }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let r = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: r, as: UTF8.self))
}

func installed(_ name: String) -> Bool {
    ["/usr/bin/", "/usr/local/bin/", "/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + name) }
}

/// The indented lines of the README's recipe for `client` (from its bold heading to the next
/// paragraph starting in bold), so the tests run what the README says.
private func recipe(_ client: String) throws -> [String] {
    let readme = try String(contentsOfFile: (Binary.samples as NSString).deletingLastPathComponent + "/README.md", encoding: .utf8)
    let start = try #require(readme.range(of: "\n**\(client)**"), "README has no **\(client)** recipe")
    var lines: [String] = []
    for line in readme[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst() {
        if line.hasPrefix("**") || line.hasPrefix("## ") { break }
        if line.hasPrefix("    ") { lines.append(String(line.dropFirst(4))) }
    }
    return lines
}

extension EndToEnd {
    @Suite("README recipes: shell, neomutt, aerc, notmuch-emacs (needs jq; neomutt and notmuch when installed)",
           .enabled(if: installed("jq"), "jq is not installed (apt-get install jq): recipe tests skipped"))
    struct RecipeTests {
        /// A tagged sample Maildir (run --once) and its sidecars by Message-ID.
        static func tagged() throws -> (Workspace, [(id: String, path: String, tags: [String])]) {
            let ws = try Workspace()
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            var all: [(String, String, [String])] = []
            for folder in ["", ".Lists", ".Receipts"] {
                for file in ws.sidecarFiles(folder: folder) {
                    guard let s = SidecarFile.read(file), let id = s.message.message_id else { continue }
                    let rel = s.message.path.hasPrefix("INBOX/") ? String(s.message.path.dropFirst(6)) : s.message.path
                    all.append((id, ws.maildir + "/" + rel, s.tags))
                }
            }
            return (ws, all)
        }

        @Test("shell: the tags of a file with tagger show and jq")
        func shellTags() throws {
            let (ws, all) = try Self.tagged()
            let lines = try recipe("Shell")
            let show = try #require(lines.first { $0.hasPrefix("tagger show") })
            let command = show.components(separatedBy: "#")[0]
            for m in all.prefix(10) {
                let script = command.replacingOccurrences(of: "~/Maildir/cur/1732611111.M1P2.host:2,S", with: "'\(m.path)' $TAGGER_FLAGS")
                let r = try shell(script, ws: ws)
                #expect(r.status == 0 && r.out == m.tags.joined(separator: " ") + "\n", "\(script): \(r.out) \(r.err)")
            }
        }

        @Test("neomutt: the macros' commands give the message's tags and a limit pattern matching exactly one label; neomutt reads the lines")
        func neomutt() throws {
            let (ws, all) = try Self.tagged()
            let lines = try recipe("neomutt")
            // ,t: <pipe-message>CMD<enter>
            let pipeLine = try #require(lines.first { $0.contains("<pipe-message>") })
            let pipeCommand = try #require(pipeLine.components(separatedBy: "<pipe-message>").last?.components(separatedBy: "<enter>").first)
            for m in all.prefix(10) {
                let r = try shell(pipeCommand, ws: ws, stdin: FileManager.default.contents(atPath: m.path))
                let expected = m.tags.isEmpty ? "(no tags)" : m.tags.joined(separator: " ")
                #expect(r.out == expected + "\n", "\(pipeCommand) on \(m.path): \(r.out) \(r.err)")
            }
            // ,f: source 'CMD |' — a push of <limit>~i "PATTERN" that matches the finance messages only.
            let limitLine = try #require(lines.first { $0.contains("source '") })
            let limitCommand = try #require(limitLine.components(separatedBy: "source '").last?.components(separatedBy: " |'").first)
            let r = try shell(limitCommand, ws: ws)
            #expect(r.status == 0, "\(r.err)")
            // One ~i pattern per prompt (neomutt cuts a prompt past 1 KB): a message matches any.
            let patterns = r.out.components(separatedBy: "~i \"").dropFirst().compactMap { $0.components(separatedBy: "\"<enter>").first }
            #expect(!patterns.isEmpty && patterns.allSatisfy { $0.utf8.count < 1000 }, "\(r.out)")
            let regexes = try patterns.map { try NSRegularExpression(pattern: $0) }
            func matches(_ id: String) -> Bool { regexes.contains { $0.firstMatch(in: id, range: NSRange(id.startIndex..., in: id)) != nil } }
            let finance = all.filter { $0.tags.contains("finance") }
            #expect(!finance.isEmpty)
            for m in all { #expect(matches(m.id) == m.tags.contains("finance"), "\(m.id) \(m.tags)") }
            if installed("neomutt") {
                let rc = ws.root + "/neomuttrc"
                try (lines.joined(separator: "\n") + "\n").write(toFile: rc, atomically: true, encoding: .utf8)
                let n = try shell("neomutt -n -F '\(rc)' -Q index_format", ws: ws)
                #expect(n.status == 0 && n.err.isEmpty && n.out.contains("%g"), "neomutt: \(n.out) \(n.err)")
                // And the pushed command is one neomutt reads as config.
                try r.out.write(toFile: ws.root + "/limit.rc", atomically: true, encoding: .utf8)
                let s = try shell("neomutt -n -F '\(ws.root)/limit.rc' -Q index_format", ws: ws)
                #expect(s.status == 0 && s.err.isEmpty, "neomutt on the limit command: \(s.err)")
            }
        }

        @Test("aerc: the binding's command gives the message's tags")
        func aerc() throws {
            let (ws, all) = try Self.tagged()
            let lines = try recipe("aerc")
            let bind = try #require(lines.first { $0.contains(":pipe -m ") })
            let command = try #require(bind.components(separatedBy: ":pipe -m ").last?.components(separatedBy: "<Enter>").first)
            for m in all.prefix(5) {
                let r = try shell(command, ws: ws, stdin: FileManager.default.contents(atPath: m.path))
                #expect(r.out == (m.tags.isEmpty ? "(no tags)" : m.tags.joined(separator: " ")) + "\n", "\(r.out) \(r.err)")
            }
            #expect(lines.contains { $0.contains(":cf tag:finance") })
        }

        @Test("notmuch queries (shell, neomutt with notmuch, aerc, notmuch-emacs) find exactly the tagged files",
              .enabled(if: NotmuchDB.installed, "notmuch is not installed"))
        func notmuchQueries() throws {
            let (ws, all) = try Self.tagged()
            let nm = try NotmuchDB(ws)
            try nm.run(["new", "--quiet"])
            #expect(try ws.tagger(["notmuch-sync"], env: nm.env).status == 0)
            let shellLine = try #require(try recipe("Shell").first { $0.hasPrefix("notmuch search") })
            let r = try shell(shellLine.components(separatedBy: "#")[0], ws: ws, env: nm.env)
            let files = Set(r.out.split(separator: "\n").map { URL(fileURLWithPath: String($0)).standardizedFileURL.path })
            let expected = Set(all.filter { $0.tags.contains("finance") }.map { URL(fileURLWithPath: $0.path).standardizedFileURL.path })
            #expect(!expected.isEmpty && files == expected)
            // The queries the neomutt, aerc and notmuch-emacs recipes open.
            #expect(try recipe("neomutt").contains { $0.contains("<vfolder-from-query>tag:finance<enter>") })
            let emacs = try recipe("notmuch-emacs").joined(separator: "\n")
            for label in ["finance", "newsletter"] {
                #expect(emacs.contains(":query \"tag:\(label)\""))
                #expect(nm.count("tag:\(label)") == all.filter { $0.tags.contains(label) }.count)
            }
        }
    }
}
