import CLibXML2

/// Collects visible text, link targets and image counts from the element and text events of
/// an HTML parse (see `SAXParse`). Elements nest as the parser reports them; the subtree of a
/// skipped element (script, style, head, ...) contributes nothing.
struct TextCollector {
    private var text: TextBuffer
    private var links: [String] = []
    private var hosts: [String] = []
    private var seenHosts: Set<String> = []
    /// Distinct hosts past `maxHosts`, not listed.
    private(set) var hostsDropped = 0
    /// Distinct link hosts listed per document at most: a message with a million links must
    /// not cost a million strings.
    static let maxHosts = 1_000
    /// Link targets listed per document at most (their hosts still count).
    static let maxLinks = 10_000
    private var imageCount = 0
    /// Kinds of the open elements, innermost last.
    private var open: [TagKind] = []
    /// How many of the open elements are skipped ones.
    private var skipping = 0
    /// Whether libxml2 started a document.
    var started = false

    init(capacity: Int) {
        text = TextBuffer(capacity: capacity)
        open.reserveCapacity(64)
    }

    /// The collected result (warnings are the caller's).
    func result() -> HTMLExtraction {
        HTMLExtraction(text: text.string(), links: links, linkHosts: hosts, imageCount: imageCount)
    }

    /// An element starts. `attributes` is libxml2's NULL-terminated name/value array.
    mutating func open(_ name: UnsafePointer<UInt8>, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) {
        let kind = TagKind.of(Self.localName(name))
        open.append(kind)
        if kind == .skipped { skipping += 1 }
        guard skipping == 0 else { return }
        let attrs = Attributes(list: attributes)
        switch kind {
        case .skipped, .inline:
            break
        case .block:
            text.lineBreak()
        case .cell:
            text.space()
        case .link:
            if let href = attrs.find("href") { addLink(href) }
        case .image:
            imageCount += 1
            appendAttribute(attrs, "alt")
        }
        appendAttribute(attrs, "title")
    }

    /// The innermost open element ends.
    mutating func close() {
        guard let kind = open.popLast() else { return }
        if kind == .skipped { skipping -= 1; return }
        guard skipping == 0 else { return }
        switch kind {
        case .block: text.lineBreak()
        case .cell, .image: text.space()
        default: break
        }
    }

    /// Text inside the innermost open element (text outside every element is dropped, as
    /// libxml2's tree builder drops it).
    mutating func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard skipping == 0, !open.isEmpty else { return }
        text.append(bytes)
    }

    /// The element name libxml2's tree builder gives a node: a prefixed name (`o:p`, as Word
    /// writes) loses its prefix (everything up to the first colon) unless it starts with a
    /// colon or nothing follows the colon.
    static func localName(_ name: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        guard name[0] != 0, name[0] != 0x3A else { return name }
        var i = 1
        while name[i] != 0 {
            if name[i] == 0x3A { return name[i + 1] == 0 ? name : name + i + 1 }
            i += 1
        }
        return name
    }

    private mutating func addLink(_ href: UnsafeBufferPointer<UInt8>) {
        var start = 0, end = href.count
        while start < end, href[start] <= 0x20 { start += 1 }
        while end > start, href[end - 1] <= 0x20 { end -= 1 }
        guard start < end else { return }
        let trimmed = UnsafeBufferPointer(rebasing: href[start..<end])
        if links.count < Self.maxLinks { links.append(String(decoding: trimmed, as: UTF8.self)) }
        if let host = LinkHost.host(ofURL: trimmed), !seenHosts.contains(host) {
            if hosts.count < Self.maxHosts {
                seenHosts.insert(host)
                hosts.append(host)
            } else {
                hostsDropped += 1
            }
        }
    }

    /// Appends an attribute's text as its own word(s) when the attribute is present.
    private mutating func appendAttribute(_ attrs: Attributes, _ name: StaticString) {
        guard let value = attrs.find(name) else { return }
        text.space()
        text.append(value)
        text.space()
    }
}

/// libxml2's attribute array for one start tag: name, value, name, value, ..., NULL.
private struct Attributes {
    let list: UnsafeMutablePointer<UnsafePointer<UInt8>?>?

    /// The value of the first attribute called `name` (empty when it has no value), or nil.
    func find(_ name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        guard let list else { return nil }
        var i = 0
        while let attrName = list[i] {
            if Self.equals(attrName, name) {
                guard let value = list[i + 1] else { return UnsafeBufferPointer(start: nil, count: 0) }
                return UnsafeBufferPointer(start: value, count: Int(xmlStrlen(value)))
            }
            i += 2
        }
        return nil
    }

    private static func equals(_ cString: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
        let start = literal.utf8Start
        for i in 0..<literal.utf8CodeUnitCount where cString[i] != start[i] { return false }
        return cString[literal.utf8CodeUnitCount] == 0
    }
}
