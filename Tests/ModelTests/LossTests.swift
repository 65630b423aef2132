import Testing
@testable import Model

@Suite("Loss and gradient")
struct LossTests {
    /// The analytic gradient of the per-example objective matches central finite differences
    /// (in Double-free Float arithmetic, so tolerances are loose but meaningful).
    @Test(arguments: [true, false])
    func gradientMatchesFiniteDifferences(positive: Bool) {
        var rng = SplitMix64(seed: 9)
        let x = SparseVector(indices: [2, 5, 11, 17], values: [0.5, -0.3, 0.7, 0.4])
        var weights = [Float](repeating: 0, count: 20)
        for i in x.indices { weights[Int(i)] = Float(rng.below(2000)) / 1000 - 1 }
        let bias: Float = 0.3, positiveWeight: Float = 2.5, l2: Float = 0.1
        let analytic = exampleObjective(weights: weights, bias: bias, x: x, positive: positive,
                                        positiveWeight: positiveWeight, l2: l2)
        let h: Float = 1e-2
        for (k, index) in x.indices.enumerated() {
            var plus = weights, minus = weights
            plus[Int(index)] += h
            minus[Int(index)] -= h
            let lp = exampleObjective(weights: plus, bias: bias, x: x, positive: positive,
                                      positiveWeight: positiveWeight, l2: l2).loss
            let lm = exampleObjective(weights: minus, bias: bias, x: x, positive: positive,
                                      positiveWeight: positiveWeight, l2: l2).loss
            let numeric = (lp - lm) / (2 * h)
            #expect(abs(numeric - analytic.gradient[k]) < 2e-3, "weight \(index): \(numeric) vs \(analytic.gradient[k])")
        }
        let lp = exampleObjective(weights: weights, bias: bias + h, x: x, positive: positive,
                                  positiveWeight: positiveWeight, l2: l2).loss
        let lm = exampleObjective(weights: weights, bias: bias - h, x: x, positive: positive,
                                  positiveWeight: positiveWeight, l2: l2).loss
        #expect(abs((lp - lm) / (2 * h) - analytic.biasGradient) < 2e-3)
    }

    @Test func lossIsFiniteAndCorrectAtExtremeLogits() {
        for z: Float in [-200, -50, 0, 50, 200] {
            for positive in [true, false] {
                let (loss, dz) = bceLoss(logit: z, positive: positive, positiveWeight: 1)
                #expect(loss.isFinite && dz.isFinite)
                // A confident right answer costs ~0, a confident wrong one costs ~|z|.
                let wrong = (positive && z < 0) || (!positive && z > 0)
                if abs(z) >= 50 { #expect(wrong ? abs(loss - abs(z)) < 1e-3 : loss < 1e-6) }
            }
        }
        #expect(abs(softplus(0) - 0.693147) < 1e-5)
        #expect(sigmoid(-100) >= 0 && sigmoid(100) <= 1)
    }

    @Test func vectorInverseSquareRootIsAccurate() {
        for x: Float in [1e-12, 3e-7, 0.01, 0.5, 1, 2, 1234.5, 9e20] {
            let y = inverseSquareRoot(SIMD4<Float>(repeating: x))
            let exact = 1 / x.squareRoot()
            #expect(abs(y[0] - exact) <= 1e-5 * exact, "x = \(x)")
        }
        // Zero and denormals are floored (AdaGrad's epsilon): finite, 10^6.
        #expect(abs(inverseSquareRoot(.zero)[0] - 1e6) < 10)
    }
}
