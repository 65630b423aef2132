import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `../shared/corpora` beside the repository (or `$TAGGER_CORPORA`).
private let corpora: String = ProcessInfo.processInfo.environment["TAGGER_CORPORA"]
    ?? Binary.repoRoot.appendingPathComponent("../shared/corpora").standardizedFileURL.path

extension EndToEnd {
    /// Learning from a real mailbox (issue 13): a Maildir++ built from corpus messages in a
    /// temporary folder, folders as teachers, the fair gate, moves as corrections.
    @Suite("Folder learning on a corpus mailbox",
           .enabled(if: FileManager.default.fileExists(atPath: corpora + "/spamassassin/spam"),
                    "../shared/corpora is absent: the corpus mailbox cannot be built"))
    struct FolderLearningTests {
        /// Corpus files of a folder, sorted.
        static func files(_ dir: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: corpora + "/" + dir)) ?? [])
                .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".cats") && !$0.hasSuffix(".jsonl") }
                .sorted().map { corpora + "/" + dir + "/" + $0 }
        }

        /// SpamAssassin ham without mailing-list headers (personal mail, not lists).
        static let plainHam: [String] = files("spamassassin/easy_ham").filter { path in
            guard let data = FileManager.default.contents(atPath: path) else { return false }
            let head = String(decoding: data.prefix(16384), as: UTF8.self).lowercased()
            let headers = head.components(separatedBy: "\n\n").first ?? head
            return !headers.contains("\nlist-id:") && !headers.contains("\nlist-unsubscribe:") && !headers.contains("\nlist-post:")
        }
        static let enron = files("enron-berkeley-categories/1").filter { $0.hasSuffix(".txt") }
        static let spam = files("spamassassin/spam")
        static let laterSpam = files("spamassassin/spam_2")

        /// A mailbox: `.Spam` with 40 spam, INBOX with 40 read ham (plain SpamAssassin ham and
        /// Enron business mail); a config mapping `mapping`.
        static func mailbox(mapping: [String: String] = [".Spam": "spam"]) throws -> (Workspace, config: String) {
            let ws = try Workspace(samples: false, model: nil)
            try Workspace.makeFolder(ws.maildir + "/.Spam")
            try Workspace.makeFolder(ws.maildir + "/.Archive")
            for src in spam.prefix(40) { try put(ws, src, folder: ".Spam") }
            for src in plainHam.prefix(25) + enron.prefix(15) { try put(ws, src, folder: "") }
            let config = ws.root + "/config.toml"
            var text = "[folder_labels]\n"
            for (folder, label) in mapping.sorted(by: { $0.key < $1.key }) { text += "\"\(folder)\" = \"\(label)\"\n" }
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            return (ws, config)
        }

        /// Files `src` as read mail (`cur/NAME:2,S`) in `folder`.
        @discardableResult
        static func put(_ ws: Workspace, _ src: String, folder: String) throws -> String {
            let dir = folder.isEmpty ? ws.maildir : ws.maildir + "/" + folder
            let dest = dir + "/cur/" + ws.nextUnique() + ":2,S"
            try FileManager.default.copyItem(atPath: src, toPath: dest)
            return dest
        }

        static func tags(_ ws: Workspace, config: String, _ paths: [String]) throws -> [String: Set<String>] {
            let r = try ws.tagger(["tag", "--config", config] + paths)
            #expect(r.status == 0, "\(r.stderr)")
            var out: [String: Set<String>] = [:]
            for line in r.lines {
                let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                out[o["path"] as? String ?? ""] = Set(o["tags"] as? [String] ?? [])
            }
            return out
        }

        @Test("only .Spam mapped: INBOX ham is not tagged spam, newly delivered spam is")
        func spamFolderAlone() throws {
            let (ws, config) = try Self.mailbox()
            let r = try ws.tagger(["retrain", "--config", config], timeout: 300)
            #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
            #expect(r.stdout.contains("40 accepted"), "read INBOX mail must be the negatives: \(r.stdout)")
            // Mail delivered afterwards, unread, into INBOX.
            var newSpam: [String] = [], newHam: [String] = []
            for src in Self.laterSpam.prefix(10) { newSpam.append(try ws.deliver(try Data(contentsOf: URL(fileURLWithPath: src))).path) }
            for src in Self.plainHam.dropFirst(25).prefix(5) + Self.enron.dropFirst(15).prefix(5) {
                newHam.append(try ws.deliver(try Data(contentsOf: URL(fileURLWithPath: src))).path)
            }
            let oldHam = try FileManager.default.contentsOfDirectory(atPath: ws.maildir + "/cur").map { ws.maildir + "/cur/" + $0 }
            let tags = try Self.tags(ws, config: config, newSpam + newHam + oldHam)
            let hamTaggedSpam = (newHam + oldHam).filter { tags[$0]?.contains("spam") == true }
            let spamFound = newSpam.filter { tags[$0]?.contains("spam") == true }
            #expect(hamTaggedSpam.count * 20 <= newHam.count + oldHam.count,
                    "at least 95% of INBOX ham untagged: \(hamTaggedSpam.count) of \(newHam.count + oldHam.count) tagged spam")
            #expect(spamFound.count >= 8, "new spam tagged spam: \(spamFound.count) of 10")
        }

        @Test("two retrains in a row with nothing new: the second exits 0, says so, and changes nothing")
        func nothingNew() throws {
            let (ws, config) = try Self.mailbox()
            let first = try ws.tagger(["retrain", "--config", config], timeout: 300)
            #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
            let model = try #require(FileManager.default.contents(atPath: ws.modelPath))
            let history = (try? FileManager.default.contentsOfDirectory(atPath: ws.state + "/model/history")) ?? []
            let second = try ws.tagger(["retrain", "--config", config], timeout: 300)
            #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
            #expect(second.stdout.contains("nothing new"), "\(second.stdout)")
            #expect(FileManager.default.contents(atPath: ws.modelPath) == model, "the model changed")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: ws.state + "/model/history")) ?? []) == history)
            // Something new (a correction): a real retrain again.
            let inbox = try FileManager.default.contentsOfDirectory(atPath: ws.maildir + "/cur").sorted()
            #expect(try ws.tagger(["label", "--config", config, ws.maildir + "/cur/" + inbox[0], "+spam"]).status == 0)
            let third = try ws.tagger(["retrain", "--config", config], timeout: 300)
            #expect([0, 3].contains(third.status), "\(third.stdout)\n\(third.stderr)")
            #expect(!third.stdout.contains("nothing new"), "\(third.stdout)")
        }

        @Test("the gate holds out only mail the current model was not trained on; too little of it is decided by rule")
        func gateOnUnseenMail() throws {
            let (ws, config) = try Self.mailbox()
            #expect(try ws.tagger(["retrain", "--config", config], timeout: 300).status == 0)
            // Four new messages: too few to compare, swapped by the documented rule.
            for src in Self.laterSpam.prefix(2) { try Self.put(ws, src, folder: ".Spam") }
            for src in Self.plainHam.dropFirst(25).prefix(2) { try Self.put(ws, src, folder: "") }
            let few = try ws.tagger(["retrain", "--config", config, "--json"], timeout: 300)
            #expect(few.status == 0, "\(few.stdout)\n\(few.stderr)")
            let small = try #require(try JSONSerialization.jsonObject(with: Data(few.stdout.utf8)) as? [String: Any])
            #expect(small["held_out"] as? Int == 0)
            #expect((small["reason"] as? String)?.contains("too few to tell the models apart") == true, "\(small["reason"] ?? "")")
            // Twenty-four more: the newest half of them is held out, nothing older.
            for src in Self.laterSpam.dropFirst(2).prefix(12) { try Self.put(ws, src, folder: ".Spam") }
            for src in Self.plainHam.dropFirst(27).prefix(12) { try Self.put(ws, src, folder: "") }
            let r = try ws.tagger(["retrain", "--config", config, "--json"], timeout: 300)
            #expect([0, 3].contains(r.status), "\(r.stdout)\n\(r.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(report["held_out"] as? Int == 12, "\(report["reason"] ?? "")")
            #expect((report["reason"] as? String)?.contains("neither model") == true || r.status == 3, "\(report["reason"] ?? "")")
        }

        @Test("moving a message into a mapped folder counts as a correction and teaches its label")
        func moveIsCorrection() throws {
            let (ws, config) = try Self.mailbox()
            #expect(try ws.tagger(["retrain", "--config", config], timeout: 300).status == 0)
            let inbox = try FileManager.default.contentsOfDirectory(atPath: ws.maildir + "/cur").sorted()
            let name = inbox[0], moved = inbox[1]
            // The mail client moves one message into .Spam and one into an unmapped folder.
            #expect(rename(ws.maildir + "/cur/" + name, ws.maildir + "/.Spam/cur/" + name) == 0)
            #expect(rename(ws.maildir + "/cur/" + moved, ws.maildir + "/.Archive/cur/" + moved) == 0)
            let status = try ws.tagger(["status", "--json", "--config", config])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let corrections = try #require(object["corrections"] as? [String: Any])
            #expect(corrections["folder_moves"] as? Int == 1, "\(status.stdout)")
            #expect(corrections["folder_arrivals"] as? Int == 0, "\(status.stdout)")
            // New mail filed into .Spam after the retrain has arrived there: it counts too.
            try ws.deliver(try Data(contentsOf: URL(fileURLWithPath: Self.laterSpam[0])), folder: ".Spam")
            let again = try ws.tagger(["status", "--json", "--config", config])
            let counts = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
            #expect((counts["corrections"] as? [String: Any])?["folder_arrivals"] as? Int == 1, "\(again.stdout)")
            let export = try ws.tagger(["export", "--config", config])
            #expect(export.status == 0, "\(export.stderr)")
            let line = try #require(export.lines.first { $0.contains(name) })
            #expect(line.contains("\"labels\":[\"spam\"]"), "\(line)")
            let r = try ws.tagger(["retrain", "--config", config, "--json"], timeout: 300)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(report["folder_moves"] as? Int == 1, "\(r.stdout)")
            // Counted once: the retrain took the snapshot.
            let after = try ws.tagger(["status", "--json", "--config", config])
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
            #expect((fields["corrections"] as? [String: Any])?["folder_moves"] as? Int == 0)
            #expect((fields["corrections"] as? [String: Any])?["folder_arrivals"] as? Int == 0)
        }

        @Test("a folder_labels key naming no folder is an error naming it; a label with no negatives abstains and says why")
        func folderErrorsAndAbstention() throws {
            let (ws, config) = try Self.mailbox(mapping: [".Spam": "spam", ".Finanse": "finance"])
            let r = try ws.tagger(["retrain", "--config", config], timeout: 300)
            #expect(r.status == 1)
            #expect(r.stderr.contains(".Finanse") && r.stderr.contains("matches no folder"), "\(r.stderr)")
            // Nothing read outside .Spam: no negatives.
            let (ws2, config2) = try Self.mailbox()
            for name in try FileManager.default.contentsOfDirectory(atPath: ws2.maildir + "/cur") {
                #expect(rename(ws2.maildir + "/cur/" + name, ws2.maildir + "/new/" + String(name.prefix { $0 != ":" })) == 0)
            }
            let lone = try ws2.tagger(["retrain", "--config", config2], timeout: 300)
            #expect(lone.status == 0, "\(lone.stderr)")
            #expect(lone.stdout.contains("no negatives"), "\(lone.stdout)")
            let status = try ws2.tagger(["status", "--config", config2])
            #expect(status.stdout.contains("abstains: no negatives"), "\(status.stdout)")
        }
    }
}
