/// Turns a leaf entity (headers + raw body) into a `Part`, decoding the text of `text/*` parts.
enum LeafBuilder {
    static func build(headers: Headers, contentType: ContentType, rawBody: ArraySlice<UInt8>,
                      depth: Int) -> (Part, [ParseWarning]) {
        var warnings: [ParseWarning] = []
        var charset = contentType.parameters["charset"]?.lowercased().trimmingSpaces
        if charset?.isEmpty == true { charset = nil }
        let disposition = headers.rawValue("Content-Disposition").map(ContentDisposition.parse)
        if disposition?.capped == true {
            warnings.append(ParseWarning(code: "limit.parameters",
                                         detail: "Content-Disposition parameters past the limit of \(Parameters.maxParameters) ignored"))
        }
        var filename = disposition?.parameters["filename"] ?? contentType.parameters["name"]
        if filename?.isEmpty == true { filename = nil }
        var cte = headers.decoded("Content-Transfer-Encoding")?.lowercased().trimmingSpaces
        if cte?.isEmpty == true { cte = nil }
        if TransferEncoding.kind(cte) == .unknown, let cte {
            warnings.append(ParseWarning(code: "transferEncoding.unknown", detail: "unknown transfer encoding \(cte); body kept raw"))
        }
        var text: String?
        if contentType.type == "text" {
            let identity = TransferEncoding.kind(cte) == .identity || TransferEncoding.kind(cte) == .unknown
            let decoded = identity ? rawBody : TransferEncoding.decode(rawBody, encoding: cte)[...]
            var label = charset
            if label == nil, contentType.subtype == "html" { label = HTMLCharsetSniffer.sniff(decoded) }
            let (t, w) = Charset.decode(decoded, label: label)
            text = t
            if let w { warnings.append(w) }
        }
        let part = Part(headers: headers, contentType: contentType, charset: charset, filename: filename,
                        disposition: disposition?.kind, transferEncoding: cte, rawBody: rawBody,
                        text: text, depth: depth)
        return (part, warnings)
    }
}
