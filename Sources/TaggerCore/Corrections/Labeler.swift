import Foundation
import Features
import MIME
import TaggerSystem
import TaggerMaildir
import TaggerConfig
import TaggerState

/// A message found from what the user typed (path, unique name or Message-ID).
public struct LocatedMessage: Sendable {
    /// The message file.
    public var path: String
    /// The maildir and message it belongs to (nil for a file outside every configured maildir).
    public var maildir: ResolvedConfig.Maildir?
    public var message: MaildirMessage?

    public init(path: String, maildir: ResolvedConfig.Maildir?, message: MaildirMessage?) {
        self.path = path; self.maildir = maildir; self.message = message
    }
}

/// Records user corrections: journal first (durable), then the sidecar's `user` object, both
/// through the state's one writer.
public struct Labeler {
    public var config: ResolvedConfig
    /// The journal, sidecars and catalog.
    public let store: TagStore

    public init(config: ResolvedConfig) {
        self.config = config
        store = TagStore(state: config.state, maildirs: config.maildirs)
        store.recordWithoutLoadingCatalog()   // one message: no need to load 100,000 entries
    }

    /// A labeler writing through `store` (the daemon's own, so its sync targets hear the change).
    public init(config: ResolvedConfig, store: TagStore) {
        self.config = config
        self.store = store
    }

    /// Finds the message `query` names: an existing file path, a maildir unique name, or a
    /// Message-ID (see `MessageReference`); the first of several copies.
    /// - Throws: `TaggerError.notFound` when nothing matches.
    public func locate(_ query: String) throws -> LocatedMessage {
        guard let first = try MessageReference(maildirs: config.maildirs, layout: store.sidecars.layout).locateAll(query).first else {
            throw TaggerError.notFound("\(query): no such message")
        }
        return first
    }

    /// Records a correction and updates the sidecar.
    /// - Parameters:
    ///   - add/remove: labels to turn on / off; `reset`: forget every correction of the message.
    ///   - modelTags: the model's tags when the message has no sidecar to take them from.
    ///   - source: where the correction was made (`cli`, `notmuch`), for the journal.
    /// - Returns: the correction written and the user's standing labels for the message.
    /// - Throws: `TaggerError.journal` when the journal cannot be written (nothing was recorded),
    ///   `TaggerError.io` when the file cannot be read, or when the sidecar cannot be updated
    ///   after the correction was journalled (the message says it was saved).
    @discardableResult
    public func record(_ located: LocatedMessage, add: [String], remove: [String], reset: Bool, source: String = "cli",
                       modelTags fallback: () -> [String]) throws -> (Correction, UserLabels) {
        let ref = located.maildir.flatMap { md in
            located.message.map { TagStore.MessageRef(maildir: md.name, folder: $0.folder, unique: $0.unique) }
        }
        let sidecar = ref.flatMap { try? store.sidecar(of: $0) }
        // Read-check-append under the journal lock (retrain's pick-up of sidecar edits takes it too).
        let lock = try store.journalLock()
        defer { withExtendedLifetime(lock) {} }
        // An edit the user made in the sidecar itself is journalled first, so rewriting the
        // sidecar's `user` below does not lose it.
        let bytes = try MessageFile.read(located.path)
        if let s = sidecar, SidecarEdits.isEdit(s, index: try store.journal.fold().index) {
            try store.appendCorrections([SidecarEdits.correction(s, path: located.path, digest: Self.digest(bytes),
                                                                 at: Timestamp.iso8601(Date()))])
        }
        let headerEnd = Self.headerEnd(bytes)
        let messageID = sidecar?.message.messageID
            ?? MessageParser.parse(Array(bytes[..<headerEnd])).headers.decoded("Message-ID")?
                .trimmingCharacters(in: .whitespaces)
        let digest = Self.digest(bytes)
        let correction = Correction(
            op: reset ? .reset : .label, at: Timestamp.iso8601(Date()),
            unique: located.message?.unique ?? MaildirName.unique(ofFile: (located.path as NSString).lastPathComponent),
            messageID: messageID, digest: digest, path: located.path, add: add, remove: remove,
            modelTags: sidecar?.modelTags ?? fallback(), source: source)
        try store.appendCorrections([correction])
        let (index, _) = try store.journal.fold()
        let standing = index.lookup(unique: correction.unique, messageID: messageID, digest: digest) ?? UserLabels()
        if var ref, let sidecar, let md = located.maildir, let m = located.message {
            ref.digest = digest
            do {
                try SidecarEdits.setUser(Sidecar.User(add: standing.add.sorted(), remove: standing.remove.sorted()),
                                         of: ref, fallback: sidecar, in: store)
            } catch {
                // The journal (the source of truth) has the correction: say so, not only that the
                // sidecar failed (a full disk), so the user does not label the message again.
                throw TaggerError.io(path: store.sidecars.layout.path(maildirName: md.name, message: m),
                                     reason: "\(Self.reason(error)); the correction WAS saved in \(store.journal.path) "
                                        + "(labels now [\(standing.labels.sorted().joined(separator: ", "))]) "
                                        + "but this sidecar still shows the old labels until it is rewritten")
            }
        }
        return (correction, standing)
    }

    /// A store failure in words, without repeating the sidecar path the error will name.
    private static func reason(_ error: any Error) -> String {
        if let e = error as? SystemError { return "\(e.operation) failed: \(e.systemMessage)" }
        return "\(error)"
    }

    /// The body digest that finds a message again after a move and rename.
    static func digest(_ bytes: [UInt8]) -> String {
        String(StableHash.hash(bytes[headerEnd(bytes)...]), radix: 16)
    }

    /// Offset of the body: just past the first empty line (the whole file when there is none).
    static func headerEnd(_ bytes: [UInt8]) -> Int {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 0x0A {
                if bytes[i + 1] == 0x0A { return i + 2 }
                if bytes[i + 1] == 0x0D, i + 2 < bytes.count, bytes[i + 2] == 0x0A { return i + 3 }
            }
            i += 1
        }
        return bytes.count
    }
}
