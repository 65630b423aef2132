/// Why a model file could not be read, written or used. Every case names the file.
public enum ModelFileError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file could not be opened or read (`reason` is the system's).
    case unreadable(path: String, reason: String)
    /// The file could not be written, synced or renamed into place.
    case unwritable(path: String, reason: String)
    /// The file does not start with the model magic: it is something else.
    case notAModel(path: String)
    /// The file was written by a newer tagger (format `found`; this one reads up to `supported`).
    case newerFormat(path: String, found: UInt32, supported: UInt32)
    /// The file was written by an older tagger in format `found`, which this one no longer reads
    /// (it reads `oldest` and later): retrain.
    case olderFormat(path: String, found: UInt32, oldest: UInt32)
    /// The file ends before its header or payload does.
    case truncated(path: String, expected: Int, actual: Int)
    /// The payload's checksum does not match: the file was damaged.
    case checksumMismatch(path: String, stored: UInt32, computed: UInt32)
    /// The payload is structurally invalid (`reason` says where).
    case corrupt(path: String, reason: String)
    /// The model was trained with another featuriser version than this binary's.
    case featurizerMismatch(path: String, model: Int, binary: Int)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .unreadable(let p, _), .unwritable(let p, _), .notAModel(let p), .newerFormat(let p, _, _), .olderFormat(let p, _, _),
             .truncated(let p, _, _), .checksumMismatch(let p, _, _), .corrupt(let p, _),
             .featurizerMismatch(let p, _, _):
            return p
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let p, let reason):
            return "\(p): cannot read model file: \(reason)"
        case .unwritable(let p, let reason):
            return "\(p): cannot write model file: \(reason)"
        case .notAModel(let p):
            return "\(p): not a tagger model file (wrong magic)"
        case .newerFormat(let p, let found, let supported):
            return "\(p): model file format \(found) is newer than this tagger understands (\(supported)); upgrade tagger or retrain"
        case .olderFormat(let p, let found, let oldest):
            return "\(p): model file format \(found) is older than this tagger reads (\(oldest) or later); retrain the model (tagger train / tagger retrain --force)"
        case .truncated(let p, let expected, let actual):
            return "\(p): model file is truncated (\(actual) of \(expected) bytes)"
        case .checksumMismatch(let p, let stored, let computed):
            return "\(p): model file is corrupted (checksum \(hex(computed)), expected \(hex(stored)))"
        case .corrupt(let p, let reason):
            return "\(p): model file is corrupted: \(reason)"
        case .featurizerMismatch(let p, let model, let binary):
            return "\(p): model was trained with featuriser version \(model) but this tagger uses version \(binary); retrain the model (tagger train / tagger retrain)"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
