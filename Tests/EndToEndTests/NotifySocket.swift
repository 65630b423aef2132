import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bound AF_UNIX datagram socket standing in for systemd's `$NOTIFY_SOCKET`.
final class NotifySocket {
    let path: String
    private let fd: Int32

    struct SocketError: Error, CustomStringConvertible {
        var call: String
        var code: Int32
        var description: String { "\(call): \(String(cString: strerror(code)))" }
    }

    /// Binds a non-blocking datagram socket at a fresh short path under /tmp.
    init() throws {
        let path = "/tmp/tagger-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        // The properties are set only once bound: a throw after setting them all runs deinit,
        // which would close the descriptor a second time (another test's file by then).
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", code: errno) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0 else {
            let e = errno
            close(fd)
            throw SocketError(call: "bind \(path)", code: e)
        }
        self.path = path
        self.fd = fd
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Every datagram waiting now, each as text.
    func drain() -> [String] {
        var out: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            out.append(String(decoding: buffer[..<n], as: UTF8.self))
        }
        return out
    }
}
