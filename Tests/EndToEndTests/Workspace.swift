import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fresh temporary directory for one test: a Maildir (optionally the samples), a state
/// directory with a trained model, and helpers to deliver mail and read sidecars.
final class Workspace {
    let root: String
    var maildir: String { root + "/Maildir" }
    var state: String { root + "/state" }
    var modelPath: String { state + "/model/current.tgm" }
    var journalPath: String { state + "/corrections.jsonl" }
    private var counter = 0

    /// - Parameters:
    ///   - samples: copy `Samples/Maildir` in (else an empty Maildir with INBOX only).
    ///   - model: the model installed as `state/model/current.tgm` (nil: none).
    init(samples: Bool = true, model: Models.Variant? = Models.standard) throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/tagger-e2e.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        root = String(cString: made)
        let fm = FileManager.default
        if samples {
            try fm.copyItem(atPath: Binary.samples + "/Maildir", toPath: maildir)
        } else {
            try Self.makeFolder(maildir)
        }
        try fm.createDirectory(atPath: state + "/model", withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o700])
        chmod(state, 0o700)
        if let model { try fm.copyItem(atPath: try Models.path(model), toPath: modelPath) }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// `--maildir M --state-dir S`.
    var flags: [String] { ["--maildir", maildir, "--state-dir", state] }

    /// Runs `tagger args` (state flags appended when `stateFlags`).
    func tagger(_ args: [String], stateFlags: Bool = true, env: [String: String] = [:],
                timeout: Double = 120) throws -> CommandResult {
        try Command.run(args + (stateFlags ? flags : []), home: root, env: env, timeout: timeout)
    }

    /// Creates `cur`, `new` and `tmp` under `path`.
    static func makeFolder(_ path: String) throws {
        for sub in ["cur", "new", "tmp"] {
            try FileManager.default.createDirectory(atPath: path + "/" + sub, withIntermediateDirectories: true)
        }
    }

    /// A unique name no other delivery of this workspace uses.
    func nextUnique() -> String {
        counter += 1
        return "\(1_800_000_000 + counter).M\(counter)P\(getpid()).e2ehost"
    }

    /// Delivers `bytes` as an MDA does: written and fsynced in `tmp/`, renamed into `new/`.
    /// - Returns: the unique name and the path in `new/`.
    @discardableResult
    func deliver(_ bytes: Data, folder: String = "", unique: String? = nil) throws -> (unique: String, path: String) {
        let name = unique ?? nextUnique()
        let dir = folder.isEmpty ? maildir : maildir + "/" + folder
        let tmp = dir + "/tmp/" + name
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let dest = dir + "/new/" + name
        guard rename(tmp, dest) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return (name, dest)
    }

    /// Delivers a copy of sample `index` (modulo the sample count) under a new unique name.
    @discardableResult
    func deliverSample(_ index: Int, folder: String = "") throws -> (unique: String, path: String) {
        try deliver(SampleMail.bytes[index % SampleMail.bytes.count], folder: folder)
    }

    /// Where the sidecar of `unique` in `folder` (relative folder path, "" for the root) lives.
    func sidecarPath(unique: String, folder: String = "") -> String {
        state + "/sidecars/Maildir/" + (folder.isEmpty ? "INBOX" : folder) + "/" + unique + ".json"
    }

    /// The sidecar of `unique`, or nil when absent or unreadable.
    func sidecar(_ unique: String, folder: String = "") -> SidecarFile? {
        SidecarFile.read(sidecarPath(unique: unique, folder: folder))
    }

    /// Every `.json` file under the sidecar tree of `folder`.
    func sidecarFiles(folder: String = "") -> [String] {
        let dir = state + "/sidecars/Maildir/" + (folder.isEmpty ? "INBOX" : folder)
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { dir + "/" + $0 }
    }
}
