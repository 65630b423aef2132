import Foundation

/// The POSIX file operations the model file needs, with errno turned into reasons.
enum AtomicFile {
    /// The system's message for the current errno.
    private static func reason(_ what: String) -> String {
        "\(what): \(String(cString: strerror(errno)))"
    }

    /// Reads a whole file of at most `limit` bytes. The file is opened without blocking, so a
    /// FIFO (or device) at the path is refused at once instead of waiting for a writer; its
    /// type is checked on the open descriptor. The path may be a symbolic link (it is the
    /// user's configured model path).
    /// - Throws: `ModelFileError.unreadable` on any failure, including a file over the limit.
    static func read(_ path: String, limit: Int) throws(ModelFileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: reason("open")) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: reason("stat")) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .unreadable(path: path, reason: "\(kindName(info.st_mode)), not a regular file")
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        let size = Int(info.st_size)
        guard size <= limit else { throw .unreadable(path: path, reason: "file is \(size) bytes, over the \(limit)-byte limit") }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw .unreadable(path: path, reason: reason("read")) }
            if n == 0 { break }
            done += n
        }
        return Array(bytes[0..<done])
    }

    /// What kind of file `mode` describes, for messages.
    static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "not a regular file"
        }
    }

    /// Writes `bytes` to `path` atomically: a temporary file in the same directory (mode 0600),
    /// written fully, fsynced, renamed over `path`, then the directory fsynced. Readers see the
    /// old file or the new one, never a mix; a failure leaves no temporary file behind.
    /// - Throws: `ModelFileError.unwritable` naming the step that failed.
    static func write(_ bytes: [UInt8], to path: String) throws(ModelFileError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unwritable(path: path, reason: reason("create \(temporary)")) }
        var failure: String?
        var done = 0
        while done < bytes.count && failure == nil {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { failure = reason("write") } else { done += n }
        }
        if failure == nil && fsync(fd) != 0 { failure = reason("fsync") }
        if close(fd) != 0 && failure == nil { failure = reason("close") }
        if failure == nil && rename(temporary, path) != 0 { failure = reason("rename") }
        if let failure {
            unlink(temporary)
            throw .unwritable(path: path, reason: failure)
        }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            defer { close(dfd) }
            guard fsync(dfd) == 0 else { throw .unwritable(path: path, reason: reason("fsync directory")) }
        }
    }
}
