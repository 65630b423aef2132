import Foundation
import TaggerSystem
#if canImport(Glibc)
import Glibc
#endif
import TaggerMaildir

/// The append-only corrections journal (JSON Lines, fsynced on every append).
///
/// The journal, not the sidecars, is the source of truth for what the user said. A crash in the
/// middle of an append leaves a torn last line: reading skips it with a warning, and the next
/// append starts on a fresh line, so nothing before it is ever lost.
public struct Journal: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// Appends `corrections` and fsyncs before returning: durable once this returns (only
    /// `TagStore` appends).
    /// - Throws: `TaggerError.journal` naming the file when it cannot be opened or written.
    func append(_ corrections: [Correction]) throws(TaggerError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var payload: [UInt8] = []
        for c in corrections {
            guard let data = try? encoder.encode(c) else {
                throw .journal(path: path, reason: "cannot encode correction")
            }
            payload.append(contentsOf: data)
            payload.append(0x0A)
        }
        // Read-write: the torn-line check below preads the last byte (a write-only fd cannot).
        do throws(SystemError) {
            let fd = try Syscall.call("open", path: path) { open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600) }
            defer { close(fd) }
            // A torn last line (crash mid-append) must not swallow the next record.
            var st = stat()
            if fstat(fd, &st) == 0, st.st_size > 0 {
                var last: UInt8 = 0
                if pread(fd, &last, 1, st.st_size - 1) == 1, last != 0x0A { payload.insert(0x0A, at: 0) }
            }
            try FileIO.writeAll(fd, payload, path: path)
            try FileIO.sync(fd, path: path)
        } catch {
            throw .journal(path: path, reason: Self.reason(error))
        }
    }

    /// The journal's wording of a failed step (`cannot open: ...`, `write failed: ...`).
    private static func reason(_ error: SystemError) -> String {
        switch error.operation {
        case "open": "cannot open: \(error.systemMessage)"
        default: "\(error.operation) failed: \(error.systemMessage)"
        }
    }

    /// Everything in the journal, in order, with a warning for every line that could not be read
    /// (a torn last line, or damage in the middle). A missing journal is empty.
    /// - Throws: `TaggerError.journal` when the file exists but cannot be read, or is not a
    ///   regular file (a FIFO, a symbolic link: neither is opened for reading).
    public func read() throws(TaggerError) -> (records: [(line: Int, correction: Correction)], warnings: [String]) {
        // Not blocking on a FIFO, not following a link planted at the journal's path.
        let data: [UInt8]
        do throws(SystemError) {
            data = try FileIO.readRegularFile(path, followLink: false, limit: Int.max).bytes
        } catch where error.isNotFound && error.operation == "open" {
            return ([], [])
        } catch {
            throw .journal(path: path, reason: "cannot read: \(error.reason)")
        }
        return Self.parse(data, path: path)
    }

    /// The records of journal bytes, with a warning for every line that cannot be read; `path`
    /// only names the file in warnings. Never fails (the fuzz target feeds it anything).
    static func parse(_ data: [UInt8], path: String) -> (records: [(line: Int, correction: Correction)], warnings: [String]) {
        let decoder = JSONDecoder()
        var records: [(Int, Correction)] = []
        var warnings: [String] = []
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        let endsClean = data.last == 0x0A
        for (i, line) in lines.enumerated() where !line.isEmpty {
            let lineNo = i + 1
            if let c = try? decoder.decode(Correction.self, from: Data(line)) {
                records.append((lineNo, c))
            } else if i == lines.count - 1 && !endsClean {
                warnings.append("\(path):\(lineNo): skipped a torn last line (an interrupted write)")
            } else {
                warnings.append("\(path):\(lineNo): skipped an unreadable line")
            }
        }
        return (records, warnings)
    }

    /// The fold of the journal: the user's standing labels per message, keyed by message key
    /// (`CorrectionIndex` re-associates moved messages by Message-ID and digest).
    public func fold() throws(TaggerError) -> (index: CorrectionIndex, warnings: [String]) {
        let (records, warnings) = try read()
        return (CorrectionIndex(folding: records), warnings)
    }
}

/// The user's labels per message, findable by unique name, Message-ID or content digest.
public struct CorrectionIndex: Sendable {
    public private(set) var messages: [UserLabels] = []
    private var byUnique: [String: Int] = [:]
    private var byMessageID: [String: Int] = [:]
    private var byDigest: [String: Int] = [:]
    /// How many journal records were folded in.
    public private(set) var recordCount = 0

    public init() {}

    /// The fold of `records` (journal order): the one place the journal becomes per-message state.
    public init(folding records: [(line: Int, correction: Correction)]) {
        for (line, c) in records { apply(c, line: line) }
    }

    /// Index of the message a correction is about: same unique name, else same Message-ID,
    /// else same digest.
    func slot(unique: String?, messageID: String?, digest: String?) -> Int? {
        if let u = unique, let i = byUnique[u] { return i }
        if let m = messageID, let i = byMessageID[m] { return i }
        if let d = digest, let i = byDigest[d] { return i }
        return nil
    }

    mutating func apply(_ c: Correction, line: Int) {
        let i: Int
        if let found = slot(unique: c.unique, messageID: c.messageID, digest: c.digest) {
            i = found
        } else {
            messages.append(UserLabels())
            i = messages.count - 1
        }
        messages[i].apply(c, line: line)
        recordCount += 1
        if let u = c.unique { byUnique[u] = i }
        if let m = c.messageID { byMessageID[m] = i }
        if let d = c.digest { byDigest[d] = i }
    }

    /// The user's labels for a message, if the user ever corrected it.
    public func lookup(unique: String?, messageID: String?, digest: String?) -> UserLabels? {
        slot(unique: unique, messageID: messageID, digest: digest).map { messages[$0] }
    }

    /// Messages with a standing correction (undone ones left out), oldest correction first.
    public var corrected: [UserLabels] {
        messages.filter { !$0.isEmpty }.sorted { $0.line < $1.line }
    }
}
