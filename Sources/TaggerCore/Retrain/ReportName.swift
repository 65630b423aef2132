import Foundation
import TaggerSystem

/// Names of retrain reports: `retrain-<UTC time to the millisecond>Z.json`, with `-2`, `-3`...
/// added when that name is taken, so two retrains in the same millisecond (or a clock set back)
/// never overwrite each other's report. Name order is time order.
enum ReportName {
    /// `yyyyMMdd'T'HHmmss.SSS'Z'` in UTC for `date`.
    static func stamp(_ date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss.SSS'Z'"
        return f.string(from: date)
    }

    /// A report name not yet used in `dir`.
    static func unused(in dir: SecureDirectory, date: Date = Date()) -> String {
        let base = "retrain-" + stamp(date)
        var name = base + ".json"
        var n = 1
        while dir.contains(name) {
            n += 1
            name = base + "-\(n).json"
        }
        return name
    }
}
