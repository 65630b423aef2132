#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bounds, in HTML the `HTMLCondenser` gave up on, the markup that costs libxml2 2.9's HTML
/// parser time quadratic in its size, and leaves everything else byte for byte as it was:
///
/// - a start tag with more than `maxAttributes` attributes keeps the first `maxAttributes` and,
///   after them, only the first `href`, `alt` and `title` (the attributes the text walk reads):
///   libxml2 compares each attribute name with all the names before it in the tag;
/// - once more than `strayEndTagsKept` end tags named no start tag anywhere in the document,
///   the further ones are taken out: libxml2 looks for each through its whole stack of open
///   elements, then ignores it.
///
/// It reads tags as libxml2 does (names, quoted and unquoted attribute values, comments, the raw
/// contents of `script` and `style`) but, unlike the condenser, need not read every construct
/// exactly: it changes nothing below its thresholds, which ordinary mail stays far below, and
/// the parse's work budget (`WorkBudget`) bounds what a misreading would let through.
enum HTMLLimiter {
    /// Attributes kept as they are per start tag.
    static let maxAttributes = 16
    /// End tags of never-started elements left in before the limiter takes them out.
    static let strayEndTagsKept = 64

    /// What `limit` did.
    struct Limited: Equatable {
        /// Bytes written.
        var count: Int
        /// Attributes taken out, and in how many tags.
        var attributesDropped = 0
        var tagsCut = 0
        /// Stray end tags taken out.
        var strayEndTags = 0
        /// Whether anything was changed.
        var changed: Bool { attributesDropped > 0 || strayEndTags > 0 }
    }

    /// Room `limit` needs in its output for `count` input bytes.
    static func capacity(for count: Int) -> Int { count + count / 2 + 16 }

    /// Writes the bounded form of `input` to `output` (room for `capacity(for: input.count)`).
    static func limit(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Limited {
        guard let base = input.baseAddress, input.count > 0 else { return Limited(count: 0) }
        var scanner = Scanner(s: base, n: input.count, out: output)
        scanner.run()
        return scanner.result
    }

    private struct Scanner: ByteRewriter {
        let s: UnsafePointer<UInt8>
        let n: Int
        let out: UnsafeMutablePointer<UInt8>
        var o = 0
        var result = Limited(count: 0)
        /// Every name written after a `<` anywhere in the document, whatever the context: a
        /// superset of the elements libxml2 can have open.
        var names = TagNames()
        var strayEndTags = 0

        init(s: UnsafePointer<UInt8>, n: Int, out: UnsafeMutablePointer<UInt8>) {
            self.s = s
            self.n = n
            self.out = out
        }

        mutating func run() {
            collectNames()
            var i = 0
            while i < n {
                guard let lt = find(0x3C, from: i) else { copy(i, n); break }
                copy(i, lt)
                guard lt + 1 < n else { copy(lt, n); break }
                let c = s[lt + 1]
                if isLetter(c) {
                    i = startTag(at: lt)
                } else if c == 0x2F {
                    i = endTag(at: lt)
                } else if c == 0x21, lt + 3 < n, s[lt + 2] == 0x2D, s[lt + 3] == 0x2D {
                    // A comment, to `-->` (or the end).
                    var k = lt + 4
                    var end = n
                    while let dash = find(0x2D, from: k) {
                        if dash + 2 < n, s[dash + 1] == 0x2D, s[dash + 2] == 0x3E { end = dash + 3; break }
                        k = dash + 1
                    }
                    copy(lt, end)
                    i = end
                } else {
                    copy(lt, lt + 1)
                    i = lt + 1
                }
            }
            result.count = o
            result.strayEndTags = max(0, strayEndTags - HTMLLimiter.strayEndTagsKept)
        }

        /// Every `<name` of the input, into `names`.
        private mutating func collectNames() {
            var i = 0
            while let lt = find(0x3C, from: i) {
                var j = lt + 1
                if j < n, isAttributeNameStart(s[j]) {
                    while j < n, isNameChar(s[j]) { j += 1 }
                    names.insert(s + lt + 1, j - lt - 1)
                }
                i = lt + 1
            }
        }

        /// The start tag at `lt`, its attributes bounded; for script and style also their raw
        /// contents. Returns the index after what it read.
        private mutating func startTag(at lt: Int) -> Int {
            var j = lt + 1
            while j < n, isNameChar(s[j]) { j += 1 }
            let nameEnd = j
            copy(lt, nameEnd)
            var count = 0
            var dropped = 0
            var textAttributes: UInt8 = 0       // href, alt, title seen (bits)
            while true {
                let blanksStart = j
                while j < n, isBlank(s[j]) { j += 1 }
                if j >= n { copy(blanksStart, n); return finish(dropped, n) }
                if s[j] == 0x3E {
                    if dropped > 0, blanksStart == j { writeBlank() }
                    copy(blanksStart, j + 1)
                    j += 1
                    break
                }
                if s[j] == 0x2F, j + 1 < n, s[j + 1] == 0x3E {
                    if dropped > 0, blanksStart == j { writeBlank() }
                    copy(blanksStart, j + 2)
                    return finish(dropped, j + 2)
                }
                let attrStart = j
                var bit: UInt8 = 0
                if isAttributeNameStart(s[j]) {
                    while j < n, isNameChar(s[j]) { j += 1 }
                    bit = textAttributeBit(attrStart, j)
                    var k = j
                    while k < n, isBlank(s[k]) { k += 1 }
                    if k < n, s[k] == 0x3D {                                   // =
                        k += 1
                        while k < n, isBlank(s[k]) { k += 1 }
                        if k < n, s[k] == 0x22 || s[k] == 0x27 {
                            j = find(s[k], from: k + 1).map { $0 + 1 } ?? n
                        } else {
                            while k < n, !isBlank(s[k]), s[k] != 0x3E { k += 1 }
                            j = k
                        }
                    }
                    count += 1
                } else {
                    // Not a name: libxml2 drops it up to a blank, `>` or `/>`.
                    while j < n, !isBlank(s[j]), s[j] != 0x3E, !(s[j] == 0x2F && j + 1 < n && s[j + 1] == 0x3E) { j += 1 }
                }
                let keep = count <= HTMLLimiter.maxAttributes || (bit != 0 && textAttributes & bit == 0)
                textAttributes |= bit
                if keep {
                    if dropped > 0, blanksStart == attrStart { writeBlank() }
                    copy(blanksStart, j)
                } else {
                    dropped += 1
                }
            }
            _ = finish(dropped, j)
            // libxml2 reads script and style contents as raw text up to `</script` / `</style`.
            let length = nameEnd - lt - 1
            let raw: StaticString? = length == 6 && hasPrefix(lt + 1, "script") ? "script"
                : length == 5 && hasPrefix(lt + 1, "style") ? "style" : nil
            guard let raw else { return j }
            var k = j
            while let close = find(0x3C, from: k) {
                if close + 1 < n, s[close + 1] == 0x2F, hasPrefix(close + 2, raw) {
                    copy(j, close)
                    return close
                }
                k = close + 1
            }
            copy(j, n)
            return n
        }

        private mutating func finish(_ dropped: Int, _ next: Int) -> Int {
            if dropped > 0 {
                result.attributesDropped += dropped
                result.tagsCut += 1
            }
            return next
        }

        /// An end tag at `lt`: a plain `</name>` naming no start tag of the document is taken
        /// out once more than `strayEndTagsKept` such were met; anything else is copied.
        private mutating func endTag(at lt: Int) -> Int {
            var j = lt + 2
            guard j < n, isAttributeNameStart(s[j]) else { copy(lt, lt + 2); return lt + 2 }
            while j < n, isNameChar(s[j]) { j += 1 }
            let nameEnd = j
            while j < n, isBlank(s[j]) { j += 1 }
            guard j < n, s[j] == 0x3E, !names.mayBeOpen(s + lt + 2, nameEnd - lt - 2) else {
                copy(lt, nameEnd)
                return nameEnd
            }
            strayEndTags += 1
            if strayEndTags <= HTMLLimiter.strayEndTagsKept { copy(lt, j + 1) }
            return j + 1
        }

        /// 1, 2 or 4 for `href`, `alt`, `title` (any case), else 0.
        private func textAttributeBit(_ from: Int, _ to: Int) -> UInt8 {
            switch to - from {
            case 4: return hasPrefix(from, "href") ? 1 : 0
            case 3: return hasPrefix(from, "alt") ? 2 : 0
            case 5: return hasPrefix(from, "title") ? 4 : 0
            default: return 0
            }
        }
    }
}
