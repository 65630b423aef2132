import TaggerLock

/// How a charset label is decoded once normalised.
enum CharsetKind: Equatable, Sendable {
    case utf8
    case ascii
    case latin1
    case windows1252
    /// Through iconv, with this iconv name.
    case iconv(String)
    /// A label that names no charset (`x-unknown`, `unknown-8bit`, garbage).
    case unknown
}

/// Maps the labels seen in real mail to a decoding strategy.
enum CharsetAliases {
    private static let cache = Locked<[String: CharsetKind]>([:])

    /// Labels longer than this name no charset: IANA's names and aliases have at most 45
    /// bytes. Without the bound, 3,000 labels of 10 KB each went to iconv (2.2 s).
    static let maxLabelBytes = 64

    /// Normalises `label` (case, quotes, whitespace, `*lang` suffixes) and picks a decoder.
    /// Results are cached (a few hundred labels at most).
    static func kind(for label: String) -> CharsetKind {
        if label.utf8.count > maxLabelBytes { return .unknown }
        if let hit = cache.withLock({ $0[label] }) { return hit }
        let k = resolve(label)
        cache.withLock { c in
            if c.count > 512 { c.removeAll(keepingCapacity: true) }
            c[label] = k
        }
        return k
    }

    private static func resolve(_ label: String) -> CharsetKind {
        var l = label.lowercased()
        l.removeAll { $0 == "\"" || $0 == "'" || $0 == " " || $0 == "\t" }
        if let star = l.firstIndex(of: "*") { l = String(l[..<star]) }
        if let exact = table[l] { return exact }
        if l.hasPrefix("x-") || l.hasPrefix("x_"), let k = table[String(l.dropFirst(2))] { return k }
        for prefix in ["iso-8859-", "iso8859-", "iso_8859-", "iso8859_", "iso-8859_", "iso8859"] where l.hasPrefix(prefix) {
            let n = l.dropFirst(prefix.count).prefix { $0.isNumber }
            if let v = Int(n), (1...16).contains(v), v != 12 {
                return v == 1 ? .latin1 : .iconv("ISO-8859-\(v)")
            }
        }
        for prefix in ["windows-", "win-", "cp-", "cp", "x-cp", "windows"] where l.hasPrefix(prefix) {
            let n = l.dropFirst(prefix.count)
            if let v = Int(n), (1250...1258).contains(v) {
                return v == 1252 ? .windows1252 : .iconv("WINDOWS-\(v)")
            }
        }
        if l.isEmpty || l.utf8.count > maxLabelBytes || l.hasPrefix("unknown") || l == "x-unknown" || l == "default" { return .unknown }
        // Anything else: let iconv try the label as given.
        guard l.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E || $0 == 0x3A }) else {
            return .unknown
        }
        return .iconv(l.uppercased())
    }

    static let table: [String: CharsetKind] = [
        "utf-8": .utf8, "utf8": .utf8, "unicode-1-1-utf-8": .utf8, "utf-8-sig": .utf8,
        "us-ascii": .ascii, "ascii": .ascii, "ansi_x3.4-1968": .ascii, "iso646-us": .ascii,
        "us": .ascii, "iso-ir-6": .ascii, "646": .ascii,
        "iso-8859-1": .latin1, "latin1": .latin1, "latin-1": .latin1, "l1": .latin1,
        "iso8859-1": .latin1, "iso_8859-1": .latin1, "iso-ir-100": .latin1, "cp819": .latin1,
        "ibm819": .latin1, "8859-1": .latin1, "iso_8859-1:1987": .latin1,
        "windows-1252": .windows1252, "cp1252": .windows1252, "x-cp1252": .windows1252, "ansi": .windows1252,
        "latin2": .iconv("ISO-8859-2"), "latin-2": .iconv("ISO-8859-2"), "l2": .iconv("ISO-8859-2"),
        "latin9": .iconv("ISO-8859-15"), "latin-9": .iconv("ISO-8859-15"),
        "koi8-r": .iconv("KOI8-R"), "koi8r": .iconv("KOI8-R"), "koi8": .iconv("KOI8-R"),
        "koi8-u": .iconv("KOI8-U"), "koi8u": .iconv("KOI8-U"),
        "gb2312": .iconv("GB18030"), "gbk": .iconv("GB18030"), "gb18030": .iconv("GB18030"),
        "cp936": .iconv("GB18030"), "euc-cn": .iconv("GB18030"), "csgb2312": .iconv("GB18030"),
        "chinese": .iconv("GB18030"), "gb_2312-80": .iconv("GB18030"), "hz-gb-2312": .iconv("HZ"),
        "big5": .iconv("BIG5"), "big-5": .iconv("BIG5"), "cn-big5": .iconv("BIG5"),
        "big5-hkscs": .iconv("BIG5-HKSCS"), "cp950": .iconv("BIG5"),
        "chinesebig5": .iconv("BIG5"), "x-x-big5": .iconv("BIG5"), "csbig5": .iconv("BIG5"),
        "shift_jis": .iconv("SHIFT_JIS"), "shift-jis": .iconv("SHIFT_JIS"), "sjis": .iconv("SHIFT_JIS"),
        "x-sjis": .iconv("SHIFT_JIS"), "ms_kanji": .iconv("CP932"), "csshiftjis": .iconv("SHIFT_JIS"),
        "windows-31j": .iconv("CP932"), "cp932": .iconv("CP932"),
        "euc-jp": .iconv("EUC-JP"), "eucjp": .iconv("EUC-JP"), "x-euc-jp": .iconv("EUC-JP"),
        "iso-2022-jp": .iconv("ISO-2022-JP-2"), "csiso2022jp": .iconv("ISO-2022-JP-2"),
        "iso-2022-jp-2": .iconv("ISO-2022-JP-2"),
        "euc-kr": .iconv("CP949"), "euckr": .iconv("CP949"), "ks_c_5601-1987": .iconv("CP949"),
        "ks_c_5601": .iconv("CP949"), "ksc5601": .iconv("CP949"), "ksc_5601": .iconv("CP949"),
        "cp949": .iconv("CP949"), "korean": .iconv("CP949"), "iso-2022-kr": .iconv("ISO-2022-KR"),
        "utf-7": .iconv("UTF-7"), "unicode-1-1-utf-7": .iconv("UTF-7"), "utf7": .iconv("UTF-7"),
        "utf-16": .iconv("UTF-16"), "utf-16le": .iconv("UTF-16LE"), "utf-16be": .iconv("UTF-16BE"),
        "utf-32": .iconv("UTF-32"), "ucs-2": .iconv("UCS-2"), "tis-620": .iconv("TIS-620"),
        "windows-874": .iconv("CP874"), "cp874": .iconv("CP874"), "cp866": .iconv("CP866"),
        "ibm866": .iconv("CP866"), "cp850": .iconv("CP850"), "cp437": .iconv("CP437"),
        "macintosh": .iconv("MACINTOSH"), "mac": .iconv("MACINTOSH"), "x-mac-roman": .iconv("MACINTOSH"),
        "viscii": .iconv("VISCII"),
    ]
}
