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

    /// True when the failure was "no space left on device" or "quota exceeded".
    public var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }
    /// True when the path (or a component) does not exist.
    public var isNotFound: Bool { code == ENOENT }
    /// True when the failure was a refused symlink (O_NOFOLLOW) or a non-directory component.
    public var isSymlinkRefused: Bool { code == ELOOP || code == ENOTDIR }

    /// The system's text for `code` (`No space left on device`).
    public var systemMessage: String { String(cString: strerror(code)) }

    /// `operation: system message` (or the detail, when there is one), for errors that name the
    /// path themselves.
    public var reason: String { detail ?? "\(operation): \(systemMessage)" }

    public var description: String {
        if let detail { return "\(path): \(detail)" }
        return "\(path): \(operation) failed: \(systemMessage)"
    }
}
