import Foundation
import Testing
@testable import TaggerState

/// The catalog's own record reader is a fast path beside JSONDecoder: whatever it reads must be
/// exactly what JSONDecoder reads, and on lines it does not expect it must step aside (nil), so
/// what loads and what counts as damage never change.
@Suite("Catalog record reader")
struct CatalogRecordParserTests {
    typealias Record = MessageCatalog.Record

    static func decoded(_ line: [UInt8]) -> Record? {
        try? JSONDecoder().decode(Record.self, from: Data(line))
    }

    /// Strings with everything a file name, Message-ID or tag can hold, and more.
    static let awkward = ["", "plain", "with \"quotes\" and \\backslashes\\", "tab\there\nnewline\r\u{0C}\u{08}",
                          "\u{01}\u{1F}\u{7F}", "/slashes/", "ünïcödé 日本語", "emoji 📬👩‍👩‍👧", "1700000000.M1P2.host:2,S",
                          "<id@example.org>", "\u{0}nul", "\u{2028}\u{2029}", "a,b:c"]

    static func entry(_ i: Int, _ rng: inout SystemRandomNumberGenerator) -> CatalogEntry {
        func pick() -> String { awkward.randomElement(using: &rng)! + String(i) }
        return CatalogEntry(maildir: pick(), folder: pick(), unique: pick(), path: pick(),
                            messageID: Bool.random(using: &rng) ? pick() : nil,
                            digest: Bool.random(using: &rng) ? pick() : nil,
                            model: Bool.random(using: &rng) ? pick() : nil,
                            tags: (0..<Int.random(in: 0...4, using: &rng)).map { _ in pick() },
                            lastmod: UInt64.random(in: 0...UInt64(Int.max), using: &rng),
                            error: Bool.random(using: &rng) ? true : nil,
                            stamp: Bool.random(using: &rng) ? pick() : nil)
    }

    @Test("every record the catalog writes reads back the same through both readers")
    func writtenRecordsRoundTrip() throws {
        var rng = SystemRandomNumberGenerator()
        for i in 0..<2_000 {
            var r = Record(seq: UInt64.random(in: 0...UInt64(Int.max), using: &rng))
            switch i % 3 {
            case 0: r.put = Self.entry(i, &rng)
            case 1: r.del = Self.awkward.randomElement(using: &rng)! + "\(i)"
            default:
                r.folder = Self.awkward.randomElement(using: &rng)!
                r.mtime = Int64.random(in: Int64.min...Int64.max, using: &rng)
            }
            let line = MessageCatalog.encode(r)
            let fast = try #require(MessageCatalog.parseRecord(line[...]), "\(String(decoding: line, as: UTF8.self))")
            #expect(fast == r)
            #expect(fast == Self.decoded(line))
        }
    }

    @Test("lines in another shape: the same record as JSONDecoder, or a step aside (nil)")
    func otherShapes() {
        let lines = [
            #"{"seq":1}"#, #"{"seq":01}"#, #"{"seq":-1}"#, #"{"seq":1.0}"#, #"{"seq":1e3}"#, #"{ "seq":1}"#,
            #"{"seq":18446744073709551615}"#, #"{"seq":18446744073709551616}"#, #"{"seq":1,"seq":2}"#,
            #"{"seq":1,"other":2}"#, #"{"seq":1,"put":null,"del":null}"#, #"{"del":"a\/b\u00e9\ud83d\udcec","seq":3}"#,
            #"{"del":"\ud83d","seq":3}"#, #"{"del":"\udcec","seq":3}"#, #"{"del":"\x","seq":3}"#, "{\"del\":\"a\tb\",\"seq\":3}",
            #"{"del":"\u0000","seq":3}"#, #"{"del":"\u00","seq":3}"#, #"{"folder":"F","mtime":-9223372036854775808,"seq":4}"#,
            #"{"folder":"F","mtime":-9223372036854775809,"seq":4}"#, #"{"seq":5,"put":{"folder":"f","lastmod":1,"maildir":"m","path":"p","tags":[],"unique":"u"}}"#,
            #"{"seq":5,"put":{"folder":"f","lastmod":1,"maildir":"m","path":"p","tags":["a","b"],"unique":"u","error":false,"model":null}}"#,
            #"{"seq":5,"put":{"folder":"f","maildir":"m","path":"p","tags":[],"unique":"u"}}"#,
            #"{"seq":5,"put":{"folder":"f","lastmod":1,"maildir":"m","path":"p","tags":[1],"unique":"u"}}"#,
            #"{"seq":5,"put":{"folder":"f","lastmod":1,"maildir":"m","path":"p","tags":["a",],"unique":"u"}}"#,
            #"{"seq":5}x"#, #"{"seq":5"#, #"{}"#, #"[]"#, "", #"{"seq":5,}"#, #"{"seq":true}"#,
        ]
        for text in lines {
            let line = Array(text.utf8)
            if let fast = MessageCatalog.parseRecord(line[...]) {
                #expect(fast == Self.decoded(line), "\(text)")
            }
        }
        // What the fast reader must read itself (the common cases), and must refuse.
        #expect(MessageCatalog.parseRecord(Array(#"{"del":"a\/b\u00e9\ud83d\udcec","seq":3}"#.utf8)[...])?.del == "a/bé📬")
        for bad in [#"{"seq":5}x"#, #"{"seq":5"#, #"{"seq":1,"seq":2}"#, #"{"del":"\ud83d","seq":3}"#] {
            #expect(MessageCatalog.parseRecord(Array(bad.utf8)[...]) == nil, "\(bad)")
        }
    }

    @Test("bytes that are not UTF-8 or are cut anywhere never read differently from JSONDecoder")
    func mutatedLines() throws {
        var rng = SystemRandomNumberGenerator()
        for i in 0..<3_000 {
            var line = MessageCatalog.encode(Record(seq: UInt64(i), put: Self.entry(i, &rng)))
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: line[Int.random(in: 0..<line.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 1: line.removeSubrange(Int.random(in: 0..<line.count, using: &rng)...)
            default: line.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...line.count, using: &rng))
            }
            if let fast = MessageCatalog.parseRecord(line[...]) {
                #expect(fast == Self.decoded(line), "\(line)")
            }
        }
    }
}
