/// Parses `value; name=value; name*0*=charset'lang'%XX ...` header values (RFC 2045 §5.1 and
/// RFC 2231 continuations/charsets), leniently: comments, stray blanks, missing semicolons and
/// RFC 2047 words inside quoted values (common in the wild) are all accepted.
enum Parameters {
    /// Parameters (RFC 2231 pieces included) read per header value at most; the rest of the
    /// value is not read. Real headers carry a handful (a long file name split into RFC 2231
    /// pieces some tens); a header of millions cost hundreds of megabytes.
    static let maxParameters = 1_000

    /// The leading value (`text/plain`, `attachment`) as raw bytes, the decoded parameters
    /// with lower-cased names, and whether parameters past `maxParameters` were left unread.
    static func parse(_ raw: ArraySlice<UInt8>) -> (value: ArraySlice<UInt8>, parameters: [String: String], capped: Bool) {
        var i = raw.startIndex
        let end = raw.endIndex
        skipBlanksAndComments(raw, &i)
        let valueStart = i
        while i < end, raw[i] != Bytes.semicolon, !Bytes.isSpace(raw[i]), raw[i] != 0x28 { i += 1 }
        let value = raw[valueStart..<i]

        struct Piece { var index: Int; var extended: Bool; var bytes: [UInt8] }
        var found: [(name: String, piece: Piece)] = []
        var capped = false
        while i < end {
            skipBlanksAndComments(raw, &i)
            while i < end, raw[i] == Bytes.semicolon || Bytes.isSpace(raw[i]) { i += 1 }
            skipBlanksAndComments(raw, &i)
            guard i < end else { break }
            if found.count >= maxParameters { capped = true; break }
            let nameStart = i
            while i < end, raw[i] != Bytes.equals, raw[i] != Bytes.semicolon, !Bytes.isSpace(raw[i]) { i += 1 }
            var name = Bytes.lowerString(raw[nameStart..<i])
            skipBlanksAndComments(raw, &i)
            guard i < end, raw[i] == Bytes.equals else {
                // Not a parameter: skip to the next semicolon.
                if i == nameStart { i += 1 }
                while i < end, raw[i] != Bytes.semicolon { i += 1 }
                continue
            }
            i += 1
            while i < end, Bytes.isWSP(raw[i]) { i += 1 }
            var bytes: [UInt8] = []
            if i < end, raw[i] == Bytes.quote {
                i += 1
                while i < end, raw[i] != Bytes.quote {
                    if raw[i] == Bytes.backslash, i + 1 < end { i += 1 }
                    bytes.append(raw[i])
                    i += 1
                }
                if i < end { i += 1 }
            } else {
                let s = i
                while i < end, raw[i] != Bytes.semicolon, !Bytes.isSpace(raw[i]) { i += 1 }
                bytes = Array(raw[s..<i])
            }
            guard !name.isEmpty else { continue }
            var extended = false
            if name.hasSuffix("*") { extended = true; name.removeLast() }
            var index = -1
            if let star = name.lastIndex(of: "*"), let n = Int(name[name.index(after: star)...]) {
                index = n
                name = String(name[..<star])
            }
            found.append((name, Piece(index: index, extended: extended, bytes: bytes)))
        }

        var parameters: [String: String] = [:]
        if !found.contains(where: { $0.piece.index >= 0 || $0.piece.extended }) {
            // Common case: no RFC 2231 at all. The first of duplicate parameters wins.
            for (name, piece) in found where parameters[name] == nil {
                parameters[name] = EncodedWords.decode(piece.bytes)
            }
            return (value, parameters, capped)
        }
        var pieces: [String: [Piece]] = [:]
        var order: [String] = []
        for (name, piece) in found {
            if pieces[name] == nil { order.append(name) }
            pieces[name, default: []].append(piece)
        }
        for name in order {
            guard var list = pieces[name] else { continue }
            // A plain `name=` next to RFC 2231 `name*…` forms: the RFC 2231 form wins;
            // of several plain ones, the first.
            if list.contains(where: { $0.index >= 0 || $0.extended }) {
                list.removeAll { $0.index < 0 && !$0.extended }
            } else {
                list = [list[0]]
            }
            list.sort { $0.index < $1.index }
            var charset: String?
            var joined: [UInt8] = []
            var anyExtended = false
            for (k, piece) in list.enumerated() {
                if piece.extended {
                    anyExtended = true
                    var body = piece.bytes[...]
                    if k == 0, let q1 = body.firstIndex(of: 0x27),
                       let q2 = body[(q1 + 1)...].firstIndex(of: 0x27) {
                        let cs = body[body.startIndex..<q1]
                        if !cs.isEmpty { charset = Bytes.lowerString(cs) }
                        body = body[(q2 + 1)...]
                    }
                    joined += percentDecode(body)
                } else {
                    joined += piece.bytes
                }
            }
            if anyExtended {
                parameters[name] = Charset.decode(joined[...], label: charset).text
            } else {
                parameters[name] = EncodedWords.decode(joined)
            }
        }
        return (value, parameters, capped)
    }

    private static func percentDecode(_ s: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == 0x25, i + 2 < s.endIndex, let h = Bytes.hexValue(s[i + 1]), let l = Bytes.hexValue(s[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    /// Skips blanks and (nested) parenthesised comments.
    private static func skipBlanksAndComments(_ raw: ArraySlice<UInt8>, _ i: inout Int) {
        while i < raw.endIndex {
            if Bytes.isSpace(raw[i]) { i += 1; continue }
            guard raw[i] == 0x28 else { return }
            var depth = 0
            while i < raw.endIndex {
                let b = raw[i]
                if b == Bytes.backslash { i += 2; continue }
                if b == 0x28 { depth += 1 } else if b == 0x29 { depth -= 1 }
                i += 1
                if depth == 0 { break }
            }
            if i > raw.endIndex { i = raw.endIndex }
        }
    }
}
