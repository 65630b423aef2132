/// Which mail of a folder that is not in `folder_labels` teaches the folder labels "not this".
///
/// bogofilter and SpamAssassin learn "this folder is spam, the rest is ham"; tagger does the
/// same for every folder label, but only with mail the user has evidently accepted: a message
/// the user has read (Maildir flag `S`) and left where it is, without correcting it to carry the
/// label, is a negative for every folder label. Unread mail may still be waiting to be filed.
public enum FolderNegatives: String, Sendable, Equatable, Codable {
    /// Read messages (flag `S`) are negatives: the default.
    case seen
    /// Every message, read or not, is a negative (an archive filed by hand).
    case all
    /// No message is a negative (a trash or catch-all folder that holds anything).
    case none

    /// The rule for a folder without an entry in `folder_negatives`: `none` for folders whose
    /// last name part is a trash, junk or spam folder (Trash, Deleted, Deleted Items, Deleted
    /// Messages, Junk, Spam, Bulk; any case) that no folder label claims, since what is there was
    /// thrown away rather than accepted; `seen` for the rest (INBOX, Sent, archives, ...).
    public static func defaultRule(forFolder folder: String) -> FolderNegatives {
        let last = folder.split(whereSeparator: { $0 == "." || $0 == "/" }).last.map(String.init) ?? folder
        let thrownAway: Set<String> = ["trash", "deleted", "deleted items", "deleted messages", "junk", "spam", "bulk"]
        return thrownAway.contains(last.lowercased()) ? .none : .seen
    }
}
