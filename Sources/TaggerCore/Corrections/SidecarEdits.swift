import Foundation
import Features
#if canImport(Glibc)
import Glibc
#endif
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState

/// Corrections made by editing a sidecar's `user` object instead of running `tagger label`
/// (README "Corrections and retraining": they are picked up too). The journal stays the source of truth: an edit becomes a journal
/// record before anything uses it.
public enum SidecarEdits {
    /// Journals every sidecar whose `user` object is in a state the journal never had for its
    /// message (tagger only ever writes states from the journal, the uncorrected start
    /// included, so such a state is the user's edit; an out-of-date sidecar, left by a crash
    /// between `label`'s journal append and its sidecar update or by a copy of the message,
    /// shows an earlier state and never overrides the journal). Each becomes one `reset` record
    /// with the sidecar's `add` and `remove` (source `sidecar`), and the sidecar's `tags` are
    /// brought in line with it. Holds the journal lock, as `label` does.
    /// - Returns: how many messages got a record, and warnings (sidecars that could not be read).
    /// - Throws: `TaggerError.journal` when the journal cannot be read or written.
    public static func pickUp(config: ResolvedConfig) throws(TaggerError) -> (recorded: Int, warnings: [String]) {
        let store = TagStore(state: config.state, maildirs: config.maildirs)
        let lock = try store.journalLock()
        defer { withExtendedLifetime(lock) {} }
        let (index, _) = try store.journal.fold()
        var warnings: [String] = []
        var edits: [(maildir: ResolvedConfig.Maildir, sidecar: Sidecar)] = []
        let lookup = SidecarLookup(maildirs: config.maildirs, layout: store.sidecars.layout)
        for md in config.maildirs {
            for file in store.sidecars.files(maildirName: md.name) {
                // Read without following a link or blocking on a FIFO planted among the sidecars.
                guard let bytes = try? lookup.read(sidecarAt: file.path),
                      let sidecar = try? JSONDecoder().decode(Sidecar.self, from: Data(bytes)) else {
                    warnings.append("\(file.path): not a readable sidecar; any correction in it was not picked up")
                    continue
                }
                if isEdit(sidecar, index: index) { edits.append((md, sidecar)) }
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
            let path = files[md.root]?[s.message.unique]?.path
            let digest = path.flatMap { try? MessageFile.read($0) }.map(Labeler.digest)
            corrections.append(correction(s, path: path, digest: digest, at: now))
        }
        try store.appendCorrections(corrections)
        for (md, s) in edits {
            guard let file = files[md.root]?[s.message.unique] else { continue }
            try? setUser(s.user, of: TagStore.MessageRef(maildir: md.name, folder: file.folder, unique: s.message.unique),
                         fallback: s, in: store)
        }
        return (corrections.count, warnings)
    }

    /// Writes the user's standing labels into a message's sidecar: its `user` object, and its
    /// `tags` recomputed from the model's tags (`fallback` when the sidecar has gone meanwhile).
    /// - Throws: `SystemError` when the sidecar cannot be written (the journal already has it).
    static func setUser(_ user: Sidecar.User, of ref: TagStore.MessageRef, fallback: Sidecar, in store: TagStore) throws {
        try store.write(ref, deferred: false) { old in
            guard var s = old else { return fallback }
            s.tags = Sidecar.applying(user: user, to: s.modelTags)
            s.user = user
            return s
        }
    }

    /// Whether `sidecar` carries a `user` object in a state the journal never had for its
    /// message (looked up as `label` and the daemon do: unique name, else Message-ID).
    static func isEdit(_ sidecar: Sidecar, index: CorrectionIndex) -> Bool {
        let standing = index.lookup(unique: sidecar.message.unique, messageID: sidecar.message.messageID,
                                    digest: nil) ?? UserLabels()
        return !standing.past.contains(UserLabels.key(add: sidecar.user.add, remove: sidecar.user.remove))
    }

    /// The journal record of a sidecar edit: a reset to the sidecar's `user` object.
    static func correction(_ s: Sidecar, path: String?, digest: String?, at now: String) -> Correction {
        Correction(op: .reset, at: now, unique: s.message.unique, messageID: s.message.messageID, digest: digest,
                   path: path, add: s.user.add.sorted(), remove: s.user.remove.sorted(), modelTags: s.modelTags,
                   source: "sidecar")
    }
}
