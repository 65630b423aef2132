/// A ``SyncTarget`` where the user also changes tags (notmuch; IMAP keywords next): besides
/// being fed tagger's changes, it is asked now and then for the user's, which it records as
/// corrections through the ``TagStore``. The daemon runs each such target in a service of its
/// own (`SyncService`), so a second one sits beside the first without either knowing.
public protocol MailClientTarget: SyncTarget {
    /// How long the daemon waits between two calls of ``pull()`` when nothing else wakes it:
    /// the longest delay before a change the user made there becomes a correction.
    var pollInterval: Duration { get }

    /// Looks for tag changes the user made at the target since the last call and records them
    /// as corrections (a target must recognise its own writes and never record those). Cheap
    /// when nothing changed.
    /// - Returns: how many corrections were recorded.
    /// - Throws: anything (the target unreachable or locked): the caller warns and calls again
    ///   later; nothing the user changed is taken as seen until a call succeeds.
    func pull() async throws -> Int

    /// Called once before the first ``pull()``: what to log about the target (its location).
    func describe() async -> String

    /// A directory in which the target writes or renames a file whenever its data changes (a
    /// database's own directory): the daemon watches it and pulls when it changes, instead of
    /// polling every ``pollInterval``. Nil when there is none or it cannot be found (yet).
    func changeDirectory() async -> String?
}

extension MailClientTarget {
    /// None: the daemon polls.
    public func changeDirectory() async -> String? { nil }
}
