import Foundation
import TaggerSystem
#if canImport(Glibc)
import Glibc
#endif

/// Reading message files from disk, with the checks every command shares.
public enum MessageFile {
    /// Reads at most `maxBytes` of the file at `path` (the rest is left unread).
    /// - Throws: `TaggerError.io` naming the file: missing, a folder, unreadable, empty, or not a
    ///   regular file (a FIFO, a device, a symbolic link: see ``readPrefix(_:maxBytes:)``).
    public static func read(_ path: String, maxBytes: Int = 32 << 20) throws(TaggerError) -> [UInt8] {
        try readPrefix(path, maxBytes: maxBytes).bytes
    }

    /// Like `read`, also giving the file's size, so a caller can tell the message was cut.
    ///
    /// The file is opened without blocking (a FIFO is refused at once, never waited on) and
    /// without following a symbolic link at its last component: a link planted in a Maildir
    /// must not make tagger read a file elsewhere. The folders above it may be links.
    public static func readPrefix(_ path: String, maxBytes: Int) throws(TaggerError) -> (bytes: [UInt8], fileSize: Int) {
        let result: (bytes: [UInt8], fileSize: Int)
        do throws(SystemError) {
            result = try FileIO.readRegularFile(path, followLink: false, limit: maxBytes)
        } catch {
            throw .io(path: path, reason: error.code == EISDIR ? "is a folder, not a message" : error.detail ?? error.systemMessage)
        }
        if result.bytes.isEmpty { throw .io(path: path, reason: "empty file, not a message") }
        return result
    }

    /// Why `bytes` cannot be a mail message at all (binary formats such as an Outlook .msg),
    /// or nil when it may be one. Compressed messages count as mail.
    public static func notMailReason(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return "binary file (an OLE compound document such as an Outlook .msg), not a MIME message"
        }
        if bytes.starts(with: [0x1f, 0x8b]) || bytes.starts(with: [0x78]) { return nil }
        let head = bytes.prefix(4096)
        var control = 0
        for b in head where b == 0 || (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D && b != 0x0C && b != 0x1B) {
            control += 1
        }
        if control * 10 > head.count { return "binary file, not a MIME message" }
        return nil
    }

    /// Expands files and folders into message files: folders are walked recursively in name
    /// order, skipping dot-files, `tmp/` of maildirs, `dovecot*` and `maildirfolder` files.
    /// A folder named in `paths` may be a symbolic link; links inside it are not followed.
    /// Paths that do not exist, and named folders holding no message, are returned as is, so
    /// that reading them reports the error.
    public static func expand(_ paths: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
                out.append(path); continue
            }
            let before = out.count
            var stack = [path]
            while let dir = stack.popLast() {
                guard let names = try? fm.contentsOfDirectory(atPath: dir) else { continue }
                var files: [String] = [], dirs: [String] = []
                for name in names.sorted() {
                    let full = dir.hasSuffix("/") ? dir + name : dir + "/" + name
                    // lstat: a link found inside a folder is not followed (a link to `.` would
                    // walk the folder again and again); it is listed, and reading it says why not.
                    var st = stat()
                    if lstat(full, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
                        if !skipFolder(name) { dirs.append(full) }
                    } else if !skipFile(name) {
                        files.append(full)
                    }
                }
                out.append(contentsOf: files)
                stack.append(contentsOf: dirs.reversed())
            }
            if out.count == before { out.append(path) }  // nothing in it: reading says why
        }
        return out
    }

    /// Files that are never messages: dot-files, Dovecot's index/cache files, `maildirfolder`.
    static func skipFile(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("dovecot") || name == "maildirfolder"
    }

    /// Folders never walked: a maildir's `tmp/` (half-delivered mail) and tool folders such as
    /// `.git` or `.notmuch`. Maildir++ subfolders (`.Lists`) are walked.
    static func skipFolder(_ name: String) -> Bool {
        name == "tmp" || name == ".git" || name == ".notmuch" || name == "." || name == ".."
    }
}
