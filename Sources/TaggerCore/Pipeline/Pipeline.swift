import Foundation
import Features
import MIME
import Model
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState

/// The path from a message file to what the model reads: read the bytes, parse MIME, extract
/// HTML text, featurise.
///
/// Featurising uses scratch memory, so the vector methods are `mutating`: give each thread its
/// own copy (copies are independent).
public struct Pipeline: Sendable {
    public var limits: ParseLimits
    /// Bytes of HTML handed to libxml2 per part; the rest is cut with a warning.
    public var htmlMaxBytes: Int
    public let settings: FeaturizerSettings
    private var featurizer: Featurizer

    /// A pipeline with this binary's default featuriser settings.
    /// - Throws: `TaggerError.usage` when the settings are out of range.
    public init(settings: FeaturizerSettings = FeaturizerSettings(), limits: ParseLimits = ParseLimits(),
                htmlMaxBytes: Int = 2 << 20) throws(TaggerError) {
        do { featurizer = try Featurizer(settings: settings) } catch {
            throw .usage("featuriser settings: \(error)")
        }
        self.settings = settings
        self.limits = limits
        self.htmlMaxBytes = htmlMaxBytes
    }

    /// The pipeline a model was trained with: its recorded featuriser settings.
    /// - Throws: `TaggerError.model` when the model's featuriser version is not this binary's
    ///   (the message says to retrain) or its settings cannot be read.
    public init(model: MultiLabelModel, path: String, limits: ParseLimits = ParseLimits()) throws(TaggerError) {
        guard model.featurizer.version == FeaturizerSettings.currentVersion else {
            throw .model(path: path, reason: "trained with featuriser version \(model.featurizer.version), this tagger uses version \(FeaturizerSettings.currentVersion): retrain the model (`tagger train` or `tagger retrain --force`)")
        }
        guard let data = model.featurizer.settings.data(using: .utf8),
              let settings = try? JSONDecoder().decode(FeaturizerSettings.self, from: data) else {
            throw .model(path: path, reason: "unreadable featuriser settings in the model: retrain it")
        }
        guard let pipeline = try? Pipeline(settings: settings, limits: limits) else {
            throw .model(path: path, reason: "featuriser settings in the model are out of range: retrain it")
        }
        self = pipeline
    }

    /// Reads the model at `path` and the pipeline it was trained with: the one check that a
    /// model file can be used by this binary.
    /// - Throws: `ModelFileError` or `TaggerError.model`, naming the file.
    public static func loadModel(at path: String) throws -> (model: MultiLabelModel, pipeline: Pipeline) {
        let model = try ModelFile.read(path)
        return (model, try Pipeline(model: model, path: path))
    }

    /// What a model records about the featuriser it was trained with.
    public var stamp: FeaturizerStamp {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = (try? encoder.encode(settings)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return FeaturizerStamp(version: FeaturizerSettings.currentVersion, settings: json)
    }

    /// The feature-space size (2^bucketBits).
    public var dimension: Int { 1 << settings.bucketBits }

    /// Reads and parses the message at `path`.
    /// - Throws: `TaggerError.io` naming the file: missing, a folder, empty, or not mail at all.
    public func document(path: String) throws(TaggerError) -> Document {
        let (bytes, size) = try MessageFile.readPrefix(path, maxBytes: limits.maxMessageBytes)
        if let why = MessageFile.notMailReason(bytes) { throw .io(path: path, reason: why) }
        var doc = document(bytes: bytes)
        if size > bytes.count {
            // Only the first maxMessageBytes were read: say so, as the parser does for bytes it cuts.
            doc.warnings.insert(ParseWarning(code: "limit.messageBytes",
                                             detail: "message cut at \(bytes.count) of \(size) bytes").description, at: 0)
        }
        return doc
    }

    /// Parses message bytes. Never fails: problems become the document's warnings.
    public func document(bytes: [UInt8]) -> Document {
        DocumentReader.read(bytes: bytes, limits: limits, htmlMaxBytes: htmlMaxBytes)
    }

    /// The feature vector of a document, in the model's input form.
    public mutating func vector(_ document: Document) -> SparseVector {
        let v = featurizer.featurize(document)
        return SparseVector(indices: v.indices, values: v.values)
    }

    /// The feature vector and the names of its features (for `features` and `explain`).
    public mutating func namedVector(_ document: Document) -> (SparseVector, [NamedFeature]) {
        let (v, names) = featurizer.featurizeNamed(document)
        return (SparseVector(indices: v.indices, values: v.values), names)
    }

    /// Reads, parses and featurises the message at `path`.
    /// - Throws: `TaggerError.io` as `document(path:)`.
    public mutating func vector(path: String) throws(TaggerError) -> SparseVector {
        vector(try document(path: path))
    }
}
