/// Precision, recall and F1 of one label, with the counts behind them.
public struct LabelMetrics: Sendable, Equatable, Codable {
    /// Examples that truly carry the label.
    public var support: Int
    /// Examples tagged with the label (predicted positive).
    public var predicted: Int
    /// Tagged and truly carrying it.
    public var truePositives: Int

    /// Creates metrics from counts.
    public init(support: Int, predicted: Int, truePositives: Int) {
        self.support = support
        self.predicted = predicted
        self.truePositives = truePositives
    }

    /// TP / predicted (0 when nothing was predicted).
    public var precision: Float { predicted == 0 ? 0 : Float(truePositives) / Float(predicted) }
    /// TP / support (0 when there is no support).
    public var recall: Float { support == 0 ? 0 : Float(truePositives) / Float(support) }
    /// 2·TP / (predicted + support) (0 when both are 0).
    public var f1: Float {
        predicted + support == 0 ? 0 : 2 * Float(truePositives) / Float(predicted + support)
    }
}
