/// Limits that keep parsing bounded on hostile input. Past a limit, parsing stops at that
/// point, keeps what was read, and records a `ParseWarning`.
public struct ParseLimits: Sendable, Equatable {
    /// Bytes of raw message read; the rest is ignored.
    public var maxMessageBytes: Int = 32 << 20
    /// Bytes produced when decompressing a gzip/zlib message file.
    public var maxDecompressedBytes: Int = 64 << 20
    /// Nesting depth of multipart / message/rfc822.
    public var maxDepth: Int = 40
    /// Leaf parts kept.
    public var maxParts: Int = 500
    /// Header fields kept per entity.
    public var maxHeaderFields: Int = 2_000
    public init() {}
}

/// Something in a message that was wrong or cut, recorded instead of failing.
public struct ParseWarning: Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable code, e.g. `"charset.unknown"`, `"limit.depth"`.
    public var code: String
    /// Human-readable detail.
    public var detail: String
    public init(code: String, detail: String) { self.code = code; self.detail = detail }
    public var description: String { "\(code): \(detail)" }
}
