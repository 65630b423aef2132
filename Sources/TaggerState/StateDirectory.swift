/// Every file, folder and lock tagger keeps in its state directory, named in one place:
///
///     <state_dir>/corrections.jsonl      the corrections journal (source of truth for `user`)
///     <state_dir>/journal.lock           serialises read-check-append on the journal
///     <state_dir>/sidecars/…             one JSON file per message (see ``SidecarLayout``)
///     <state_dir>/catalog/               the message catalog (``MessageCatalog``) and its lock
///     <state_dir>/sync/<target>.cursor   how far each sync target has read the tag changes
///     <state_dir>/status.json            the daemon's counters, rewritten while it runs
///     <state_dir>/daemon.lock            one `tagger run` per state directory
///     <state_dir>/retrain.lock           one retrain or rollback at a time
///     <state_dir>/reports/               retrain reports, `last-retrain.json` the latest,
///                                        `model-training.json` (what the model learnt from),
///                                        `folders.tsv` (each message's folder at that retrain)
///     <state_dir>/model/current.tgm      the model (default location) and `history/`
public struct StateDirectory: Sendable, Equatable {
    /// The state directory itself.
    public let path: String

    public init(_ path: String) { self.path = path }

    /// The corrections journal.
    public var journal: String { path + "/corrections.jsonl" }
    /// The lock `label` and the sidecar pick-up hold around read-check-append on the journal.
    public var journalLock: String { path + "/journal.lock" }
    /// The lock that keeps a second daemon off this state directory.
    public var daemonLock: String { path + "/daemon.lock" }
    /// The lock of retrain and rollback.
    public var retrainLock: String { path + "/retrain.lock" }

    /// The status file's name in the state directory.
    public static let statusFileName = "status.json"
    /// The daemon's status file.
    public var statusFile: String { path + "/" + Self.statusFileName }

    /// The reports folder's name in the state directory.
    public static let reportsFolderName = "reports"
    /// The latest retrain report's name in the reports folder.
    public static let lastRetrainName = "last-retrain.json"
    /// What the installed model was trained on, in the reports folder.
    public static let modelTrainingName = "model-training.json"
    /// Each message's folder at the last retrain, in the reports folder.
    public static let folderSnapshotName = "folders.tsv"
    /// Where retrain reports go.
    public var reports: String { path + "/" + Self.reportsFolderName }
    /// The latest retrain report.
    public var lastRetrainReport: String { reports + "/" + Self.lastRetrainName }

    /// The sidecars' root folder's name in the state directory.
    public static let sidecarsFolderName = "sidecars"
    /// Where the sidecars live.
    public var sidecars: String { path + "/" + Self.sidecarsFolderName }

    /// The catalog folder's name in the state directory.
    public static let catalogFolderName = "catalog"
    /// The message catalog's folder (snapshot, log, lock).
    public var catalog: String { path + "/" + Self.catalogFolderName }

    /// The sync cursors' folder's name in the state directory.
    public static let syncFolderName = "sync"
    /// The folder of the sync targets' cursors.
    public var syncCursors: String { path + "/" + Self.syncFolderName }

    /// Where the model lives unless configured elsewhere.
    public var defaultModel: String { path + "/model/current.tgm" }
    /// The message the daemon is reading, written before it starts and emptied when it is done:
    /// one found there at start was in hand when the daemon died or was stopped.
    public var messageInHand: String { path + "/message-in-hand.json" }
}
