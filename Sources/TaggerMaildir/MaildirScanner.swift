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
        let entries = try Self.directoryEntries(root)
        visit(MaildirFolder(path: root, relativePath: ""), entries: entries, depth: 0, into: &out)
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
        var out: [MaildirMessage] = []
        for sub in ["new", "cur"] {
            let entries: [Entry]
            do {
                entries = try Self.directoryEntries(folder.path + "/" + sub)
            } catch where error.isNotFound {
                continue
            }
            for e in entries where !e.isDirectory && !MaildirName.isIgnored(fileName: e.name) {
                out.append(MaildirMessage(folder: folder, subdirectory: sub, fileName: e.name))
            }
        }
        return out
    }

    /// One directory entry.
    package struct Entry {
        package var name: String
        package var isDirectory: Bool
    }

    /// Reads a directory's entries (without `.` and `..`).
    package static func directoryEntries(_ path: String) throws(SystemError) -> [Entry] {
        let d = try Syscall.pointer("opendir", path: path) { opendir(path) }
        defer { closedir(d) }
        var out: [Entry] = []
        while let ent = readdir(d) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            var isDir: Bool
            switch Int32(ent.pointee.d_type) {
            case Int32(DT_DIR): isDir = true
            case Int32(DT_UNKNOWN), Int32(DT_LNK):
                var st = stat()
                isDir = stat(path + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            default: isDir = false
            }
            out.append(Entry(name: name, isDirectory: isDir))
        }
        return out
    }
}
