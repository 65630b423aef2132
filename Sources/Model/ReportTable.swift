import Foundation

extension EvaluationReport {
    /// The report as a plain-text table: one line per label (tuned metrics beside those at
    /// 0.5), then the summaries and the reliability table.
    public func renderTable() -> String {
        let width = max(5, labels.map(\.name.count).max() ?? 5)
        func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
        func num(_ x: Float) -> String { String(format: "%.3f", x) }
        var lines: [String] = []
        lines.append(pad("label", width) + "  support  thresh  prec   recall  f1     | prec@.5 rec@.5 f1@.5")
        for label in labels {
            let t = label.tuned, h = label.atHalf
            let thresh = label.threshold.isFinite ? num(label.threshold) : "  -  "
            var line = pad(label.name, width) + "  " + pad(String(t.support), 7) + "  " + thresh
            line += "   " + num(t.precision) + "  " + num(t.recall) + "   " + num(t.f1)
            line += "  | " + num(h.precision) + "   " + num(h.recall) + "  " + num(h.f1)
            if !label.included {
                line += "  (abstains: too few examples; not counted)"
            } else if !label.threshold.isFinite {
                line += "  (abstains: counted as never applied)"
            }
            lines.append(line)
        }
        lines.append("")
        lines.append("examples: \(examples); \(scope)")
        var rows = [("tuned thresholds", tuned), ("threshold 0.5   ", atHalf)]
        if let crossFitted { rows.insert(("tuned, held out", crossFitted), at: 0) }
        for (name, s) in rows {
            lines.append("\(name): micro-F1 \(num(s.microF1)) (P \(num(s.microPrecision)), R \(num(s.microRecall)))"
                + "  macro-F1 \(num(s.macroF1)) over \(s.macroLabels) labels  hamming loss \(String(format: "%.4f", s.hammingLoss))")
        }
        if crossFitted != nil {
            lines.append("(tuned, held out: each fold decided with thresholds and abstentions chosen on the other folds only,"
                + " the estimate to trust; tuned thresholds: chosen and counted on the same scores, optimistic)")
        }
        lines.append("")
        lines.append("calibration: expected calibration error \(String(format: "%.4f", calibration.expectedCalibrationError))")
        lines.append("bin          count    mean predicted  observed")
        for bin in calibration.bins {
            lines.append(pad("\(num(bin.lower))-\(num(bin.upper))", 13) + pad(String(bin.count), 9)
                + pad(num(bin.meanPredicted), 16) + num(bin.observedRate))
        }
        return lines.joined(separator: "\n")
    }
}
