#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSystem
import Foundation
import TaggerLock

/// An open directory inside the state directory, reached without following symlinks.
///
/// Every component below the base is opened with `O_NOFOLLOW | O_DIRECTORY`, so a symlink
/// planted inside the state directory is refused (`SystemError.isSymlinkRefused`) instead of
/// followed. New directories are created mode 0700. The descriptor closes on deinit.
public final class SecureDirectory: Sendable {
    /// The directory's path (for messages).
    public let path: String
    let fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Opens `base` (created with parents, mode 0700, if missing; the base itself may be a
    /// symlink the user made), then each of `components` below it without following symlinks.
    /// With `create`, an existing base that others may read (0755) is tightened to 0700 once per
    /// process, with a warning on stderr (see `StateDirectoryMode`).
    /// - Throws: `SystemError` when a directory cannot be created or opened, or a component is a symlink.
    public static func open(base: String, components: [String], create: Bool) throws(SystemError) -> SecureDirectory {
        if create {
            try FileIO.makeDirectory(base)
            StateDirectoryMode.tighten(base)
        }
        var fd = try Syscall.call("open", path: base) { Glibc.open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        var path = base
        for component in components {
            path += "/" + component
            let parent = fd
            defer { close(parent) }
            if create {
                do throws(SystemError) {
                    _ = try Syscall.call("mkdir", path: path) { mkdirat(parent, component, 0o700) }
                } catch where error.code == EEXIST {}
            }
            fd = try Syscall.call("open", path: path) {
                openat(parent, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
        }
        return SecureDirectory(path: path, fd: fd)
    }

    /// Opens an existing directory as ``open(base:components:create:)`` does; nil when it (or
    /// a folder on the way) does not exist.
    /// - Throws: `SystemError` for any other failure, including a symlinked component.
    public static func openIfPresent(base: String, components: [String]) throws(SystemError) -> SecureDirectory? {
        do throws(SystemError) {
            return try open(base: base, components: components, create: false)
        } catch where error.isNotFound {
            return nil
        } catch {
            throw error
        }
    }

    /// Reads the regular file `name` in this directory, from byte `offset` to its end; nil
    /// when it does not exist. It is opened without blocking and its type checked on the
    /// descriptor: a FIFO or device planted at `name` is refused (a `SystemError` with code
    /// `ENODEV` saying what it is), never waited on.
    /// With `limit`, at most `limit + 1` bytes are read (a caller sees a file over its limit
    /// without holding all of it in memory).
    /// - Throws: `SystemError` for any other failure, including a symlink at `name` (`ELOOP`).
    public func read(_ name: String, from offset: Int = 0, limit: Int? = nil) throws(SystemError) -> [UInt8]? {
        let f: Int32
        do throws(SystemError) {
            f = try Syscall.call("open", path: path + "/" + name) { openat(fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) }
        } catch where error.isNotFound {
            return nil
        }
        defer { close(f) }
        var st = stat()
        _ = try Syscall.call("fstat", path: path + "/" + name) { fstat(f, &st) }
        if (st.st_mode & S_IFMT) != S_IFREG {
            var e = SystemError("open", path: path + "/" + name, code: ENODEV)
            e.detail = "\(FileIO.kindName(st.st_mode)), not a regular file"
            throw e
        }
        let flags = fcntl(f, F_GETFL)
        if flags >= 0 { _ = fcntl(f, F_SETFL, flags & ~O_NONBLOCK) }
        if offset > 0 {
            _ = try Syscall.call("lseek", path: path + "/" + name) { lseek(f, off_t(offset), SEEK_SET) }
        }
        return try FileIO.readAll(f, path: path + "/" + name, count: limit.map { $0 + 1 })
    }

    /// `fstatat` of `name` without following a symlink; nil when it does not exist.
    /// - Throws: `SystemError` for any other failure.
    public func status(_ name: String) throws(SystemError) -> stat? {
        var info = stat()
        do throws(SystemError) {
            _ = try Syscall.call("stat", path: path + "/" + name) { fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) }
        } catch where error.isNotFound {
            return nil
        }
        return info
    }

    /// Appends `bytes` to `name` (created mode 0600 when missing; never through a symlink) in
    /// one `O_APPEND` write sequence, without fsync: what was written survives the process
    /// being killed, not a power cut (for files that are rebuilt when lost).
    /// - Throws: `SystemError` naming the failing step.
    public func append(_ name: String, bytes: [UInt8]) throws(SystemError) {
        let f = try Syscall.call("open", path: path + "/" + name) {
            openat(fd, name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        }
        defer { close(f) }
        try FileIO.writeAll(f, bytes, path: path + "/" + name)
    }

    /// Replaces `name` atomically with `bytes`: a temporary file in this directory (mode 0600,
    /// `O_EXCL|O_NOFOLLOW`), full write, fsync, rename over `name`, then fsync of the directory
    /// when `syncDirectory`. A reader sees the old or the new file, never a partial one; on any
    /// failure (ENOSPC included) the temporary is removed and the old file stays intact.
    /// - Throws: `SystemError` naming the failing step.
    public func writeAtomically(_ name: String, bytes: [UInt8], syncDirectory: Bool = true) throws(SystemError) {
        let pending = try writePending(name, bytes: bytes, fsyncFile: true)
        try commit(pending)
        if syncDirectory { try sync() }
    }

    /// A file written under a temporary name, waiting for ``commit(_:)`` to rename it into place.
    public struct PendingFile: Sendable {
        /// The temporary's name in the directory.
        public let temporary: String
        /// The final name.
        public let name: String
        /// The directory's path (for messages and fault matching).
        public let directory: String
        /// The temporary's open descriptor when its fsync was deferred (closed by commit/discard).
        public let descriptor: Int32?
    }

    /// First half of an atomic replace: writes `bytes` to a fresh temporary file in this
    /// directory (mode 0600, `O_EXCL|O_NOFOLLOW`), fsynced when `fsyncFile`. Callers that batch
    /// many files pass false and make the data durable with `syncPending(_:)` before
    /// committing them all.
    /// - Throws: `SystemError` naming the failing step; the temporary is then removed.
    public func writePending(_ name: String, bytes: [UInt8], fsyncFile: Bool) throws(SystemError) -> PendingFile {
        let tmp = ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let f = try Syscall.call("open", path: path + "/" + tmp) {
            openat(fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        }
        do throws(SystemError) {
            try FileIO.writeAll(f, bytes, path: path + "/" + tmp)
            if fsyncFile {
                try FileIO.sync(f, path: path + "/" + tmp)
                close(f)
                return PendingFile(temporary: tmp, name: name, directory: path, descriptor: nil)
            }
            return PendingFile(temporary: tmp, name: name, directory: path, descriptor: f)
        } catch {
            close(f)
            unlinkat(fd, tmp, 0)
            throw error
        }
    }

    /// Second half: renames the temporary over its final name (atomic for readers).
    /// - Throws: `SystemError`; the temporary is then removed and the old file stays.
    public func commit(_ pending: PendingFile) throws(SystemError) {
        if let f = pending.descriptor { close(f) }
        do throws(SystemError) {
            _ = try Syscall.call("rename", path: path + "/" + pending.name) {
                renameat(fd, pending.temporary, fd, pending.name)
            }
        } catch {
            unlinkat(fd, pending.temporary, 0)
            throw error
        }
    }

    /// Drops a pending file (its temporary is removed; the old file stays).
    public func discard(_ pending: PendingFile) {
        if let f = pending.descriptor { close(f) }
        unlinkat(fd, pending.temporary, 0)
    }

    /// Batches of at least this many files are made durable with `syncfs` (see `syncPending`).
    public static let syncfsBatch = 16

    /// Whether this kernel's syncfs reports writeback errors (Linux 5.8 and later).
    static let kernelReportsSyncfsErrors: Bool = {
        var u = utsname()
        guard uname(&u) == 0 else { return false }
        let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let numbers = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard numbers.count == 2 else { return false }
        return numbers[0] > 5 || (numbers[0] == 5 && numbers[1] >= 8)
    }()

    /// Whether the file lives on a local disk filesystem whose syncfs writes everything out:
    /// ext2/3/4, XFS, Btrfs, F2FS, or tmpfs (nothing to write).
    static func isLocalDiskFilesystem(_ fd: Int32) -> Bool {
        let known: Set<Int> = [0xEF53, 0x5846_5342, 0x9123_683E, 0xF2F5_2010, 0x0102_1994]
        return known.contains(tagger_filesystem_type(fd))
    }

    /// fsyncs the deferred temporaries of `files` concurrently (on the fsync workers), so the
    /// filesystem can fold them into few journal commits. Returns the files whose fsync failed.
    public static func syncPending(_ files: [PendingFile]) -> [Int: SystemError] {
        let fds = files.map { $0.descriptor ?? -1 }
        let failures = Locked<[Int: SystemError]>([:])
        @Sendable func sync(_ i: Int) -> SystemError? {
            guard fds[i] >= 0 else { return nil }
            do throws(SystemError) {
                try FileIO.sync(fds[i], path: files[i].directory + "/" + files[i].temporary)
                return nil
            } catch {
                return error
            }
        }
        if fds.count == 1 {   // one file (mail trickling in): no threads to start
            return sync(0).map { [0: $0] } ?? [:]
        }
        // A batch: one syncfs per filesystem makes every temporary durable at once (the
        // filesystem writes the batch's data and inodes together instead of one synchronous
        // round per file; measured 15-25% more sidecars/s in a burst). Only where syncfs is
        // known to be an honest barrier: Linux 5.8 or later (earlier kernels return 0 after a
        // writeback error) on a local disk filesystem (a FUSE or network filesystem may not
        // pass it on). On any failure the per-file fsyncs below run and find out which files
        // are affected. Small batches (mail trickling in) keep per-file fsyncs so that
        // tagging one message never flushes unrelated data.
        if fds.count >= syncfsBatch, Self.kernelReportsSyncfsErrors {
            var devices: [dev_t: Int] = [:]   // one file per filesystem
            var ok = true
            for (i, f) in fds.enumerated() where f >= 0 {
                var st = stat()
                guard fstat(f, &st) == 0 else { ok = false; break }
                if devices[st.st_dev] == nil {
                    guard Self.isLocalDiskFilesystem(f) else { ok = false; break }
                    devices[st.st_dev] = i
                }
            }
            if ok, devices.values.allSatisfy({ i in
                (try? Syscall.call("syncfs", path: files[i].directory) { tagger_syncfs(fds[i]) }) != nil
            }) { return [:] }
        }
        let workers = Workers.fsync
        let threads = min(workers.count, fds.count)
        guard threads > 0 else { return [:] }
        workers.run(threads) { t in
            var i = t
            while i < fds.count {
                if let e = sync(i) { failures.withLock { $0[i] = e } }
                i += threads
            }
        }
        return failures.withLock { $0 }
    }

    /// True while the directory is still linked into the tree (not removed since it was opened).
    public var isLinked: Bool {
        var st = stat()
        return fstat(fd, &st) == 0 && st.st_nlink > 0
    }

    /// fsyncs the directory itself, making completed renames durable.
    /// - Throws: `SystemError` when fsync fails.
    public func sync() throws(SystemError) {
        try FileIO.sync(fd, path: path)
    }

    /// True when an entry called `name` exists in this directory (a link counts; not followed).
    public func contains(_ name: String) -> Bool {
        (try? status(name)) != nil
    }

    /// Removes the file `name`; a missing file is not an error.
    /// - Throws: `SystemError` for other failures.
    public func remove(_ name: String) throws(SystemError) {
        do throws(SystemError) {
            _ = try Syscall.call("unlink", path: path + "/" + name) { unlinkat(fd, name, 0) }
        } catch where error.isNotFound {}
    }
}

/// Open sidecar folders kept for reuse, so a burst of writes into one folder does not walk and
/// re-open the path for every message. An entry whose folder was removed is dropped and reopened.
public final class DirectoryCache: Sendable {
    private let entries = Locked<[String: SecureDirectory]>([:])
    private let limit: Int

    public init(limit: Int = 256) { self.limit = limit }

    /// The open folder `components` below `base`; nil when it does not exist.
    /// - Throws: `SystemError` as `SecureDirectory.open`.
    public func existingDirectory(base: String, components: [String]) throws(SystemError) -> SecureDirectory? {
        do throws(SystemError) {
            return try directory(base: base, components: components, create: false)
        } catch where error.isNotFound {
            return nil
        } catch {
            throw error
        }
    }

    /// The open folder `components` below `base`, created when `create`.
    /// - Throws: `SystemError` as `SecureDirectory.open`.
    public func directory(base: String, components: [String], create: Bool) throws(SystemError) -> SecureDirectory {
        let key = components.joined(separator: "/")
        if let d = entries.withLock({ $0[key] }), d.isLinked { return d }
        let d = try SecureDirectory.open(base: base, components: components, create: create)
        entries.withLock { map in
            if map.count >= limit { map.removeAll() }
            map[key] = d
        }
        return d
    }
}
