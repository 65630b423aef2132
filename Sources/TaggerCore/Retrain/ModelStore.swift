import Foundation
import Model
#if canImport(Glibc)
import Glibc
#endif

/// The current model file and its predecessors.
///
/// Layout: the current model at `current` (e.g. `<state>/model/current.tgm`); predecessors in
/// `<dir of current>/history/<sequence>-<UTC time>.tgm`, newest last, at most `keep` of them. A swap
/// moves the current file into the history and renames the new one into place; a rollback renames
/// the newest predecessor back, so the restored file is byte for byte the one that was replaced.
public struct ModelStore: Sendable {
    /// Path of the model in use.
    public let current: String
    /// How many predecessors to keep.
    public var keep: Int

    public init(current: String, keep: Int = 5) {
        self.current = current
        self.keep = keep
    }

    /// The folder holding predecessors.
    public var historyDir: String { (current as NSString).deletingLastPathComponent + "/history" }

    /// Predecessor files, oldest first.
    public func history() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: historyDir)) ?? []
        return names.filter { $0.hasSuffix(".tgm") && !$0.hasPrefix(".") }.sorted().map { historyDir + "/" + $0 }
    }

    /// Makes `candidate` (a complete, fsynced file in the same folder as `current`) the current
    /// model; the old current model goes to the history. Each step is a rename, so a crash leaves
    /// either the old or the new model in place, never a partial one.
    /// - Throws: `TaggerError.io` naming the file that could not be moved.
    public func install(candidate: String) throws(TaggerError) {
        try makeDirectory(historyDir)
        if FileManager.default.fileExists(atPath: current) {
            // `<sequence>-<UTC time>.tgm`: the zero-padded sequence keeps name order = age order.
            let last = history().last.flatMap { Int(($0 as NSString).lastPathComponent.prefix(while: \.isNumber)) } ?? 0
            let target = historyDir + "/" + String(format: "%06d", last + 1) + "-\(Self.stamp()).tgm"
            // Keep a hard link of the current model in the history, then rename the candidate
            // over it: there is always a current model, and always a copy of the old one.
            if link(current, target) != 0 {
                throw .io(path: target, reason: "cannot keep the previous model: \(String(cString: strerror(errno)))")
            }
        }
        if rename(candidate, current) != 0 {
            throw .io(path: current, reason: "cannot install the new model: \(String(cString: strerror(errno)))")
        }
        syncDirectory((current as NSString).deletingLastPathComponent)
        syncDirectory(historyDir)
        prune()
    }

    /// Where a rollback keeps the model it replaced (outside the rollback chain, so a second
    /// rollback goes further back), at most `keep` of them.
    public var rolledBackDir: String { historyDir + "/rolled-back" }

    /// Restores the newest predecessor as the current model and removes it from the history. The
    /// model it replaces is kept in `rolledBackDir`, so a rollback can be undone by hand.
    /// - Returns: the history file that was restored.
    /// - Throws: `TaggerError.notFound` when there is no predecessor, `.model` when the predecessor
    ///   cannot be used (damaged, or made for another featuriser: nothing is changed then),
    ///   `.io` when a rename fails.
    @discardableResult
    public func rollback() throws(TaggerError) -> String {
        guard let previous = history().last else {
            throw .notFound("\(historyDir): no previous model to roll back to")
        }
        do {
            _ = try Pipeline.loadModel(at: previous)
        } catch {
            var reason = "\(error)"
            if reason.hasPrefix(previous + ": ") { reason.removeFirst(previous.count + 2) }
            throw .model(path: previous, reason: reason + "; nothing was changed (delete it to roll back past it)")
        }
        if FileManager.default.fileExists(atPath: current) {
            try makeDirectory(rolledBackDir)
            let kept = rolledBackDir + "/\(Self.stamp())-\(UInt32.random(in: 0...UInt32.max)).tgm"
            if link(current, kept) != 0 {
                throw .io(path: kept, reason: "cannot keep the current model: \(String(cString: strerror(errno)))")
            }
        }
        if rename(previous, current) != 0 {
            throw .io(path: current, reason: "cannot restore \(previous): \(String(cString: strerror(errno)))")
        }
        syncDirectory((current as NSString).deletingLastPathComponent)
        syncDirectory(historyDir)
        syncDirectory(rolledBackDir)
        let kept = ((try? FileManager.default.contentsOfDirectory(atPath: rolledBackDir)) ?? [])
            .filter { $0.hasSuffix(".tgm") }.sorted()
        for name in kept.dropLast(keep) { unlink(rolledBackDir + "/" + name) }
        return previous
    }

    /// A fresh temporary path next to the current model, for writing a candidate.
    public func temporaryPath() -> String {
        (current as NSString).deletingLastPathComponent + "/.candidate-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tgm"
    }

    private func prune() {
        let files = history()
        guard files.count > keep else { return }
        for f in files.prefix(files.count - keep) { unlink(f) }
    }

    static func stamp() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: Date())
    }
}

/// Creates `path` and its parents with mode 0700 when missing.
/// - Throws: `TaggerError.io` naming the folder.
func makeDirectory(_ path: String) throws(TaggerError) {
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    } catch {
        throw .io(path: path, reason: "cannot create folder: \(describe(error))")
    }
}

/// fsyncs a directory so that renames in it are durable.
func syncDirectory(_ path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    fsync(fd)
    close(fd)
}

/// An exclusive advisory lock on a file (flock), released when the value is dropped.
public final class FileLock: @unchecked Sendable {
    private let fd: Int32
    public let path: String

    /// Takes the lock; with `wait` false, fails at once when another process holds it.
    /// - Throws: `TaggerError.io` when the lock file cannot be opened, `.usage` when it is busy.
    public init(path: String, wait: Bool) throws(TaggerError) {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 { throw .io(path: path, reason: "cannot open lock: \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            let busy = errno == EWOULDBLOCK
            close(fd)
            if busy { throw .busy(path: path) }
            throw .io(path: path, reason: "cannot lock: \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
