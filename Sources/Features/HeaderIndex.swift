import MIME

/// The header fields `DocumentReader` reads, found in one pass over a message's fields
/// (instead of one case-insensitive scan per name), then decoded once each.
struct HeaderIndex {
    /// The names looked up, in `DocumentHeaders` order.
    enum Name: Int, CaseIterable {
        case subject, from, to, cc, replyTo, date, messageID, inReplyTo, references, listID
        case listUnsubscribe, precedence, autoSubmitted, xMailer, returnPath

        var text: StaticString {
            switch self {
            case .subject: "subject"
            case .from: "from"
            case .to: "to"
            case .cc: "cc"
            case .replyTo: "reply-to"
            case .date: "date"
            case .messageID: "message-id"
            case .inReplyTo: "in-reply-to"
            case .references: "references"
            case .listID: "list-id"
            case .listUnsubscribe: "list-unsubscribe"
            case .precedence: "precedence"
            case .autoSubmitted: "auto-submitted"
            case .xMailer: "x-mailer"
            case .returnPath: "return-path"
            }
        }
    }

    /// Index into `headers.fields` of the first field of each name (-1 when absent).
    private var first = [Int](repeating: -1, count: Name.allCases.count)
    /// Indices of every `To` and every `Cc` field, in order.
    private(set) var allTo: [Int] = []
    private(set) var allCc: [Int] = []
    private let headers: Headers

    /// Indexes `headers` in one pass.
    init(_ headers: Headers) {
        self.headers = headers
        for (i, field) in headers.fields.enumerated() {
            guard let name = Self.match(field.name) else { continue }
            if first[name.rawValue] < 0 { first[name.rawValue] = i }
            if name == .to { allTo.append(i) } else if name == .cc { allCc.append(i) }
        }
    }

    /// The first field called `name`, decoded (as `Headers.decoded`), or nil.
    func decoded(_ name: Name) -> String? {
        let i = first[name.rawValue]
        return i < 0 ? nil : decoded(at: i)
    }

    /// The field at `index`, decoded (RFC 2047 words, raw 8-bit bytes in the fallback charset).
    func decoded(at index: Int) -> String {
        EncodedWords.decode(headers.fields[index].rawValue[...], fallbackCharset: headers.fallbackCharset)
    }

    /// Which wanted name `fieldName` is (ASCII case-insensitive), if any.
    private static func match(_ fieldName: String) -> Name? {
        var fieldName = fieldName
        return fieldName.withUTF8 { bytes -> Name? in
            Name.allCases.first { name in
                name.text.utf8CodeUnitCount == bytes.count && ASCII.hasPrefix(bytes, 0, bytes.count, name.text)
            }
        }
    }
}
