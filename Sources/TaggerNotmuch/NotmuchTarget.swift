import Foundation
import Model
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// Some messages' corrections could not be recorded (the journal unwritable, the file gone):
/// they are looked at again next time.
public struct NotmuchCorrectionsFailed: Error, CustomStringConvertible {
    public var problems: [String]
    public var description: String {
        "\(problems.count) correction(s) from notmuch not recorded yet (retrying): " + problems.prefix(3).joined(separator: "; ")
    }
}

/// tagger's tags in the user's notmuch database, both ways (README "notmuch"):
/// - tagger's tags become notmuch tags (`notmuch_tag_prefix` + label) once notmuch has indexed
///   the message; a tag tagger withdraws is taken away only if tagger had added it;
/// - a tagger label the user adds or removes in notmuch becomes a correction (source `notmuch`)
///   through ``Labeler``, so the journal and the sidecar's `user` show it.
///
/// Messages are matched by the id notmuch gives them (``NotmuchID``): the Message-ID, or for a
/// message without one (or with one over 189 bytes) the `notmuch-sha1-` name notmuch makes.
/// notmuch is driven through its command in batch mode (``NotmuchCLI``); its database is found
/// the way notmuch finds it, from the environment given.
public final class NotmuchTarget: MailClientTarget, @unchecked Sendable {
    public let name = "notmuch"
    public let pollInterval: Duration
    let config: ResolvedConfig
    let store: TagStore
    let labeler: Labeler
    let environment: [String: String]
    /// Messages per `notmuch tag --batch` run: each run holds the database's write lock for
    /// about 0.1 s at this size (10,000 messages take ~2.6 s).
    public var batchSize = 250
    private let lock = NSLock()
    /// The notmuch call in progress, stopped when the awaiting task is cancelled (shutdown).
    private let runs = NotmuchRun()
    private var state: NotmuchSyncState?
    private var modelLabels: (stamp: String, labels: Set<String>) = ("", [])
    private var journalLabels: (size: Int, labels: Set<String>) = (-1, [])
    /// notmuch's ids of messages without a Message-ID, by catalog key: the file they were read
    /// from, and the id (nil: the file is over `maxFileBytes`; not read again while the catalog
    /// has the message at the same path). A file that could not be read is tried again.
    private var fileIDs: [String: (path: String, id: String?)] = [:]
    /// The catalog's messages that notmuch names `notmuch-sha1-...`: entry keys by that name, and
    /// the catalog position when it was made (made again when the catalog has changed since: a
    /// message moved, a copy arrived; the files' names are cached).
    private var compressedNames: (position: CatalogCursor?, keys: [String: [String]]) = (nil, [:])

    public init(config: ResolvedConfig, store: TagStore, environment: [String: String], pollInterval: Duration = .seconds(2)) {
        self.config = config
        self.store = store
        labeler = Labeler(config: config, store: store)
        self.environment = environment
        self.pollInterval = pollInterval
    }

    var prefix: String { config.notmuchTagPrefix }

    public func describe() async -> String {
        guard let cli = try? NotmuchCLI(environment: environment) else {
            return "notmuch: no `notmuch` command on PATH; tags are not mirrored until it is installed"
        }
        return "notmuch: \(cli.executable), database \(cli.databasePath() ?? "(not configured yet)"), tag prefix '\(prefix)'"
    }

    /// The Xapian directory of the database notmuch uses: `.notmuch/xapian` under its
    /// `database.path`, or `xapian` there when the database lives apart from the mail (notmuch's
    /// XDG layout). notmuch's every commit renames a new version file into it.
    public func changeDirectory() async -> String? {
        // `notmuch config get` runs on a blocking thread, not the daemon's cooperative pool.
        let environment = self.environment
        return try? await withTaskCancellationHandler {
            try await Blocking.run { () -> String? in
                var cli = try NotmuchCLI(environment: environment)
                cli.runs = self.runs
                guard let root = cli.databasePath() else { return nil }
                for candidate in [root + "/.notmuch/xapian", root + "/xapian"] {
                    var isDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue {
                        return candidate
                    }
                }
                return nil
            }
        } onCancel: { runs.stop() }
    }

    // MARK: SyncTarget

    public func apply(_ changes: [TagChange], complete: Bool) async throws {
        try await withTaskCancellationHandler {
            try await Blocking.run { try self.locked { try self.publish(changes) } }
        } onCancel: { runs.stop() }
    }

    public func pull() async throws -> Int {
        try await withTaskCancellationHandler {
            try await Blocking.run { try self.locked { try self.pullChanges() } }
        } onCancel: { runs.stop() }
    }

    /// The notmuch command, its calls stoppable at shutdown.
    private func notmuch() throws(NotmuchError) -> NotmuchCLI {
        var cli = try NotmuchCLI(environment: environment)
        cli.runs = runs
        return cli
    }

    private func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Publishes the tags of the messages that changed (those notmuch has; the others are
    /// published when a later ``pull()`` finds them indexed).
    func publish(_ changes: [TagChange]) throws {
        let ids = Set(changes.compactMap { $0.entry.flatMap(notmuchID) })
        guard !ids.isEmpty else { return }
        let cli = try notmuch()
        let found: [NotmuchTags]
        if ids.count > 2000 {
            found = try cli.dump(query: "*").filter { ids.contains($0.id) }
        } else {
            found = try cli.dump(ids: ids.sorted())
        }
        let state = loadState()
        let now = try cli.revision()
        if state.uuid != now.uuid {
            // First contact, or a rebuilt database: what was seen in another one says nothing
            // of this one (its missing tags are not the user's removals).
            try state.record([:], database: (now.uuid, 0))
        }
        _ = try reconcile(found, cli: cli, state: state)
    }

    /// Reads what changed in notmuch since the last look (`lastmod:`), takes the user's changes
    /// to tagger's labels as corrections, and publishes tagger's tags to newly indexed messages.
    func pullChanges() throws -> Int {
        let cli = try notmuch()
        let now = try cli.revision()
        let state = loadState()
        if state.uuid != now.uuid {
            // Another database (or a rebuilt one): nothing known of it; every message is new.
            try state.record([:], database: (now.uuid, 0))
        }
        guard now.revision > state.revision else { return 0 }
        let found = try cli.dump(query: "lastmod:\(state.revision + 1)..\(now.revision)")
        let n = try reconcile(found, cli: cli, state: state)
        try state.record([:], database: (now.uuid, now.revision))
        return n
    }

    private func loadState() -> NotmuchSyncState {
        if let state { return state }
        let s = NotmuchSyncState(state: config.state)
        state = s
        return s
    }

    // MARK: the three-way comparison

    /// For each message notmuch showed: the user's changes since tagger's last look become
    /// corrections; then tagger's tags are added and the ones it owns and no longer wants
    /// removed, a batch at a time.
    /// - Returns: corrections recorded.
    /// - Throws: ``NotmuchError`` when a batch could not be written, ``NotmuchCorrectionsFailed``
    ///   when some corrections could not be recorded (the rest was done).
    func reconcile(_ found: [NotmuchTags], cli: NotmuchCLI, state: NotmuchSyncState) throws -> Int {
        try store.catalog.load()
        let known = labelsKnown()
        var corrections = 0
        var failures: [String] = []
        var writes: [(id: String, line: String, intent: NotmuchSyncState.Message, after: NotmuchSyncState.Message)] = []
        var quiet: [String: NotmuchSyncState.Message] = [:]
        for m in found {
            let entries = self.entries(named: m.id)
            guard !entries.isEmpty else { continue }
            var desired = Set(entries.flatMap(\.tags))
            let before = state.messages[m.id]
            let present = labels(in: m.tags, known: known.union(desired).union(before?.seen ?? []).union(before?.owned ?? []))
            var owned: Set<String> = []
            if let before {
                let userAdded = present.subtracting(before.seen)
                let userRemoved = before.seen.subtracting(present)
                owned = before.owned.subtracting(userRemoved)
                let add = userAdded.subtracting(desired), remove = userRemoved.intersection(desired)
                if !add.isEmpty || !remove.isEmpty {
                    do {
                        try record(entries, add: add.sorted(), remove: remove.sorted())
                        corrections += 1
                        desired = desired.union(add).subtracting(remove)
                    } catch TaggerError.notFound {
                        // The message file is gone (deleted or moved out of the Maildirs): there
                        // is nothing left to correct; the change is taken as seen.
                    } catch {
                        failures.append("\(m.id): \(error)")
                        continue
                    }
                }
            }
            let toAdd = desired.subtracting(present)
            let toRemove = owned.subtracting(desired).intersection(present)
            let after = NotmuchSyncState.Message(seen: present.union(toAdd).subtracting(toRemove),
                                                 owned: owned.union(toAdd).subtracting(toRemove))
            if toAdd.isEmpty && toRemove.isEmpty {
                quiet[m.id] = after
                continue
            }
            let ops = toAdd.sorted().map { "+" + NotmuchCLI.encode(tag: prefix + $0) }
                + toRemove.sorted().map { "-" + NotmuchCLI.encode(tag: prefix + $0) }
            let intent = NotmuchSyncState.Message(seen: before?.seen ?? present, owned: owned.union(toAdd))
            writes.append((m.id, ops.joined(separator: " ") + " -- " + NotmuchCLI.idQuery(m.id), intent, after))
        }
        try state.record(quiet)
        var i = 0
        while i < writes.count {
            let batch = writes[i..<min(i + batchSize, writes.count)]
            // Owned before written: a tag tagger may have added is one it may take away.
            try state.record(Dictionary(batch.map { ($0.id, $0.intent) }, uniquingKeysWith: { a, _ in a }))
            try cli.tag(batch: batch.map(\.line))
            try state.record(Dictionary(batch.map { ($0.id, $0.after) }, uniquingKeysWith: { a, _ in a }))
            i += batch.count
            // Let a waiting `notmuch new` take the lock between two batches.
            if i < writes.count { usleep(20_000) }
        }
        if !failures.isEmpty { throw NotmuchCorrectionsFailed(problems: failures) }
        return corrections
    }

    /// The id notmuch gives the message of `e` (see ``NotmuchID``); nil when it has none notmuch
    /// can be asked for, or its file cannot be read.
    func notmuchID(_ e: CatalogEntry) -> String? {
        if let id = e.messageID.map(MessageReference.bareID), !id.isEmpty { return NotmuchID.of(messageID: id) }
        // Cached by the path the catalog has: a Maildir file is not rewritten in place, and
        // notmuch too keeps the name it gave a message first.
        if let known = fileIDs[e.key], known.path == e.path { return known.id }
        guard let located = try? locate(e),
              let read = try? FileIO.readRegularFile(located.path, followLink: false, limit: Self.maxFileBytes) else { return nil }
        let id = read.fileSize <= Self.maxFileBytes ? NotmuchID.of(file: read.bytes) : nil
        fileIDs[e.key] = (e.path, id)
        return id
    }

    /// The largest message file read to name it (notmuch reads larger ones; tagger leaves them
    /// unmirrored rather than read hundreds of megabytes on the link's thread).
    static let maxFileBytes = 64 << 20

    /// The catalog's messages notmuch knows as `id` (every copy): by Message-ID, or by the
    /// `notmuch-sha1-` name it gives messages without a usable one.
    func entries(named id: String) -> [CatalogEntry] {
        let byID = store.catalog.entries(messageID: id)
        guard byID.isEmpty, id.hasPrefix(NotmuchID.compressedPrefix) else { return byID }
        let position = store.catalog.position
        if compressedNames.position != position {
            var keys: [String: [String]] = [:]
            var seen = Set<String>()
            for e in store.catalog.allEntries {
                if let mid = e.messageID.map(MessageReference.bareID), !mid.isEmpty, mid.utf8.count <= NotmuchCLI.maximumIDLength { continue }
                seen.insert(e.key)
                guard let name = notmuchID(e), name.hasPrefix(NotmuchID.compressedPrefix) else { continue }
                keys[name, default: []].append(e.key)
            }
            fileIDs = fileIDs.filter { seen.contains($0.key) }   // messages gone are forgotten
            compressedNames = (position, keys)
        }
        return (compressedNames.keys[id] ?? []).compactMap { store.catalog.entry(key: $0) }
    }

    /// The tagger labels among a message's notmuch tags: with a prefix, every tag carrying it;
    /// without, the tags that are labels tagger knows.
    func labels(in tags: Set<String>, known: Set<String>) -> Set<String> {
        if prefix.isEmpty { return tags.intersection(known) }
        return Set(tags.filter { $0.hasPrefix(prefix) && $0.count > prefix.count }.map { String($0.dropFirst(prefix.count)) })
    }

    /// Every label tagger may put on a message: the model's (abstaining ones too), those in
    /// corrections, the folder labels.
    func labelsKnown() -> Set<String> {
        guard prefix.isEmpty else { return [] }
        var labels = Set(config.folderLabels.values)
        if let info = try? FileIO.status(config.modelPath) {
            let stamp = "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec).\(info.st_size).\(info.st_ino)"
            if stamp != modelLabels.stamp, let model = try? ModelFile.read(config.modelPath) {
                modelLabels = (stamp, Set(model.labels))
            }
            labels.formUnion(modelLabels.labels)
        }
        let size = (try? FileIO.status(config.state.journal)).map { Int($0.st_size) } ?? 0
        if size != journalLabels.size, let (index, _) = try? store.journal.fold() {
            journalLabels = (size, Set(index.messages.flatMap { $0.add.union($0.remove).union($0.modelTags) }))
        }
        return labels.union(journalLabels.labels)
    }

    /// Records one correction per copy of the message (as `tagger label` does).
    private func record(_ entries: [CatalogEntry], add: [String], remove: [String]) throws {
        for e in entries {
            let located = try locate(e)
            try labeler.record(located, add: add, remove: remove, reset: false, source: "notmuch") { e.tags }
        }
    }

    /// The message file of a catalog entry (found again by unique name when its flags changed).
    func locate(_ e: CatalogEntry) throws -> LocatedMessage {
        guard let md = config.maildirs.first(where: { $0.name == e.maildir }) else {
            throw TaggerError.notFound("\(e.key): no configured Maildir named \(e.maildir)")
        }
        let rel = e.folder == "INBOX" ? "" : e.folder
        let folder = MaildirFolder(path: md.root + (rel.isEmpty ? "" : "/" + rel), relativePath: rel)
        let parts = e.path.split(separator: "/").map(String.init)
        if parts.count >= 2 {
            let m = MaildirMessage(folder: folder, subdirectory: parts[parts.count - 2], fileName: parts[parts.count - 1])
            if FileIO.exists(m.path) { return LocatedMessage(path: m.path, maildir: md, message: m) }
        }
        for sub in ["cur", "new"] {
            for entry in (try? MaildirScanner.directoryEntries(folder.path + "/" + sub)) ?? []
            where MaildirName.unique(ofFile: entry.name) == e.unique {
                let m = MaildirMessage(folder: folder, subdirectory: sub, fileName: entry.name)
                return LocatedMessage(path: m.path, maildir: md, message: m)
            }
        }
        throw TaggerError.notFound("\(md.root)/\(e.path): message file gone")
    }
}
