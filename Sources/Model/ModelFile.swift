import Foundation
import ZlibSupport

/// Reads and writes model files.
///
/// Layout (little-endian): a 32-byte header — magic "TAGRMDL\0", format version (u32),
/// compressed payload length (u64), payload length after inflation (u64), CRC-32 of the
/// compressed payload (u32) — then the zlib-compressed payload: featuriser stamp, training
/// time, id, dimension, labels (name, threshold, abstains, counts, cross-validated counts),
/// biases, row indices, row-major weights, per-row feature scales (IDF) and the scale of unseen
/// features. Every length is validated before use. Format history: 1 had no feature scales
/// (refused: retrain); 2 adds them.
public enum ModelFile {
    /// The format this code writes and the newest it reads.
    public static let formatVersion: UInt32 = 2
    /// The oldest format this code reads.
    public static let oldestReadableVersion: UInt32 = 2
    static let magic: [UInt8] = Array("TAGRMDL\0".utf8)
    static let headerSize = 32
    /// Files and payloads above this are refused rather than allocated.
    static let sizeLimit = 1 << 30

    /// Writes `model` to `path` atomically (temporary file, fsync, rename, directory fsync), mode 0600.
    /// - Throws: `ModelFileError.unwritable` when any step fails.
    public static func write(_ model: MultiLabelModel, to path: String) throws(ModelFileError) {
        let payload = encode(model)
        let compressed: [UInt8]
        do {
            compressed = try Zlib.deflate(payload)
        } catch {
            throw .unwritable(path: path, reason: "compression failed: \(error)")
        }
        var header = ByteWriter()
        for b in magic { header.u8(b) }
        header.u32(formatVersion)
        header.u64(UInt64(compressed.count))
        header.u64(UInt64(payload.count))
        header.u32(Zlib.crc32(compressed))
        try ModelFileIO.write(header.bytes + compressed, to: path)
    }

    /// Reads the model at `path`.
    /// - Throws: `ModelFileError` — `.unreadable`, `.notAModel` (wrong magic), `.newerFormat`, `.olderFormat`,
    ///   `.truncated`, `.checksumMismatch` (any damaged byte), `.corrupt` (invalid contents).
    public static func read(_ path: String) throws(ModelFileError) -> MultiLabelModel {
        try decode(try ModelFileIO.read(path, limit: sizeLimit), path: path)
    }

    /// Reads the model at `path` and checks it was trained with featuriser `featurizerVersion`.
    /// - Throws: what `read` throws, and `.featurizerMismatch` when the versions differ.
    public static func read(_ path: String, featurizerVersion: Int) throws(ModelFileError) -> MultiLabelModel {
        let model = try read(path)
        try model.checkFeaturizer(version: featurizerVersion, path: path)
        return model
    }

    /// Decodes a model file's bytes; `path` is only used in errors.
    static func decode(_ file: [UInt8], path: String) throws(ModelFileError) -> MultiLabelModel {
        let prefix = min(file.count, magic.count)
        guard Array(file[0..<prefix]) == Array(magic[0..<prefix]) else { throw .notAModel(path: path) }
        guard file.count >= headerSize else {
            throw .truncated(path: path, expected: headerSize, actual: file.count)
        }
        var header = ByteReader(Array(file[magic.count..<headerSize]))
        let version: UInt32, compressedLength: UInt64, payloadLength: UInt64, storedCRC: UInt32
        do {
            version = try header.u32("format version")
            compressedLength = try header.u64("payload length")
            payloadLength = try header.u64("inflated length")
            storedCRC = try header.u32("checksum")
        } catch {
            throw .corrupt(path: path, reason: error.reason)
        }
        guard version <= formatVersion else {
            throw .newerFormat(path: path, found: version, supported: formatVersion)
        }
        guard version >= 1 else { throw .corrupt(path: path, reason: "format version \(version) does not exist") }
        guard version >= oldestReadableVersion else {
            throw .olderFormat(path: path, found: version, oldest: oldestReadableVersion)
        }
        guard compressedLength <= UInt64(sizeLimit), payloadLength <= UInt64(sizeLimit) else {
            throw .corrupt(path: path, reason: "header claims a payload over the size limit")
        }
        let expected = headerSize + Int(compressedLength)
        guard file.count >= expected else { throw .truncated(path: path, expected: expected, actual: file.count) }
        guard file.count == expected else {
            throw .corrupt(path: path, reason: "\(file.count - expected) unexpected bytes after the payload")
        }
        let compressed = Array(file[headerSize...])
        let computed = Zlib.crc32(compressed)
        guard computed == storedCRC else { throw .checksumMismatch(path: path, stored: storedCRC, computed: computed) }
        let inflated: Inflated
        do {
            inflated = try Zlib.inflate(compressed, maxOutput: Int(payloadLength))
        } catch {
            throw .corrupt(path: path, reason: "payload does not decompress: \(error)")
        }
        guard !inflated.truncated, !inflated.capped, inflated.bytes.count == Int(payloadLength) else {
            throw .corrupt(path: path, reason: "payload decompresses to a different size than the header says")
        }
        do {
            return try decodePayload(inflated.bytes)
        } catch let error as ByteReaderError {
            throw .corrupt(path: path, reason: error.reason)
        } catch let error as ModelShapeError {
            throw .corrupt(path: path, reason: error.reason)
        } catch {
            throw .corrupt(path: path, reason: "\(error)")
        }
    }
}

extension MultiLabelModel {
    /// Refuses a model trained with another featuriser version.
    /// - Throws: `ModelFileError.featurizerMismatch` naming `path`, saying to retrain.
    public func checkFeaturizer(version current: Int, path: String) throws(ModelFileError) {
        guard featurizer.version == current else {
            throw .featurizerMismatch(path: path, model: featurizer.version, binary: current)
        }
    }
}
