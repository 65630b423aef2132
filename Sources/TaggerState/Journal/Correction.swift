import Foundation

/// One user correction as recorded in the journal: one JSON object per line.
public struct Correction: Codable, Sendable, Equatable {
    /// What the user did: set labels on or off, or reset the message to the model's opinion.
    public enum Operation: String, Codable, Sendable { case label, reset }

    /// Journal record format version.
    public var v: Int = 1
    public var op: Operation
    /// When the correction was made (ISO-8601, UTC).
    public var at: String
    /// The message's maildir unique name (file name up to the info part), when known.
    public var unique: String?
    /// The message's Message-ID (angle brackets kept), when it has one.
    public var messageID: String?
    /// A digest of the message body, to re-associate messages moved or re-delivered.
    public var digest: String?
    /// The message file's path when corrected (a hint: files move).
    public var path: String?
    /// Labels the user turned on.
    public var add: [String]
    /// Labels the user turned off.
    public var remove: [String]
    /// The model's own tags for the message when the user corrected it.
    public var modelTags: [String]
    /// Where the correction came from: `cli` (`tagger label`) or `sidecar` (a hand edit).
    public var source: String?

    enum CodingKeys: String, CodingKey {
        case v, op, at, unique, digest, path, add, remove, source
        case messageID = "message_id", modelTags = "model_tags"
    }

    public init(op: Operation, at: String, unique: String?, messageID: String?, digest: String?,
                path: String?, add: [String], remove: [String], modelTags: [String], source: String? = "cli") {
        self.op = op; self.at = at; self.unique = unique; self.messageID = messageID
        self.digest = digest; self.path = path; self.add = add; self.remove = remove
        self.modelTags = modelTags; self.source = source
    }
}

/// The user's standing opinion about one message: the fold of all its corrections.
public struct UserLabels: Sendable, Equatable {
    public var add: Set<String> = []
    public var remove: Set<String> = []
    /// The model's tags at the most recent correction (the base the user corrected).
    public var modelTags: Set<String> = []
    public var unique: String?
    public var messageID: String?
    public var digest: String?
    public var path: String?
    /// Time of the latest correction (ISO-8601), for "most recent" hold-out splits.
    public var at: String = ""
    /// Journal line of the latest correction.
    public var line: Int = 0
    /// Every (add, remove) state the message has been in, the uncorrected start included: a
    /// sidecar showing one of them is tagger's own (possibly out-of-date) writing, not an edit.
    public var past: Set<String> = [UserLabels.key(add: [], remove: [])]

    /// A message the user never corrected.
    public init() {}

    /// A state as one comparable value.
    public static func key<A: Sequence<String>, R: Sequence<String>>(add: A, remove: R) -> String {
        "+" + add.sorted().joined(separator: "\u{1}") + "\u{0}-" + remove.sorted().joined(separator: "\u{1}")
    }

    /// True when nothing is left to apply (every correction was undone).
    public var isEmpty: Bool { add.isEmpty && remove.isEmpty }

    /// The message's true label set as the user sees it: model tags + add − remove.
    public var labels: Set<String> { modelTags.union(add).subtracting(remove) }

    /// Applies one correction on top of the current state.
    public mutating func apply(_ c: Correction, line: Int) {
        switch c.op {
        case .reset:
            // Forget the earlier corrections, then apply the ones given with it (`label MSG = +a`).
            add = Set(c.add); remove = Set(c.remove).subtracting(c.add)
        case .label:
            for l in c.add { add.insert(l); remove.remove(l) }
            for l in c.remove { remove.insert(l); add.remove(l) }
        }
        past.insert(Self.key(add: add, remove: remove))
        modelTags = Set(c.modelTags)
        unique = c.unique ?? unique
        messageID = c.messageID ?? messageID
        digest = c.digest ?? digest
        path = c.path ?? path
        at = c.at
        self.line = line
    }
}
