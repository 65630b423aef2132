import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Throughput and latency figures of one benchmark run.
public struct BenchReport: Codable, Sendable {
    public var name: String
    public var messages: Int
    public var bytes: Int
    public var seconds: Double
    public var messagesPerSecond: Double
    public var megabytesPerSecond: Double
    /// Per-message latency percentiles, in microseconds.
    public var p50Micros: Double
    public var p99Micros: Double
    public var maxMicros: Double
    /// Peak resident set size of the process so far, in MiB.
    public var peakRSSMiB: Double
    public var errors: Int
    /// Free-form extra figures (e.g. the competitor's throughput in a side-by-side run).
    public var extra: [String: Double]

    public init(name: String, messages: Int, bytes: Int, seconds: Double, messagesPerSecond: Double,
                megabytesPerSecond: Double, p50Micros: Double, p99Micros: Double, maxMicros: Double,
                peakRSSMiB: Double, errors: Int, extra: [String: Double]) {
        self.name = name; self.messages = messages; self.bytes = bytes; self.seconds = seconds
        self.messagesPerSecond = messagesPerSecond; self.megabytesPerSecond = megabytesPerSecond
        self.p50Micros = p50Micros; self.p99Micros = p99Micros; self.maxMicros = maxMicros
        self.peakRSSMiB = peakRSSMiB; self.errors = errors; self.extra = extra
    }

    enum CodingKeys: String, CodingKey {
        case name, messages, bytes, seconds, errors, extra
        case messagesPerSecond = "msgs_per_s", megabytesPerSecond = "mb_per_s"
        case p50Micros = "p50_us", p99Micros = "p99_us", maxMicros = "max_us", peakRSSMiB = "peak_rss_mib"
    }

    /// A one-line human summary.
    public var summary: String {
        String(format: "%@: %d msgs, %.1f MB in %.3f s = %.0f msgs/s, %.1f MB/s; p50 %.0f µs, p99 %.0f µs, max %.0f µs; peak RSS %.1f MiB%@",
               name, messages, Double(bytes) / 1e6, seconds, messagesPerSecond, megabytesPerSecond,
               p50Micros, p99Micros, maxMicros, peakRSSMiB, errors > 0 ? ", \(errors) errors" : "")
    }
}

/// Collects per-item timings and turns them into a `BenchReport`.
public struct BenchRecorder {
    public let name: String
    private var samples: [UInt64] = []
    private var bytes = 0
    private var errors = 0
    private var started: UInt64 = 0
    private var elapsed: UInt64 = 0

    public init(name: String, expected: Int = 0) {
        self.name = name
        samples.reserveCapacity(expected)
    }

    /// Monotonic clock in nanoseconds.
    @inline(__always) public static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    public mutating func start() { started = Self.now() }
    /// Wall time between the `start()` and `stop()` calls so far.
    public var elapsedNanos: UInt64 { elapsed }
    public mutating func stop() { elapsed += Self.now() - started }

    /// Records one item that took `nanos` and covered `byteCount` bytes.
    public mutating func record(nanos: UInt64, byteCount: Int) {
        samples.append(nanos)
        bytes += byteCount
    }

    public mutating func recordError() { errors += 1 }

    /// The report; `seconds` is the wall time between `start()` and `stop()` calls.
    public func report(extra: [String: Double] = [:]) -> BenchReport {
        let sorted = samples.sorted()
        func pct(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let i = min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))
            return Double(sorted[i]) / 1000
        }
        let secs = Double(elapsed) / 1e9
        return BenchReport(
            name: name, messages: samples.count, bytes: bytes, seconds: secs,
            messagesPerSecond: secs > 0 ? Double(samples.count) / secs : 0,
            megabytesPerSecond: secs > 0 ? Double(bytes) / 1e6 / secs : 0,
            p50Micros: pct(0.5), p99Micros: pct(0.99), maxMicros: Double(sorted.last ?? 0) / 1000,
            peakRSSMiB: peakRSSMiB(), errors: errors, extra: extra)
    }
}

/// Peak resident set size of this process in MiB (getrusage `ru_maxrss`, KiB on Linux).
public func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// A memory figure of process `pid` in MiB from `/proc/<pid>/status` (`VmRSS`: resident now;
/// `VmHWM`: the most it has been resident), 0 if unknown.
public func processMemoryMiB(pid: Int32, field: String) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
          let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
    return kib / 1024
}

/// Current resident set size of this process in MiB (from `/proc/self/statm`), 0 if unknown.
public func currentRSSMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}
