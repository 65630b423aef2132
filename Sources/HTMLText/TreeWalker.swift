import CLibXML2

/// Walks a libxml2 HTML tree without recursion (deeply nested mail must not exhaust the
/// stack), collecting visible text, link targets and image counts.
struct TreeWalker {
    private var text: TextBuffer
    private var links: [String] = []
    private var hosts: [String] = []
    private var seenHosts: Set<String> = []
    private var imageCount = 0

    init(capacity: Int) { text = TextBuffer(capacity: capacity) }

    /// Visits every node of `doc` in document order.
    mutating func walk(_ doc: htmlDocPtr) {
        let root = UnsafeMutableRawPointer(doc)
        var next = doc.pointee.children
        while let node = next {
            if open(node), let child = node.pointee.children {
                next = child
                continue
            }
            // `node` is done: close it, then climb until a node has a next sibling.
            var current = node
            while true {
                close(current)
                if let sibling = current.pointee.next {
                    next = sibling
                    break
                }
                guard let parent = current.pointee.parent, UnsafeMutableRawPointer(parent) != root else {
                    next = nil
                    break
                }
                current = parent
            }
        }
    }

    /// The collected result (warnings are the caller's).
    func result() -> HTMLExtraction {
        HTMLExtraction(text: text.string(), links: links, linkHosts: hosts, imageCount: imageCount)
    }

    /// Handles entering a node; returns whether its children should be visited.
    private mutating func open(_ node: xmlNodePtr) -> Bool {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            if let content = node.pointee.content { text.append(cString: content) }
            return false
        case XML_ELEMENT_NODE:
            guard let name = node.pointee.name else { return true }
            switch TagKind.of(name) {
            case .skipped:
                return false
            case .block:
                text.lineBreak()
            case .cell:
                text.space()
            case .link:
                if let href = attribute(node, "href") { addLink(href) }
            case .image:
                imageCount += 1
                appendAttribute(node, "alt")
            case .inline:
                break
            }
            appendAttribute(node, "title")
            return true
        default:
            return false
        }
    }

    /// Handles leaving a node (after its children).
    private mutating func close(_ node: xmlNodePtr) {
        guard node.pointee.type == XML_ELEMENT_NODE, let name = node.pointee.name else { return }
        switch TagKind.of(name) {
        case .block: text.lineBreak()
        case .cell, .image: text.space()
        default: break
        }
    }

    private mutating func addLink(_ href: [UInt8]) {
        var start = 0, end = href.count
        while start < end, href[start] <= 0x20 { start += 1 }
        while end > start, href[end - 1] <= 0x20 { end -= 1 }
        guard start < end else { return }
        let trimmed = href[start..<end]
        links.append(String(decoding: trimmed, as: UTF8.self))
        let host = trimmed.withUnsafeBufferPointer { LinkHost.host(ofURL: $0) }
        if let host, seenHosts.insert(host).inserted {
            hosts.append(host)
        }
    }

    /// Appends an attribute's text as its own word(s).
    private mutating func appendAttribute(_ node: xmlNodePtr, _ name: StaticString) {
        guard let attr = findAttribute(node, name) else { return }
        text.space()
        var child = attr.pointee.children
        while let c = child {
            if let content = c.pointee.content { text.append(cString: content) }
            child = c.pointee.next
        }
        text.space()
    }

    /// An attribute's value bytes, or nil when absent.
    private func attribute(_ node: xmlNodePtr, _ name: StaticString) -> [UInt8]? {
        guard let attr = findAttribute(node, name) else { return nil }
        var value: [UInt8] = []
        var child = attr.pointee.children
        while let c = child {
            if var p = c.pointee.content {
                while p.pointee != 0 { value.append(p.pointee); p += 1 }
            }
            child = c.pointee.next
        }
        return value
    }

    private func findAttribute(_ node: xmlNodePtr, _ name: StaticString) -> xmlAttrPtr? {
        var attr = node.pointee.properties
        while let a = attr {
            if let attrName = a.pointee.name, Self.equals(attrName, name) { return a }
            attr = a.pointee.next
        }
        return nil
    }

    private static func equals(_ cString: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
        let start = literal.utf8Start
        for i in 0..<literal.utf8CodeUnitCount where cString[i] != start[i] { return false }
        return cString[literal.utf8CodeUnitCount] == 0
    }
}
