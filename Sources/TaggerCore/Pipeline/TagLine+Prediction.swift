import Model
import TaggerState
import TaggerSystem
import TaggerMaildir
import TaggerConfig

extension TagLine {
    /// The line for a model's verdict; probabilities rounded to 4 decimals (files stay small
    /// and diffs readable).
    public init(path: String, prediction p: Prediction, warnings: [String]? = nil) {
        self.init(path: path, tags: p.tags, scores: p.scores.mapValues { (Double($0) * 10_000).rounded() / 10_000 },
                  abstained: p.abstained, warnings: warnings)
    }
}
