import Foundation
import Testing
@testable import TaggerSystem

/// Deferred writes made durable in batches: a small batch goes through per-file fsyncs, a
/// large one through syncfs; either way every file lands with its content and nothing is
/// visible under its final name before the commit.
///
/// The files live on tmpfs (/dev/shm) when there is one: a syncfs on the disk would flush
/// everything the build and the other tests left dirty, and stall their fsyncs for seconds.
@Suite struct SecureDirectoryBatchTests {
    @Test(arguments: [3, SecureDirectory.syncfsBatch + 24])
    func batchCommitsEveryFile(count: Int) throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let root = base + "/tagger-batch-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = try SecureDirectory.open(base: root + "/state", components: ["sidecars", "m"], create: true)
        var pending: [SecureDirectory.PendingFile] = []
        for i in 0..<count {
            pending.append(try dir.writePending("\(i).json", bytes: Array("{\"n\": \(i)}\n".utf8), fsyncFile: false))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/0.json"))
        #expect(SecureDirectory.syncPending(pending).isEmpty)
        for p in pending { try dir.commit(p) }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == (0..<count).map { "\($0).json" }.sorted())   // no temporaries left
        for i in 0..<count {
            let text = try String(contentsOfFile: dir.path + "/\(i).json", encoding: .utf8)
            #expect(text == "{\"n\": \(i)}\n")
        }
    }

    /// Where a large batch's temporaries go: tmpfs when there is one (see above).
    func batch(_ count: Int, in root: String) throws -> (SecureDirectory, [SecureDirectory.PendingFile]) {
        let dir = try SecureDirectory.open(base: root + "/state", components: ["sidecars", "m"], create: true)
        let pending = try (0..<count).map { i in
            try dir.writePending("\(i).json", bytes: Array("{\"n\": \(i)}\n".utf8), fsyncFile: false)
        }
        return (dir, pending)
    }

    /// A large batch is made durable by one syncfs, not by a fsync per file: with every fsync
    /// of these files failing (EIO injected), the batch still succeeds, and the syncfs ran.
    /// Were the syncfs branch gone, the per-file fsyncs would report the failures.
    @Test func aLargeBatchIsMadeDurableBySyncfs() throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let root = base + "/tagger-batch-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (dir, pending) = try batch(SecureDirectory.syncfsBatch + 4, in: root)
        defer { for p in pending { dir.discard(p) } }
        let fd = try #require(pending.first?.descriptor)
        let onlySyncfs = SecureDirectory.kernelReportsSyncfsErrors && SecureDirectory.isLocalDiskFilesystem(fd)
        try #require(onlySyncfs, "this test needs Linux 5.8 or later and tmpfs or a local disk filesystem")
        let fsyncs = Syscall.inject(.init(operation: "fsync", pathContains: root, code: EIO))
        let failures = SecureDirectory.syncPending(pending)
        #expect(Syscall.remove(fsyncs) == 0, "no per-file fsync")
        #expect(failures.isEmpty)
    }

    /// When syncfs fails, the per-file fsyncs run and name the files that failed.
    @Test func aFailedSyncfsFallsBackToPerFileFsyncs() throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let root = base + "/tagger-batch-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (dir, pending) = try batch(SecureDirectory.syncfsBatch + 4, in: root)
        defer { for p in pending { dir.discard(p) } }
        let syncfs = Syscall.inject(.init(operation: "syncfs", pathContains: root, code: EIO))
        let fsyncs = Syscall.inject(.init(operation: "fsync", pathContains: root + "/state/sidecars/m/.3.json", code: EIO))
        let failures = SecureDirectory.syncPending(pending)
        let syncfsCalls = Syscall.remove(syncfs)
        #expect(Syscall.remove(fsyncs) == 1)
        #expect(syncfsCalls == (SecureDirectory.kernelReportsSyncfsErrors ? 1 : 0))
        #expect(failures.keys.sorted() == [3])
        #expect(failures[3]?.code == EIO)
    }

    @Test func syncfsIsTrustedOnLocalDiskFilesystemsOnly() throws {
        // tmpfs is one; /proc (procfs) is not.
        if FileManager.default.fileExists(atPath: "/dev/shm") {
            let shm = open("/dev/shm", O_RDONLY | O_DIRECTORY)
            defer { close(shm) }
            #expect(SecureDirectory.isLocalDiskFilesystem(shm))
        }
        let proc = open("/proc", O_RDONLY | O_DIRECTORY)
        defer { close(proc) }
        #expect(!SecureDirectory.isLocalDiskFilesystem(proc))
        #expect(!SecureDirectory.isLocalDiskFilesystem(-1))
    }
}
