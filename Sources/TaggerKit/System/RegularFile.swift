#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening files that other programs (or other people) may have replaced with something odd.
///
/// A FIFO, a device or a socket must never block or feed tagger, and a symbolic link found
/// below a configured root must not lead it elsewhere. So files are opened with
/// `O_NONBLOCK` (opening a FIFO returns at once instead of waiting for a writer), with
/// `O_NOFOLLOW` unless the path is one the user configured, and their type is checked with
/// `fstat` on the open descriptor (no race between the check and the read).
public enum RegularFile {
    /// Why a path could not be opened as a regular file.
    public struct Refused: Error, CustomStringConvertible, Sendable, Equatable {
        /// The file.
        public var path: String
        /// Why, in words ("a FIFO, not a regular file", "a symbolic link (not followed)", ...).
        public var reason: String
        /// The errno behind the failure, or 0 when the file was opened but is not a regular file.
        public var code: Int32

        public var description: String { "\(path): \(reason)" }
        /// True when the file does not exist.
        public var isNotFound: Bool { code == ENOENT }
    }

    /// The name of the kind of file `mode` describes, for messages ("a FIFO", "a folder", ...).
    public static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFLNK: return "a symbolic link"
        case S_IFREG: return "a regular file"
        default: return "not a regular file"
        }
    }

    /// Opens `path` for reading as a regular file and returns the descriptor (close it) and its
    /// `stat`. With `followLink` false a symbolic link at the last component is refused
    /// (components before it may be links: the configured roots may be).
    /// - Throws: `Refused` naming the file: missing, unreadable, a link, or not a regular file.
    public static func open(_ path: String, followLink: Bool) throws(Refused) -> (fd: Int32, info: stat) {
        var flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
        if !followLink { flags |= O_NOFOLLOW }
        let fd = retryingEINTR { Glibc.open(path, flags) }
        if fd < 0 {
            let code = errno
            if code == ELOOP && !followLink {
                var st = stat()
                if lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK {
                    throw Refused(path: path, reason: "a symbolic link (tagger does not follow links below a configured folder)", code: code)
                }
            }
            throw Refused(path: path, reason: String(cString: strerror(code)), code: code)
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw Refused(path: path, reason: "stat: \(String(cString: strerror(code)))", code: code)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            let kind = kindName(st.st_mode)
            throw Refused(path: path, reason: (st.st_mode & S_IFMT) == S_IFDIR ? "is a folder, not a file" : "\(kind), not a regular file", code: 0)
        }
        // Back to blocking reads (O_NONBLOCK means nothing for a regular file's data, but a
        // caller handing the descriptor on should get the usual semantics).
        let fl = fcntl(fd, F_GETFL)
        if fl >= 0 { _ = fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) }
        return (fd, st)
    }

    /// Reads at most `limit` bytes of the regular file at `path` (see ``open(_:followLink:)``).
    /// - Returns: the bytes read and the file's size (larger than the bytes when cut at `limit`).
    /// - Throws: `Refused` naming the file.
    public static func read(_ path: String, followLink: Bool, limit: Int) throws(Refused) -> (bytes: [UInt8], fileSize: Int) {
        let (fd, st) = try open(path, followLink: followLink)
        defer { close(fd) }
        let size = Int(st.st_size)
        let want = min(size, limit)
        var bytes = [UInt8](repeating: 0, count: want)
        var got = 0
        while got < want {
            let n = bytes.withUnsafeMutableBytes { buf in
                retryingEINTR { Glibc.read(fd, buf.baseAddress! + got, want - got) }
            }
            if n < 0 {
                let code = errno
                throw Refused(path: path, reason: "read: \(String(cString: strerror(code)))", code: code)
            }
            if n == 0 { break }
            got += n
        }
        if got < want { bytes.removeLast(want - got) }
        return (bytes, size)
    }
}
