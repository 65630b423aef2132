import Foundation
import Model
import TaggerSystem
#if canImport(Glibc)
import Glibc
#endif
import TaggerMaildir
import TaggerConfig
import TaggerState

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
            try step("link", "cannot keep the previous model", path: target) { link(current, target) }
        }
        try step("rename", "cannot install the new model", path: current) { rename(candidate, current) }
        try syncDirectories([(current as NSString).deletingLastPathComponent, historyDir])
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
            try step("link", "cannot keep the current model", path: kept) { link(current, kept) }
        }
        try step("rename", "cannot restore \(previous)", path: current) { rename(previous, current) }
        try syncDirectories([(current as NSString).deletingLastPathComponent, historyDir, rolledBackDir])
        let kept = ((try? FileManager.default.contentsOfDirectory(atPath: rolledBackDir)) ?? [])
            .filter { $0.hasSuffix(".tgm") }.sorted()
        for name in kept.dropLast(keep) { unlink(rolledBackDir + "/" + name) }
        return previous
    }

    /// A fresh temporary path next to the current model, for writing a candidate.
    public func temporaryPath() -> String {
        (current as NSString).deletingLastPathComponent + "/.candidate-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tgm"
    }

    /// One link or rename of a model file; its failure names the file and what was being done.
    private func step(_ operation: String, _ what: String, path: String, _ call: () -> Int32) throws(TaggerError) {
        do throws(SystemError) { _ = try Syscall.call(operation, path: path, call) } catch {
            throw .io(path: path, reason: "\(what): \(error.systemMessage)")
        }
    }

    /// fsyncs the folders whose entries a swap or rollback changed: until then a crash could
    /// bring the old names back. A failure is an error (the files themselves are in place).
    private func syncDirectories(_ folders: [String]) throws(TaggerError) {
        for folder in folders {
            do throws(SystemError) { try FileIO.syncDirectory(folder) } catch where error.isNotFound {
                continue   // a folder this swap did not need (no rolled-back model yet)
            } catch {
                throw .io(path: folder, reason: "the model files were moved but the folder could not be synced: \(error.systemMessage)")
            }
        }
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
