/// A configuration problem: which file, which key (when one is to blame), and why.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The config file (or `command line`).
    public var file: String
    /// The offending key, if any.
    public var key: String?
    /// What is wrong.
    public var reason: String

    public init(file: String, key: String?, reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }

    public var description: String {
        if let key { return "\(file): key '\(key)': \(reason)" }
        return "\(file): \(reason)"
    }
}
