import Foundation

/// ISO-8601 UTC timestamps (`2026-11-26T10:04:12Z`), the form used in sidecars and the status file.
public enum Timestamp {
    /// Formats `date` as `YYYY-MM-DDTHH:MM:SSZ` in UTC.
    public static func iso8601(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Parses the `YYYY-MM-DDTHH:MM:SSZ` form written by ``iso8601(_:)``; nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }
}
