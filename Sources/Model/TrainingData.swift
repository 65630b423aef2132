/// Training examples packed for fast passes: compressed sparse rows over compact feature ids.
///
/// Only features that occur in the data get a compact id (assigned in increasing feature-index
/// order), so a label's weight vector is as long as the vocabulary actually seen — small enough
/// to stay in cache — instead of the full hashed dimension.
struct TrainingData: Sendable {
    /// Feature index of every compact id, increasing.
    let featureOfID: [UInt32]
    /// Row `r` spans `columns[rowStart[r]..<rowStart[r+1]]`.
    var rowStart: [Int]
    var columns: [Int32]
    var values: [Float]
    /// `truth[label][example]`.
    let truth: [[Bool]]
    /// `known[label][example]`: false where the example says nothing about the label; nil when
    /// every example speaks to every label.
    let known: [[Bool]]?

    var exampleCount: Int { rowStart.count - 1 }
    var featureCount: Int { featureOfID.count }

    /// Validates and packs `examples`.
    /// - Throws: `TrainingError` for label indices out of range or malformed vectors.
    init(examples: [TrainingExample], labelCount: Int, dimension: Int) throws(TrainingError) {
        var seen = [Bool](repeating: false, count: dimension)
        var truth = [[Bool]](repeating: [Bool](repeating: false, count: examples.count), count: labelCount)
        for (e, example) in examples.enumerated() {
            var previous: Int = -1
            for index in example.vector.indices {
                let i = Int(index)
                guard i < dimension else {
                    throw .badVector(example: e, reason: "index \(i) is not below the dimension \(dimension)")
                }
                guard i > previous else { throw .badVector(example: e, reason: "indices are not strictly increasing") }
                previous = i
                seen[i] = true
            }
            for label in example.labels {
                guard label >= 0 && label < labelCount else { throw .labelOutOfRange(example: e, label: label) }
                truth[label][e] = true
            }
        }
        var known: [[Bool]]?
        if examples.contains(where: { !$0.unknown.isEmpty }) {
            var k = [[Bool]](repeating: [Bool](repeating: true, count: examples.count), count: labelCount)
            for (e, example) in examples.enumerated() {
                for label in example.unknown {
                    guard label >= 0 && label < labelCount else { throw .labelOutOfRange(example: e, label: label) }
                    if !truth[label][e] { k[label][e] = false }
                }
            }
            known = k
        }
        var idOf = [Int32](repeating: -1, count: dimension)
        var featureOfID: [UInt32] = []
        for i in 0..<dimension where seen[i] {
            idOf[i] = Int32(featureOfID.count)
            featureOfID.append(UInt32(i))
        }
        var rowStart = [0]
        var columns: [Int32] = []
        var values: [Float] = []
        rowStart.reserveCapacity(examples.count + 1)
        for example in examples {
            for (index, value) in zip(example.vector.indices, example.vector.values) {
                columns.append(idOf[Int(index)])
                values.append(value)
            }
            rowStart.append(columns.count)
        }
        self.featureOfID = featureOfID
        self.rowStart = rowStart
        self.columns = columns
        self.values = values
        self.truth = truth
        self.known = known
    }

    /// Whether example `e` speaks to label `l`.
    func isKnown(_ l: Int, _ e: Int) -> Bool { known?[l][e] ?? true }
}
