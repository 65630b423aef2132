#if os(Linux)
import Glibc
import Foundation

/// Speaks the sd_notify protocol directly: datagrams to the AF_UNIX socket named by
/// `$NOTIFY_SOCKET` (a path, or `@name` for the abstract namespace). Without the variable every
/// call is a no-op, so the daemon runs the same outside systemd.
public final class SystemdNotifier: Sendable {
    private let socketFD: Int32
    private let address: [UInt8]
    /// The watchdog period from `$WATCHDOG_USEC` (seconds), when systemd asked for pings.
    public let watchdogInterval: Double?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    public init(environment: [String: String]) {
        if let usec = environment["WATCHDOG_USEC"].flatMap(Double.init), usec > 0,
           environment["WATCHDOG_PID"].flatMap(Int32.init).map({ $0 == getpid() }) ?? true {
            watchdogInterval = usec / 1_000_000
        } else {
            watchdogInterval = nil
        }
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty,
              path.hasPrefix("/") || path.hasPrefix("@") else {
            socketFD = -1
            address = []
            return
        }
        var bytes = Array(path.utf8)
        if bytes[0] == UInt8(ascii: "@") { bytes[0] = 0 }
        address = bytes
        socketFD = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }

    deinit { if socketFD >= 0 { close(socketFD) } }

    /// True when a notify socket is configured.
    public var isActive: Bool { socketFD >= 0 }

    /// Sends `state` (e.g. `READY=1\nSTATUS=...`); returns false when it could not be sent.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard socketFD >= 0 else { return false }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard address.count < capacity else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in address.enumerated() { raw[i] = b }
        }
        // Abstract names are length-delimited (no trailing NUL); paths include their NUL.
        let pathLength = address[0] == 0 ? address.count : address.count + 1
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + pathLength)
        let payload = Array(state.utf8)
        let sent = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                payload.withUnsafeBytes { b in sendto(socketFD, b.baseAddress, b.count, Int32(MSG_NOSIGNAL), sa, length) }
            }
        }
        return sent == payload.count
    }

    /// `READY=1`.
    public func ready(status: String? = nil) { notify("READY=1" + (status.map { "\nSTATUS=" + $0 } ?? "")) }
    /// `RELOADING=1` with the `MONOTONIC_USEC` systemd ≥ 253 expects.
    public func reloading() {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let usec = UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
        notify("RELOADING=1\nMONOTONIC_USEC=\(usec)")
    }
    /// `STOPPING=1`.
    public func stopping() { notify("STOPPING=1") }
    /// `WATCHDOG=1`.
    public func watchdog() { notify("WATCHDOG=1") }
    /// `STATUS=...`.
    public func status(_ text: String) { notify("STATUS=" + text) }
}
#endif
