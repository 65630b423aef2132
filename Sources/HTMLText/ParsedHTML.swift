import CLibXML2

/// Owns one libxml2 document and frees it when dropped. Not copyable, so the pointer has
/// exactly one owner and is freed exactly once.
struct ParsedHTML: ~Copyable {
    let doc: htmlDocPtr

    /// Parses UTF-8 HTML bytes leniently (recover, no network, no error output); nil when
    /// libxml2 produced no document (e.g. empty input).
    init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        LibXML2.setUp()
        guard let base = bytes.baseAddress, bytes.count > 0, bytes.count <= Int(Int32.max) else {
            return nil
        }
        // XML_PARSE_HUGE lifts libxml2's nesting limit (256), past which it silently drops the
        // whole document: nesting is a cheap way to hide spam text. Size is capped by the caller.
        // IGNORE_ENC: the bytes are already UTF-8, a <meta charset> must not re-decode them.
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue
            | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
            | XML_PARSE_HUGE.rawValue)
        let parsed = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
            htmlReadMemory(chars, Int32(bytes.count), nil, "UTF-8", options)
        }
        guard let parsed else { return nil }
        doc = parsed
    }

    deinit { xmlFreeDoc(doc) }
}

/// One-time libxml2 set-up shared by every thread.
enum LibXML2 {
    private static let initialised: Void = {
        xmlInitParser()
    }()

    /// Initialises the parser once and silences libxml2's error output on the calling thread
    /// (libxml2 2.9 keeps error handlers per thread, so this runs on every parse; it is cheap).
    /// The structured handler wins over the generic one inside libxml2's error path.
    static func setUp() {
        _ = initialised
        xmlSetStructuredErrorFunc(nil, silentStructuredError)
    }
}

/// A structured error handler that drops every message.
private func silentStructuredError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {}
