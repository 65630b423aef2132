import Foundation

/// The message catalog as a reader outside tagger sees it (README "How it works"):
/// `catalog/snapshot.jsonl` (a header, then records) and `catalog/log.jsonl` (records since),
/// applied in order; a log record at or below the snapshot's sequence is already in it, and a
/// line that does not decode is a write a crash tore.
enum CatalogFile {
    struct Entry: Decodable, Equatable {
        var maildir: String
        var folder: String
        var unique: String
        var path: String
        var tags: [String]
        var message_id: String?
        var model: String?
    }

    private struct Record: Decodable {
        var seq: UInt64
        var put: Entry?
        var del: String?
    }

    private struct Header: Decodable {
        var seq: UInt64
    }

    /// Entries by `<maildir>/<folder>/<unique>`; nil when there is no readable snapshot.
    static func read(state: String) -> [String: Entry]? {
        guard let snapshot = FileManager.default.contents(atPath: state + "/catalog/snapshot.jsonl") else { return nil }
        let decoder = JSONDecoder()
        var lines = snapshot.split(separator: 0x0A)
        guard !lines.isEmpty, let header = try? decoder.decode(Header.self, from: Data(lines.removeFirst())) else { return nil }
        var entries: [String: Entry] = [:]
        func apply(_ r: Record) {
            if let e = r.put { entries[e.maildir + "/" + e.folder + "/" + e.unique] = e }
            if let key = r.del { entries.removeValue(forKey: key) }
        }
        for line in lines { if let r = try? decoder.decode(Record.self, from: Data(line)) { apply(r) } }
        var last = header.seq
        let log = FileManager.default.contents(atPath: state + "/catalog/log.jsonl") ?? Data()
        let complete = log.last == 0x0A ? log : log.prefix(upTo: (log.lastIndex(of: 0x0A).map { $0 + 1 }) ?? log.startIndex)
        for line in complete.split(separator: 0x0A) {
            guard let r = try? decoder.decode(Record.self, from: Data(line)), r.seq > last else { continue }
            apply(r)
            last = r.seq
        }
        return entries
    }
}
