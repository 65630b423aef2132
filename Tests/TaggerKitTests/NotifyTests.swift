import Foundation
import Glibc
import Testing
@testable import TaggerDaemon
@testable import TaggerSystem

/// A bound AF_UNIX datagram socket standing in for systemd's notify socket.
private final class FakeNotifySocket {
    let fd: Int32
    /// The value for `NOTIFY_SOCKET` (`/path` or `@abstract`).
    let name: String

    init(abstract: Bool, dir: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        name = abstract ? "@tagger-test-\(UUID().uuidString.prefix(8))" : dir + "/notify.sock"
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        let len = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        let r = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard r == 0 else { throw SystemError("bind", path: name, code: errno) }
        // Long enough for a daemon starting on a loaded machine (the parallel suites of `swift
        // test`); a passing run waits only as long as the datagram takes.
        var tv = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// The next datagram, or nil after the 60 s timeout.
    func receive() -> String? {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buf, buf.count, 0)
        return n < 0 ? nil : String(decoding: buf[0..<n], as: UTF8.self)
    }

    /// Datagrams until one contains `needle` (or timeout).
    func receive(until needle: String) -> [String] {
        var got: [String] = []
        while let m = receive() {
            got.append(m)
            if m.contains(needle) { break }
        }
        return got
    }
}

@Suite(.serialized) struct NotifyTests {
    @Test(arguments: [false, true])
    func readyAndWatchdogReachTheSocket(abstract: Bool) throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let sock = try FakeNotifySocket(abstract: abstract, dir: t.path)
        let n = SystemdNotifier(environment: ["NOTIFY_SOCKET": sock.name, "WATCHDOG_USEC": "2000000"])
        #expect(n.isActive)
        #expect(n.watchdogInterval == 2)
        n.ready(status: "model m1")
        #expect(sock.receive() == "READY=1\nSTATUS=model m1")
        n.watchdog()
        #expect(sock.receive() == "WATCHDOG=1")
        n.reloading()
        let r = try #require(sock.receive())
        #expect(r.hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
    }

    @Test func withoutNotifySocketNothingIsSent() {
        let n = SystemdNotifier(environment: [:])
        #expect(!n.isActive)
        #expect(n.watchdogInterval == nil)
        #expect(!n.notify("READY=1"))
    }

    @Test func watchdogForAnotherPidIsIgnored() {
        let n = SystemdNotifier(environment: ["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"])
        #expect(n.watchdogInterval == nil)
    }

    @Test func daemonSendsReadyWatchdogStatusAndStopping() async throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let root = t.path + "/Maildir"
        let state = t.path + "/state"
        try Fixture.makeFolder(root)
        try FakeLoader.writeModel(state, id: "model-n")
        let sock = try FakeNotifySocket(abstract: false, dir: t.path)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": sock.name, "WATCHDOG_USEC": "400000"])
        let daemon = Daemon(config: Fixture.config(maildir: root, state: state), loader: FakeLoader(),
                            logger: LogCapture().logger(), notifier: notifier)
        let (stream, cont) = AsyncStream<DaemonTrigger>.makeStream()
        let task = Task { try await daemon.run(triggers: stream) }
        let first = sock.receive(until: "READY=1")
        #expect(first.last?.hasPrefix("READY=1") == true)
        #expect(first.last?.contains("model model-n") == true)
        // The watchdog's pings and the status are separate services: either may come first.
        var seen: [String] = []
        while !(seen.contains("WATCHDOG=1") && seen.contains(where: { $0.hasPrefix("STATUS=tagged") })), seen.count < 1000,
              let m = sock.receive() {
            seen.append(m)
        }
        #expect(seen.contains("WATCHDOG=1"), "\(seen)")
        #expect(seen.contains { $0.contains("STATUS=tagged 0, backlog 0, errors 0, model model-n") }, "\(seen)")
        cont.yield(.stop)
        #expect(sock.receive(until: "STOPPING=1").last == "STOPPING=1")
        try await task.value
    }
}
