/// How the text walk treats an element, decided from its (lower-case) name.
enum TagKind: UInt8 {
    /// Inline markup (`b`, `span`, `font`, unknown tags): children are read, no separator.
    case inline
    /// Content never shown as text (`script`, `style`, `head`, `noscript`, `template`, ...):
    /// the subtree is skipped.
    case skipped
    /// Block-level (`p`, `div`, `br`, `li`, `tr`, `h1`...): a line break before and after.
    case block
    /// Table cells and similar: a space before and after.
    case cell
    /// `<a>` and `<area>`: link targets are collected, the text is kept.
    case link
    /// `<img>`: counted, its `alt` text kept.
    case image

    /// Classifies a NUL-terminated element name. libxml2's HTML parser lower-cases names.
    static func of(_ name: UnsafePointer<UInt8>) -> TagKind {
        var key: UInt64 = 0
        var length = 0
        while name[length] != 0 {
            if length == 10 { return .inline }
            length += 1
        }
        if length > 8 {
            return longNames.first { matches(name, $0.name) }?.kind ?? .inline
        }
        for i in 0..<length { key |= UInt64(name[i]) << (8 * UInt64(i)) }
        return table[key] ?? .inline
    }

    private static func matches(_ name: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for i in 0..<count where name[i] != start[i] { return false }
        return name[count] == 0
    }

    private static let longNames: [(name: StaticString, kind: TagKind)] = [
        ("blockquote", .block), ("figcaption", .block),
    ]

    private static func pack(_ name: String) -> UInt64 {
        var key: UInt64 = 0
        for (i, b) in name.utf8.enumerated() { key |= UInt64(b) << (8 * UInt64(i)) }
        return key
    }

    private static let table: [UInt64: TagKind] = {
        var t: [UInt64: TagKind] = [:]
        for n in ["script", "style", "head", "noscript", "template", "title", "svg", "object",
                  "applet", "iframe", "frameset"] {
            t[pack(n)] = .skipped
        }
        for n in ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table",
                  "ul", "ol", "dl", "dt", "dd", "pre", "hr", "section", "article", "header",
                  "footer", "nav", "aside", "main", "form", "address", "figure", "center",
                  "caption", "tbody", "thead", "tfoot", "body", "html", "option", "legend",
                  "fieldset", "details", "summary", "menu"] {
            t[pack(n)] = .block
        }
        for n in ["td", "th", "label", "button"] { t[pack(n)] = .cell }
        for n in ["a", "area"] { t[pack(n)] = .link }
        t[pack("img")] = .image
        return t
    }()
}
