import Foundation
import Testing
@testable import Model

private func tinyModel(featurizerVersion: Int = 3) throws -> MultiLabelModel {
    let labels = ["finance", "important", "newsletter"].enumerated().map { i, name in
        LabelInfo(name: name, threshold: 0.3 + Float(i) / 10, abstains: i == 2, positives: 10 - i, examples: 40,
                  crossValidated: LabelMetrics(support: 10 - i, predicted: 9, truePositives: 7))
    }
    let rowIndices: [UInt32] = [3, 17, 900, 65_000]
    let rows: [Float] = (0..<12).map { Float($0) * 0.25 - 1.5 }
    return try MultiLabelModel(labelInfo: labels, dimension: 1 << 16, rowIndices: rowIndices, rows: rows,
                               bias: [-1, 0.5, 0], featurizer: FeaturizerStamp(version: featurizerVersion, settings: #"{"n":2}"#),
                               trainedAt: Date(timeIntervalSince1970: 1_795_000_000))
}

private func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "modelfile-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite("Model file")
struct ModelFileTests {
    @Test func roundTripKeepsEverythingAndIsPrivate() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/model.tagger"
        let model = try tinyModel()
        try ModelFile.write(model, to: path)
        let read = try ModelFile.read(path)
        #expect(read == model)
        #expect(read.id == model.id && read.featurizer == model.featurizer && read.trainedAt == model.trainedAt)
        #expect(read.weights.rows == model.weights.rows)
        let x = SparseVector(indices: [3, 900, 1000], values: [0.6, 0.8, 0.1])
        #expect(read.probabilities(x) == model.probabilities(x))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Only the model is left in the directory: no temporary files.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["model.tagger"])
        // Overwriting replaces the file.
        try ModelFile.write(try tinyModel(featurizerVersion: 4), to: path)
        #expect(try ModelFile.read(path).featurizer.version == 4)
    }

    @Test func idLooksLikeTimeAndHash() throws {
        let id = try tinyModel().id
        #expect(id.hasPrefix("2026-11-18T"))
        #expect(id.count == "2026-11-18T08:26:40Z-3f2a".count)
    }

    /// Every single flipped bit pattern at every byte position is rejected with an error
    /// (never a crash, never a silently different model).
    @Test func everyFlippedByteIsRejected() throws {
        let bytes = try encodedFile()
        for position in bytes.indices {
            var damaged = bytes
            damaged[position] ^= 0x5A
            #expect(throws: ModelFileError.self, "flip at \(position)") {
                try ModelFile.decode(damaged, path: "m.tagger")
            }
        }
        var payloadFlip = bytes
        payloadFlip[ModelFile.headerSize + 5] ^= 1
        do {
            _ = try ModelFile.decode(payloadFlip, path: "m.tagger")
            Issue.record("a damaged payload must be refused")
        } catch {
            guard case .checksumMismatch(let path, let stored, let computed) = error else {
                Issue.record("expected a checksum mismatch, got \(error)")
                return
            }
            #expect(path == "m.tagger" && stored == storedCRC(bytes) && computed != stored)
        }
    }

    @Test func truncatedFilesAreRejectedAsTruncated() throws {
        let bytes = try encodedFile()
        for length in [0, 4, 8, 20, 31, 32, 40, bytes.count / 2, bytes.count - 1] {
            #expect(throws: ModelFileError.truncated(path: "m", expected: length < 32 ? 32 : bytes.count, actual: length),
                    "length \(length)") {
                try ModelFile.decode(Array(bytes.prefix(length)), path: "m")
            }
        }
    }

    @Test func foreignAndNewerFilesAreRejected() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let foreign = directory + "/notes.txt"
        try Data("Hello, this is not a model at all.".utf8).write(to: URL(fileURLWithPath: foreign))
        #expect(throws: ModelFileError.notAModel(path: foreign)) { try ModelFile.read(foreign) }

        var newer = try encodedFile()
        newer[8] = UInt8(ModelFile.formatVersion + 1)
        #expect(throws: ModelFileError.newerFormat(path: "m", found: ModelFile.formatVersion + 1,
                                                   supported: ModelFile.formatVersion)) {
            try ModelFile.decode(newer, path: "m")
        }
        // Format 1 had no feature scales: refused with a message that says to retrain.
        var older = try encodedFile()
        older[8] = 1
        #expect(throws: ModelFileError.olderFormat(path: "m", found: 1, oldest: ModelFile.oldestReadableVersion)) {
            try ModelFile.decode(older, path: "m")
        }
        #expect(ModelFileError.olderFormat(path: "m", found: 1, oldest: 2).description.contains("retrain"))
        let missing = directory + "/absent.tagger"
        #expect(throws: ModelFileError.self) { try ModelFile.read(missing) }
        do {
            _ = try ModelFile.read(missing)
        } catch {
            #expect(error.description.contains(missing))
        }
    }

    @Test func featurizerMismatchSaysToRetrain() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/model.tagger"
        try ModelFile.write(try tinyModel(featurizerVersion: 3), to: path)
        #expect(try ModelFile.read(path, featurizerVersion: 3).featurizer.version == 3)
        do {
            _ = try ModelFile.read(path, featurizerVersion: 4)
            Issue.record("a featuriser mismatch must be refused")
        } catch {
            #expect(error == .featurizerMismatch(path: path, model: 3, binary: 4))
            #expect(error.description.contains("retrain") && error.description.contains(path))
        }
    }

    @Test func errorsNameTheFileAndReason() {
        let e = ModelFileError.truncated(path: "/x/m.tagger", expected: 100, actual: 10)
        #expect(e.description == "/x/m.tagger: model file is truncated (10 of 100 bytes)")
        #expect(e.path == "/x/m.tagger")
    }

    private func encodedFile() throws -> [UInt8] {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/m.tagger"
        try ModelFile.write(try tinyModel(), to: path)
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func storedCRC(_ file: [UInt8]) -> UInt32 {
        var reader = ByteReader(Array(file[28..<32]))
        return (try? reader.u32("crc")) ?? 0
    }
}

@Suite("Model file: odd files at the model path")
struct ModelFileOddFileTests {
    @Test("a FIFO or a folder at the model path is refused at once, naming what it is")
    func fifoAtModelPathIsRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fifo = directory + "/current.tgm"
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opening it blocking would wait for a writer forever; the read must return at once.
        #expect { try ModelFile.read(fifo) } throws: { error in
            guard case .unreadable(_, let reason) = error as? ModelFileError else { return false }
            return reason.contains("FIFO")
        }
        #expect { try ModelFile.read(directory) } throws: { error in
            guard case .unreadable(_, let reason) = error as? ModelFileError else { return false }
            return reason.contains("folder")
        }
    }

    @Test("the model path may be a symbolic link (it is the user's configured path)")
    func linkedModelPathIsRead() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = try tinyModel()
        try ModelFile.write(model, to: directory + "/v1.tgm")
        try FileManager.default.createSymbolicLink(atPath: directory + "/current.tgm", withDestinationPath: "v1.tgm")
        #expect(try ModelFile.read(directory + "/current.tgm") == model)
    }
}
