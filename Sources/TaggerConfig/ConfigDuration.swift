/// Durations in the config: an integer number of seconds, or a number with one unit suffix
/// `s`, `m`, `h`, `d` (`"90s"`, `"15m"`, `"24h"`, `"7d"`).
public enum ConfigDuration {
    /// Parses a duration string into seconds; nil when malformed or negative.
    public static func parse(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let last = t.last else { return nil }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = units[last] {
            guard let n = Double(t.dropLast()), n >= 0, n.isFinite else { return nil }
            return n * unit
        }
        guard let n = Double(t), n >= 0, n.isFinite else { return nil }
        return n
    }
}

import Foundation
import TaggerSystem
