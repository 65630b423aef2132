/// The sidecar JSON, schema 1 (README "Where the sidecar of a message lives"; JSON Schema in
/// `sidecar.schema.json` beside this file). Keys are binding.
public struct Sidecar: Codable, Sendable, Equatable {
    /// Where the message is.
    public struct Message: Codable, Sendable, Equatable {
        /// The maildir unique name (file name up to the info part).
        public var unique: String
        /// Path relative to the Maildir root: `INBOX/cur/NAME:2,S`, `.Sub/new/NAME`.
        public var path: String
        /// The Message-ID header, angle brackets kept; null when absent.
        public var messageID: String?
        /// The Maildir root, absolute, as configured (added in schema 1 by tagger 15; absent from
        /// sidecars written earlier until they are next written).
        public var root: String?
        /// The message file's absolute path when the sidecar was written: ``root`` joined with the
        /// file's path on disk (`cur/NAME` for the root folder, whose ``path`` says `INBOX/cur/NAME`).
        public var file: String?

        public init(unique: String, path: String, messageID: String?, root: String? = nil, file: String? = nil) {
            self.unique = unique
            self.path = path
            self.messageID = messageID
            self.root = root
            self.file = file
        }

        enum CodingKeys: String, CodingKey {
            case unique, path, root, file
            case messageID = "message_id"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(unique, forKey: .unique)
            try c.encode(path, forKey: .path)
            try c.encode(messageID, forKey: .messageID)   // explicit null, as the schema says
            try c.encodeIfPresent(root, forKey: .root)
            try c.encodeIfPresent(file, forKey: .file)
        }
    }

    /// The user's corrections: never overwritten by a retag.
    public struct User: Codable, Sendable, Equatable {
        public var add: [String]
        public var remove: [String]
        public init(add: [String] = [], remove: [String] = []) {
            self.add = add
            self.remove = remove
        }
    }

    /// The model that scored the message.
    public struct ModelRef: Codable, Sendable, Equatable {
        public var id: String
        public var trainedAt: String
        public init(id: String, trainedAt: String) {
            self.id = id
            self.trainedAt = trainedAt
        }
        enum CodingKeys: String, CodingKey {
            case id
            case trainedAt = "trained_at"
        }
    }

    /// Always 1.
    public var schema: Int = 1
    public var message: Message
    /// Model tags ∪ `user.add` − `user.remove`, sorted.
    public var tags: [String]
    public var scores: [String: Double]
    public var thresholds: [String: Double]
    public var abstained: [String]
    public var user: User
    public var model: ModelRef
    /// ISO-8601 UTC time of the last scoring.
    public var taggedAt: String
    /// Present when the message could not be read or parsed.
    public var error: String?
    /// Limits hit while reading the message (extra key; omitted when empty).
    public var warnings: [String]?

    enum CodingKeys: String, CodingKey {
        case schema, message, tags, scores, thresholds, abstained, user, model, error, warnings
        case taggedAt = "tagged_at"
    }

    public init(
        message: Message, modelTags: [String], scores: [String: Double], thresholds: [String: Double],
        abstained: [String], user: User, model: ModelRef, taggedAt: String, error: String? = nil,
        warnings: [String]? = nil
    ) {
        self.message = message
        self.tags = Sidecar.applying(user: user, to: modelTags)
        self.scores = scores
        self.thresholds = thresholds
        self.abstained = abstained
        self.user = user
        self.model = model
        self.taggedAt = taggedAt
        self.error = error
        self.warnings = (warnings?.isEmpty ?? true) ? nil : warnings
    }

    /// `tags` from the model's tags and the user's corrections: `add` always in, `remove`
    /// always out (remove wins if a label is in both), sorted, no duplicates.
    public static func applying(user: User, to modelTags: [String]) -> [String] {
        var set = Set(modelTags).union(user.add)
        set.subtract(user.remove)
        return set.sorted()
    }
}

extension Sidecar {
    /// The model's own tags (before the user's corrections): scores that passed their threshold,
    /// abstaining labels left out.
    public var modelTags: [String] {
        scores.filter { label, score in
            guard let t = thresholds[label] else { return false }
            return score >= t && !abstained.contains(label)
        }.map(\.key).sorted()
    }
}
