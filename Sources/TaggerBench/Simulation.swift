import Foundation
import Model
import TaggerSystem
import TaggerState
import TaggerCore

/// Replays a labelled stream as a user who corrects the tagger's mistakes message by message:
/// a message whose applied tags differ from its true labels gets corrected (and becomes training
/// data); one tagged right is left alone (never trained on: it was not reviewed). Every `every`
/// corrections the model is retrained on the corrections so far and scored on a held-out set.
public struct LearningCurveSimulation {
    /// One point of the curve.
    public struct Point: Codable, Sendable {
        public var corrections: Int
        public var seen: Int
        public var microF1: Float
        public var macroF1: Float
        public var activeLabels: Int
        public init(corrections: Int, seen: Int, microF1: Float, macroF1: Float, activeLabels: Int) {
            self.corrections = corrections; self.seen = seen; self.microF1 = microF1; self.macroF1 = macroF1
            self.activeLabels = activeLabels
        }
        enum CodingKeys: String, CodingKey {
            case corrections, seen, microF1 = "micro_f1", macroF1 = "macro_f1", activeLabels = "active_labels"
        }
    }

    public var stream: [TrainingExample]
    public var heldOut: [TrainingExample]
    public var labels: [String]
    public var every: Int
    public var options: TrainingOptions

    public init(stream: [TrainingExample], heldOut: [TrainingExample], labels: [String], every: Int, options: TrainingOptions) {
        self.stream = stream; self.heldOut = heldOut; self.labels = labels; self.every = every; self.options = options
    }

    /// Runs the replay; `progress` receives each point as it is measured, `corrected` the stream
    /// position of each message the user corrects, in order (a peer can replay the same training sets).
    public func run(corrected onCorrect: (Int) -> Void = { _ in }, progress: (Point) -> Void) -> [Point] {
        var model: MultiLabelModel?
        var corrected: [TrainingExample] = []
        var points: [Point] = []
        var sinceRetrain = 0
        func measure(seen: Int) {
            guard let m = model else { return }
            let truth = heldOut.map { Set($0.labels.map { labels[$0] }) }
            let predicted = heldOut.map { Set(m.predict($0.vector).tags) }
            let included = m.labelInfo.filter { !$0.abstains }.map(\.name)
            let score = HeldOutScore.measure(predicted: predicted, truth: truth, labels: labels)
            let p = Point(corrections: corrected.count, seen: seen, microF1: score.microF1, macroF1: score.macroF1,
                          activeLabels: included.count)
            points.append(p)
            progress(p)
        }
        for (i, example) in stream.enumerated() {
            let truth = Set(example.labels.map { labels[$0] })
            let applied = model.map { Set($0.predict(example.vector).tags) } ?? []
            guard applied != truth else { continue }
            corrected.append(example)
            onCorrect(i)
            sinceRetrain += 1
            guard sinceRetrain >= every else { continue }
            sinceRetrain = 0
            let present = Set(corrected.flatMap(\.labels))
            guard corrected.count >= options.folds, !present.isEmpty else { continue }
            if let m = try? Trainer.train(examples: corrected, labels: labels, options: options).model {
                model = m
                measure(seen: i + 1)
            }
        }
        if sinceRetrain > 0, corrected.count >= options.folds,
           let m = try? Trainer.train(examples: corrected, labels: labels, options: options).model {
            model = m
            measure(seen: stream.count)
        }
        return points
    }

    /// An SVG line chart of micro- and macro-F1 against the number of corrections; a `peer`'s
    /// points (named `peerName`) are drawn dashed beside them.
    public static func svg(_ points: [Point], title: String, peer: [Point] = [], peerName: String = "peer") -> String {
        let w = 640.0, h = 360.0, left = 56.0, right = 16.0, top = 36.0, bottom = 44.0
        let maxX = Double((points + peer).map(\.corrections).max() ?? 1)
        func x(_ v: Int) -> Double { left + Double(v) / max(maxX, 1) * (w - left - right) }
        func y(_ v: Float) -> Double { top + (1 - Double(v)) * (h - top - bottom) }
        func path(_ values: [(Int, Float)]) -> String {
            values.enumerated().map { i, p in String(format: "%@%.1f,%.1f", i == 0 ? "M" : "L", x(p.0), y(p.1)) }.joined(separator: " ")
        }
        var out = [String(format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" font-size=\"12\">", w, h)]
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>")
        out.append(String(format: "<text x=\"%.0f\" y=\"22\" font-size=\"14\">%@</text>", left, title))
        for t in stride(from: 0.0, through: 1.0, by: 0.2) {
            out.append(String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, y(Float(t)), w - right, y(Float(t))))
            out.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>", left - 6, y(Float(t)) + 4, t))
        }
        let step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000].first { Double($0) * 6 >= maxX } ?? 10_000
        for c in stride(from: 0, through: Int(maxX), by: step) {
            out.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>", x(c), h - bottom + 16, c))
        }
        out.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">corrections</text>", (left + w - right) / 2, h - 8))
        out.append("<path d=\"\(path(points.map { ($0.corrections, $0.microF1) }))\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>")
        out.append("<path d=\"\(path(points.map { ($0.corrections, $0.macroF1) }))\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>")
        out.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"#1f77b4\">micro-F1</text>", w - right - 150, top + 14))
        out.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\">macro-F1</text>", w - right - 70, top + 14))
        if !peer.isEmpty {
            let dash = "stroke-width=\"1.5\" stroke-dasharray=\"6 4\""
            out.append("<path d=\"\(path(peer.map { ($0.corrections, $0.microF1) }))\" fill=\"none\" stroke=\"#1f77b4\" \(dash)/>")
            out.append("<path d=\"\(path(peer.map { ($0.corrections, $0.macroF1) }))\" fill=\"none\" stroke=\"#d62728\" \(dash)/>")
            out.append(String(format: "<text x=\"%.1f\" y=\"%.1f\">solid: tagger; dashed: %@</text>", w - right - 330, top + 32,
                              peerName.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")))
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }
}
