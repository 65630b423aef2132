// Why a parser of its own: loading the catalog decodes one JSON record per message, and
// Foundation's JSONDecoder spent ~17 µs on each (a third of a second at 20,000 messages, seconds
// at 100,000: the daemon's start and every `tagger list`). The records are flat objects that
// `MessageCatalog.encode` writes itself, so a reader of exactly that shape is short. It is a fast
// path only: anything it does not expect (whitespace, an unknown or repeated key, a number that
// is not a plain integer, an escape it does not know, bytes that are not UTF-8) makes it give up,
// and the caller decodes the line with JSONDecoder as before, so what loads and what is refused
// as damage do not change. Tests hold the two readers to the same results.

extension MessageCatalog {
    /// The record on `line` (compact JSON as ``encode(_:)`` writes it), or nil when the line is
    /// not in that exact shape (it may still be valid JSON: decode it the general way).
    static func parseRecord(_ line: ArraySlice<UInt8>) -> Record? {
        line.withUnsafeBufferPointer { buffer in
            var p = RecordParser(bytes: buffer)
            guard let r = p.record(), p.atEnd else { return nil }
            return r
        }
    }
}

/// A cursor over one catalog line; every method returns nil at the first surprise.
private struct RecordParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { at == bytes.count }

    mutating func take(_ b: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == b else { return false }
        at += 1
        return true
    }

    /// Calls `member` with the index in `keys` of each member's key (the cursor then at its
    /// value); false on a malformed object, a key not in `keys` or given twice, or when
    /// `member` returns false.
    mutating func object(keys: [StaticString], _ member: (inout RecordParser, Int) -> Bool) -> Bool {
        guard take(0x7B) else { return false }
        if take(0x7D) { return true }
        var seen: UInt32 = 0
        repeat {
            guard let key = rawKey(), let k = keys.firstIndex(where: { matches(key, $0) }),
                  seen & (1 << k) == 0, take(0x3A), member(&self, k) else { return false }
            seen |= 1 << k
        } while take(0x2C)
        return take(0x7D)
    }

    /// A key: a string without escapes (every key the catalog writes is plain ASCII).
    mutating func rawKey() -> Range<Int>? {
        guard take(0x22) else { return nil }
        let start = at
        while at < bytes.count, bytes[at] != 0x22 {
            if bytes[at] == 0x5C { return nil }
            at += 1
        }
        guard at < bytes.count else { return nil }
        at += 1
        return start..<(at - 1)
    }

    func matches(_ key: Range<Int>, _ name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount else { return false }
        let n = name.utf8Start
        for i in 0..<key.count where bytes[key.lowerBound + i] != n[i] { return false }
        return true
    }

    mutating func null() -> Bool {
        guard at + 4 <= bytes.count, bytes[at] == 0x6E, bytes[at + 1] == 0x75, bytes[at + 2] == 0x6C,
              bytes[at + 3] == 0x6C else { return false }
        at += 4
        return true
    }

    mutating func boolean() -> Bool? {
        if at + 4 <= bytes.count, bytes[at] == 0x74, bytes[at + 1] == 0x72, bytes[at + 2] == 0x75, bytes[at + 3] == 0x65 {
            at += 4
            return true
        }
        if at + 5 <= bytes.count, bytes[at] == 0x66, bytes[at + 1] == 0x61, bytes[at + 2] == 0x6C,
           bytes[at + 3] == 0x73, bytes[at + 4] == 0x65 {
            at += 5
            return false
        }
        return nil
    }

    /// A non-negative integer of plain digits (no sign, fraction or exponent) that fits.
    mutating func unsigned() -> UInt64? {
        let start = at
        var value: UInt64 = 0
        while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39 {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(bytes[at] - 0x30))
            guard !o1, !o2 else { return nil }
            value = plus
            at += 1
        }
        // JSON allows no leading zeros; such a number goes the general way.
        guard at > start, at - start == 1 || bytes[start] != 0x30 else { return nil }
        return value
    }

    mutating func signed() -> Int64? {
        let negative = take(0x2D)
        guard let magnitude = unsigned() else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// A string, its escapes resolved; nil for anything JSONDecoder might read differently.
    mutating func string() -> String? {
        guard take(0x22) else { return nil }
        let start = at
        while at < bytes.count, bytes[at] != 0x22, bytes[at] != 0x5C, bytes[at] >= 0x20 { at += 1 }
        guard at < bytes.count else { return nil }
        if bytes[at] == 0x22 {
            let plain = UnsafeBufferPointer(rebasing: bytes[start..<at])
            at += 1
            return String(validating: plain, as: UTF8.self)
        }
        guard bytes[at] == 0x5C else { return nil }  // a raw control character
        var out = Array(bytes[start..<at])
        while at < bytes.count {
            let b = bytes[at]
            if b == 0x22 {
                at += 1
                return String(validating: out, as: UTF8.self)
            }
            if b < 0x20 { return nil }
            guard b == 0x5C else {
                out.append(b)
                at += 1
                continue
            }
            at += 1
            guard at < bytes.count else { return nil }
            let e = bytes[at]
            at += 1
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard let unit = hex4() else { return nil }
                var scalar = UInt32(unit)
                if (0xD800..<0xDC00).contains(unit) {
                    guard take(0x5C), take(0x75), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                    scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                } else if (0xDC00..<0xE000).contains(unit) {
                    return nil
                }
                guard let s = Unicode.Scalar(scalar) else { return nil }
                out.append(contentsOf: String(Character(s)).utf8)
            default:
                return nil
            }
        }
        return nil
    }

    mutating func hex4() -> UInt16? {
        guard at + 4 <= bytes.count else { return nil }
        var v: UInt16 = 0
        for _ in 0..<4 {
            let b = bytes[at]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt16(d)
            at += 1
        }
        return v
    }

    mutating func strings() -> [String]? {
        guard take(0x5B) else { return nil }
        var out: [String] = []
        if take(0x5D) { return out }
        repeat {
            guard let s = string() else { return nil }
            out.append(s)
        } while take(0x2C)
        return take(0x5D) ? out : nil
    }

    /// An optional string member: a string or null.
    mutating func optionalString(_ slot: inout String?) -> Bool {
        if null() { return true }
        guard let s = string() else { return false }
        slot = s
        return true
    }

    mutating func record() -> MessageCatalog.Record? {
        var seq: UInt64?
        var put: CatalogEntry?, del: String?, folder: String?, mtime: Int64?
        let ok = object(keys: ["seq", "put", "del", "folder", "mtime"]) { p, key in
            switch key {
            case 0:
                seq = p.unsigned()
                return seq != nil
            case 1:
                if p.null() { return true }
                put = p.entry()
                return put != nil
            case 2:
                return p.optionalString(&del)
            case 3:
                return p.optionalString(&folder)
            default:
                if p.null() { return true }
                mtime = p.signed()
                return mtime != nil
            }
        }
        guard ok, let seq else { return nil }
        return MessageCatalog.Record(seq: seq, put: put, del: del, folder: folder, mtime: mtime)
    }

    mutating func entry() -> CatalogEntry? {
        var maildir: String?, folder: String?, unique: String?, path: String?, tags: [String]?, lastmod: UInt64?
        var messageID: String?, digest: String?, model: String?, stamp: String?, error: Bool?
        let keys: [StaticString] = ["digest", "error", "folder", "lastmod", "maildir", "message_id", "model", "path",
                                    "stamp", "tags", "unique"]
        let ok = object(keys: keys) { p, key in
            switch key {
            case 0: return p.optionalString(&digest)
            case 1:
                if p.null() { return true }
                error = p.boolean()
                return error != nil
            case 2: folder = p.string(); return folder != nil
            case 3: lastmod = p.unsigned(); return lastmod != nil
            case 4: maildir = p.string(); return maildir != nil
            case 5: return p.optionalString(&messageID)
            case 6: return p.optionalString(&model)
            case 7: path = p.string(); return path != nil
            case 8: return p.optionalString(&stamp)
            case 9: tags = p.strings(); return tags != nil
            default: unique = p.string(); return unique != nil
            }
        }
        guard ok, let maildir, let folder, let unique, let path, let tags, let lastmod else { return nil }
        return CatalogEntry(maildir: maildir, folder: folder, unique: unique, path: path, messageID: messageID,
                            digest: digest, model: model, tags: tags, lastmod: lastmod, error: error, stamp: stamp)
    }
}
