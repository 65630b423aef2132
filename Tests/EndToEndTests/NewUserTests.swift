import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    /// What a new user with an mbsync/notmuch/mutt Maildir meets first.
    @Suite("New user: a symlinked Maildir, mistakes in config and paths")
    struct NewUserTests {
        @Test("~/Maildir as a symbolic link to the real Maildir: mail delivered to INBOX is tagged at once, no watch warning")
        func symlinkedRootIsWatched() async throws {
            let ws = try Workspace(samples: false)
            let real = ws.root + "/mail-on-other-disk"
            #expect(rename(ws.maildir, real) == 0)
            #expect(symlink(real, ws.maildir) == 0)
            // A reconcile interval of an hour: only inotify can find the delivery in time.
            let daemon = try await DaemonProcess(ws, reconcile: "1h")
            let d = try ws.deliverSample(1)
            let tagged = await eventually(timeout: 30) { ws.sidecar(d.unique) != nil }
            #expect(tagged, "INBOX delivery not tagged through a symlinked root: \(daemon.log)")
            #expect(!daemon.log.contains("inotify_add_watch failed"), "\(daemon.log)")
            #expect(daemon.terminate()?.status == 0)
        }

        @Test("a config typo is one line starting `tagger:` for every command, status, run and retag included")
        func configErrorIsOneTaggerLine() throws {
            let ws = try Workspace(samples: false)
            let config = ws.root + "/config.toml"
            try Data("reconcile_intervl = \"5m\"\n".utf8).write(to: URL(fileURLWithPath: config))
            for args in [["status"], ["run", "--once"], ["retag"], ["list", "spam"], ["show", "x"]] {
                let r = try ws.tagger(args + ["--config", config])
                #expect(r.status == 1, "\(args): \(r.status)")
                #expect(r.errorLines == ["tagger: \(config): key 'reconcile_intervl': unknown key (known: maildirs, state_dir, model, reconcile_interval, deletion_grace, retag_on_reload, log_level, folder_labels, folder_negatives, min_new_corrections, retrain_interval, notmuch, notmuch_tag_prefix)"],
                        "\(args): \(r.stderr)")
            }
        }

        @Test("a file name copied from `ls cur/` (with its :2,FLAGS part) names the message for show, label and explain")
        func fileNameFromListingNamesTheMessage() throws {
            let ws = try Workspace()
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            let files = FileManager.default.enumerator(atPath: ws.maildir)?.compactMap { $0 as? String } ?? []
            let listed = try #require(files.first { $0.contains("/cur/") && $0.contains(":2,") })
            let name = (listed as NSString).lastPathComponent
            let unique = String(name[..<name.firstIndex(of: ":")!])
            let show = try ws.tagger(["show", name])
            #expect(show.status == 0, "\(show.stderr)")
            #expect(show.stdout.contains(unique), "\(show.stdout)")
            let label = try ws.tagger(["label", name, "+finance"])
            #expect(label.status == 0, "\(label.stderr)")
            let explain = try ws.tagger(["explain", name, "--label", "finance"])
            #expect(explain.status == 0, "\(explain.stderr)")
            // A name that matches nothing still says so.
            let missing = try ws.tagger(["show", "1.M1P1.nohost:2,S"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("1.M1P1.nohost:2,S"), "\(missing.stderr)")
        }

        @Test("a misspelt label is recorded with a note that names the label meant and the command that puts it right")
        func misspeltLabelSuggestsTheFix() throws {
            let ws = try Workspace()
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            let files = FileManager.default.enumerator(atPath: ws.maildir)?.compactMap { $0 as? String } ?? []
            let name = (try #require(files.first { $0.contains("/cur/") }) as NSString).lastPathComponent
            let unique = String(name[..<(name.firstIndex(of: ":") ?? name.endIndex)])
            let typo = try ws.tagger(["label", unique, "+financ", "-newsleter"])
            #expect(typo.status == 0, "\(typo.stderr)")
            let fix = "tagger label \(unique) = +finance -newsletter"
            #expect(typo.stderr.contains("did you mean 'financ' → 'finance', 'newsleter' → 'newsletter'? This replaces the message's corrections: \(fix)"),
                    "\(typo.stderr)")
            // The suggested command, as printed, puts it right: it carries the flags given
            // (without them it would go to the default state directory).
            let printed = try #require(typo.stderr.split(separator: "\n").first { $0.contains("did you mean") })
            let command = String(printed[try #require(printed.range(of: "tagger label ")).lowerBound...])
            #expect(command.contains("--state-dir "), "\(command)")
            let again = try ws.tagger(Array(command.split(separator: " ").dropFirst().map(String.init)), stateFlags: false)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("(user +[finance] -[newsletter])"), "\(again.stdout)")
            #expect(!again.stderr.contains("did you mean"))
            // A new label far from every known one gets no suggestion.
            let new = try ws.tagger(["label", unique, "+receipts-2026"])
            #expect(!new.stderr.contains("did you mean"), "\(new.stderr)")
        }

        @Test("a correction that cannot be written says it was not recorded, and nothing is")
        func unwritableCorrectionSaysNotRecorded() throws {
            let ws = try Workspace()
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            let files = FileManager.default.enumerator(atPath: ws.maildir)?.compactMap { $0 as? String } ?? []
            let path = ws.maildir + "/" + (try #require(files.first { $0.contains("/cur/") }))
            // A directory where the journal's lock file goes: opening it fails, as on a read-only
            // or full state directory.
            try? FileManager.default.removeItem(atPath: ws.state + "/journal.lock")
            try FileManager.default.createDirectory(atPath: ws.state + "/journal.lock", withIntermediateDirectories: false)
            let r = try ws.tagger(["label", path, "+finance"])
            #expect(r.status == 1)
            #expect(r.errorLines.count == 1, "\(r.stderr)")
            #expect(r.stderr.contains("the correction of \(path) was not recorded"), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
            let journal = (try? String(contentsOfFile: ws.state + "/corrections.jsonl", encoding: .utf8)) ?? ""
            #expect(!journal.contains("finance"), "\(journal)")
        }

        @Test("`tagger list` on a Maildir that does not exist is an error, not an empty list")
        func listOnMissingMaildir() throws {
            let ws = try Workspace()
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            #expect(try ws.tagger(["list", "finance"]).lines.count > 0)
            let r = try ws.tagger(["list", "finance", "--maildir", ws.root + "/Mail", "--state-dir", ws.state], stateFlags: false)
            #expect(r.status == 1)
            #expect(r.stdout.isEmpty)
            #expect(r.errorLines == ["tagger: \(ws.root)/Mail: no such Maildir (not an existing folder)"], "\(r.stderr)")
        }

        @Test("a malformed value of a daemon flag is wrong usage (exit 64, the usage line), for run and the commands sharing its flags")
        func badFlagValueIsUsage() throws {
            let ws = try Workspace(samples: false)
            for args in [["run", "--once", "--reconcile-interval", "5x"], ["status", "--log-level", "verbose"],
                         ["run", "--once", "--folder-label", ".Spam"]] {
                let r = try ws.tagger(args)
                #expect(r.status == 64, "\(args): \(r.status) \(r.stderr)")
                #expect(r.errorLines.first?.hasPrefix("Error: command line: key '\(args[args.count - 2])'") == true, "\(r.stderr)")
                #expect(r.stderr.contains("Usage: tagger \(args[0])"), "\(r.stderr)")
            }
        }

        @Test("a Maildir path with no folder in it (the wrong directory) is said once, and tagging goes on")
        func folderlessMaildirIsSaid() async throws {
            let ws = try Workspace(samples: false)
            let wrong = ws.root + "/not-a-maildir"
            try FileManager.default.createDirectory(atPath: wrong + "/notes", withIntermediateDirectories: true)
            let once = try ws.tagger(["run", "--once", "--maildir", wrong, "--state-dir", ws.state], stateFlags: false)
            #expect(once.status == 0, "\(once.stderr)")
            let said = "\(wrong): no Maildir folder (cur/ and new/) in it or below it"
            #expect(once.errorLines.filter { $0.contains(said) }.count == 1, "\(once.stderr)")
            // The daemon says it once, not at every reconcile, and tags the real Maildir beside it.
            let daemon = try await DaemonProcess(ws, reconcile: "1s", extra: ["--maildir", wrong])
            let d = try ws.deliverSample(2)
            #expect(await eventually(timeout: 30) { ws.sidecar(d.unique) != nil })
            try await Task.sleep(for: .seconds(2.5))
            #expect(daemon.log.components(separatedBy: said).count == 2, "\(daemon.log)")
            #expect(!daemon.log.contains("\(ws.maildir): no Maildir folder"))
            #expect(daemon.terminate()?.status == 0)
        }

        @Test("retrain with folder_labels on a path without folders says the path holds no Maildir folder, not '(folders: )'")
        func folderLabelsOnFolderlessPath() throws {
            let ws = try Workspace(samples: false)
            let wrong = ws.root + "/empty"
            try FileManager.default.createDirectory(atPath: wrong, withIntermediateDirectories: true)
            let config = ws.root + "/config.toml"
            try Data("[folder_labels]\n\".Spam\" = \"spam\"\n".utf8).write(to: URL(fileURLWithPath: config))
            let r = try ws.tagger(["retrain", "--config", config, "--maildir", wrong, "--state-dir", ws.state], stateFlags: false)
            #expect(r.status == 1)
            #expect(r.errorLines == ["tagger: folder_labels: '.Spam' matches no folder in \(wrong) (no Maildir folder (cur/ and new/) there at all: check the Maildir path)"], "\(r.stderr)")
        }

        @Test("contrib/tagger-mua works without $TAGGER_FLAGS (everyday use: the config file has the paths)",
              .enabled(if: installed("jq"), "jq is not installed"))
        func taggerMuaWithoutFlags() throws {
            let ws = try Workspace()
            #expect(try ws.tagger(["run", "--once"]).status == 0)
            try FileManager.default.createDirectory(atPath: ws.root + "/config/tagger", withIntermediateDirectories: true)
            let config = "maildirs = [\"\(ws.maildir)\"]\nstate_dir = \"\(ws.state)\"\n"
            try Data(config.utf8).write(to: URL(fileURLWithPath: ws.root + "/config/tagger/config.toml"))
            let file = try #require(try FileManager.default.contentsOfDirectory(atPath: ws.maildir + "/cur").filter { !$0.hasPrefix(".") }.sorted().first)
            let sidecar = try #require(ws.sidecar(MaildirUnique.of(file)))
            let bytes = try Data(contentsOf: URL(fileURLWithPath: ws.maildir + "/cur/" + file))
            let r = try shell("unset TAGGER_FLAGS; tagger-mua tags", ws: ws, stdin: bytes)
            #expect(r.status == 0)
            #expect(r.err.isEmpty, "\(r.err)")
            #expect(r.out == (sidecar.tags.isEmpty ? "(no tags)" : sidecar.tags.joined(separator: " ")) + "\n", "\(r.out)")
        }
    }
}

/// The unique name of a Maildir file name (up to the first `:`).
enum MaildirUnique {
    static func of(_ fileName: String) -> String { String(fileName.split(separator: ":", maxSplits: 1)[0]) }
}
