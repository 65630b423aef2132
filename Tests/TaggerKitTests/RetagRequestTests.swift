import Foundation
import Testing
@testable import TaggerState

/// What the daemon does with whatever lies at the retag request's path.
@Suite struct RetagRequestTests {
    static func stateDirectory() throws -> StateDirectory {
        let path = FileManager.default.temporaryDirectory.path + "/retag-request-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return StateDirectory(path)
    }

    @Test func aRequestIsTakenAndRemoved() throws {
        let state = try Self.stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: state.path) }
        try RetagRequest(id: "r1", all: true).write(state: state)
        let (request, problem) = RetagRequest.take(state: state)
        #expect(request == RetagRequest(id: "r1", all: true) && problem == nil)
        #expect(!FileManager.default.fileExists(atPath: state.retagRequest))
    }

    @Test func aFileOverTheLimitIsNotReadWholeNorTakenAsARequest() throws {
        let state = try Self.stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: state.path) }
        // A valid request padded with blanks past the limit: read whole, it would decode.
        var bytes = Array(#"{"id":"big","all":true}"#.utf8)
        bytes += [UInt8](repeating: 0x20, count: 64 * 1024)
        try Data(bytes).write(to: URL(fileURLWithPath: state.retagRequest))
        let (request, problem) = RetagRequest.take(state: state)
        #expect(request == nil)
        #expect(problem?.contains("over 64 KiB") == true, "\(problem ?? "no problem")")
        #expect(!FileManager.default.fileExists(atPath: state.retagRequest))
    }

    @Test func aHugeSparseFileIsRefusedWithoutReadingIt() throws {
        let state = try Self.stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: state.path) }
        #expect(FileManager.default.createFile(atPath: state.retagRequest, contents: nil))
        #expect(truncate(state.retagRequest, 1 << 30) == 0)   // 1 GiB of holes, no disk used
        let started = Date()
        let (request, problem) = RetagRequest.take(state: state)
        #expect(request == nil && problem != nil)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(!FileManager.default.fileExists(atPath: state.retagRequest))
    }

    @Test func aFolderAtThePathIsNamedOnce() throws {
        let state = try Self.stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: state.path) }
        try FileManager.default.createDirectory(atPath: state.retagRequest, withIntermediateDirectories: false)
        let (request, problem) = RetagRequest.take(state: state)
        #expect(request == nil)
        let p = try #require(problem)
        #expect(p.components(separatedBy: state.retagRequest).count == 2, "path said twice: \(p)")
        #expect(p.contains("not a regular file"))
    }
}
