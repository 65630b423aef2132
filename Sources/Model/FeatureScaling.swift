import Foundation

// Why learned IDF: the featuriser's vectors are sublinear-tf and L2-normalised but carry no
// corpus statistics, so the commonest words ("the", "to") hold most of every vector's length.
// Scaling each feature by its smoothed inverse document frequency over the training
// examples, then normalising again, gives rare, telling tokens the weight (TF-IDF). The scales
// depend on the feature vectors only, never on labels, so labels stay independent; they are
// stored in the model and applied identically at scoring time.

//
// Why a minimum document frequency: a feature seen in a single training message can only
// memorise that message. Dropping such features (they get no weight, as if never seen)
// shrinks the model and with it the memory scoring has to touch.

/// Per-feature IDF and the features kept, learned from a set of training rows.
struct InverseDocumentFrequency: Sendable {
    /// `idf[id]` for every compact feature id: log((n + 1) / (df + 1)) + 1, or 1 for all when IDF is off;
    /// `unseen` for dropped features.
    let idf: [Float]
    /// The scale of a feature without weights: with IDF, that of df = 0, the largest there is.
    let unseen: Float
    /// `keep[id]`: the feature occurs in at least the minimum number of rows and gets weights.
    let keep: [Bool]

    /// Counts document frequencies over `rows` of `data`.
    /// - Parameters:
    ///   - enabled: false gives every feature scale 1 (only the minimum frequency applies).
    ///   - minimumFrequency: features in fewer rows than this are dropped.
    init(data: TrainingData, rows: [Int], enabled: Bool, minimumFrequency: Int) {
        var df = [Int32](repeating: 0, count: data.featureCount)
        for r in rows {
            for k in data.rowStart[r]..<data.rowStart[r + 1] { df[Int(data.columns[k])] += 1 }
        }
        let n = Float(rows.count)
        let unseen = enabled ? log(n + 1) + 1 : 1
        keep = df.map { Int($0) >= max(1, minimumFrequency) }
        idf = zip(df, keep).map { d, kept in kept && enabled ? log((n + 1) / (Float(d) + 1)) + 1 : unseen }
        self.unseen = unseen
    }
}

extension TrainingData {
    /// The same examples with every value multiplied by its feature's IDF, each row
    /// L2-normalised again (an all-zero row stays zero), and dropped features removed after
    /// counting in the norm — what the model computes when scoring.
    func scaled(by idf: InverseDocumentFrequency) -> TrainingData {
        var copy = self
        copy.rowStart = [0]
        copy.rowStart.reserveCapacity(rowStart.count)
        copy.columns = []
        copy.columns.reserveCapacity(columns.count)
        copy.values = []
        copy.values.reserveCapacity(values.count)
        for r in 0..<exampleCount {
            let range = rowStart[r]..<rowStart[r + 1]
            var norm2: Float = 0
            for k in range {
                let v = values[k] * idf.idf[Int(columns[k])]
                norm2 += v * v
            }
            let inverse = norm2 > 0 ? 1 / norm2.squareRoot() : 0
            for k in range where idf.keep[Int(columns[k])] {
                copy.columns.append(columns[k])
                copy.values.append(values[k] * idf.idf[Int(columns[k])] * inverse)
            }
            copy.rowStart.append(copy.columns.count)
        }
        return copy
    }
}
