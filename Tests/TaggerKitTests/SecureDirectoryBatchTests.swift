import Foundation
import Testing
@testable import TaggerConfig
@testable import TaggerCore
@testable import TaggerDaemon
@testable import TaggerMaildir
@testable import TaggerState
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
