import Testing
@testable import Model

@Suite("Threshold tuning")
struct ThresholdTests {
    /// Scores 0.9 P, 0.8 P, 0.7 N, 0.6 P, 0.5 N, 0.4 N, 0.3 P. Cuts: after 0.8 → F1 2·2/(2+4)=0.667;
    /// after 0.6 → 2·3/(4+4)=0.75; after 0.3 → 2·4/(7+4)=0.727. The optimum keeps 0.6 and drops
    /// 0.5, so the threshold lies in (0.5, 0.6].
    @Test func notANumberScoresDoNotHangTheTuner() {
        // NaN equals nothing, so "take every tie" once never moved past it.
        let scores: [Float] = [0.9, .nan, 0.3, .nan]
        let truth = [true, false, true, false]
        _ = ThresholdTuner.tune(scores: scores, truth: truth, objective: .f1)
        #expect(ThresholdTuner.cuts(scores: scores, truth: truth).count == 4)
    }

    @Test func findsTheF1OptimalCut() {
        let scores: [Float] = [0.5, 0.9, 0.3, 0.7, 0.8, 0.4, 0.6]
        let truth = [false, true, true, false, true, false, true]
        let t = ThresholdTuner.tune(scores: scores, truth: truth, objective: .f1)
        #expect(t > 0.5 && t <= 0.6)
        let f1 = Evaluation.metrics(scores, truth, threshold: t).f1
        #expect(abs(f1 - 0.75) < 1e-6)
    }

    /// With `.minPrecision(0.75)`: precision 1.0 after 0.8, 0.75 after 0.6, 4/7 after 0.3 — the
    /// lowest threshold reaching 0.75 is the 0.6 cut; with 0.9 it is the 0.8 cut.
    @Test func minPrecisionPicksTheLowestThresholdReachingIt() {
        let scores: [Float] = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]
        let truth = [true, true, false, true, false, false, true]
        let t75 = ThresholdTuner.tune(scores: scores, truth: truth, objective: .minPrecision(0.75))
        #expect(t75 > 0.5 && t75 <= 0.6)
        let t90 = ThresholdTuner.tune(scores: scores, truth: truth, objective: .minPrecision(0.9))
        #expect(t90 > 0.7 && t90 <= 0.8)
        #expect(Evaluation.metrics(scores, truth, threshold: t90).precision >= 0.9)
    }

    @Test func unreachablePrecisionFallsBackToF1() {
        let scores: [Float] = [0.9, 0.8, 0.7]
        let truth = [false, true, true]
        let f1 = ThresholdTuner.tune(scores: scores, truth: truth, objective: .f1)
        #expect(ThresholdTuner.tune(scores: scores, truth: truth, objective: .minPrecision(0.99)) == f1)
    }

    @Test func tiedScoresAreNeverSplit() {
        let scores: [Float] = [0.7, 0.7, 0.7, 0.2]
        let truth = [true, false, true, false]
        let t = ThresholdTuner.tune(scores: scores, truth: truth, objective: .f1)
        let predicted = scores.filter { $0 >= t }.count
        #expect(predicted == 3 || predicted == 0 || predicted == 4)
    }

    @Test func noPositivesGivesTheFallback() {
        #expect(ThresholdTuner.tune(scores: [0.1, 0.2], truth: [false, false], objective: .f1) == ThresholdTuner.fallback)
    }
}
