import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs `contrib/tagger-mua args` with the built `tagger` first on PATH.
private func mua(_ args: [String], ws: Workspace, stdin: Data? = nil) throws -> (status: Int32, out: String, err: String) {
    try shell(#"exec tagger-mua "$@""#, ws: ws, stdin: stdin, arguments: args)
}

extension EndToEnd {
    @Suite("Recipes against hostile mail (needs jq)",
           .enabled(if: installed("jq"), "jq is not installed (apt-get install jq): recipe tests skipped"))
    struct RecipeHostileTests {
        /// neomutt runs `...` inside a double-quoted pattern as a shell command and reads `<name>`
        /// in a pushed string as a key: a Message-ID (chosen by the sender) must bring neither
        /// into the command `tagger-mua limit` prints.
        @Test("tagger-mua limit: a sender's Message-ID cannot put a command or a key into neomutt's input")
        func limitKeepsSenderBytesOut() throws {
            let ws = try Workspace()
            let hostile = [
                "<a`touch /tmp/tagger-mua-pwned`@evil.example>",
                "<b<enter>!touch /tmp/tagger-mua-pwned<enter>@evil.example>",
                "<c$(touch /tmp/tagger-mua-pwned)@evil.example>",
                "<d\"<enter>@evil.example>",
                "<e\u{0}f@nul.example>", "<g\u{0}h@nul.example>", "<i\u{0}j@nul.example>",
            ]
            var delivered: [String] = []
            for id in hostile {
                let mail = "From: Bank <a@bank.example>\nTo: me@example.org\nSubject: statement\nMessage-ID: \(id)\n\nYour statement is ready.\n"
                delivered.append(try ws.deliver(Data(mail.utf8)).path)
            }
            delivered.append(try ws.deliver(Data("From: a@b.example\nTo: me@example.org\nSubject: s\nMessage-ID: <plain.1$x@ok.example>\n\nhi\n".utf8)).path)
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            for path in delivered {
                #expect(try ws.tagger(["label", path, "+finance"]).status == 0)
            }

            let r = try mua(["limit", "finance"], ws: ws)
            #expect(r.status == 0, "\(r.err)")
            #expect(!r.out.contains("`"), "a backtick reached neomutt: \(r.out)")
            #expect(!r.out.contains("$("), "\(r.out)")
            #expect(!r.out.contains("touch"), "a hostile Message-ID reached neomutt: \(r.out)")
            // Every <key> in the pushed string is one tagger-mua itself writes.
            let keys = try NSRegularExpression(pattern: "<[A-Za-z-]+>")
            let found = keys.matches(in: r.out, range: NSRange(r.out.startIndex..., in: r.out)).map {
                String(r.out[Range($0.range, in: r.out)!])
            }
            #expect(!found.isEmpty)
            for key in found {
                #expect(["<limit>", "<enter>", "<tag-pattern>", "<untag-pattern>"].contains(key), "key \(key) in \(r.out)")
            }
            // The ordinary Message-IDs are still in, "$" and "." bracketed; a NUL in another id
            // (grep then took the input for binary and printed nothing after it) hides none.
            #expect(r.out.contains("plain[.]1[$]x@ok[.]example"), "\(r.out)")
            let patterns = try r.out.components(separatedBy: "~i \"").dropFirst()
                .compactMap { $0.components(separatedBy: "\"<enter>").first }
                .map { try NSRegularExpression(pattern: $0) }
            let finance = try ws.tagger(["list", "finance"]).lines
            #expect(finance.count > 20)
            for path in finance {
                guard let id = SidecarFile.read(try ws.tagger(["show", "--path", path]).stdout
                    .trimmingCharacters(in: .whitespacesAndNewlines))?.message.message_id,
                      !id.contains("\u{0}"), !id.contains("evil") else { continue }
                #expect(patterns.contains { $0.firstMatch(in: id, range: NSRange(id.startIndex..., in: id)) != nil }, "\(id) left out")
            }
        }
            /// `tagger-mua tags` hands the piped message's Message-ID to `tagger show`: one that
        /// looks like an option (`--help`) was read as one (the help text went to jq).
        @Test("tagger-mua tags: a Message-ID that looks like an option is looked up, not obeyed")
        func tagsOfAnOptionLikeMessageID() throws {
            let ws = try Workspace()
            let mail = Data("From: a@b.example\nTo: me@example.org\nSubject: s\nMessage-ID: --help\n\nhello\n".utf8)
            _ = try ws.deliver(mail)
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            let r = try mua(["tags"], ws: ws, stdin: mail)
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out == "(no sidecar)\n" || r.out == "(no tags)\n" || !r.out.contains("USAGE"), "\(r.out)")
            #expect(r.err.isEmpty, "\(r.err)")
        }
}
}
