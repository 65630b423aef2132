/// Deterministic fold assignment: a seeded shuffle of the examples dealt round-robin.
///
/// Folds depend on the seed and the number of examples only, not on the labels: stratifying
/// by label would make one label's folds (and so its threshold) change when another label is
/// added. Every example still gets exactly one out-of-fold score, so a rare label's threshold
/// is tuned on all of its positives whichever folds they fall in.
func shuffledFolds(count: Int, folds k: Int, rng: inout SplitMix64) -> [Int] {
    var order = Array(0..<count)
    rng.shuffle(&order)
    var fold = [Int](repeating: 0, count: count)
    for (position, example) in order.enumerated() { fold[example] = position % k }
    return fold
}
