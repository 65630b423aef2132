import Foundation

/// ISO-8601 UTC timestamps (`2026-11-26T10:04:12Z`), the form used in sidecars and the status file.
public enum Timestamp {
    /// Formats `date` as `YYYY-MM-DDTHH:MM:SSZ` in UTC.
    public static func iso8601(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        // Digits by hand: String(format:) cost as much as writing the sidecar.
        var out: [UInt8] = []
        out.reserveCapacity(20)
        func digits(_ value: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            var v = max(0, value)
            for _ in 0..<count {
                out.append(0x30 + UInt8(v / divisor % 10))
                v %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4); out.append(0x2D)
        digits(parts.tm_mon + 1, 2); out.append(0x2D)
        digits(parts.tm_mday, 2); out.append(0x54)
        digits(parts.tm_hour, 2); out.append(0x3A)
        digits(parts.tm_min, 2); out.append(0x3A)
        digits(parts.tm_sec, 2); out.append(0x5A)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses the `YYYY-MM-DDTHH:MM:SSZ` form written by ``iso8601(_:)``; nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }
}
