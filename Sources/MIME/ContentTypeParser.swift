extension ContentType {
    /// Parses a raw Content-Type value (`text/plain; charset="utf-8"`). Returns nil when the
    /// value has no `type/subtype` (callers then use the default, as RFC 2045 says).
    public static func parse(_ raw: [UInt8]) -> ContentType? {
        var capped = false
        return parse(raw, capped: &capped)
    }

    /// `parse(_:)`, setting `capped` when parameters past `Parameters.maxParameters` were
    /// left unread.
    static func parse(_ raw: [UInt8], capped: inout Bool) -> ContentType? {
        let (value, parameters, cut) = Parameters.parse(raw[...])
        capped = cut
        guard let slash = value.firstIndex(of: 0x2F) else { return nil }
        let type = Bytes.lowerString(Bytes.trimmed(value[value.startIndex..<slash]))
        let subtype = Bytes.lowerString(Bytes.trimmed(value[(slash + 1)...]))
        guard !type.isEmpty, !subtype.isEmpty, !subtype.contains("/") else { return nil }
        return ContentType(type: type, subtype: subtype, parameters: parameters)
    }

    /// True for `multipart/*`.
    var isMultipart: Bool { type == "multipart" }
}

/// A parsed Content-Disposition: lower-cased kind (`inline`, `attachment`) and parameters.
struct ContentDisposition {
    var kind: String?
    var parameters: [String: String]
    /// Whether parameters past `Parameters.maxParameters` were left unread.
    var capped = false

    /// Parses a raw Content-Disposition value.
    static func parse(_ raw: [UInt8]) -> ContentDisposition {
        let (value, parameters, capped) = Parameters.parse(raw[...])
        let kind = Bytes.lowerString(value)
        return ContentDisposition(kind: kind.isEmpty ? nil : kind, parameters: parameters, capped: capped)
    }
}
