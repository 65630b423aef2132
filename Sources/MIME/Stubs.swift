// CONTRACT STUBS — replaced by the MIME implementation. Signatures are the contract.

/// Parses raw message bytes (plain, gzip or zlib) into headers and leaf parts. Never throws.
public enum MessageParser {
    public static func parse(_ bytes: [UInt8], limits: ParseLimits = ParseLimits()) -> Message {
        Message(headers: Headers(), parts: [], warnings: [], byteCount: bytes.count, wasCompressed: false)
    }
}

/// RFC 2047 encoded-word decoding of a raw header value.
public enum EncodedWords {
    public static func decode(_ raw: [UInt8]) -> String { String(decoding: raw, as: UTF8.self) }
}

/// Content-Transfer-Encoding decoders.
public enum TransferEncoding {
    public static func decode(_ raw: ArraySlice<UInt8>, encoding: String?) -> [UInt8] { Array(raw) }
}

/// Charset conversion to Unicode (iconv), with fallback.
public enum Charset {
    /// Decodes `bytes` labelled `label`; unknown/wrong labels fall back (valid UTF-8 stays, else
    /// Windows-1252) and return a warning.
    public static func decode(_ bytes: ArraySlice<UInt8>, label: String?) -> (text: String, warning: ParseWarning?) {
        (String(decoding: bytes, as: UTF8.self), nil)
    }
}

/// Address-list parsing (From, To, Cc).
public enum AddressParser {
    public static func parseList(_ value: String) -> [Address] { [] }
}
