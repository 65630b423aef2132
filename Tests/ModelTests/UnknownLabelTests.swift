import Foundation
import Testing
@testable import Model

/// Examples that say nothing about some labels (`TrainingExample.unknown`).
@Suite struct UnknownLabelTests {
    static func problem() -> SyntheticProblem {
        SyntheticProblem(examples: 400, frequencies: [0.3, 0.2], background: 40, signal: 10,
                         noise: 0, dimension: 1 << 16, seed: 5)
    }
    static func options() -> TrainingOptions {
        var o = TrainingOptions()
        o.dimension = 1 << 16
        return o
    }

    @Test func unknownPairsTeachNothingAndCountNowhere() throws {
        let p = Self.problem()
        // Half of label 0's positives lose that label: as negatives they teach it wrong, as
        // unknowns they teach it nothing.
        var wrong = p.examples, masked = p.examples
        var dropped: [Int] = []
        for i in p.examples.indices where p.examples[i].labels.contains(0) && i % 2 == 0 {
            wrong[i].labels.removeAll { $0 == 0 }
            masked[i].labels.removeAll { $0 == 0 }
            masked[i].unknown = [0]
            dropped.append(i)
        }
        let asNegatives = try Trainer.train(examples: wrong, labels: p.labels, options: Self.options()).model
        let asUnknown = try Trainer.train(examples: masked, labels: p.labels, options: Self.options()).model
        func meanScore(_ m: MultiLabelModel) -> Float {
            dropped.map { m.probabilities(p.examples[$0].vector)[0] }.reduce(0, +) / Float(dropped.count)
        }
        #expect(meanScore(asUnknown) > meanScore(asNegatives) + 0.1,
                "unknown \(meanScore(asUnknown)) vs negative \(meanScore(asNegatives))")
        #expect(asUnknown.labelInfo[0].examples == p.examples.count - dropped.count)
        #expect(asUnknown.labelInfo[1].examples == p.examples.count)
        // Label 1 never sees the mask: bit for bit the same weights.
        #expect(asUnknown.weights.rows.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
                == asNegatives.weights.rows.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
    }

    @Test func aLabelWithNoNegativesAbstains() throws {
        let p = Self.problem()
        // Every example not positive for label 0 says nothing about it.
        let examples = p.examples.map { e in
            var e = e
            if !e.labels.contains(0) { e.unknown = [0] }
            return e
        }
        let model = try Trainer.train(examples: examples, labels: p.labels, options: Self.options()).model
        #expect(model.labelInfo[0].abstains)
        #expect(model.labelInfo[0].examples == model.labelInfo[0].positives)
        #expect(!model.labelInfo[1].abstains)
    }
}
