import Foundation
import Testing

extension EndToEnd {
    @Suite("notmuch: the daemon watches the database instead of polling it (needs the notmuch command)",
           .enabled(if: NotmuchDB.installed, "notmuch is not installed (apt-get install notmuch): notmuch tests skipped"))
    struct NotmuchIdleTests {
        /// A `notmuch` first on the daemon's PATH that logs each call's arguments, then runs the real one.
        static func countingNotmuch(_ ws: Workspace) throws -> (env: [String: String], log: String) {
            let bin = ws.root + "/bin", log = ws.root + "/notmuch-calls.log"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try """
            #!/bin/sh
            echo "$*" >> '\(log)'
            exec '\(NotmuchDB.executable!)' "$@"
            """.write(toFile: bin + "/notmuch", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/notmuch")
            let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            return (["PATH": path], log)
        }

        static func calls(_ log: String) -> [String] {
            Command.read(log).split(separator: "\n").map(String.init)
        }

        /// A daemon with the notmuch link on an indexed workspace, its notmuch calls logged (see
        /// ``countingNotmuch(_:)``), once it has tagged the samples and watches the database.
        static func startWatching(_ ws: Workspace, _ nm: NotmuchDB) async throws -> (daemon: DaemonProcess, log: String) {
            try nm.run(["new", "--quiet"])
            let (path, log) = try countingNotmuch(ws)
            let daemon = try await DaemonProcess(ws, reconcile: "1h", extra: ["--notmuch"], env: nm.env.merging(path) { $1 })
            #expect(await eventually(timeout: 120) { NotmuchTests.sidecarCount(ws) == SampleMail.all.count }, "\(daemon.log)")
            #expect(await eventually(timeout: 30) { daemon.log.contains("for changes") }, "\(daemon.log)")
            return (daemon, log)
        }

        @Test("idle, the daemon runs no notmuch command; a change in notmuch is still a correction at once")
        func idleDaemonLeavesNotmuchAlone() async throws {
            let ws = try Workspace()
            let nm = try NotmuchDB(ws)
            let (daemon, log) = try await Self.startWatching(ws, nm)
            #expect(await eventually(timeout: 60) { nm.count("tag:finance") > 0 }, "\(daemon.log)")
            // Settled: everything published and read back.
            try await Task.sleep(for: .seconds(2))
            let revision = try #require(nm.revision())
            #expect(await eventually(timeout: 60) { (nm.pulledRevision() ?? 0) >= revision }, "\(daemon.log)")
            try await Task.sleep(for: .seconds(1))
            let before = Self.calls(log).count
            // Six idle seconds: polling every 2 s would have run `notmuch count` three times.
            try await Task.sleep(for: .seconds(6))
            let idle = Array(Self.calls(log).dropFirst(before))
            #expect(idle.isEmpty, "notmuch run while idle: \(idle)")
            // The user removes a label in notmuch (the real command, not counted): a correction
            // well within the daemon's 60 s safety interval, so the watch saw it.
            let target = try #require(NotmuchTests.sidecars(ws).first { $0.sidecar.tags.contains("finance") })
            let asked = Date()
            try nm.run(["tag", "-finance", "--", "id:\"\(target.id)\""])
            let corrected = await eventually(timeout: 60) {
                NotmuchTests.journal(ws).contains { ($0["source"] as? String) == "notmuch" && ($0["remove"] as? [String]) == ["finance"] }
            }
            #expect(corrected, "\(daemon.log)")
            #expect(Date().timeIntervalSince(asked) < 20, "the correction waited for the safety poll")
            // A correction by another process (`tagger label`) reaches notmuch at once too: the
            // daemon watches the catalog's files for it.
            let other = try #require(NotmuchTests.sidecars(ws).first { $0.id != target.id && $0.sidecar.tags.contains("newsletter") })
            #expect(await eventually(timeout: 60) { nm.tags(id: other.id).contains("newsletter") })
            let labelled = Date()
            let r = try ws.tagger(["label", other.sidecar.message.unique, "-newsletter"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(await eventually(timeout: 60) { !nm.tags(id: other.id).contains("newsletter") }, "\(daemon.log)")
            #expect(Date().timeIntervalSince(labelled) < 20, "tagger label's change waited for the safety poll")
            #expect(daemon.terminate()?.status == 0)
        }

        @Test("the catalog folder removed and rebuilt under the running daemon is watched again: it does not go back to polling notmuch")
        func catalogRebuiltIsWatchedAgain() async throws {
            let ws = try Workspace()
            let nm = try NotmuchDB(ws)
            let (daemon, log) = try await Self.startWatching(ws, nm)
            // Removed by hand: the daemon rebuilds it from the sidecars when it next records.
            try FileManager.default.removeItem(atPath: ws.state + "/catalog")
            let (unique, _) = try ws.deliverSample(0)
            #expect(await eventually(timeout: 60) {
                ws.sidecar(unique) != nil && FileManager.default.fileExists(atPath: ws.state + "/catalog/snapshot.jsonl")
            }, "\(daemon.log)")
            // Watched again within the relocation interval (10 s); then idle, no notmuch command
            // (a dead catalog watch made the link poll `notmuch count` every 2 s for good).
            try await Task.sleep(for: .seconds(14))
            let before = Self.calls(log).count
            try await Task.sleep(for: .seconds(6))
            let idle = Array(Self.calls(log).dropFirst(before))
            #expect(idle.isEmpty, "notmuch run while idle after the catalog was rebuilt: \(idle)")
            #expect(daemon.terminate()?.status == 0)
        }

        @Test("a database created after the daemon started is found and watched; one rebuilt is watched again")
        func databaseCreatedLaterAndRebuilt() async throws {
            let ws = try Workspace()
            let nm = try NotmuchDB(ws)
            let daemon = try await DaemonProcess(ws, reconcile: "1h", extra: ["--notmuch"], env: nm.env)
            #expect(await eventually(timeout: 120) { NotmuchTests.sidecarCount(ws) == SampleMail.all.count }, "\(daemon.log)")
            // No database yet: polled (every 2 s) until `notmuch new` makes one, then published.
            try nm.run(["new", "--quiet"])
            #expect(await eventually(timeout: 60) { nm.count("tag:finance") > 0 }, "\(daemon.log)")
            // Rebuilt from scratch: the watch on the old directory dies; the new one is found.
            try FileManager.default.removeItem(atPath: ws.maildir + "/.notmuch")
            try nm.run(["new", "--quiet"])
            #expect(await eventually(timeout: 120) { nm.count("tag:finance") > 0 }, "\(daemon.log)")
            #expect(await eventually(timeout: 60) { daemon.log.components(separatedBy: "for changes").count >= 2 }, "\(daemon.log)")
            #expect(daemon.process.isRunning)
            #expect(daemon.terminate()?.status == 0)
        }
    }
}
