import Foundation
import Testing
@testable import TaggerConfig
@testable import TaggerDaemon
@testable import TaggerMaildir
@testable import TaggerState

@Suite struct RetagJobTests {
    static let config = Fixture.config(maildir: "/m/Maildir", state: "/s")

    static func entry(_ unique: String, folder: String = "INBOX", sub: String = "cur", model: String) -> CatalogEntry {
        CatalogEntry(maildir: "Maildir", folder: folder, unique: unique, path: "\(folder)/\(sub)/\(unique):2,S",
                     messageID: nil, digest: nil, model: model, tags: [])
    }

    @Test func theRetagLaneComesAfterFreshMailAndTheBacklog() {
        let q = WorkQueue()
        let f = MaildirFolder(path: "/m", relativePath: "")
        let m = MaildirMessage(folder: f, subdirectory: "cur", fileName: "x")
        q.pushRetag([.retag(maildir: 0, m, skipIfModel: "b")])
        q.pushBacklog([.message(maildir: 0, m, force: false)])
        q.pushFresh([.message(maildir: 0, m, force: false)])
        #expect(q.take(timeout: 0) == .work(.message(maildir: 0, m, force: false), fromBacklog: false))
        #expect(q.take(timeout: 0) == .work(.message(maildir: 0, m, force: false), fromBacklog: true))
        #expect(q.retagPending == 1)
        #expect(q.take(timeout: 0) == .work(.retag(maildir: 0, m, skipIfModel: "b"), fromBacklog: true))
        #expect(q.take(timeout: 0) == nil)
    }

    @Test func plansOtherModelsNewestFirstAtTheirPaths() {
        let entries = [Self.entry("1700000000.a.h", model: "a"), Self.entry("1800000000.b.h", folder: ".Lists", model: "a"),
                       Self.entry("1750000000.c.h", model: "b"), Self.entry("1600000000.d.h", sub: "new", model: "a")]
        let plan = RetagJob.stale(entries, model: "b", all: false, config: Self.config)
        #expect(plan.map(\.message.unique) == ["1800000000.b.h", "1700000000.a.h", "1600000000.d.h"])
        #expect(plan[0].message.path == "/m/Maildir/.Lists/cur/1800000000.b.h:2,S")
        #expect(plan[2].message.path == "/m/Maildir/new/1600000000.d.h:2,S")
        #expect(RetagJob.stale(entries, model: "b", all: true, config: Self.config).count == 4)
        #expect(RetagJob.deliveryTime("1732611111.M1P2.host") == 1732611111)
        #expect(RetagJob.deliveryTime("abc") == 0)
    }

    @Test func countsProgressAndReplansMessagesThatMovedDuringTheJob() throws {
        let job = RetagJob()
        var entries = [Self.entry("1.a.h", model: "a"), Self.entry("2.b.h", model: "a")]
        #expect(job.start(model: "b", entries: entries, config: Self.config, all: false, request: nil) == 2)
        let items = job.take(10)
        #expect(items.count == 2)
        #expect(!job.drained)
        job.finished(.rewritten, model: "b")
        job.finished(.skipped, model: "b")
        job.finished(.rewritten, model: "b")   // one more than handed out: ignored
        #expect(job.drained)
        // 2.b.h moved to new/ meanwhile and still has the old model: planned again; 1.a.h's
        // write is still on its way (same path): not.
        entries[1].path = "INBOX/new/2.b.h"
        #expect(!job.finishOrReplan(entries: entries, config: Self.config))
        #expect(job.progress?.total == 3)
        #expect(job.take(10).count == 1)
        job.finished(.rewritten, model: "b")
        entries = entries.map { var e = $0; e.model = "b"; return e }
        #expect(job.finishOrReplan(entries: entries, config: Self.config))
        let p = try #require(job.progress)
        #expect(p.state == "done" && p.done == 3 && p.rewritten == 2 && p.skipped == 1 && p.finishedAt != nil)
        #expect(!job.running)
    }
}
