import Testing
@testable import Model

@Suite("Evaluation")
struct EvaluationTests {
    // Two labels, four examples. Label a (threshold 0.5): scores .9 .6 .4 .2, truth T F T F →
    // predicted 2, TP 1, support 2. Label b (threshold 0.3): scores .1 .35 .2 .8, truth F T F T →
    // predicted 2, TP 2, support 2.
    let probabilities: [[Float]] = [[0.9, 0.1], [0.6, 0.35], [0.4, 0.2], [0.2, 0.8]]
    let truth: [[Int]] = [[0], [1], [0], [1]]

    @Test func perLabelAndSummaries() {
        let r = Evaluation.evaluate(probabilities: probabilities, truth: truth, labels: ["a", "b"],
                                    thresholds: [0.5, 0.3])
        #expect(r.labels[0].tuned == LabelMetrics(support: 2, predicted: 2, truePositives: 1))
        #expect(r.labels[1].tuned == LabelMetrics(support: 2, predicted: 2, truePositives: 2))
        // b at 0.5: only 0.8 passes.
        #expect(r.labels[1].atHalf == LabelMetrics(support: 2, predicted: 1, truePositives: 1))
        #expect(abs(r.tuned.microF1 - 0.75) < 1e-6)           // 2·3 / (4 + 4)
        #expect(abs(r.tuned.macroF1 - 0.75) < 1e-6)           // (0.5 + 1) / 2
        #expect(abs(r.tuned.hammingLoss - 2.0 / 8) < 1e-6)    // one FP, one FN in 8 decisions
        #expect(abs(r.atHalf.microF1 - 2 * 2.0 / 7) < 1e-6)   // TP 2, predicted 3, support 4
    }

    @Test func excludedLabelsStayOutOfSummariesAndMacroSkipsNoSupport() {
        let r = Evaluation.evaluate(probabilities: probabilities, truth: [[0], [], [0], []], labels: ["a", "b"],
                                    thresholds: [0.5, 0.3], included: [true, true])
        #expect(r.tuned.macroLabels == 1)
        let excluded = Evaluation.evaluate(probabilities: probabilities, truth: truth, labels: ["a", "b"],
                                           thresholds: [0.5, 0.3], included: [false, true])
        #expect(excluded.tuned.microF1 == 1)
        #expect(excluded.labels[0].included == false)
    }

    @Test func calibrationErrorOfAPerfectlyCalibratedBin() {
        // Ten predictions of 0.35 (bin 0.3–0.4) of which 3 are positive: ECE = |0.3 − 0.35|.
        let p = [[Float]](repeating: [0.35], count: 10)
        let t: [[Int]] = (0..<10).map { $0 < 3 ? [0] : [] }
        let r = Evaluation.evaluate(probabilities: p, truth: t, labels: ["a"], thresholds: [0.5])
        #expect(abs(r.calibration.expectedCalibrationError - 0.05) < 1e-5)
        #expect(r.calibration.bins.count == 10)
        #expect(r.calibration.bins[3].count == 10)
        #expect(abs(r.calibration.bins[3].observedRate - 0.3) < 1e-6)
    }

    @Test func reportEncodesAsJSONAndRendersATable() throws {
        let r = Evaluation.evaluate(probabilities: probabilities, truth: truth, labels: ["a", "b"],
                                    thresholds: [0.5, 0.3], included: [true, false])
        let json = String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        #expect(json.contains("\"microF1\"") && json.contains("\"f1\""))
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: Data(json.utf8))
        #expect(decoded == r)
        let table = r.renderTable()
        #expect(table.contains("abstains") && table.contains("micro-F1") && table.contains("calibration"))
    }

    @Test func abstainingLabelsInfiniteThresholdIsNullInJSONAndReadsBack() throws {
        // An abstaining label is evaluated with an infinite threshold (never applied); JSON has no
        // infinity, and a report that failed to encode would leave `--json` with nothing to print.
        let r = Evaluation.evaluate(probabilities: probabilities, truth: truth, labels: ["a", "b"],
                                    thresholds: [0.5, .infinity], included: [true, false])
        let data = try JSONEncoder().encode(r)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let labels = try #require(object["labels"] as? [[String: Any]])
        #expect(labels[0]["threshold"] as? Double == 0.5)
        #expect(labels[1]["threshold"] is NSNull)
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: data)
        #expect(decoded == r)
        #expect(decoded.labels[1].threshold == .infinity)
    }
}

import Foundation
