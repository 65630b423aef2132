import Foundation
import TaggerLock
import Testing
@testable import TaggerDaemon
@testable import TaggerMaildir
@testable import TaggerSystem

@Suite(.serialized) struct DaemonWatcherTests {
    /// Collects watcher events.
    final class Sink: Sendable {
        let events = Locked<[WatchEvent]>([])
        func add(_ e: [WatchEvent]) { events.withLock { $0.append(contentsOf: e) } }
        var all: [WatchEvent] { events.withLock { $0 } }
    }

    @Test func parsesPackedEventsByOffset() {
        // Two events: one with a 16-byte padded name, one without a name.
        var bytes: [UInt8] = []
        func append<T>(_ v: T) { withUnsafeBytes(of: v) { bytes.append(contentsOf: $0) } }
        append(Int32(7)); append(UInt32(0x80)); append(UInt32(42)); append(UInt32(16))
        bytes.append(contentsOf: Array("1.a.h:2,S".utf8) + [UInt8](repeating: 0, count: 7))
        append(Int32(-1)); append(UInt32(0x4000)); append(UInt32(0)); append(UInt32(0))
        let events = bytes.withUnsafeBytes { InotifyEvent.parse($0) }
        #expect(events == [InotifyEvent(wd: 7, mask: 0x80, cookie: 42, name: "1.a.h:2,S"),
                           InotifyEvent(wd: -1, mask: 0x4000, cookie: 0, name: "")])
    }

    @Test func queueOverflowBecomesAReconcile() throws {
        let w = try MaildirWatcher()
        #expect(w.translate(InotifyEvent(wd: -1, mask: InotifyMask.queueOverflow, cookie: 0, name: "")) == .overflow)
    }

    @Test func deliveryFlagRenameAndNewFolderAreSeen() async throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let root = t.path + "/M"
        try Fixture.makeFolder(root)
        let folder = MaildirFolder(path: root, relativePath: "")
        let w = try MaildirWatcher()
        try w.watch(folder: folder, maildir: 0)
        let sink = Sink()
        w.start { sink.add($0) }
        defer { w.stop() }

        let file = try Fixture.deliver(root, unique: "1.a.h", body: "x")
        let arrived = WatchEvent.messageArrived(maildir: 0, MaildirMessage(folder: folder, subdirectory: "new", fileName: "1.a.h"))
        #expect(await Fixture.waitUntil { sink.all.contains(arrived) })

        #expect(rename(file, root + "/cur/1.a.h:2,S") == 0)
        let moved = WatchEvent.messageArrived(maildir: 0, MaildirMessage(folder: folder, subdirectory: "cur", fileName: "1.a.h:2,S"))
        let left = WatchEvent.messageLeft(maildir: 0, MaildirMessage(folder: folder, subdirectory: "new", fileName: "1.a.h"))
        #expect(await Fixture.waitUntil { sink.all.contains(moved) && sink.all.contains(left) })

        try FileManager.default.createDirectory(atPath: root + "/.Sub", withIntermediateDirectories: false)
        #expect(await Fixture.waitUntil { sink.all.contains(.structureChanged(maildir: 0, directory: root + "/.Sub")) })

        // tmp/ is not watched: a half-delivered file produces nothing. A delivery made after them
        // is the barrier (one inotify queue, in order): once it is seen, nothing else came.
        let before = sink.all.count
        _ = FileManager.default.createFile(atPath: root + "/tmp/2.b.h", contents: Data("x".utf8))
        _ = FileManager.default.createFile(atPath: root + "/new/.hidden", contents: Data("x".utf8))
        try Fixture.deliver(root, unique: "3.marker.h", body: "x")
        let marker = WatchEvent.messageArrived(maildir: 0, MaildirMessage(folder: folder, subdirectory: "new", fileName: "3.marker.h"))
        #expect(await Fixture.waitUntil { sink.all.contains(marker) })
        #expect(Array(sink.all.dropFirst(before)) == [marker])
    }

    @Test func modelFileReplacementIsSeen() async throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let w = try MaildirWatcher()
        try w.watch(modelPath: t.path + "/current.tgm")
        let sink = Sink()
        w.start { sink.add($0) }
        defer { w.stop() }
        _ = FileManager.default.createFile(atPath: t.path + "/other", contents: Data("x".utf8))
        _ = FileManager.default.createFile(atPath: t.path + "/.new.tgm", contents: Data("x".utf8))
        #expect(rename(t.path + "/.new.tgm", t.path + "/current.tgm") == 0)
        #expect(await Fixture.waitUntil { sink.all.contains(.modelChanged) })
        #expect(sink.all.allSatisfy { $0 == .modelChanged })
    }
}
