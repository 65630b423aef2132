/// Deterministic stratified fold assignment for one label.
///
/// Positives and negatives are shuffled separately and dealt round-robin, so every fold gets
/// its share of a rare label's few positives (a label with 5 positives and k = 5 has one
/// positive in each fold). Folds are per label: labels are trained independently, so there is
/// no need to share one split, and sharing one would tie each label's folds to the others.
func stratifiedFolds(truth: [Bool], folds k: Int, rng: inout SplitMix64) -> [Int] {
    var positives: [Int] = []
    var negatives: [Int] = []
    for (i, isPositive) in truth.enumerated() {
        if isPositive { positives.append(i) } else { negatives.append(i) }
    }
    rng.shuffle(&positives)
    rng.shuffle(&negatives)
    var fold = [Int](repeating: 0, count: truth.count)
    var next = 0
    for i in positives + negatives {
        fold[i] = next
        next = (next + 1) % k
    }
    return fold
}
