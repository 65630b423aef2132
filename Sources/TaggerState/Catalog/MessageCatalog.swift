#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TaggerLock
import TaggerSystem

/// One message as the catalog remembers it between runs.
extension CatalogEntry {
    /// Whether `other` says the same of the message, whatever change numbers (`lastmod`) the two
    /// carry: a put that would change nothing is not recorded.
    public func sameContent(as other: CatalogEntry) -> Bool {
        var (a, b) = (self, other)
        a.lastmod = 0
        b.lastmod = 0
        return a == b
    }
}

public struct CatalogEntry: Codable, Sendable, Equatable {
    /// The Maildir's name (as in sidecar paths).
    public var maildir: String
    /// The folder's sidecar name (`INBOX`, `.Lists`, `Work/Projects`).
    public var folder: String
    /// The message's unique name.
    public var unique: String
    /// Path relative to the Maildir root, as in the sidecar's `message.path`.
    public var path: String
    /// The Message-ID header, angle brackets kept.
    public var messageID: String?
    /// The body digest (see the journal's `digest`), when known.
    public var digest: String?
    /// The id of the model that tagged the message.
    public var model: String?
    /// The message's tags (model tags with the user's corrections applied).
    public var tags: [String]
    /// The sequence number of the change that last wrote this entry (0 before it is recorded).
    public var lastmod: UInt64
    /// True when the sidecar holds an error (the message could not be read or parsed): such
    /// messages are tried again when their file changes.
    public var error: Bool?
    /// The message file as it was when it was last read (size, modification and change times;
    /// the daemon's `FileStamp` text), when known: a file that differs from it has changed since.
    public var stamp: String?

    public init(maildir: String, folder: String, unique: String, path: String, messageID: String?,
                digest: String?, model: String?, tags: [String], lastmod: UInt64 = 0,
                error: Bool? = nil, stamp: String? = nil) {
        self.maildir = maildir; self.folder = folder; self.unique = unique; self.path = path
        self.messageID = messageID; self.digest = digest; self.model = model; self.tags = tags
        self.lastmod = lastmod; self.error = error; self.stamp = stamp
    }

    /// `<maildir>/<folder>/<unique>`: the entry's identity (one sidecar, one entry).
    public var key: String { Self.key(maildir: maildir, folder: folder, unique: unique) }

    /// The key of a message.
    public static func key(maildir: String, folder: String, unique: String) -> String {
        maildir + "/" + folder + "/" + unique
    }

    enum CodingKeys: String, CodingKey {
        case maildir, folder, unique, path, digest, model, tags, lastmod, error, stamp
        case messageID = "message_id"
    }
}

/// A change the catalog recorded: a message's entry written, or its sidecar removed.
public struct TagChange: Sendable, Equatable {
    /// The change's sequence number: changes are numbered 1, 2, ... in the order recorded.
    public var seq: UInt64
    /// The message's key.
    public var key: String
    /// The entry as written; nil when the message's sidecar was removed.
    public var entry: CatalogEntry?
}

/// How far a reader (a sync target) has read the catalog's changes: the catalog's epoch (a
/// number drawn anew whenever the catalog is rebuilt, since numbering may then have been lost)
/// and the highest change sequence read.
public struct CatalogCursor: Sendable, Equatable {
    public var epoch: UInt64
    public var seq: UInt64

    public init(epoch: UInt64, seq: UInt64) {
        self.epoch = epoch
        self.seq = seq
    }

    /// The text form, `<epoch> <seq>`.
    public var text: String { "\(epoch) \(seq)" }

    /// Parses ``text``; nil for anything else.
    public init?(text: String) {
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count == 2, let e = UInt64(parts[0]), let s = UInt64(parts[1]) else { return nil }
        self.init(epoch: e, seq: s)
    }
}

/// What the catalog is asked to record.
public enum CatalogChange: Sendable, Equatable {
    /// Write (or overwrite) an entry.
    case put(CatalogEntry)
    /// Forget the entry with this key.
    case remove(key: String)
    /// Remember a folder's modification time (nanoseconds since the epoch).
    case folder(key: String, mtime: Int64)
}

/// Why the catalog could not be used as it is on disk (it is then rebuilt from the sidecars).
public struct CatalogDamage: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// The persistent message catalog: every message that has a sidecar, by key, Message-ID and
/// unique name, with the model that tagged it, its tags and body digest, plus folder
/// modification times. Derived data: the sidecars are the truth, and a missing or damaged
/// catalog is rebuilt from them.
///
/// On disk (`<state_dir>/catalog/`): `snapshot.jsonl`, a header line then one record per line,
/// written atomically by compaction; `log.jsonl`, records appended since (one `write` per batch,
/// `O_APPEND`); `lock`, the flock every writer holds while it catches up with the log, numbers
/// its changes and appends them, so several processes (the daemon, `tagger label`) share one
/// sequence. A record is `{"seq":N,"put":{entry}}`, `{"seq":N,"del":"key"}` or
/// `{"seq":N,"folder":"key","mtime":T}`. After kill -9 the files hold every batch whose
/// `write` returned; a torn last line (the only damage a crash can leave) is skipped, and
/// records at or below the snapshot's sequence are ignored (a crash between writing a snapshot
/// and emptying the log). Anything else unreadable counts as damage.
///
/// Every change gets a sequence number; an entry keeps the number of its last change
/// (`lastmod`, as in notmuch), so a reader that remembers the highest number it has seen (a
/// sync target's cursor) gets exactly what changed since with ``changes(since:)``.
public final class MessageCatalog: Sendable {
    static let snapshotName = "snapshot.jsonl"
    static let logName = "log.jsonl"
    static let lockName = "lock"
    static let format = 1
    /// Removals remembered for readers that are behind (older ones are dropped at compaction;
    /// a reader behind them gets a full list instead of a delta).
    static let keptRemovals = 10_000

    /// The catalog's folder.
    public let folder: String
    /// The log is compacted into the snapshot once it holds this many records (and more than
    /// the catalog has entries).
    let compactAfter: Int
    private let memory = Locked(Memory())

    /// The keys of the entries sharing a unique name or a Message-ID: nearly always one, held
    /// without a set of its own (a one-element set per message and per unique name was two more
    /// allocations for every entry).
    enum Keys: Equatable {
        case one(String)
        case many(Set<String>)

        /// `keys` with `key` added.
        static func adding(_ key: String, to keys: Keys?) -> Keys {
            switch keys {
            case nil: return .one(key)
            case .one(let k): return k == key ? .one(k) : .many([k, key])
            case .many(var set):
                set.insert(key)
                return .many(set)
            }
        }

        /// `keys` without `key`; nil when none is left.
        static func removing(_ key: String, from keys: Keys?) -> Keys? {
            switch keys {
            case nil: return nil
            case .one(let k): return k == key ? nil : .one(k)
            case .many(var set):
                set.remove(key)
                if set.count > 1 { return .many(set) }
                return set.first.map { .one($0) }
            }
        }

        var sorted: [String] {
            switch self {
            case .one(let k): return [k]
            case .many(let set): return set.sorted()
            }
        }
    }

    /// One shared copy of values that repeat across entries (Maildir and folder names, model
    /// ids, tag lists), so that a loaded catalog holds each once rather than once per message.
    struct Interner {
        private var strings: [String: String] = [:]
        private var lists: [[String]: [String]] = [:]

        mutating func callAsFunction(_ s: String) -> String {
            if let shared = strings[s] { return shared }
            if strings.count < 4096 { strings[s] = s }
            return s
        }

        mutating func callAsFunction(_ s: String?) -> String? { s.map { self($0) } }

        mutating func callAsFunction(_ list: [String]) -> [String] {
            if let shared = lists[list] { return shared }
            let interned = list.map { self($0) }
            if lists.count < 4096 { lists[interned] = interned }
            return interned
        }
    }

    struct Memory {
        var entries: [String: CatalogEntry] = [:]
        var byMessageID: [String: Keys] = [:]
        var byUnique: [String: Keys] = [:]
        var interner = Interner()
        var removed: [String: UInt64] = [:]
        var folders: [String: Int64] = [:]
        var lastSeq: UInt64 = 0
        /// Drawn when the catalog was (re)built: cursors of another epoch are not comparable.
        var epoch: UInt64 = 0
        /// Changes at or below this may have been forgotten (removals dropped at compaction).
        var horizon: UInt64 = 0
        /// How far the log has been read, and which log file (inode) that was.
        var logOffset: Int = 0
        var logInode: UInt64 = 0
        var logRecords = 0
        var loaded = false

        mutating func apply(_ r: Record) {
            lastSeq = max(lastSeq, r.seq)
            if var e = r.put {
                e.lastmod = r.seq
                e.maildir = interner(e.maildir)
                e.folder = interner(e.folder)
                e.model = interner(e.model)
                e.tags = interner(e.tags)
                // One copy of the key, shared by the table and both indexes.
                let key = e.key
                if let old = entries[key] { unindex(old, key: key) }
                entries[key] = e
                removed.removeValue(forKey: key)
                if let m = e.messageID {
                    let id = Self.indexKey(m)
                    byMessageID[id] = Keys.adding(key, to: byMessageID[id])
                }
                byUnique[e.unique] = Keys.adding(key, to: byUnique[e.unique])
            } else if let key = r.del {
                if let old = entries.removeValue(forKey: key) { unindex(old, key: key) }
                removed[key] = r.seq
            } else if let key = r.folder, let t = r.mtime {
                folders[key] = t
            }
        }

        private mutating func unindex(_ e: CatalogEntry, key: String) {
            if let m = e.messageID {
                let id = Self.indexKey(m)
                byMessageID[id] = Keys.removing(key, from: byMessageID[id])
            }
            byUnique[e.unique] = Keys.removing(key, from: byUnique[e.unique])
        }

        /// The key of `byMessageID` for a Message-ID: its ``normalised(_:)`` form in angle
        /// brackets, which is the recorded id itself (one string, shared with the entry) for every
        /// id written the usual way.
        static func indexKey(_ id: String) -> String {
            func strip(_ b: UInt8) -> Bool { b == 0x3C || b == 0x3E || b == 0x20 || b == 0x09 }
            let u = id.utf8
            if u.count >= 3, u.first == 0x3C, u.last == 0x3E, !strip(u[u.index(after: u.startIndex)]),
               !strip(u[u.index(u.endIndex, offsetBy: -2)]) {
                return id
            }
            return "<" + normalised(id) + ">"
        }

        /// A Message-ID without angle brackets or surrounding blanks (bytes compared: this runs
        /// for every message recorded).
        static func normalised(_ id: String) -> String {
            func strip(_ b: UInt8) -> Bool { b == 0x3C || b == 0x3E || b == 0x20 || b == 0x09 }
            let u = id.utf8
            guard let first = u.firstIndex(where: { !strip($0) }), let last = u.lastIndex(where: { !strip($0) }) else {
                return ""
            }
            if first == u.startIndex && u.index(after: last) == u.endIndex { return id }
            return String(id[first...last])
        }
    }

    /// One line of the snapshot or log.
    struct Record: Codable, Equatable {
        var seq: UInt64
        var put: CatalogEntry?
        var del: String?
        var folder: String?
        var mtime: Int64?
    }

    struct Header: Codable {
        var catalog: Int
        var epoch: UInt64
        var seq: UInt64
        var horizon: UInt64
    }

    /// The catalog in `state`'s catalog folder; nothing is read until first use.
    public convenience init(state: StateDirectory) {
        self.init(state: state, compactAfter: 4096)
    }

    init(state: StateDirectory, compactAfter: Int) {
        folder = state.catalog
        self.compactAfter = compactAfter
    }

    // MARK: reading

    /// Loads the catalog from disk (or catches up with records other processes appended).
    /// - Returns: false when there is no catalog yet.
    /// - Throws: `CatalogDamage` when the files cannot be read as a catalog, `SystemError` when
    ///   they cannot be read at all.
    @discardableResult
    public func load() throws -> Bool {
        try memory.withLock { m in try catchUp(&m) }
    }

    /// Reads what is new on disk into `m`: everything on first use or after a compaction by
    /// another process, else the log's tail.
    private func catchUp(_ m: inout Memory) throws -> Bool {
        guard let dir = try SecureDirectory.openIfPresent(base: folder, components: []) else { return false }
        let log = try logState(dir)
        if m.loaded, log.inode == m.logInode, log.size >= m.logOffset {
            if log.size > m.logOffset { try readLog(dir, into: &m, from: m.logOffset) }
            return true
        }
        guard let snapshot = try dir.read(Self.snapshotName) else {
            if log.size > 0 { throw CatalogDamage(path: folder + "/" + Self.logName, reason: "a log without a snapshot") }
            return false
        }
        var fresh = Memory()
        let lines = snapshot.split(separator: 0x0A, omittingEmptySubsequences: true)
        guard let first = lines.first, let header = try? JSONDecoder().decode(Header.self, from: Data(first)),
              header.catalog == Self.format else {
            throw CatalogDamage(path: folder + "/" + Self.snapshotName, reason: "no catalog header (format \(Self.format))")
        }
        guard snapshot.last == 0x0A else {
            throw CatalogDamage(path: folder + "/" + Self.snapshotName, reason: "cut short")
        }
        fresh.entries.reserveCapacity(lines.count)
        fresh.byUnique.reserveCapacity(lines.count)
        fresh.byMessageID.reserveCapacity(lines.count)
        let decoder = JSONDecoder()
        for line in lines.dropFirst() {
            guard let r = Self.parseRecord(line) ?? (try? decoder.decode(Record.self, from: Data(line))) else {
                throw CatalogDamage(path: folder + "/" + Self.snapshotName, reason: "an unreadable record")
            }
            fresh.apply(r)
        }
        fresh.lastSeq = max(fresh.lastSeq, header.seq)
        fresh.horizon = header.horizon
        fresh.epoch = header.epoch
        fresh.logInode = log.inode
        fresh.loaded = true
        try readLog(dir, into: &fresh, from: 0)
        m = fresh
        return true
    }

    private func logState(_ dir: SecureDirectory) throws -> (inode: UInt64, size: Int) {
        guard let info = try dir.status(Self.logName) else { return (0, 0) }
        return (UInt64(info.st_ino), Int(info.st_size))
    }

    /// Applies the log's records from byte `offset` on. A last line without its newline is left
    /// for later (its writer may be writing it); a line that does not decode is a write a crash
    /// tore (the next writer closed it off with a newline) and is skipped: its change was never
    /// acknowledged, and whoever made it records it again when it finds the catalog behind.
    private func readLog(_ dir: SecureDirectory, into m: inout Memory, from offset: Int) throws {
        guard let bytes = try dir.read(Self.logName, from: offset), !bytes.isEmpty else { return }
        let decoder = JSONDecoder()
        var start = 0
        while let end = bytes[start...].firstIndex(of: 0x0A) {
            let line = bytes[start..<end]
            start = end + 1
            guard !line.isEmpty, let r = Self.parseRecord(line) ?? (try? decoder.decode(Record.self, from: Data(line))) else { continue }
            if r.seq > m.lastSeq || (r.put == nil && r.del == nil) { m.apply(r) }
            m.logRecords += 1
        }
        m.logOffset = offset + start
    }

    /// The entry with `key`.
    public func entry(key: String) -> CatalogEntry? { memory.withLock { $0.entries[key] } }

    /// Entries whose Message-ID is `id` (angle brackets optional), in key order.
    public func entries(messageID id: String) -> [CatalogEntry] {
        memory.withLock { m in
            (m.byMessageID[Memory.indexKey(id)]?.sorted ?? []).compactMap { m.entries[$0] }
        }
    }

    /// Entries with this unique name (one per folder holding a copy), in key order.
    public func entries(unique: String) -> [CatalogEntry] {
        memory.withLock { m in (m.byUnique[unique]?.sorted ?? []).compactMap { m.entries[$0] } }
    }

    /// Entries whose unique name or Message-ID is `query`, answered from the lookup index
    /// without loading the catalog (see ``CatalogIndex``); from memory when this catalog is
    /// loaded. Nil when the index cannot answer (missing, stale or damaged): load the catalog.
    public func lookup(unique: String) -> [CatalogEntry]? {
        if memory.withLock({ $0.loaded }) { return entries(unique: unique) }
        return CatalogIndex.lookup(.unique(unique), folder: folder)
    }

    /// Entries whose Message-ID is `id` (angle brackets optional); as ``lookup(unique:)``.
    public func lookup(messageID id: String) -> [CatalogEntry]? {
        if memory.withLock({ $0.loaded }) { return entries(messageID: id) }
        return CatalogIndex.lookup(.messageID(id), folder: folder)
    }

    /// Whether the lookup index matches the snapshot on disk (``lookup(unique:)`` can answer).
    public var hasUsableIndex: Bool { CatalogIndex.lookup(.unique("/"), folder: folder) != nil }

    /// Compacts the log into a fresh snapshot and lookup index (for a catalog written by a
    /// tagger without the index).
    /// - Throws: `SystemError` when the files cannot be written, `CatalogDamage` when damaged.
    public func writeIndex() throws {
        let dir = try SecureDirectory.open(base: folder, components: [], create: true)
        let lock = try FileLock(path: folder + "/" + Self.lockName, wait: true)
        defer { withExtendedLifetime(lock) {} }
        try memory.withLock { m in
            guard try catchUp(&m) else { return }
            try compact(dir, &m)
        }
    }

    /// Whether this process has loaded the catalog.
    var isLoaded: Bool { memory.withLock { $0.loaded } }

    /// The recorded modification time of a folder (see ``CatalogChange/folder(key:mtime:)``).
    public func folderMTime(_ key: String) -> Int64? { memory.withLock { $0.folders[key] } }

    /// Number of entries.
    public var count: Int { memory.withLock { $0.entries.count } }

    /// The highest sequence number recorded.
    public var lastSeq: UInt64 { memory.withLock { $0.lastSeq } }

    /// The cursor of a reader that has read everything.
    public var position: CatalogCursor { memory.withLock { CatalogCursor(epoch: $0.epoch, seq: $0.lastSeq) } }

    /// Every change after sequence `seq` of this epoch (tests; see ``changes(since:)-(CatalogCursor?)``).
    public func changes(since seq: UInt64) -> (changes: [TagChange], complete: Bool, position: CatalogCursor) {
        changes(since: CatalogCursor(epoch: memory.withLock { $0.epoch }, seq: seq))
    }

    /// Every change after `cursor` (nil: from the start), oldest first: entries written since
    /// (as they are now) and removals since. `complete` is false when the cursor is of another
    /// epoch (the catalog was rebuilt) or older than what the catalog still remembers of
    /// removals: the caller then gets every entry and must treat messages it knows but that
    /// are not listed as removed. `position` is the cursor of a reader that has read them.
    public func changes(since cursor: CatalogCursor?) -> (changes: [TagChange], complete: Bool, position: CatalogCursor) {
        memory.withLock { m in
            let from = cursor ?? CatalogCursor(epoch: m.epoch, seq: 0)
            let complete = from.epoch == m.epoch && from.seq >= m.horizon
            let cursor = from.seq
            var out: [TagChange] = []
            for e in m.entries.values where !complete || e.lastmod > cursor {
                out.append(TagChange(seq: e.lastmod, key: e.key, entry: e))
            }
            for (key, seq) in m.removed where complete && seq > cursor {
                out.append(TagChange(seq: seq, key: key, entry: nil))
            }
            out.sort { $0.seq < $1.seq }
            return (out, complete, CatalogCursor(epoch: m.epoch, seq: m.lastSeq))
        }
    }

    /// The entries of one Maildir, in no particular order (no sort: for callers that index them).
    public func entries(maildir: String) -> [CatalogEntry] {
        memory.withLock { m in m.entries.values.filter { $0.maildir == maildir } }
    }

    /// Every entry, in key order.
    public var allEntries: [CatalogEntry] {
        memory.withLock { m in m.entries.keys.sorted().map { m.entries[$0]! } }
    }

    // MARK: writing (TagStore only)

    /// Records `changes` (an unchanged entry is skipped): under the catalog's lock, catches up
    /// with other writers, numbers the changes and appends them to the log in one write.
    /// - Returns: the tag changes recorded (folder times are not tag changes).
    /// - Throws: `SystemError` when the log cannot be written (nothing is recorded then),
    ///   `CatalogDamage` when the files on disk are damaged.
    func record(_ changes: [CatalogChange]) throws -> [TagChange] {
        guard !changes.isEmpty else { return [] }
        let dir = try SecureDirectory.open(base: folder, components: [], create: true)
        let lock = try FileLock(path: folder + "/" + Self.lockName, wait: true)
        defer { withExtendedLifetime(lock) {} }
        return try memory.withLock { m throws -> [TagChange] in
            if try !catchUp(&m) {
                throw CatalogDamage(path: folder, reason: "no catalog yet (it is built from the sidecars first)")
            }
            var seq = m.lastSeq
            var records: [Record] = []
            var tagChanges: [TagChange] = []
            for c in changes {
                switch c {
                case .put(var e):
                    if let old = m.entries[e.key], old.sameContent(as: e) { continue }
                    seq += 1
                    e.lastmod = seq
                    records.append(Record(seq: seq, put: e))
                    tagChanges.append(TagChange(seq: seq, key: e.key, entry: e))
                case .remove(let key):
                    guard m.entries[key] != nil else { continue }
                    seq += 1
                    records.append(Record(seq: seq, del: key))
                    tagChanges.append(TagChange(seq: seq, key: key, entry: nil))
                case .folder(let key, let mtime):
                    guard m.folders[key] != mtime else { continue }
                    records.append(Record(seq: seq, folder: key, mtime: mtime))
                }
            }
            guard !records.isEmpty else { return [] }
            var bytes: [UInt8] = []
            for r in records {
                bytes += Self.encode(r)
                bytes.append(0x0A)
            }
            try append(bytes, in: dir, memory: &m)
            for r in records { m.apply(r) }
            m.logRecords += records.count
            if m.logRecords > compactAfter && m.logRecords * 16 > m.entries.count { try compact(dir, &m) }
            return tagChanges
        }
    }

    /// Appends `bytes` to the log (a torn last line first gets its newline).
    private func append(_ bytes: [UInt8], in dir: SecureDirectory, memory m: inout Memory) throws {
        var payload = bytes
        let before = try logState(dir)
        // After catching up, only a torn line can lie past the offset: close it off.
        if before.size > m.logOffset { payload.insert(0x0A, at: 0) }
        try dir.append(Self.logName, bytes: payload)
        m.logOffset = before.size + payload.count
        // A log made just now: note which file it is, so a compaction elsewhere is noticed.
        if before.inode == 0 { m.logInode = try logState(dir).inode }
    }

    /// Replaces the catalog with `entries` (the rebuild from the sidecars): a fresh snapshot
    /// and an empty log, numbered after anything recorded before.
    /// - Throws: `SystemError` when the files cannot be written.
    func replaceAll(_ entries: [CatalogEntry]) throws {
        let dir = try SecureDirectory.open(base: folder, components: [], create: true)
        let lock = try FileLock(path: folder + "/" + Self.lockName, wait: true)
        defer { withExtendedLifetime(lock) {} }
        try memory.withLock { m in
            var fresh = Memory()
            // Start numbering past anything a reader may have seen; every entry is new to it.
            var seq = max(m.lastSeq, (try? catchUpSequence()) ?? 0)
            for var e in entries {
                seq += 1
                e.lastmod = seq
                fresh.apply(Record(seq: seq, put: e))
            }
            fresh.horizon = seq
            fresh.epoch = UInt64.random(in: 1...UInt64.max)
            fresh.loaded = true
            try compact(dir, &fresh)
            m = fresh
        }
    }

    /// The highest sequence number a damaged catalog still shows (so numbers never go back).
    private func catchUpSequence() throws -> UInt64 {
        guard let dir = try SecureDirectory.openIfPresent(base: folder, components: []) else { return 0 }
        var highest: UInt64 = 0
        for name in [Self.snapshotName, Self.logName] {
            guard let bytes = try? dir.read(name) else { continue }
            for line in bytes.split(separator: 0x0A) {
                if let r = Self.parseRecord(line) ?? (try? JSONDecoder().decode(Record.self, from: Data(line))) { highest = max(highest, r.seq) }
                if let h = try? JSONDecoder().decode(Header.self, from: Data(line)) { highest = max(highest, h.seq) }
            }
        }
        return highest
    }

    /// Writes `m` as the snapshot (atomically, durable) and empties the log.
    private func compact(_ dir: SecureDirectory, _ m: inout Memory) throws {
        var removed = m.removed.sorted { $0.value < $1.value }
        if removed.count > Self.keptRemovals {
            m.horizon = max(m.horizon, removed[removed.count - Self.keptRemovals - 1].value)
            removed.removeFirst(removed.count - Self.keptRemovals)
            m.removed = Dictionary(uniqueKeysWithValues: removed.map { ($0.key, $0.value) })
        }
        var bytes = Array(#"{"catalog":\#(Self.format),"epoch":\#(m.epoch),"horizon":\#(m.horizon),"seq":\#(m.lastSeq)}"#.utf8)
        bytes.append(0x0A)
        let headerLength = bytes.count - 1
        var offsets: [(CatalogEntry, Int)] = []
        offsets.reserveCapacity(m.entries.count)
        for key in m.entries.keys.sorted() {
            let e = m.entries[key]!
            offsets.append((e, bytes.count))
            bytes += Self.encode(Record(seq: e.lastmod, put: e))
            bytes.append(0x0A)
        }
        for (key, seq) in removed {
            bytes += Self.encode(Record(seq: seq, del: key))
            bytes.append(0x0A)
        }
        for key in m.folders.keys.sorted() {
            bytes += Self.encode(Record(seq: 0, folder: key, mtime: m.folders[key]!))
            bytes.append(0x0A)
        }
        try dir.writeAtomically(Self.snapshotName, bytes: bytes, syncDirectory: true)
        // The lookup index belongs to this snapshot (derived data: when it is lost or stale,
        // lookups load the catalog instead, so its folder need not be synced now).
        try dir.writeAtomically(CatalogIndex.name, bytes: CatalogIndex.build(header: bytes[..<headerLength], size: bytes.count,
                                                                            entries: offsets), syncDirectory: false)
        try dir.writeAtomically(Self.logName, bytes: [], syncDirectory: true)
        let log = try logState(dir)
        m.logInode = log.inode
        m.logOffset = 0
        m.logRecords = 0
    }

    /// One record as compact JSON (keys sorted, as JSONEncoder would write them).
    static func encode(_ r: Record) -> [UInt8] {
        var w = JSONWriter(pretty: false)
        w.beginObject()
        if let key = r.del { w.key("del"); w.string(key) }
        if let key = r.folder { w.key("folder"); w.string(key) }
        if let t = r.mtime { w.key("mtime"); w.integer(Int(t)) }
        if let e = r.put {
            w.key("put")
            w.beginObject()
            if let d = e.digest { w.key("digest"); w.string(d) }
            if e.error == true { w.key("error"); w.boolean(true) }
            w.key("folder"); w.string(e.folder)
            w.key("lastmod"); w.integer(Int(e.lastmod))
            w.key("maildir"); w.string(e.maildir)
            if let id = e.messageID { w.key("message_id"); w.string(id) }
            if let model = e.model { w.key("model"); w.string(model) }
            w.key("path"); w.string(e.path)
            if let stamp = e.stamp { w.key("stamp"); w.string(stamp) }
            w.key("tags"); w.strings(e.tags)
            w.key("unique"); w.string(e.unique)
            w.endObject()
        }
        w.key("seq"); w.integer(Int(r.seq))
        w.endObject()
        return w.bytes
    }
}
