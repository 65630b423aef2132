/// Receives tokens from `Tokenizer`: normalised UTF-8 bytes, valid only during the call.
public protocol TokenSink {
    /// Called once per token.
    mutating func token(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// Splits UTF-8 text into word tokens without building Strings.
///
/// - ASCII letters and digits form words, lower-cased; an apostrophe (`'` or `’`) between
///   letters stays inside the word (`don't`).
/// - Other letters, marks and digits (by Unicode properties) also form words, lower-cased.
/// - Scripts written without spaces (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar) give
///   overlapping character bigrams; a lone such character is a token of its own.
/// - Words of one character, and words longer than `maxTokenBytes`, are dropped.
/// - In words longer than four characters every ASCII digit becomes `0` (order numbers,
///   phone numbers and dates collapse to their shape); short numbers (`2024`, `42`) stay.
/// - Invalid UTF-8 bytes separate words.
public struct Tokenizer: Sendable {
    /// Longest token kept, in UTF-8 bytes.
    public var maxTokenBytes: Int
    /// Tokens emitted per call at most.
    public var maxTokens: Int

    /// Creates a tokenizer with the given limits.
    public init(maxTokenBytes: Int = 40, maxTokens: Int = .max) {
        self.maxTokenBytes = max(2, maxTokenBytes)
        self.maxTokens = maxTokens
    }

    /// The tokens of `text` as Strings (for tests, `tagger features` and explanations).
    public func tokens(_ text: String) -> [String] {
        var collector = Collector()
        var text = text
        _ = text.withUTF8 { tokenize($0, into: &collector) }
        return collector.tokens
    }

    /// Feeds every token of the UTF-8 `text` to `sink`; returns how many were emitted.
    @discardableResult
    public func tokenize<Sink: TokenSink>(_ text: UnsafeBufferPointer<UInt8>, into sink: inout Sink) -> Int {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxTokenBytes + 8) { buffer in
            var word = WordBuffer(buffer: buffer.baseAddress!, capacity: maxTokenBytes)
            return scan(text, &word, into: &sink)
        }
    }

    private func scan<Sink: TokenSink>(_ text: UnsafeBufferPointer<UInt8>, _ word: inout WordBuffer,
                                       into sink: inout Sink) -> Int {
        var emitted = 0
        var i = 0
        let n = text.count
        while i < n, emitted < maxTokens {
            let b = text[i]
            if b < 0x80 {
                if (b | 0x20) &- 0x61 < 26 || b &- 0x30 < 10 {
                    i = word.appendASCIIRun(text, from: i)
                    continue
                } else if word.characters > 0 {
                    if b == 0x27, i + 1 < n, text[i + 1] | 0x20 &- 0x61 < 26 {
                        word.append(b)
                    } else {
                        emitted += word.finish(into: &sink)
                    }
                }
                i += 1
                continue
            }
            // Non-ASCII: decode one scalar.
            guard case let (scalar, length)? = Self.decode(text, at: i) else {
                if word.characters > 0 { emitted += word.finish(into: &sink) }
                i += 1
                continue
            }
            let start = i
            i += length
            let value = scalar.value
            if value == 0x2019 {   // ’ as apostrophe inside a word
                if word.characters > 0, i < n, text[i] | 0x20 &- 0x61 < 26 { word.append(0x27) }
                else if word.characters > 0 { emitted += word.finish(into: &sink) }
                continue
            }
            if Self.isUnsegmented(value) {
                if word.characters > 0 { emitted += word.finish(into: &sink) }
                i = start
                emitted += unsegmentedRun(text, from: &i, limit: maxTokens - emitted, word.buffer, into: &sink)
                continue
            }
            if Self.isWordScalar(scalar) {
                word.characters += 1
                if scalar.properties.changesWhenLowercased {
                    for byte in scalar.properties.lowercaseMapping.utf8 { word.appendByte(byte) }
                } else {
                    for k in start..<i { word.appendByte(text[k]) }
                }
            } else if word.characters > 0 {
                emitted += word.finish(into: &sink)
            }
        }
        if word.characters > 0, emitted < maxTokens { emitted += word.finish(into: &sink) }
        return emitted
    }

    /// Emits character bigrams over a run of unsegmented-script scalars starting at `i`.
    private func unsegmentedRun<Sink: TokenSink>(_ text: UnsafeBufferPointer<UInt8>, from i: inout Int, limit: Int,
                                                 _ buffer: UnsafeMutablePointer<UInt8>, into sink: inout Sink) -> Int {
        var emitted = 0
        var previous: Range<Int>? = nil
        var runLength = 0
        func emit(_ ranges: Range<Int>...) {
            var count = 0
            for r in ranges { for k in r { buffer[count] = text[k]; count += 1 } }
            sink.token(UnsafeBufferPointer(start: buffer, count: count))
            emitted += 1
        }
        while i < text.count, case let (scalar, length)? = Self.decode(text, at: i), Self.isUnsegmented(scalar.value) {
            let current = i..<(i + length)
            i += length
            runLength += 1
            guard emitted < limit else { continue }
            if let previous { emit(previous, current) }
            previous = current
        }
        if runLength == 1, let previous, emitted < limit { emit(previous) }
        return emitted
    }

    // MARK: - Unicode helpers

    /// Decodes the UTF-8 scalar at `i`; nil for a malformed or truncated sequence.
    @inline(__always)
    static func decode(_ text: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int)? {
        let b0 = UInt32(text[i])
        let n = text.count
        @inline(__always) func cont(_ k: Int) -> UInt32? {
            guard k < n, text[k] & 0xC0 == 0x80 else { return nil }
            return UInt32(text[k] & 0x3F)
        }
        var value: UInt32
        var length: Int
        switch b0 {
        case 0xC2...0xDF:
            guard let c1 = cont(i + 1) else { return nil }
            value = (b0 & 0x1F) << 6 | c1; length = 2
        case 0xE0...0xEF:
            guard let c1 = cont(i + 1), let c2 = cont(i + 2) else { return nil }
            value = (b0 & 0x0F) << 12 | c1 << 6 | c2; length = 3
            if value < 0x800 { return nil }
        case 0xF0...0xF4:
            guard let c1 = cont(i + 1), let c2 = cont(i + 2), let c3 = cont(i + 3) else { return nil }
            value = (b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3; length = 4
            if value < 0x10000 { return nil }
        default:
            return nil
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    /// Scripts written without spaces between words.
    @inline(__always)
    static func isUnsegmented(_ v: UInt32) -> Bool {
        switch v {
        case 0x0E00...0x0EFF, 0x1000...0x109F, 0x1780...0x17FF, 0x3040...0x30FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFF66...0xFF9F, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// Letters, marks and digits of any script.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let p = scalar.properties
        if p.isAlphabetic { return true }
        switch p.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}

/// The word being built: normalised bytes in a caller-owned buffer of `capacity` (+ 8) bytes.
private struct WordBuffer {
    let buffer: UnsafeMutablePointer<UInt8>
    let capacity: Int
    var count = 0
    var characters = 0
    var hasDigit = false
    var tooLong = false

    init(buffer: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.buffer = buffer
        self.capacity = capacity
    }

    /// Appends one ASCII character.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        characters += 1
        appendByte(byte)
    }

    /// Appends the run of ASCII letters (lower-cased) and digits starting at `start`; returns
    /// the index after it. Keeps the word's state in registers for the run.
    @inline(__always)
    mutating func appendASCIIRun(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        var count = self.count, characters = self.characters
        var hasDigit = self.hasDigit, tooLong = self.tooLong
        let n = text.count
        while i < n {
            let b = text[i]
            let lower = b | 0x20
            let out: UInt8
            if lower &- 0x61 < 26 {
                out = lower
            } else if b &- 0x30 < 10 {
                out = b
                hasDigit = true
            } else {
                break
            }
            characters += 1
            if count < capacity {
                buffer[count] = out
                count += 1
            } else {
                tooLong = true
            }
            i += 1
        }
        self.count = count
        self.characters = characters
        self.hasDigit = hasDigit
        self.tooLong = tooLong
        return i
    }

    /// Appends one byte of the current character.
    @inline(__always)
    mutating func appendByte(_ byte: UInt8) {
        if count < capacity {
            buffer[count] = byte
            count += 1
        } else {
            tooLong = true
        }
    }

    /// Emits the word if it qualifies and starts a new one; returns 1 if a token was emitted.
    mutating func finish<Sink: TokenSink>(into sink: inout Sink) -> Int {
        defer { self = WordBuffer(buffer: buffer, capacity: capacity) }
        guard characters >= 2, !tooLong else { return 0 }
        if buffer[count - 1] == 0x27 { count -= 1 }
        if hasDigit, characters > 4 {
            for k in 0..<count where buffer[k] &- 0x30 < 10 { buffer[k] = 0x30 }
        }
        sink.token(UnsafeBufferPointer(start: buffer, count: count))
        return 1
    }
}

/// Collects tokens as Strings.
private struct Collector: TokenSink {
    var tokens: [String] = []
    mutating func token(_ bytes: UnsafeBufferPointer<UInt8>) {
        tokens.append(String(decoding: bytes, as: UTF8.self))
    }
}
