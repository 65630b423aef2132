/// Rules for names inside a Maildir.
public enum MaildirName {
    /// The unique name of a message file: everything before the first `:` (the `:2,FLAGS` info
    /// part), or before the first `!` (the `!2,` spelling some Windows-friendly setups use).
    /// Dovecot's `,S=1234` / `,W=1300` size fields sit *before* the info part and stay in the
    /// unique name: they are part of the name Dovecot gave the file and never change with flags.
    ///
    /// `1732611111.M1P2.host,S=120:2,RS` → `1732611111.M1P2.host,S=120`.
    public static func unique(ofFile name: String) -> String {
        if let i = name.utf8.firstIndex(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "!") }) {
            return String(name[..<i])
        }
        return name
    }

    /// The unique name a user means by `query` when it is a bare file name copied from `ls cur/`
    /// (`1732611111.M1P2.host:2,S` → `1732611111.M1P2.host`); anything else (a path, a
    /// Message-ID, a unique name already) unchanged. Unique names hold no `:` or `!`.
    public static func unique(ofQuery query: String) -> String {
        query.contains("/") || query.contains("@") ? query : unique(ofFile: query)
    }

    /// True for directory entries that are not messages and must be skipped quietly:
    /// dot-files (including in-progress temporaries), `dovecot*` files (`dovecot-uidlist`,
    /// `dovecot.index*`, `dovecot-keywords`), `maildirfolder`, `subscriptions`, and names whose
    /// unique part would be empty.
    public static func isIgnored(fileName name: String) -> Bool {
        if name.isEmpty || name.hasPrefix(".") { return true }
        if name.hasPrefix("dovecot") || name == "maildirfolder" || name == "subscriptions" { return true }
        return unique(ofFile: name).isEmpty
    }
}
