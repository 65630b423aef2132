#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TaggerLock

/// The state directory holds the user's corrections, sidecars (Message-IDs, tags) and model:
/// it is private. One created by tagger is mode 0700; one that already exists with group or
/// other permission bits (say 0755, made by `mkdir`) is tightened to 0700 once per process,
/// with a warning on stderr. A directory owned by another user is left alone (and warned about).
enum StateDirectoryMode {
    private static let checked = Locked<Set<String>>([])

    /// Checks `path` (once per process) and tightens it to 0700 when others may read it.
    /// - Returns: the warning written, if any (for tests).
    @discardableResult
    static func tighten(_ path: String, warn: (String) -> Void = warnOnStandardError) -> String? {
        guard checked.withLock({ $0.insert(path).inserted }) else { return nil }
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return nil }
        let loose = st.st_mode & 0o077
        guard loose != 0 else { return nil }
        let old = String(st.st_mode & 0o7777, radix: 8)
        let message: String
        if st.st_uid != geteuid() {
            message = "state directory \(path) has mode 0\(old) and belongs to another user; others may read your sidecars and corrections"
        } else if chmod(path, st.st_mode & 0o7700) != 0 {
            message = "state directory \(path) has mode 0\(old) and could not be made private: \(String(cString: strerror(errno)))"
        } else {
            message = "state directory \(path) had mode 0\(old) (others could read it); changed to 0\(String((st.st_mode & 0o7700), radix: 8))"
        }
        warn(message)
        return message
    }

    static func warnOnStandardError(_ message: String) {
        var bytes = Array("warning: \(message)\n".utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}
