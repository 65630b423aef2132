import Foundation
import Features
#if canImport(Glibc)
import Glibc
#endif

/// Corrections made by editing a sidecar's `user` object instead of running `tagger label`
/// (SPEC: "picked up too"). The journal stays the source of truth: an edit becomes a journal
/// record before anything uses it.
public enum SidecarEdits {
    /// Journals every sidecar whose `user` object differs from what the journal holds for its
    /// message and that was written after the message's latest journal record (so a sidecar
    /// left stale by a crash between `label`'s journal append and its sidecar update never
    /// overrides the journal). Each becomes one `reset` record with the sidecar's `add` and
    /// `remove` (source `sidecar`), and the sidecar's `tags` are brought in line with it.
    /// - Returns: how many messages got a record, and warnings (sidecars that could not be read).
    /// - Throws: `TaggerError.journal` when the journal cannot be read or written.
    public static func pickUp(config: ResolvedConfig) throws(TaggerError) -> (recorded: Int, warnings: [String]) {
        let labeler = Labeler(config: config)
        let (index, _) = try labeler.journal.fold()
        var warnings: [String] = []
        var edits: [(maildir: ResolvedConfig.Maildir, sidecar: Sidecar)] = []
        for md in config.maildirs {
            eachSidecar(in: labeler.store.layout.root + "/" + md.name) { path, modified in
                guard let data = FileManager.default.contents(atPath: path),
                      let sidecar = try? JSONDecoder().decode(Sidecar.self, from: data) else {
                    warnings.append("\(path): not a readable sidecar; any correction in it was not picked up")
                    return
                }
                if isEdit(sidecar, modified: modified, index: index) { edits.append((md, sidecar)) }
            }
        }
        guard !edits.isEmpty else { return (0, warnings) }

        // The message files, for their paths and body digests (one scan per Maildir with edits).
        var files: [String: [String: MaildirMessage]] = [:]
        for md in Set(edits.map(\.maildir.root)) {
            var byUnique: [String: MaildirMessage] = [:]
            let scanner = MaildirScanner(root: md)
            for folder in (try? scanner.structure().folders) ?? [] {
                for m in (try? scanner.messages(in: folder)) ?? [] { byUnique[m.unique] = m }
            }
            files[md] = byUnique
        }
        let now = Timestamp.iso8601(Date())
        var corrections: [Correction] = []
        for (md, s) in edits {
            corrections.append(correction(s, file: files[md.root]?[s.message.unique]?.path, at: now))
        }
        try labeler.journal.append(corrections)
        for (md, s) in edits {
            guard let file = files[md.root]?[s.message.unique] else { continue }
            _ = try? labeler.store.write(maildirName: md.name, folder: file.folder, unique: s.message.unique) { old in
                var current = old ?? s
                current.tags = Sidecar.applying(user: current.user, to: current.modelTags)
                return current
            }
        }
        return (corrections.count, warnings)
    }

    /// Whether `sidecar` (last written at `modified`) carries a `user` object the journal does not
    /// know: it differs from the journal's view and was written after the latest record.
    static func isEdit(_ sidecar: Sidecar, modified: Date, index: CorrectionIndex) -> Bool {
        let standing = index.lookup(unique: sidecar.message.unique, messageID: sidecar.message.messageID,
                                    digest: nil) ?? UserLabels()
        guard Set(sidecar.user.add) != standing.add || Set(sidecar.user.remove) != standing.remove else { return false }
        if let last = Timestamp.parse(standing.at), modified <= last { return false }
        return true
    }

    /// The journal record of a sidecar edit: a reset to the sidecar's `user` object.
    static func correction(_ s: Sidecar, file: String?, at now: String) -> Correction {
        var digest: String?
        if let file, let bytes = try? MessageFile.read(file) {
            digest = String(StableHash.hash(bytes[Labeler.headerEnd(bytes)...]), radix: 16)
        }
        return Correction(op: .reset, at: now, unique: s.message.unique, messageID: s.message.messageID, digest: digest,
                          path: file, add: s.user.add.sorted(), remove: s.user.remove.sorted(), modelTags: s.modelTags,
                          source: "sidecar")
    }

    /// The modification time of the file at `path`, if it exists.
    static func modified(_ path: String) -> Date? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }

    /// Calls `body` with the path and modification time of every sidecar file below `dir`
    /// (dot-files, such as other processes' temporaries, are left alone).
    private static func eachSidecar(in dir: String, _ body: (String, Date) -> Void) {
        guard let entries = try? MaildirScanner.directoryEntries(dir) else { return }
        for e in entries where !e.name.hasPrefix(".") {
            let path = dir + "/" + e.name
            if e.isDirectory {
                eachSidecar(in: path, body)
            } else if e.name.hasSuffix(".json"), let time = modified(path) {
                body(path, time)
            }
        }
    }
}
