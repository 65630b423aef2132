#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: which operation, on which path, and the `errno` it left.
public struct SystemError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The operation that failed (`open`, `rename`, `inotify_add_watch`, ...).
    public var operation: String
    /// The file or directory involved, when there is one.
    public var path: String
    /// The raw `errno` value.
    public var code: Int32
    /// What went wrong in words, when the errno alone would mislead (a file of the wrong kind).
    public var detail: String?

    /// Makes an error from an explicit errno value.
    public init(_ operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    /// Makes an error from the current `errno`; call it right after the failing call.
    static func current(_ operation: String, path: String) -> SystemError {
        SystemError(operation, path: path, code: errno)
    }

    /// True when the failure was "no space left on device" or "quota exceeded".
    public var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }
    /// True when the path (or a component) does not exist.
    public var isNotFound: Bool { code == ENOENT }
    /// True when the failure was a refused symlink (O_NOFOLLOW) or a non-directory component.
    public var isSymlinkRefused: Bool { code == ELOOP || code == ENOTDIR }

    public var description: String {
        if let detail { return "\(path): \(detail)" }
        return "\(path): \(operation) failed: \(String(cString: strerror(code)))"
    }
}

/// Runs `body` until it does not fail with EINTR; returns its last result.
@inline(__always)
func retryingEINTR<T: BinaryInteger>(_ body: () -> T) -> T {
    while true {
        let r = body()
        if r == -1 && errno == EINTR { continue }
        return r
    }
}
