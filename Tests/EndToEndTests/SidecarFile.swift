import Foundation

/// A sidecar as a reader outside tagger sees it (README "Where the sidecar of a message lives"),
/// decoded with this suite's own types so the tests check the published contract.
struct SidecarFile: Decodable, Equatable {
    struct Message: Decodable, Equatable {
        var unique: String
        var path: String
        var message_id: String?
    }
    struct User: Decodable, Equatable {
        var add: [String]
        var remove: [String]
    }
    struct ModelInfo: Decodable, Equatable {
        var id: String
        var trained_at: String
    }

    var schema: Int
    var message: Message
    var tags: [String]
    var scores: [String: Double]
    var thresholds: [String: Double]
    var abstained: [String]
    var user: User?
    var model: ModelInfo
    var tagged_at: String

    /// Reads and decodes the file; nil when it is missing or not a complete sidecar.
    static func read(_ path: String) -> SidecarFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(SidecarFile.self, from: data)
    }

    /// The same sidecar with `message.path` blanked (what a flag rename may change).
    var ignoringPath: SidecarFile {
        var s = self
        s.message.path = ""
        return s
    }
}

/// One line of `tagger tag`.
struct TagLine: Decodable {
    var path: String
    var tags: [String]
    var scores: [String: Double]
    var abstained: [String]
}
