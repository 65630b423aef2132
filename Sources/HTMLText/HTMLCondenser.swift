#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shrinks HTML before libxml2 parses it by dropping what libxml2 would spend time on but the
/// text walk never reads: attributes other than `href`, `alt` and `title`, comments, and the
/// contents of `<script>` and `<style>`. Mail HTML is mostly such markup (inline styles, font
/// faces, tracking attributes), and libxml2's time grows with it.
///
/// The text stays byte for byte as it was and so do the elements, except inline formatting pairs
/// (`<b>`, `<font>`, `<span>`, ...) that hold only text inside an explicit `<body>`, which are
/// taken out: libxml2 reports the same text, links and images. That holds only where the
/// condenser reads the markup exactly as libxml2 2.9 does, so it is strict: anything outside the
/// plain forms below
/// (a `<` that opens no tag, an unterminated quote or comment, a processing instruction, CDATA,
/// a NUL byte, an end tag with junk, an over-long name, ...) makes it give up and the original
/// bytes go to libxml2 unchanged. Giving up costs time, never text.
///
/// The forms read:
/// - start tag: `<` letter, name characters, then attributes `name`, `name=value` (to a blank
///   or `>`), `name="value"`, `name='value'`, separated by blanks (space, tab, CR, LF) or not,
///   then `>` or `/>`; a run that starts no name is dropped up to a blank, `>` or `/>`, as
///   libxml2 drops it;
/// - end tag: `</name` blanks `>`;
/// - comment: `<!--` ... `-->` (kept when text before it ends in an unterminated `&` reference,
///   which the text after it could complete, or when it directly follows a doctype);
/// - doctype: `<!doctype name>` with an optional PUBLIC or SYSTEM identifier;
/// - script and style contents up to `</script` / `</style` followed by blanks and `>`, as
///   libxml2's recovery mode ends them, unless they start with a tag or another end tag.
///
/// It also takes out what costs libxml2 2.9 time quadratic in its size but adds nothing:
/// - an end tag naming no element started before it (libxml2 looks for it through its whole
///   stack of open elements, then ignores it), except `</html>`, `</head>`, `</body>` and
///   `</p>`, which libxml2 may have opened itself;
/// - attributes of a start tag that the input ends in (no `>`): libxml2 compares each
///   attribute name with all those before it, then closes the element unread. The tag is kept
///   with its kept attributes.
enum HTMLCondenser {
    /// Writes the condensed form of `input` to `output` (room for `input.count` bytes) and
    /// returns its length, or returns nil when the input holds markup outside the forms read.
    static func condense(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Int? {
        condenseCounting(input, into: output)?.count
    }

    /// What `condense` did: the length written and how many stray end tags it took out.
    struct Condensed {
        var count: Int
        var strayEndTags: Int
    }

    /// `condense(_:into:)` with what it took out.
    static func condenseCounting(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Condensed? {
        guard let base = input.baseAddress, input.count > 0 else { return nil }
        var scanner = Scanner(s: base, n: input.count, out: output)
        guard let count = scanner.run() else { return nil }
        return Condensed(count: count, strayEndTags: scanner.strayEndTags)
    }

    /// Nested inline pairs taken out at most; each taken-out pair moves the text inside it
    /// once, so the depth bounds the work per byte.
    static let maxPendingInline = 16

    /// Where in `input` the condenser gives up (the start of the markup it does not read), or
    /// nil when it condenses the input. For tests and diagnostics.
    static func givesUp(on input: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = input.baseAddress, input.count > 0 else { return 0 }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: input.count) { out in
            var scanner = Scanner(s: base, n: input.count, out: out.baseAddress!)
            return scanner.run() == nil ? max(0, scanner.failedAt) : nil
        }
    }

    private struct Scanner: ByteRewriter {
        let s: UnsafePointer<UInt8>
        let n: Int
        let out: UnsafeMutablePointer<UInt8>
        var o = 0
        /// Where the last doctype ended. libxml2 parses what directly follows a doctype in
        /// the doctype's own step of its content loop, where an end tag reads as text: a
        /// comment there is kept so that what comes after it is still read in a step of its own.
        var afterDoctype = -1
        /// Where the markup the condenser gave up on starts (-1 when it did not).
        var failedAt = -1
        /// Inline formatting start tags already written, innermost last, with nothing but text
        /// written after them: if the matching end tag comes next, the pair is taken out.
        var pendingInline: [PendingInline] = []
        /// Whether an explicit `<body>` has been read (and no `<body/>`, `</body>`, `</head>`,
        /// `</html>`, `<html>`, `<head>` or `<frameset>` since). Only then is libxml2 surely
        /// inside an element whose text needs no implied `<p>` (text at the top, in `<html>` or
        /// `<head>` gets one, an inline element there does not), so only then are inline pairs
        /// taken out.
        var inBody = false
        /// What the tag being written ends in so far, to know when a blank must separate it from
        /// what comes next once the attributes in between are dropped.
        var lastWritten = LastWritten.tagName
        /// Names of the start tags read so far (see `TagNames`).
        var started = TagNames()
        /// End tags taken out because no element of their name was started before them.
        var strayEndTags = 0
        /// Whether the output has a non-blank byte, and how far it was looked through.
        var wroteContent = false
        var contentScanned = 0

        enum LastWritten { case tagName, nameOnly, quotedValue, unquotedValue }

        struct PendingInline {
            /// The tag name in the input.
            let name: Int, nameLength: Int
            /// The start tag in the output.
            let outStart: Int, outEnd: Int
        }

        init(s: UnsafePointer<UInt8>, n: Int, out: UnsafeMutablePointer<UInt8>) {
            self.s = s
            self.n = n
            self.out = out
        }

        mutating func run() -> Int? {
            // libxml2 takes a NUL byte for the end of the input.
            if let nul = memchr(s, 0, n) {
                failedAt = s.distance(to: nul.assumingMemoryBound(to: UInt8.self))
                return nil
            }
            var i = 0
            while i < n {
                guard let lt = find(0x3C, from: i) else {
                    copy(i, n)
                    break
                }
                copy(i, lt)
                failedAt = lt
                guard lt + 1 < n else { return nil }
                let c = s[lt + 1]
                if isLetter(c) {
                    guard let next = startTag(at: lt) else { return nil }
                    i = next
                } else if c == 0x2F {                                   // </
                    guard let next = endTag(at: lt) else { return nil }
                    // An end tag naming nothing ever started is not in libxml2's stack: it is
                    // ignored after a scan of the whole stack. Kept where libxml2 reads it as
                    // text (after a doctype) or where its absence would let an entity
                    // reference complete.
                    if lt != afterDoctype, !started.mayBeOpen(s + lt + 2, nameLength(lt + 2)), !endsInReference(),
                       !endsInComment(), hasContent() {
                        strayEndTags += 1
                        i = next
                        continue
                    }
                    // End tags that can close the body (libxml2 gives head, body and html the
                    // highest closing priority).
                    if hasPrefix(lt + 2, "body") || hasPrefix(lt + 2, "html") || hasPrefix(lt + 2, "head") {
                        inBody = false
                    }
                    if !closesPendingInline(lt + 2) {
                        pendingInline.removeAll(keepingCapacity: true)
                        copy(lt, next)
                    }
                    i = next
                } else if c == 0x21 {                                   // <!
                    if lt + 3 < n, s[lt + 2] == 0x2D, s[lt + 3] == 0x2D {
                        let before = o
                        guard let next = comment(at: lt, keep: lt == afterDoctype) else { return nil }
                        if o != before { pendingInline.removeAll(keepingCapacity: true) }
                        i = next
                    } else if let next = doctype(at: lt) {
                        pendingInline.removeAll(keepingCapacity: true)
                        copy(lt, next)
                        i = next
                        afterDoctype = next
                    } else {
                        return nil
                    }
                } else {
                    return nil
                }
            }
            failedAt = -1
            return o
        }

        // MARK: Markup

        /// A start tag at `lt`: copies `<name`, the kept attributes and the closing `>` or
        /// `/>`; for script and style also skips their contents. Returns the index after it.
        private mutating func startTag(at lt: Int) -> Int? {
            var j = lt + 1
            while j < n, isNameChar(s[j]) { j += 1 }
            guard j - lt - 1 <= 90 else { return nil }
            let nameEnd = j
            started.insert(s + lt + 1, j - lt - 1)
            let outStart = o
            // Removable only with nothing read from it and no entity reference it would let
            // the text around it complete (`&am<b>p;` is not `&amp;`).
            var removable = inBody && isRemovableInline(lt + 1, nameEnd) && lt != afterDoctype
                && pendingInline.count < HTMLCondenser.maxPendingInline && !endsInReference()
            let isBody = nameEnd - lt - 1 == 4 && hasPrefix(lt + 1, "body")
            switch nameEnd - lt - 1 {
            case 4 where hasPrefix(lt + 1, "html") || hasPrefix(lt + 1, "head"): inBody = false
            case 8 where hasPrefix(lt + 1, "frameset"): inBody = false
            default: break
            }
            copy(lt, nameEnd)
            lastWritten = .tagName
            while true {
                let blanksStart = j
                while j < n, isBlank(s[j]) { j += 1 }
                guard j < n else {
                    // The input ends inside the start tag, after whole attributes: libxml2
                    // reports the element with its attributes and closes it again, and so it
                    // does for the tag with only the kept ones.
                    pendingInline.removeAll(keepingCapacity: true)
                    return n
                }
                if s[j] == 0x3E {                                       // >
                    copy(blanksStart, j + 1)
                    j += 1
                    if isBody { inBody = true }
                    break
                }
                if s[j] == 0x2F {                                       // />
                    guard j + 1 < n, s[j + 1] == 0x3E else { return nil }
                    // An unquoted value runs on to a blank or `>`: `alt=x/>` would make it `x/`.
                    if blanksStart == j, lastWritten == .unquotedValue { writeBlank() }
                    copy(blanksStart, j + 2)
                    pendingInline.removeAll(keepingCapacity: true)
                    // `<body/>` closes the body again (and a discarded one the real one).
                    if isBody { inBody = false }
                    return j + 2
                }
                guard isAttributeNameStart(s[j]) else {
                    // libxml2 drops a run that does not start a name (`face=Arial, Helvetica`
                    // gives `,`) up to a blank, `>` or `/>`; so does the condenser.
                    while j < n, !isBlank(s[j]), s[j] != 0x3E, !(s[j] == 0x2F && j + 1 < n && s[j + 1] == 0x3E) {
                        j += 1
                    }
                    continue
                }
                let attrStart = j
                while j < n, isNameChar(s[j]) { j += 1 }
                guard j - attrStart <= 90 else { return nil }
                let attrNameEnd = j
                var k = j
                var ends = LastWritten.nameOnly
                while k < n, isBlank(s[k]) { k += 1 }
                if k < n, s[k] == 0x3D {                                // =
                    k += 1
                    while k < n, isBlank(s[k]) { k += 1 }
                    guard k < n else { return nil }
                    let quote = s[k]
                    if quote == 0x22 || quote == 0x27 {
                        guard let close = find(quote, from: k + 1) else { return nil }
                        j = close + 1
                        ends = .quotedValue
                    } else {
                        let valueStart = k
                        while k < n, isUnquotedValueChar(s[k]) { k += 1 }
                        guard k > valueStart, k < n, isBlank(s[k]) || s[k] == 0x3E else { return nil }
                        j = k
                        ends = .unquotedValue
                    }
                }
                if isKept(attrStart, attrNameEnd) {
                    removable = false
                    // `a="1"title="x"` needs no blank, but once `a="1"` is dropped the name
                    // would run into what was written before it: put one back (the dropped
                    // bytes make room). Only a kept quoted value may touch the next name.
                    if blanksStart == attrStart, lastWritten != .quotedValue { writeBlank() }
                    copy(blanksStart, j)
                    lastWritten = ends
                }
            }
            if removable {
                pendingInline.append(PendingInline(name: lt + 1, nameLength: nameEnd - lt - 1, outStart: outStart, outEnd: o))
            } else {
                pendingInline.removeAll(keepingCapacity: true)
            }
            // libxml2 reads script and style contents as raw text up to `</name`, except that a
            // tag right at the start may close the element first (`<script><noscript>`) and an
            // end tag there is read as one.
            guard let raw = rawTextName(lt + 1, nameEnd) else { return j }
            guard j + 1 < n else { return nil }
            if s[j] == 0x3C, s[j + 1] != 0x21, !(s[j + 1] == 0x2F && hasPrefix(j + 2, raw)) { return nil }
            var k = j
            while true {
                guard let close = find(0x3C, from: k) else { return nil }
                if close + 1 < n, s[close + 1] == 0x2F, hasPrefix(close + 2, raw) { k = close; break }
                k = close + 1
            }
            var e = k + 2 + raw.utf8CodeUnitCount
            while e < n, isBlank(s[e]) { e += 1 }
            guard e < n, s[e] == 0x3E else { return nil }
            copy(k, e + 1)
            return e + 1
        }

        /// Takes out the innermost pending inline start tag when the end tag whose name starts
        /// at `name` closes it: libxml2 would have opened the element, read the text inside as
        /// its only content and closed it again, which adds nothing the text walk reads.
        /// Returns whether it did (the end tag is then not written either).
        private mutating func closesPendingInline(_ name: Int) -> Bool {
            guard let top = pendingInline.last else { return false }
            var length = 0
            while name + length < n, isNameChar(s[name + length]) { length += 1 }
            guard length == top.nameLength, !endsInReference() else { return false }
            for k in 0..<length where s[name + k] | 0x20 != s[top.name + k] | 0x20 { return false }
            let removed = top.outEnd - top.outStart
            let inside = o - top.outEnd
            if inside > 0 { (out + top.outStart).update(from: out + top.outEnd, count: inside) }
            o -= removed
            pendingInline.removeLast()
            return true
        }

        /// Inline formatting elements (b, i, u, s, em, strong, small, big, font, span, tt,
        /// strike, sub, sup): libxml2 treats them alike and the text walk reads nothing of them.
        private func isRemovableInline(_ from: Int, _ to: Int) -> Bool {
            switch to - from {
            case 1:
                let c = s[from] | 0x20
                return c == 0x62 || c == 0x69 || c == 0x75 || c == 0x73           // b i u s
            case 2: return hasPrefix(from, "em") || hasPrefix(from, "tt")
            case 3: return hasPrefix(from, "big") || hasPrefix(from, "sub") || hasPrefix(from, "sup")
            case 4: return hasPrefix(from, "font") || hasPrefix(from, "span")
            case 5: return hasPrefix(from, "small")
            case 6: return hasPrefix(from, "strong") || hasPrefix(from, "strike")
            default: return false
            }
        }

        /// Whether the output so far holds more than blanks: before that, taking out an end tag
        /// could move a doctype to the start of the document, where libxml2 reads it apart.
        private mutating func hasContent() -> Bool {
            while !wroteContent, contentScanned < o {
                if !isBlank(out[contentScanned]) { wroteContent = true }
                contentScanned += 1
            }
            return wroteContent
        }

        /// Whether the output ends in a kept comment (which follows a doctype).
        private func endsInComment() -> Bool {
            o >= 3 && out[o - 1] == 0x3E && out[o - 2] == 0x2D && out[o - 3] == 0x2D
        }

        /// The length of the name (of name characters) at `i`.
        private func nameLength(_ i: Int) -> Int {
            var j = i
            while j < n, isNameChar(s[j]) { j += 1 }
            return j - i
        }

        /// `</name` blanks `>` at `lt`; returns the index after it.
        private func endTag(at lt: Int) -> Int? {
            guard lt + 2 < n, isLetter(s[lt + 2]) else { return nil }
            var j = lt + 2
            while j < n, isNameChar(s[j]) { j += 1 }
            guard j - lt - 2 <= 90 else { return nil }
            while j < n, isBlank(s[j]) { j += 1 }
            guard j < n, s[j] == 0x3E else { return nil }
            return j + 1
        }

        /// A comment at `lt` (`<!--` checked): dropped, or copied when the text before it ends in
        /// an unterminated entity reference. Returns the index after it.
        private mutating func comment(at lt: Int, keep: Bool) -> Int? {
            let bodyStart = lt + 4
            // libxml2 2.9 does not end a comment at `<!-->` or `<!--->`, HTML5 does: stay out.
            guard bodyStart < n, s[bodyStart] != 0x3E,
                  !(s[bodyStart] == 0x2D && bodyStart + 1 < n && s[bodyStart + 1] == 0x3E) else { return nil }
            var k = bodyStart
            while true {
                guard let dash = find(0x2D, from: k), dash + 2 < n else { return nil }
                if s[dash + 1] == 0x2D {
                    if s[dash + 2] == 0x3E { k = dash + 3; break }
                    if s[dash + 2] == 0x21 { return nil }               // --!> : versions differ
                }
                k = dash + 1
            }
            for p in bodyStart..<(k - 3) where s[p] < 0x20 && !isBlank(s[p]) { return nil }
            if keep || endsInReference() { copy(lt, k) }
            return k
        }

        /// `<!doctype name>`, `<!doctype name PUBLIC "pubid" ["system"]>` or `<!doctype name
        /// SYSTEM "system">` at `lt` (keywords in any case), read as libxml2 reads them: a literal
        /// runs to its matching quote, `>` included. Anything else: nil.
        private func doctype(at lt: Int) -> Int? {
            guard hasPrefix(lt + 2, "doctype") else { return nil }
            var j = lt + 9
            guard j < n, isBlank(s[j]) else { return nil }
            while j < n, isBlank(s[j]) { j += 1 }
            guard j < n, isLetter(s[j]) else { return nil }
            while j < n, isNameChar(s[j]) { j += 1 }
            while j < n, isBlank(s[j]) { j += 1 }
            let isPublic = hasPrefix(j, "public")
            if isPublic || hasPrefix(j, "system") {
                j += 6
                guard j < n, isBlank(s[j]) else { return nil }
                while j < n, isBlank(s[j]) { j += 1 }
                guard let end = literal(at: j, publicID: isPublic) else { return nil }
                j = end
                while j < n, isBlank(s[j]) { j += 1 }
                if isPublic, j < n, s[j] == 0x22 || s[j] == 0x27 {
                    guard let end = literal(at: j, publicID: false) else { return nil }
                    j = end
                    while j < n, isBlank(s[j]) { j += 1 }
                }
            }
            guard j < n, s[j] == 0x3E else { return nil }
            return j + 1
        }

        /// A quoted doctype literal at `i`; returns the index after its closing quote. A public
        /// ID holds public-ID characters only, a system ID no control characters (libxml2 stops
        /// at others and then skips to the next `>`, which the condenser does not follow).
        private func literal(at i: Int, publicID: Bool) -> Int? {
            guard i < n, s[i] == 0x22 || s[i] == 0x27, let close = find(s[i], from: i + 1) else { return nil }
            for k in (i + 1)..<close {
                let b = s[k]
                if publicID {
                    let ok = isLetter(b) || b &- 0x30 < 10 || b == 0x20 || b == 0x0D || b == 0x0A
                        || "-'()+,./:=?;!*#@$_%".utf8.contains(b)
                    if !ok { return nil }
                } else if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D {
                    return nil
                }
            }
            return close + 1
        }

        /// Whether the output so far ends in `&` followed by name characters only, which the
        /// text after a dropped comment could turn into an entity reference.
        private func endsInReference() -> Bool {
            var p = o - 1
            let stop = max(0, o - 40)
            while p >= stop {
                let b = out[p]
                if b == 0x26 { return true }
                if !(isLetter(b) || b &- 0x30 < 10 || b == 0x23) { return false }
                p -= 1
            }
            return false
        }

        // MARK: Bytes

        /// `script` or `style` when the tag name at `from..<to` is one of them.
        private func rawTextName(_ from: Int, _ to: Int) -> StaticString? {
            if to - from == 6, hasPrefix(from, "script") { return "script" }
            if to - from == 5, hasPrefix(from, "style") { return "style" }
            return nil
        }

        /// The attributes the text walk reads: href, alt, title (any case).
        private func isKept(_ from: Int, _ to: Int) -> Bool {
            switch to - from {
            case 4: return hasPrefix(from, "href")
            case 3: return hasPrefix(from, "alt")
            case 5: return hasPrefix(from, "title")
            default: return false
            }
        }

        /// Unquoted values run to a blank or `>`, quotes, `<` and `=` included, as in libxml2.
        @inline(__always) private func isUnquotedValueChar(_ b: UInt8) -> Bool {
            !(isBlank(b) || b == 0x3E)
        }
    }
}
