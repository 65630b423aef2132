import HTMLText
import MIME

/// Builds a `Document` from raw message bytes: MIME parsing, HTML extraction, link hosts.
public enum DocumentReader {
    /// Reads a message. Never throws: whatever cannot be read becomes a warning.
    ///
    /// Alternative pairs: when a `text/plain` part is directly followed (or preceded) by a
    /// `text/html` part at the same depth, neither being an attachment, the two are taken as the
    /// two renderings of one body and only one is read as the body (`isBody`), so its words are
    /// not counted twice. The plain part is preferred (cleaner text) unless the HTML text is
    /// more than twice as long (the plain part is then a stub such as "view this in a browser").
    /// Link hosts and image counts still come from the HTML part.
    public static func read(bytes: [UInt8], limits: ParseLimits = ParseLimits(), htmlMaxBytes: Int) -> Document {
        let message = MessageParser.parse(bytes, limits: limits)
        var warnings = message.warnings.map(\.description)
        var hosts = HostList()
        var imageCount = 0
        var parts: [DocumentPart] = []
        parts.reserveCapacity(message.parts.count)
        var htmlBudget = HTMLBudget()
        for part in message.parts {
            let type = part.contentType.mimeType
            var text = part.text
            if type == "text/html", let html = part.text {
                let extraction = HTMLExtractor.extract(html, maxBytes: htmlMaxBytes, budget: &htmlBudget)
                text = extraction.text
                imageCount += extraction.imageCount
                for host in extraction.linkHosts { hosts.insert(host) }
                warnings.append(contentsOf: extraction.warnings)
            } else if !type.hasPrefix("text/") {
                text = nil
            }
            parts.append(DocumentPart(type: type, charset: part.charset, filename: part.filename,
                                      disposition: part.disposition, text: text,
                                      byteCount: part.rawBody.count))
        }
        if let skipped = htmlBudget.skippedWarning { warnings.append(skipped) }
        markAlternatives(&parts, depths: message.parts.map(\.depth))
        for part in parts where part.type == "text/plain" && part.isBody {
            if let text = part.text { URLScanner.hosts(in: text) { hosts.insert($0) } }
        }
        if hosts.dropped > 0 {
            warnings.append("limit.linkHosts: \(hosts.dropped) links to hosts past the first \(HostList.maxHosts) not listed")
        }
        let h = HeaderIndex(message.headers)
        let to = h.allTo.map { h.decoded(at: $0) }
        let cc = h.allCc.map { h.decoded(at: $0) }
        let headers = DocumentHeaders(
            subject: h.decoded(.subject), from: h.decoded(.from), to: to.first, cc: cc.first,
            replyTo: h.decoded(.replyTo), date: h.decoded(.date), messageID: h.decoded(.messageID).map(Self.trimmed),
            inReplyTo: h.decoded(.inReplyTo), references: h.decoded(.references),
            listID: h.decoded(.listID), listUnsubscribe: h.decoded(.listUnsubscribe),
            precedence: h.decoded(.precedence), autoSubmitted: h.decoded(.autoSubmitted),
            xMailer: h.decoded(.xMailer), returnPath: h.decoded(.returnPath))
        return Document(
            headers: headers,
            from: headers.from.map(AddressParser.parseList) ?? [],
            to: to.flatMap(AddressParser.parseList),
            cc: cc.flatMap(AddressParser.parseList),
            parts: parts, linkHosts: hosts.ordered, imageCount: imageCount,
            byteCount: message.byteCount, warnings: warnings)
    }

    /// Clears `isBody` on the redundant half of each plain/HTML alternative pair.
    static func markAlternatives(_ parts: inout [DocumentPart], depths: [Int]) {
        var i = 0
        while i + 1 < parts.count {
            let a = parts[i], b = parts[i + 1]
            let types = (a.type, b.type)
            let isPair = (types == ("text/plain", "text/html") || types == ("text/html", "text/plain"))
                && a.isBody && b.isBody && depths[i] == depths[i + 1]
            guard isPair else { i += 1; continue }
            let plain = a.type == "text/plain" ? i : i + 1
            let html = plain == i ? i + 1 : i
            let plainLength = parts[plain].text?.utf8.count ?? 0
            let htmlLength = parts[html].text?.utf8.count ?? 0
            if htmlLength > 2 * plainLength {
                parts[plain].isBody = false
            } else {
                parts[html].isBody = false
            }
            i += 2
        }
    }

    /// `value` without the blanks around it: a field folded before its value (`Message-ID:`,
    /// a line break, a tab, `<id>`, as Exchange writes it) unfolds to a value that starts with one.
    static func trimmed(_ value: String) -> String {
        var bytes = Substring(value).utf8[...]
        while let b = bytes.first, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { bytes = bytes.dropFirst() }
        while let b = bytes.last, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { bytes = bytes.dropLast() }
        return String(Substring(bytes))
    }
}

/// Unique strings in order of first insertion, at most `maxHosts` (a message with a million
/// links must not list a million hosts).
struct HostList {
    static let maxHosts = 1_000
    private(set) var ordered: [String] = []
    private var seen: Set<String> = []
    /// Insertions of new hosts past `maxHosts`.
    private(set) var dropped = 0
    mutating func insert(_ host: String) {
        guard !seen.contains(host) else { return }
        guard ordered.count < Self.maxHosts else { dropped += 1; return }
        seen.insert(host)
        ordered.append(host)
    }
}
