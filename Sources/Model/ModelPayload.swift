import Foundation

extension ModelFile {
    /// The uncompressed payload of a model file.
    static func encode(_ model: MultiLabelModel) -> [UInt8] {
        var w = ByteWriter()
        w.i64(model.featurizer.version)
        w.string(model.featurizer.settings)
        w.f64(model.trainedAt.timeIntervalSince1970)
        w.string(model.id)
        w.u64(UInt64(model.dimension))
        w.u64(UInt64(model.labelInfo.count))
        for label in model.labelInfo {
            w.string(label.name)
            w.f32(label.threshold)
            w.u8(label.abstains ? 1 : 0)
            w.i64(label.positives)
            w.i64(label.examples)
            w.i64(label.crossValidated.support)
            w.i64(label.crossValidated.predicted)
            w.i64(label.crossValidated.truePositives)
        }
        w.floats(model.bias)
        w.u64(UInt64(model.weights.rowIndices.count))
        w.u32s(model.weights.rowIndices)
        w.floats(model.weights.rows)
        w.floats(model.weights.featureScales)
        w.f32(model.weights.unseenScale)
        return w.bytes
    }

    /// Parses a payload, validating every length and every count.
    /// - Throws: `ByteReaderError` for malformed bytes, `ModelShapeError` for parts that do not fit.
    static func decodePayload(_ bytes: [UInt8]) throws -> MultiLabelModel {
        var r = ByteReader(bytes)
        let featurizer = FeaturizerStamp(version: try r.i64("featuriser version"),
                                         settings: try r.string("featuriser settings"))
        let seconds = try r.f64("training time")
        guard seconds.isFinite else { throw ByteReaderError(reason: "training time is not a number") }
        let id = try r.string("model id")
        let dimension = try r.u64("dimension")
        guard dimension >= 1 && dimension <= 1 << 32 else { throw ByteReaderError(reason: "dimension \(dimension) is out of range") }
        let labelCount = try r.count("label count", itemSize: 4 + 4 + 1 + 40)
        var labels: [LabelInfo] = []
        for i in 0..<labelCount {
            let name = try r.string("name of label \(i)")
            let threshold = try r.f32("threshold of \(name)")
            guard threshold.isFinite else { throw ByteReaderError(reason: "threshold of \(name) is not a number") }
            let abstains = try r.u8("abstention of \(name)")
            guard abstains <= 1 else { throw ByteReaderError(reason: "abstention flag of \(name) is \(abstains)") }
            var counts: [Int] = []
            for what in ["positives", "examples", "support", "predicted", "true positives"] {
                let n = try r.i64("\(what) of \(name)")
                guard n >= 0 else { throw ByteReaderError(reason: "\(what) of \(name) is negative") }
                counts.append(n)
            }
            labels.append(LabelInfo(
                name: name, threshold: threshold, abstains: abstains == 1, positives: counts[0], examples: counts[1],
                crossValidated: LabelMetrics(support: counts[2], predicted: counts[3], truePositives: counts[4])))
        }
        let bias = try r.floats(labelCount, "biases")
        let rowCount = try r.count("row count", itemSize: 4 + 4 + 4 * max(1, labelCount))
        let rowIndices = try r.u32s(rowCount, "row indices")
        let rows = try r.floats(rowCount * labelCount, "weights")
        let featureScales = try r.floats(rowCount, "feature scales")
        let unseenScale = try r.f32("unseen feature scale")
        guard r.remaining == 0 else { throw ByteReaderError(reason: "\(r.remaining) unexpected bytes at the end of the payload") }
        return try MultiLabelModel(labelInfo: labels, dimension: Int(dimension), rowIndices: rowIndices, rows: rows,
                                   bias: bias, featureScales: featureScales, unseenScale: unseenScale,
                                   featurizer: featurizer,
                                   trainedAt: Date(timeIntervalSince1970: seconds), id: id)
    }
}
