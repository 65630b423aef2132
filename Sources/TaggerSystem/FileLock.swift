#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a file (flock), released when the value is dropped.
public final class FileLock: Sendable {
    private let fd: Int32
    /// The lock file.
    public let path: String

    /// Takes the lock; with `wait` false, fails at once when another process holds it.
    /// - Throws: `TaggerError.io` when the lock file cannot be opened, `.busy` when it is held.
    public init(path: String, wait: Bool) throws(TaggerError) {
        // The properties are set only once the lock is held: an init that throws after setting
        // them all runs deinit, which closed the descriptor a second time (by then possibly
        // another thread's file).
        let descriptor: Int32
        do throws(SystemError) {
            descriptor = try Syscall.call("open", path: path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600) }
        } catch {
            throw .io(path: path, reason: "cannot open lock: \(error.systemMessage)")
        }
        do throws(SystemError) {
            _ = try Syscall.call("flock", path: path) { flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) }
        } catch {
            close(descriptor)
            if error.code == EWOULDBLOCK { throw .busy(path: path) }
            throw .io(path: path, reason: "cannot lock: \(error.systemMessage)")
        }
        self.path = path
        fd = descriptor
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Creates `path` and its parents with mode 0700 when missing.
/// - Throws: `TaggerError.io` naming the folder.
public func makeDirectory(_ path: String) throws(TaggerError) {
    do throws(SystemError) { try FileIO.makeDirectory(path) } catch {
        throw .io(path: path, reason: "cannot create folder: \(error.systemMessage)")
    }
}
