#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TaggerSystem

/// The catalog's lookup index (`<state_dir>/catalog/index`): finds the entries with a given
/// unique name or Message-ID without loading the catalog, so `tagger show` and `tagger label`
/// cost the same at 100,000 messages as at 100 (the full load is for the daemon and writers).
///
/// It is a hash table over the snapshot, written with it at every compaction: slots of (hash of
/// `U`+unique name or `M`+bare Message-ID, byte offset of the entry's line in the snapshot),
/// open addressing with linear probing, at most half full. A lookup maps the file, probes a
/// few slots, reads the few snapshot lines they point at (each decoded and compared: a hash
/// collision costs one read) and then applies the log's records that mention the name or the
/// unique name of an entry found (a substring test first; only those lines are decoded).
///
/// Layout (little-endian): `TGCIDX1\n`, the snapshot's size (8 bytes), the slot count (8, a power
/// of two), the length of the snapshot's header line (8), that header line, zero padding to a
/// multiple of 8, the slots (16 bytes each: hash, offset; hash 0 = empty). The index belongs to
/// the snapshot whose size and header line it repeats; any mismatch (a crash between writing
/// the two, a rebuild, damage) makes it unusable and lookups fall back to loading the catalog.
enum CatalogIndex {
    static let name = "index"
    static let magic = Array("TGCIDX1\n".utf8)

    /// The hash of one lookup name (never 0: 0 marks an empty slot).
    static func hash(kind: UInt8, _ name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        h = (h ^ UInt64(kind)) &* 0x0000_0100_0000_01B3
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 29
        return h == 0 ? 1 : h
    }

    static let uniqueKind = UInt8(ascii: "U")
    static let messageIDKind = UInt8(ascii: "M")

    /// The index bytes for a snapshot: `header` its first line (without the newline), `size`
    /// its length, `entries` each entry with the offset of its line.
    static func build(header: ArraySlice<UInt8>, size: Int, entries: [(CatalogEntry, Int)]) -> [UInt8] {
        var names = 0
        for (e, _) in entries { names += e.messageID == nil ? 1 : 2 }
        var slots = 16
        while slots < names * 2 { slots <<= 1 }
        var table = [UInt64](repeating: 0, count: slots * 2)
        func insert(_ h: UInt64, _ offset: Int) {
            var i = Int(h & UInt64(slots - 1))
            while table[2 * i] != 0 { i = (i + 1) & (slots - 1) }
            table[2 * i] = h
            table[2 * i + 1] = UInt64(offset)
        }
        for (e, offset) in entries {
            insert(hash(kind: uniqueKind, e.unique), offset)
            if let id = e.messageID { insert(hash(kind: messageIDKind, MessageCatalog.Memory.normalised(id)), offset) }
        }
        var out = magic
        func word(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        word(UInt64(size))
        word(UInt64(slots))
        word(UInt64(header.count))
        out.append(contentsOf: header)
        while out.count % 8 != 0 { out.append(0) }
        out.reserveCapacity(out.count + table.count * 8)
        for v in table { word(v) }
        return out
    }

    /// What a lookup asks for.
    enum Query {
        case unique(String)
        case messageID(String)

        var kind: UInt8 { if case .unique = self { return CatalogIndex.uniqueKind } else { return CatalogIndex.messageIDKind } }
        var name: String {
            switch self {
            case .unique(let u): return u
            case .messageID(let id): return MessageCatalog.Memory.normalised(id)
            }
        }

        func matches(_ e: CatalogEntry) -> Bool {
            switch self {
            case .unique(let u): return e.unique == u
            case .messageID(let id):
                return e.messageID.map(MessageCatalog.Memory.normalised) == MessageCatalog.Memory.normalised(id)
            }
        }
    }

    /// The entries `query` names, from the index, the snapshot and the log in `folder`; nil
    /// when the index cannot answer (missing, stale, damaged: the caller loads the catalog).
    static func lookup(_ query: Query, folder: String) -> [CatalogEntry]? {
        guard let index = MappedFile(path: folder + "/" + name), index.count >= 32,
              index.bytes(0, 8).elementsEqual(magic) else { return nil }
        let snapshotSize = Int(index.word(8)), slots = Int(index.word(16)), headerLength = Int(index.word(24))
        guard slots > 0, slots & (slots - 1) == 0, headerLength > 0, headerLength < 4096 else { return nil }
        var tableStart = 32 + headerLength
        while tableStart % 8 != 0 { tableStart += 1 }
        guard index.count == tableStart + slots * 16 else { return nil }
        // The snapshot it was built with: same size, same header line (epoch, sequence, horizon).
        guard let snapshot = try? FileIO.openForReading(folder + "/" + MessageCatalog.snapshotName, followLink: false),
              snapshot.isRegular, snapshot.size == snapshotSize,
              let head = read(snapshot.fd, at: 0, count: headerLength + 1),
              head.count == headerLength + 1, head.last == 0x0A,
              head.dropLast().elementsEqual(index.bytes(32, headerLength)),
              let header = try? JSONDecoder().decode(MessageCatalog.Header.self, from: Data(head.dropLast())) else { return nil }

        var found: [String: CatalogEntry] = [:]
        let h = hash(kind: query.kind, query.name)
        var i = Int(h & UInt64(slots - 1))
        var probes = 0
        let decoder = JSONDecoder()
        while probes < slots {
            let slotHash = index.word(tableStart + 16 * i)
            if slotHash == 0 { break }
            if slotHash == h {
                let offset = Int(index.word(tableStart + 16 * i + 8))
                guard offset > headerLength, offset < snapshotSize,
                      let line = readLine(snapshot.fd, at: offset, limit: snapshotSize),
                      let r = try? decoder.decode(MessageCatalog.Record.self, from: Data(line)),
                      var e = r.put else { return nil }   // a slot pointing at no entry: damaged
                e.lastmod = r.seq
                if query.matches(e) { found[e.key] = e }
            }
            i = (i + 1) & (slots - 1)
            probes += 1
        }

        // The log's records since the snapshot that could change the answer: those naming the
        // query, or a key found so far (its entry rewritten or removed), decoded in order.
        guard let dir = try? SecureDirectory.openIfPresent(base: folder, components: []) else { return nil }
        let log: [UInt8]
        do { log = try dir.read(MessageCatalog.logName) ?? [] } catch { return nil }
        // (A put names its message by maildir, folder and unique name, a removal by key: the
        // unique name is in both.)
        var needles = [escaped(query.name)] + Set(found.values.map(\.unique)).map(escaped)
        var start = 0
        while start < log.count, let end = log[start...].firstIndex(of: 0x0A) {
            let line = log[start..<end]
            start = end + 1
            guard !line.isEmpty, needles.contains(where: { contains(line, $0) }),
                  let r = try? decoder.decode(MessageCatalog.Record.self, from: Data(line)),
                  r.seq > header.seq else { continue }
            if var e = r.put {
                e.lastmod = r.seq
                if query.matches(e) {
                    if found[e.key] == nil { needles.append(escaped(e.unique)) }
                    found[e.key] = e
                } else {
                    found.removeValue(forKey: e.key)
                }
            } else if let key = r.del {
                found.removeValue(forKey: key)
            }
        }
        return found.keys.sorted().map { found[$0]! }
    }

    /// A string as it appears inside a JSON string the catalog wrote.
    static func escaped(_ s: String) -> [UInt8] {
        var w = JSONWriter(pretty: false)
        w.string(s)
        return Array(w.bytes.dropFirst().dropLast())
    }

    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        return haystack.withUnsafeBytes { h in
            needle.withUnsafeBytes { n in
                let first = n[0], last = h.count - n.count
                var i = 0
                while i <= last {
                    guard let p = memchr(h.baseAddress! + i, Int32(first), last - i + 1) else { return false }
                    i = h.baseAddress!.distance(to: UnsafeRawPointer(p))
                    if memcmp(h.baseAddress! + i, n.baseAddress!, n.count) == 0 { return true }
                    i += 1
                }
                return false
            }
        }
    }

    /// Up to `count` bytes at `offset` (fewer at the end of the file); nil when the read fails.
    static func read(_ fd: Int32, at offset: Int, count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 { return nil }
            if n == 0 { break }
            done += n
        }
        out.removeSubrange(done...)
        return out
    }

    /// The line starting at `offset` (without its newline); nil when there is none.
    static func readLine(_ fd: Int32, at offset: Int, limit: Int) -> ArraySlice<UInt8>? {
        var count = 1024
        while true {
            guard let bytes = read(fd, at: offset, count: min(count, limit - offset)) else { return nil }
            if let end = bytes.firstIndex(of: 0x0A) { return bytes[..<end] }
            if offset + bytes.count >= limit { return nil }
            count *= 4
        }
    }
}

/// A read-only memory map of a whole regular file (not followed through a symbolic link).
final class MappedFile {
    let base: UnsafeRawPointer
    let count: Int

    init?(path: String) {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
        let size = Int(st.st_size)
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { return nil }
        base = UnsafeRawPointer(p)
        count = size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), count) }

    /// The little-endian 64-bit word at `offset` (0 past the end).
    func word(_ offset: Int) -> UInt64 {
        guard offset >= 0, offset + 8 <= count else { return 0 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// `length` bytes at `offset` (empty when out of range).
    func bytes(_ offset: Int, _ length: Int) -> UnsafeRawBufferPointer {
        guard offset >= 0, length >= 0, offset + length <= count else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + offset, count: length)
    }
}

extension MessageCatalog {
    /// Records `changes` without loading the catalog (a one-off writer such as `tagger label`
    /// at 100,000 messages): under the catalog's lock, the next sequence number comes from the
    /// snapshot's header and the log's records, the entries being replaced from the index
    /// (an unchanged one is skipped, as ``record(_:)`` does); the records are appended to the
    /// log in one write. Nothing is kept in memory and nothing is compacted (the next writer
    /// that loads the catalog does that).
    /// - Returns: the tag changes recorded; nil when this catalog is loaded or its index cannot
    ///   answer (use ``record(_:)``).
    /// - Throws: `SystemError` when the log cannot be written (nothing is recorded then).
    func recordWithoutLoading(_ changes: [CatalogChange]) throws -> [TagChange]? {
        if isLoaded { return nil }
        guard let dir = try SecureDirectory.openIfPresent(base: folder, components: []) else { return nil }
        let lock = try FileLock(path: folder + "/" + Self.lockName, wait: true)
        defer { withExtendedLifetime(lock) {} }
        guard let snapshot = try? FileIO.openForReading(folder + "/" + Self.snapshotName, followLink: false),
              let head = CatalogIndex.readLine(snapshot.fd, at: 0, limit: snapshot.size),
              let header = try? JSONDecoder().decode(Header.self, from: Data(head)) else { return nil }
        let log = try dir.read(Self.logName) ?? []
        var seq = header.seq
        var start = 0
        while let end = log[start...].firstIndex(of: 0x0A) {
            if let n = Self.trailingSeq(log[start..<end]) { seq = max(seq, n) }
            start = end + 1
        }
        var records: [Record] = []
        var tagChanges: [TagChange] = []
        for c in changes {
            switch c {
            case .put(var e):
                guard let hits = CatalogIndex.lookup(.unique(e.unique), folder: folder) else { return nil }
                if let old = hits.first(where: { $0.key == e.key }), old.sameContent(as: e) { continue }
                seq += 1
                e.lastmod = seq
                records.append(Record(seq: seq, put: e))
                tagChanges.append(TagChange(seq: seq, key: e.key, entry: e))
            case .remove(let key):
                let unique = String(key[key.index(after: key.lastIndex(of: "/") ?? key.startIndex)...])
                guard let hits = CatalogIndex.lookup(.unique(unique), folder: folder) else { return nil }
                guard hits.contains(where: { $0.key == key }) else { continue }
                seq += 1
                records.append(Record(seq: seq, del: key))
                tagChanges.append(TagChange(seq: seq, key: key, entry: nil))
            case .folder(let key, let mtime):
                records.append(Record(seq: seq, folder: key, mtime: mtime))
            }
        }
        guard !records.isEmpty else { return [] }
        var bytes: [UInt8] = start < log.count ? [0x0A] : []   // a torn last line is closed off first
        for r in records {
            bytes += Self.encode(r)
            bytes.append(0x0A)
        }
        try dir.append(Self.logName, bytes: bytes)
        return tagChanges
    }

    /// The sequence number of a log line as ``encode(_:)`` writes it (`...,"seq":N}`, last).
    static func trailingSeq(_ line: ArraySlice<UInt8>) -> UInt64? {
        guard line.last == UInt8(ascii: "}") else { return nil }
        var i = line.endIndex - 1
        var value: UInt64 = 0, scale: UInt64 = 1, digits = 0
        while i > line.startIndex, case let d = line[i - 1], d >= 0x30 && d <= 0x39, digits < 19 {
            value += UInt64(d - 0x30) * scale
            scale *= 10
            digits += 1
            i -= 1
        }
        let key = Array(#""seq":"#.utf8)
        guard digits > 0, i - line.startIndex >= key.count, line[(i - key.count)..<i].elementsEqual(key) else { return nil }
        return value
    }
}
