#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The read-all and write-all loops, the descriptor helpers and the folder helpers every file
/// tagger reads or writes goes through (message files, sidecars, the journal, model files).
public enum FileIO {
    /// An open regular-or-not file and what `fstat` said about it; closed by ``close()``.
    public struct OpenFile: ~Copyable {
        public let fd: Int32
        public let path: String
        public let info: stat

        /// True for a directory.
        public var isDirectory: Bool { (info.st_mode & S_IFMT) == S_IFDIR }
        /// True for a regular file.
        public var isRegular: Bool { (info.st_mode & S_IFMT) == S_IFREG }
        /// The size `fstat` reported.
        public var size: Int { Int(info.st_size) }

        /// Reads up to `count` bytes from the start (fewer at end of file); nil reads to the end.
        /// - Throws: `SystemError` when a read fails.
        public func read(count: Int?) throws(SystemError) -> [UInt8] {
            try FileIO.readAll(fd, path: path, count: count)
        }

        deinit { Glibc.close(fd) }
    }

    /// Opens `path` for reading and `fstat`s the descriptor. The open never blocks: a FIFO is
    /// opened (and then refused by its type) instead of waiting for a writer. With `followLink`
    /// false a symbolic link at the last component is refused (`ELOOP`, with a detail saying
    /// so); the folders above it may be links. A regular file's descriptor is put back to
    /// blocking mode.
    /// - Throws: `SystemError` (`open` or `fstat`).
    public static func openForReading(_ path: String, followLink: Bool = true) throws(SystemError) -> OpenFile {
        let flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (followLink ? 0 : O_NOFOLLOW)
        let fd: Int32
        do throws(SystemError) {
            fd = try Syscall.call("open", path: path) { Glibc.open(path, flags) }
        } catch where error.code == ELOOP && !followLink {
            var st = stat()
            var refused = error
            if lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK {
                refused.detail = "a symbolic link (tagger does not follow links below a configured folder)"
            }
            throw refused
        }
        var info = stat()
        do throws(SystemError) {
            _ = try Syscall.call("fstat", path: path) { fstat(fd, &info) }
        } catch {
            Glibc.close(fd)
            throw error
        }
        if (info.st_mode & S_IFMT) == S_IFREG {
            let fl = fcntl(fd, F_GETFL)
            if fl >= 0 { _ = fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) }
        }
        return OpenFile(fd: fd, path: path, info: info)
    }

    /// Reads at most `limit` bytes of the regular file at `path`, opened as
    /// ``openForReading(_:followLink:)`` does.
    /// - Returns: the bytes and the file's size (larger than the bytes when cut at `limit`).
    /// - Throws: `SystemError` naming the file: missing, unreadable, a refused link, or not a
    ///   regular file (`detail` says what it is: "a FIFO (named pipe), not a regular file").
    public static func readRegularFile(_ path: String, followLink: Bool, limit: Int) throws(SystemError) -> (bytes: [UInt8], fileSize: Int) {
        let file = try openForReading(path, followLink: followLink)
        guard file.isRegular else {
            var e = SystemError("open", path: path, code: file.isDirectory ? EISDIR : EINVAL)
            e.detail = file.isDirectory ? "is a folder, not a file" : "\(kindName(file.info.st_mode)), not a regular file"
            throw e
        }
        return (try file.read(count: min(file.size, limit)), file.size)
    }

    /// The name of the kind of file `mode` describes, for messages ("a FIFO (named pipe)", ...).
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

    /// Reads from `fd` until `count` bytes (nil: end of file) — the one read loop.
    /// - Throws: `SystemError` naming `path` when a read fails.
    public static func readAll(_ fd: Int32, path: @autoclosure () -> String, count: Int?) throws(SystemError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count ?? 16384)
        var got = 0
        while true {
            if let count, got >= count { break }
            if got == out.count { out.append(contentsOf: repeatElement(0, count: out.count)) }
            let n = try Syscall.call("read", path: path()) {
                out.withUnsafeMutableBytes { b in Glibc.read(fd, b.baseAddress! + got, b.count - got) }
            }
            if n == 0 { break }
            got += n
        }
        if got < out.count { out.removeSubrange(got...) }
        return out
    }

    /// Writes all of `bytes` to `fd` — the one write loop (a short write continues; a write
    /// that makes no progress is an error, as the kernel reports ENOSPC on the next call).
    /// - Throws: `SystemError` naming `path` when a write fails.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: @autoclosure () -> String) throws(SystemError) {
        var done = 0
        while done < bytes.count {
            let n = try Syscall.call("write", path: path()) {
                bytes.withUnsafeBytes { b in Glibc.write(fd, b.baseAddress! + done, b.count - done) }
            }
            if n == 0 { throw SystemError("write", path: path(), code: EIO) }
            done += n
        }
    }

    /// fsyncs `fd`.
    /// - Throws: `SystemError` naming `path`.
    public static func sync(_ fd: Int32, path: @autoclosure () -> String) throws(SystemError) {
        _ = try Syscall.call("fsync", path: path()) { fsync(fd) }
    }

    /// Creates `path` and its missing parents, mode 0700 (an existing folder is fine).
    /// - Throws: `SystemError` naming the first folder that could not be made.
    public static func makeDirectory(_ path: String) throws(SystemError) {
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + part
            do throws(SystemError) {
                _ = try Syscall.call("mkdir", path: prefix) { mkdir(prefix, 0o700) }
            } catch where error.code == EEXIST {
                continue
            }
        }
    }

    /// `stat` of `path` (following symlinks).
    /// - Throws: `SystemError` when it fails.
    public static func status(_ path: String) throws(SystemError) -> stat {
        var info = stat()
        _ = try Syscall.call("stat", path: path) { stat(path, &info) }
        return info
    }

    /// True when `path` names nothing (`ENOENT`); any other answer, a failure included, is false.
    public static func isMissing(_ path: String) -> Bool {
        do throws(SystemError) {
            _ = try Syscall.call("access", path: path) { access(path, F_OK) }
            return false
        } catch {
            return error.isNotFound
        }
    }

    /// True when `path` can be reached (`access(F_OK)` succeeds).
    public static func exists(_ path: String) -> Bool {
        (try? Syscall.call("access", path: path) { access(path, F_OK) }) != nil
    }

    /// fsyncs the folder `path`, making renames and links in it durable.
    /// - Throws: `SystemError` when it cannot be opened or synced.
    public static func syncDirectory(_ path: String) throws(SystemError) {
        let fd = try Syscall.call("open", path: path) { Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { Glibc.close(fd) }
        try sync(fd, path: path)
    }
}
