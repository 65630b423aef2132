#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import TaggerLock

/// Severity of a log line, numbered like syslog/journald priorities.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case error = 3, warning = 4, notice = 5, info = 6, debug = 7

    /// Parses a config/CLI spelling (`error`, `warning`/`warn`, `notice`, `info`, `debug`).
    public init?(name: String) {
        switch name.lowercased() {
        case "error", "err": self = .error
        case "warning", "warn": self = .warning
        case "notice": self = .notice
        case "info": self = .info
        case "debug": self = .debug
        default: return nil
        }
    }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Writes one line per event. Under journald (`JOURNAL_STREAM` set) each line starts with a
/// `<N>` priority prefix that journald turns into the entry's level; otherwise lines are plain
/// `level: message`. Never coloured. Libraries receive a logger; only the CLI makes one.
public struct DaemonLogger: Sendable {
    /// Lines below this severity are dropped.
    public var minimumLevel: LogLevel
    private let journald: Bool
    private let sink: @Sendable (String) -> Void

    /// A logger writing to stderr; `journald` defaults to whether `JOURNAL_STREAM` is set.
    public static func standardError(level: LogLevel, environment: [String: String]) -> DaemonLogger {
        DaemonLogger(minimumLevel: level, journald: environment["JOURNAL_STREAM"] != nil) { line in
            var bytes = Array(line.utf8)
            bytes.append(UInt8(ascii: "\n"))
            _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        }
    }

    /// A logger handing each formatted line (without newline) to `sink`; for tests and embedding.
    public init(minimumLevel: LogLevel, journald: Bool = false, sink: @escaping @Sendable (String) -> Void) {
        self.minimumLevel = minimumLevel
        self.journald = journald
        self.sink = sink
    }

    /// Logs `message` at `level` if it passes the threshold. Newlines in it are flattened.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard level <= minimumLevel else { return }
        let text = message().replacingOccurrences(of: "\n", with: " ")
        if journald {
            sink("<\(level.rawValue)>\(text)")
        } else {
            sink("\(Self.name(level)): \(text)")
        }
    }

    public func error(_ m: @autoclosure () -> String) { log(.error, m()) }
    public func warning(_ m: @autoclosure () -> String) { log(.warning, m()) }
    public func notice(_ m: @autoclosure () -> String) { log(.notice, m()) }
    public func info(_ m: @autoclosure () -> String) { log(.info, m()) }
    public func debug(_ m: @autoclosure () -> String) { log(.debug, m()) }

    private static func name(_ level: LogLevel) -> String {
        switch level {
        case .error: "error"
        case .warning: "warning"
        case .notice: "notice"
        case .info: "info"
        case .debug: "debug"
        }
    }
}

/// Collects log lines in memory (tests).
public final class LogCapture: Sendable {
    private let lines = Locked<[String]>([])
    public init() {}
    /// A logger that appends to this capture.
    public func logger(level: LogLevel = .debug) -> DaemonLogger {
        DaemonLogger(minimumLevel: level) { line in self.lines.withLock { $0.append(line) } }
    }
    /// Every line captured so far.
    public var all: [String] { lines.withLock { $0 } }
}
