import CLibXML2

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

    /// Parser options: lenient (recover, no network, no error output). XML_PARSE_HUGE lifts
    /// libxml2's nesting limit, past which it silently drops the rest of the document (nesting
    /// is a cheap way to hide spam text); size is capped by the caller. IGNORE_ENC: the bytes
    /// are already UTF-8, a `<meta charset>` must not re-decode them.
    static let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue
        | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
        | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
        | XML_PARSE_HUGE.rawValue)
}

/// A structured error handler that drops every message.
private func silentStructuredError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {}
