import HTMLText

/// Whole-name features from headers and message structure. Each is one feature named
/// `kind:value`; counts are bucketed (`0`, `1`, `2`, `3-5`, `6-10`, `11-50`, `51+`).
///
/// `from@:` sender address, `fromdom:`/`fromreg:` its domain and registrable suffix,
/// `replyto:differs`, `todom:` recipient domains, `to#:`/`cc#:`/`rcpt#:` recipient counts,
/// `list:yes`/`listid:`, `prec:`, `unsub:yes`, `autosub:`, `reply:yes`, `fwd:yes`, `refs:yes`,
/// `nosubject:yes`, `att:` type, `attext:` file extension, `att#:`, `hasatt:yes`, `cs:` body
/// charset, `htmlonly:yes`, `img#:`, `url:` host, `urldom:` registrable suffix, `url#:`,
/// `size:` power-of-two size bucket, `warn:` warning codes.
enum HeaderFeatures {
    static func add(_ d: Document, to acc: inout HashingSink) {
        let h = d.headers
        if let sender = d.from.first {
            acc.feature("from@:", sender.email, lowercase: true)
            if let domain = sender.domain {
                acc.feature("fromdom:", domain)
                acc.feature("fromreg:", LinkHost.registrableSuffix(domain))
            }
            if let replyTo = h.replyTo, angleContent(replyTo).lowercased() != sender.email.lowercased() {
                acc.feature("replyto:differs")
            }
        }
        var recipientDomains = HostList()
        for address in (d.to + d.cc).prefix(50) {
            if let domain = address.domain { recipientDomains.insert(domain) }
        }
        for domain in recipientDomains.ordered.prefix(10) { acc.feature("todom:", domain) }
        acc.feature("to#:", bucket(d.to.count))
        acc.feature("cc#:", bucket(d.cc.count))
        acc.feature("rcpt#:", bucket(d.to.count + d.cc.count))

        if let listID = h.listID {
            acc.feature("list:yes")
            acc.feature("listid:", angleContent(listID), lowercase: true)
        }
        if let precedence = h.precedence { acc.feature("prec:", trimmed(precedence), lowercase: true) }
        if h.listUnsubscribe != nil { acc.feature("unsub:yes") }
        if let auto = h.autoSubmitted, trimmed(auto).lowercased() != "no" {
            acc.feature("autosub:", trimmed(auto), lowercase: true)
        }
        let subject = trimmed(h.subject ?? "")
        if subject.isEmpty { acc.feature("nosubject:yes") }
        if h.inReplyTo != nil || hasPrefix(subject, ["re:", "aw:", "sv:", "antw:"]) { acc.feature("reply:yes") }
        if hasPrefix(subject, ["fwd:", "fw:", "wg:", "tr:"]) { acc.feature("fwd:yes") }
        if h.references != nil { acc.feature("refs:yes") }

        let attachmentCount = d.parts.reduce(0) { $0 + ($1.isAttachment ? 1 : 0) }
        acc.feature("att#:", bucket(attachmentCount))
        if attachmentCount > 0 { acc.feature("hasatt:yes") }
        d.forEach(\.isAttachment, limit: 20) { part in
            acc.feature("att:", part.type)
            if let ext = fileExtension(part.filename) { acc.feature("attext:", ext) }
        }
        d.forEach(\.isBody, limit: 10) { part in
            if let charset = part.charset { acc.feature("cs:", charset) }
        }
        if d.isHTMLOnly { acc.feature("htmlonly:yes") }
        acc.feature("img#:", bucket(d.imageCount))
        for host in d.linkHosts.prefix(50) {
            acc.feature("url:", host)
            acc.feature("urldom:", LinkHost.registrableSuffix(host))
        }
        acc.feature("url#:", bucket(d.linkHosts.count))
        acc.feature("size:", sizeBucket(d.byteCount))
        var codes = HostList()
        for warning in d.warnings {
            // Codes are ASCII and end at the first colon (byte search, no grapheme walk).
            let end = warning.utf8.firstIndex(of: UInt8(ascii: ":")) ?? warning.endIndex
            codes.insert(String(warning[..<end]))
        }
        for code in codes.ordered.prefix(10) { acc.feature("warn:", code) }
    }

    /// A count as a coarse bucket name.
    static func bucket(_ n: Int) -> String {
        switch n {
        case ..<3: String(max(0, n))
        case 3...5: "3-5"
        case 6...10: "6-10"
        case 11...50: "11-50"
        default: "51+"
        }
    }

    /// A byte count as `2^k` with `k` the bit length, e.g. 3000 bytes → `2^12`.
    static func sizeBucket(_ bytes: Int) -> String {
        "2^" + String(Int.bitWidth - max(0, bytes).leadingZeroBitCount)
    }

    /// `s` without leading and trailing white space (scalar-level: cheap on long subjects; no
    /// work at all when both ends are visible ASCII, the usual case).
    private static func trimmed(_ s: String) -> String {
        let utf8 = s.utf8
        if let first = utf8.first, let last = utf8.last, first &- 0x21 < 0x5F, last &- 0x21 < 0x5F { return s }
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    /// The text inside the last `<...>`, else the trimmed value (`A <a@b>` → `a@b`).
    private static func angleContent(_ s: String) -> String {
        let utf8 = s.utf8
        guard let open = utf8.lastIndex(of: UInt8(ascii: "<")),
              let close = utf8[utf8.index(after: open)...].firstIndex(of: UInt8(ascii: ">")) else { return trimmed(s) }
        return String(Substring(utf8[utf8.index(after: open)..<close]))
    }

    /// Whether `s` starts with one of the lower-case ASCII `prefixes`, ignoring ASCII case.
    private static func hasPrefix(_ s: String, _ prefixes: [StaticString]) -> Bool {
        var s = s
        return s.withUTF8 { bytes in prefixes.contains { ASCII.hasPrefix(bytes, 0, bytes.count, $0) } }
    }

    private static func fileExtension(_ filename: String?) -> String? {
        guard let name = filename, let dot = name.lastIndex(of: ".") else { return nil }
        let ext = name[name.index(after: dot)...].lowercased()
        guard (1...8).contains(ext.count), ext.allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
        return ext
    }
}
