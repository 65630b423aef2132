#if canImport(Glibc)
import Glibc
#endif
import TaggerSystem

/// Walks a Maildir root: finds its folders and lists their messages.
///
/// Folders are the root itself, Maildir++ subfolders (`.Name` / `.A.B` directly under the root)
/// and nested directories with `cur/` and `new/` (the "verbatim"/fs layout of mbsync, notmuch,
/// Dovecot `LAYOUT=fs`). `cur`, `new`, `tmp`, `.notmuch` and other dot-directories below the root
/// are never entered; `tmp/` is never read (half-delivered files live there).
public struct MaildirScanner: Sendable {
    /// The Maildir root.
    public var root: String
    /// How deep nested folders are searched.
    public var maxDepth: Int

    public init(root: String, maxDepth: Int = 12) {
        self.root = root
        self.maxDepth = maxDepth
    }

    /// The result of a structure scan.
    public struct Structure: Sendable {
        /// Folders that have `cur/` and `new/`.
        public var folders: [MaildirFolder] = []
        /// Directories to watch for subfolders appearing or vanishing (the root, every folder,
        /// every directory passed through, and Maildir++ dot-dirs still lacking `cur/`).
        public var containers: [MaildirFolder] = []
        /// Directories that could not be read (permission), with the error.
        public var unreadable: [SystemError] = []
    }

    /// Finds every folder below the root.
    /// - Throws: `SystemError` when the root itself cannot be read.
    public func structure() throws(SystemError) -> Structure {
        var out = Structure()
        let entries = try Self.directoryEntries(root, followLink: true)
        visit(MaildirFolder(path: root, relativePath: ""), entries: entries, depth: 0, into: &out)
        return out
    }

    /// Finds the folders at and below `directory` (a directory under the root), by the same
    /// rules as ``structure()`` (a directory the full scan would not enter gives nothing).
    /// - Throws: `SystemError` when `directory` cannot be read (`isNotFound` when it is gone).
    public func structure(below directory: String) throws(SystemError) -> Structure {
        var out = Structure()
        guard directory.hasPrefix(root + "/") else { return out }
        let relative = String(directory.dropFirst(root.count + 1))
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= maxDepth else { return out }
        for (n, p) in parts.enumerated() {
            if p.isEmpty || p == "cur" || p == "new" || p == "tmp" { return out }
            if p.hasPrefix(".") && (n > 0 || p == ".notmuch" || p == "." || p == "..") { return out }
        }
        let entries = try Self.directoryEntries(directory)
        let depth = parts[0].hasPrefix(".") ? maxDepth : parts.count
        visit(MaildirFolder(path: directory, relativePath: relative), entries: entries, depth: depth, into: &out)
        return out
    }

    private func visit(_ dir: MaildirFolder, entries: [Entry], depth: Int, into out: inout Structure) {
        out.containers.append(dir)
        let names = Set(entries.filter(\.isDirectory).map(\.name))
        if names.contains("cur") && names.contains("new") { out.folders.append(dir) }
        guard depth < maxDepth else { return }
        for entry in entries where entry.isDirectory {
            let name = entry.name
            if name == "cur" || name == "new" || name == "tmp" { continue }
            let isDot = name.hasPrefix(".")
            if isDot && (depth > 0 || name == ".notmuch" || name == "." || name == "..") { continue }
            let child = MaildirFolder(
                path: dir.path + "/" + name,
                relativePath: dir.relativePath.isEmpty ? name : dir.relativePath + "/" + name)
            do {
                let childEntries = try Self.directoryEntries(child.path)
                // Maildir++ folders are flat: a dot-folder's own subdirectories are not folders.
                visit(child, entries: childEntries, depth: isDot ? maxDepth : depth + 1, into: &out)
            } catch {
                out.unreadable.append(error)
            }
        }
    }

    /// Lists the message files in `folder`'s `new/` and `cur/`, skipping ignored names.
    /// - Throws: `SystemError` when a subdirectory exists but cannot be read.
    public func messages(in folder: MaildirFolder) throws(SystemError) -> [MaildirMessage] {
        try listing(in: folder).messages
    }

    /// What ``listing(in:)`` found in a folder.
    public struct Listing: Sendable {
        /// The message files (symbolic links and other odd files included: reading them refuses
        /// them with a reason, so each gets an error sidecar instead of vanishing unseen).
        public var messages: [MaildirMessage] = []
        /// Paths of files whose names are not valid UTF-8 (shown with U+FFFD in place of the bad
        /// bytes). tagger cannot name them in a sidecar, so they are reported, not tagged.
        public var unusableNames: [String] = []
    }

    /// Lists `folder`'s `new/` and `cur/`: the message files, and the names tagger cannot use.
    /// `new/` and `cur/` are opened without following symbolic links.
    /// - Throws: `SystemError` when a subdirectory exists but cannot be read.
    public func listing(in folder: MaildirFolder) throws(SystemError) -> Listing {
        var out = Listing()
        for sub in ["new", "cur"] {
            let entries: [Entry]
            do {
                entries = try Self.directoryEntries(folder.path + "/" + sub)
            } catch where error.isNotFound {
                continue
            }
            for e in entries where !e.isDirectory && !MaildirName.isIgnored(fileName: e.name) {
                guard e.validName else {
                    out.unusableNames.append(folder.path + "/" + sub + "/" + e.name)
                    continue
                }
                out.messages.append(MaildirMessage(folder: folder, subdirectory: sub, fileName: e.name))
            }
        }
        return out
    }

    package struct Entry {
        package var name: String
        package var isDirectory: Bool
        /// A symbolic link (never followed: neither walked into nor counted as a folder).
        package var isLink: Bool = false
        /// False when the name's bytes are not valid UTF-8 (`name` then holds a lossy copy that
        /// names no file; such entries are reported, never read).
        package var validName: Bool = true
    }

    /// The name of a `readdir` entry, and whether it is valid UTF-8. The name is read in place
    /// up to its NUL: `ent.pointee.d_name` would copy all 256 bytes of the declared array, past
    /// the end of a short record at the end of the kernel's buffer (AddressSanitizer found it).
    static func entryName(_ ent: UnsafeMutablePointer<dirent>) -> (String, Bool) {
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let p = (UnsafeRawPointer(ent) + offset).assumingMemoryBound(to: CChar.self)
        if let s = String(validatingCString: p) { return (s, true) }
        return (String(cString: p), false)
    }

    /// Reads a directory's entries (without `.` and `..`). The directory itself is opened
    /// without following a symbolic link unless `followLink` (a configured root may be a link;
    /// nothing below it is followed); entries that are links are marked, not followed.
    package static func directoryEntries(_ path: String, followLink: Bool = false) throws(SystemError) -> [Entry] {
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK | (followLink ? 0 : O_NOFOLLOW)
        let fd = try Syscall.call("opendir", path: path) { open(path, flags) }
        let d: OpaquePointer
        do throws(SystemError) {
            d = try Syscall.pointer("opendir", path: path) { fdopendir(fd) }
        } catch {
            close(fd)
            throw error
        }
        defer { closedir(d) }
        var out: [Entry] = []
        while let ent = readdir(d) {
            let (name, valid) = Self.entryName(ent)
            if name == "." || name == ".." { continue }
            var isDir = false, isLink = false
            switch Int32(ent.pointee.d_type) {
            case Int32(DT_DIR): isDir = true
            case Int32(DT_LNK): isLink = true
            case Int32(DT_UNKNOWN):
                var st = stat()
                if valid, fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 {
                    isDir = (st.st_mode & S_IFMT) == S_IFDIR
                    isLink = (st.st_mode & S_IFMT) == S_IFLNK
                }
            default: break
            }
            out.append(Entry(name: name, isDirectory: isDir, isLink: isLink, validName: valid))
        }
        return out
    }
}
