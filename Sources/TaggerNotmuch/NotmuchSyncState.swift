import Foundation
import TaggerState
import TaggerSystem

/// What tagger knows of its tags in one notmuch database, kept in
/// `<state_dir>/sync/notmuch.jsonl`: the database's UUID, the revision up to which its changes
/// were read, and per message (by Message-ID) the tagger tags notmuch showed after tagger's last
/// look (`seen`: a difference is the user's doing) and those tagger itself added (`owned`: the
/// only ones it ever takes away).
///
/// The file is a log of JSON lines, appended per batch and rewritten compactly once it holds
/// many more lines than messages. A line is `{"db":UUID,"rev":N}` or
/// `{"id":ID,"seen":[...],"owned":[...]}` (a later line wins). Lost lines (a power cut) cost
/// nothing but a second look: tags tagger wants are never taken for corrections, and an
/// unknown message is met as for the first time. Not thread-safe: its owner (``NotmuchTarget``)
/// uses it under its lock.
public final class NotmuchSyncState: @unchecked Sendable {
    /// One message's state.
    public struct Message: Codable, Sendable, Equatable {
        public var seen: Set<String>
        public var owned: Set<String>
        public init(seen: Set<String>, owned: Set<String>) { self.seen = seen; self.owned = owned }
    }

    struct Line: Codable {
        var db: String?
        var rev: UInt64?
        var id: String?
        var seen: [String]?
        var owned: [String]?
    }

    static let fileName = "notmuch.jsonl"
    let folder: String
    /// The database these states are about (nil before the first look).
    public private(set) var uuid: String?
    /// Changes up to this revision were read.
    public private(set) var revision: UInt64 = 0
    public private(set) var messages: [String: Message] = [:]
    private var lines = 0

    /// The state in `state`'s sync folder (empty when there is none or it cannot be read).
    public init(state: StateDirectory) {
        folder = state.syncCursors
        guard let dir = try? SecureDirectory.openIfPresent(base: folder, components: []),
              let bytes = try? dir.read(Self.fileName) else { return }
        let decoder = JSONDecoder()
        for line in bytes.split(separator: 0x0A) {
            guard let l = try? decoder.decode(Line.self, from: Data(line)) else { continue }
            apply(l)
            lines += 1
        }
    }

    private func apply(_ l: Line) {
        if let db = l.db {
            if db != uuid { messages.removeAll() }
            uuid = db
            revision = l.rev ?? 0
        } else if let id = l.id {
            messages[id] = Message(seen: Set(l.seen ?? []), owned: Set(l.owned ?? []))
        }
    }

    /// Records message states (and the database position, when given); durable against a kill.
    /// A different database UUID forgets every message first.
    /// - Throws: `SystemError` when the file cannot be written.
    public func record(_ changes: [String: Message], database: (uuid: String, revision: UInt64)? = nil) throws {
        var out: [Line] = []
        if let database {
            if database.uuid != uuid || database.revision != revision {
                out.append(Line(db: database.uuid, rev: database.revision))
            }
        }
        for (id, m) in changes.sorted(by: { $0.key < $1.key }) where messages[id] != m {
            out.append(Line(id: id, seen: m.seen.sorted(), owned: m.owned.sorted()))
        }
        guard !out.isEmpty else { return }
        let dir = try SecureDirectory.open(base: folder, components: [], create: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for l in out { apply(l) }
        if lines + out.count > max(4096, 2 * messages.count) {
            var all = [Line(db: uuid, rev: revision)]
            for (id, m) in messages.sorted(by: { $0.key < $1.key }) {
                all.append(Line(id: id, seen: m.seen.sorted(), owned: m.owned.sorted()))
            }
            var bytes: [UInt8] = []
            for l in all { bytes += try encoder.encode(l); bytes.append(0x0A) }
            try dir.writeAtomically(Self.fileName, bytes: bytes)
            lines = all.count
        } else {
            var bytes: [UInt8] = []
            for l in out { bytes += try encoder.encode(l); bytes.append(0x0A) }
            try dir.append(Self.fileName, bytes: bytes)
            lines += out.count
        }
    }
}
