import Foundation

// Why learned IDF: the featuriser's vectors are sublinear-tf and L2-normalised but carry no
// corpus statistics, so the commonest words ("the", "to") hold most of every vector's length.
// Scaling each feature by its smoothed inverse document frequency over the training
// examples, then normalising again, gives rare, telling tokens the weight (TF-IDF). The scales
// depend on the feature vectors only, never on labels, so labels stay independent; they are
// stored in the model and applied identically at scoring time.

/// Per-feature IDF learned from a set of training rows.
struct InverseDocumentFrequency: Sendable {
    /// `idf[id]` for every compact feature id: log((n + 1) / (df + 1)) + 1.
    let idf: [Float]
    /// The IDF of a feature no training row has (df = 0), the largest there is.
    let unseen: Float

    /// Every scale 1: the featuriser's values as they are.
    init(neutral data: TrainingData) {
        idf = [Float](repeating: 1, count: data.featureCount)
        unseen = 1
    }

    /// Counts document frequencies over `rows` of `data`.
    init(data: TrainingData, rows: [Int]) {
        var df = [Int32](repeating: 0, count: data.featureCount)
        for r in rows {
            for k in data.rowStart[r]..<data.rowStart[r + 1] { df[Int(data.columns[k])] += 1 }
        }
        let n = Float(rows.count)
        idf = df.map { log((n + 1) / (Float($0) + 1)) + 1 }
        unseen = log(n + 1) + 1
    }
}

extension TrainingData {
    /// The same examples with every value multiplied by its feature's IDF and each row
    /// L2-normalised again (an all-zero row stays zero) — what the model computes when scoring.
    func scaled(by idf: InverseDocumentFrequency) -> TrainingData {
        var copy = self
        idf.idf.withUnsafeBufferPointer { scale in
            copy.values.withUnsafeMutableBufferPointer { values in
                for r in 0..<exampleCount {
                    let range = rowStart[r]..<rowStart[r + 1]
                    var norm2: Float = 0
                    for k in range {
                        values[k] *= scale[Int(columns[k])]
                        norm2 += values[k] * values[k]
                    }
                    let inverse = norm2 > 0 ? 1 / norm2.squareRoot() : 0
                    for k in range { values[k] *= inverse }
                }
            }
        }
        return copy
    }
}
