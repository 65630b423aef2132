/// Content-Transfer-Encoding decoders.
public enum TransferEncoding {
    /// Undoes `encoding` (`base64`, `quoted-printable`, `x-uuencode`; case-insensitive) on `raw`.
    /// Identity encodings (`7bit`, `8bit`, `binary`, nil) and unknown ones return the bytes as they
    /// are. Never fails: damaged input decodes as far as it can.
    public static func decode(_ raw: ArraySlice<UInt8>, encoding: String?) -> [UInt8] {
        switch kind(encoding) {
        case .base64: return Base64.decode(raw)
        case .quotedPrintable: return QuotedPrintable.decode(raw)
        case .uuencode: return UUEncode.decode(raw) ?? Array(raw)
        case .identity, .unknown: return Array(raw)
        }
    }

    enum Kind { case identity, base64, quotedPrintable, uuencode, unknown }

    /// Classifies a Content-Transfer-Encoding value.
    static func kind(_ encoding: String?) -> Kind {
        guard let e = encoding?.lowercased().trimmingSpaces, !e.isEmpty else { return .identity }
        switch e {
        case "7bit", "8bit", "binary", "7-bit", "8-bit", "none", "plain", "text": return .identity
        case "base64", "base-64": return .base64
        case "quoted-printable", "quoted_printable", "qp": return .quotedPrintable
        case "x-uuencode", "uuencode", "x-uue", "uue": return .uuencode
        default: return .unknown
        }
    }
}

extension String {
    /// The string without leading/trailing ASCII whitespace.
    var trimmingSpaces: String {
        let u = Array(utf8)
        return String(decoding: Bytes.trimmed(u[...]), as: UTF8.self)
    }
}
