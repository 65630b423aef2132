import ArgumentParser
import Foundation
import Features
import MIME
import Model
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// The JSON object `tagger features --json` prints per message (README "`tagger features --json`").
/// Absent values are written as explicit `null`s so readers can rely on every key.
struct FeaturesJSON: Encodable {
    var path: String
    var document: Document
    var features: [NamedFeature]

    /// Text printed per part at most (a message may decompress to 64 MiB of text, which printed
    /// as JSON took 201 MB and 631 MB RSS). A longer text is cut at a character boundary and a
    /// warning says so; what tagger reads is not cut.
    static let maxPrintedText = 256 << 10
    /// Features printed at most (the first ones, in the featuriser's order); ordinary mail has
    /// some hundreds to a few thousands.
    static let maxPrintedFeatures = 20_000

    init(path: String, document: Document, features: [NamedFeature]) {
        self.path = path
        var document = document
        for i in document.parts.indices {
            guard let text = document.parts[i].text, text.utf8.count > Self.maxPrintedText else { continue }
            let utf8 = text.utf8
            var end = utf8.index(utf8.startIndex, offsetBy: Self.maxPrintedText)
            while end > utf8.startIndex, UTF8.isContinuation(utf8[end]) { end = utf8.index(before: end) }
            document.parts[i].text = String(text[..<end])
            document.warnings.append("output.text: part \(i + 1) text printed to \(utf8.distance(from: utf8.startIndex, to: end)) of \(utf8.count) bytes")
        }
        if features.count > Self.maxPrintedFeatures {
            document.warnings.append("output.features: \(Self.maxPrintedFeatures) of \(features.count) features printed")
        }
        self.document = document
        self.features = Array(features.prefix(Self.maxPrintedFeatures))
    }

    enum Keys: String, CodingKey { case path, headers, parts, features, warnings, link_hosts, compressed }
    enum HeaderKeys: String, CodingKey {
        case subject, from, to, cc, date, message_id, in_reply_to, list_id, precedence, reply_to
    }
    enum PartKeys: String, CodingKey { case type, charset, filename, disposition, text, is_body, byte_count }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(path, forKey: .path)
        var h = c.nestedContainer(keyedBy: HeaderKeys.self, forKey: .headers)
        let d = document.headers
        try h.encode(d.subject, forKey: .subject)
        try h.encode(d.from, forKey: .from)
        try h.encode(d.to, forKey: .to)
        try h.encode(d.cc, forKey: .cc)
        try h.encode(d.date, forKey: .date)
        try h.encode(d.messageID, forKey: .message_id)
        try h.encode(d.inReplyTo, forKey: .in_reply_to)
        try h.encode(d.listID, forKey: .list_id)
        try h.encode(d.precedence, forKey: .precedence)
        try h.encode(d.replyTo, forKey: .reply_to)
        var parts = c.nestedUnkeyedContainer(forKey: .parts)
        for part in document.parts {
            var p = parts.nestedContainer(keyedBy: PartKeys.self)
            try p.encode(part.type, forKey: .type)
            try p.encode(part.charset, forKey: .charset)
            try p.encode(part.filename, forKey: .filename)
            try p.encode(part.disposition, forKey: .disposition)
            try p.encode(part.text, forKey: .text)
            try p.encode(part.isBody, forKey: .is_body)
            try p.encode(part.byteCount, forKey: .byte_count)
        }
        try c.encode(document.linkHosts, forKey: .link_hosts)
        try c.encode(features, forKey: .features)
        try c.encode(document.warnings, forKey: .warnings)
    }
}

struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Shows what tagger reads in a message: decoded headers, the leaf parts with their text, the features, and warnings.",
        discussion: "With --json: one JSON object per line per message. A file that cannot be read (missing, a folder, empty, binary) is one line on stderr; the other files go on; the exit status is then 1.")

    @Argument(help: "Message files (folders are walked), maildir unique names, Message-IDs, or - (standard input).")
    var files: [String]
    @OptionGroup var state: StateOptions
    @Flag(help: "One JSON object per message per line.")
    var json = false

    func run() throws {
        var pipeline = try failing { try Pipeline() }
        var failed = 0
        var out = FileHandleOutput()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for input in messageInputs(files, state: state) {
            let path: String
            do {
                let doc: Document
                switch input {
                case .file(let p): path = p; doc = try pipeline.document(path: p)
                case .standardInput: path = "-"; doc = try pipeline.standardInputDocument()
                case .unresolved(_, let error): throw error
                }
                let (_, names) = pipeline.namedVector(doc)
                if json {
                    out.write(try encoder.encode(FeaturesJSON(path: path, document: doc, features: names)))
                } else {
                    out.write(render(path: path, doc, names))
                }
            } catch {
                failed += 1
                out.flush()
                printError("\(error)")
            }
        }
        out.flush()
        if failed > 0 { throw ExitCode.failure }
    }

    private func render(path: String, _ doc: Document, _ names: [NamedFeature]) -> String {
        var lines = ["== \(path)"]
        let h = doc.headers
        for (k, v) in [("Subject", h.subject), ("From", h.from), ("To", h.to), ("Date", h.date), ("Message-ID", h.messageID)] {
            lines.append("\(k): \(v ?? "-")")
        }
        for (i, part) in doc.parts.enumerated() {
            var head = "part \(i + 1): \(part.type)"
            if let c = part.charset { head += " charset=\(c)" }
            if let f = part.filename { head += " filename=\(f)" }
            if !part.isBody && part.text != nil { head += " (alternative, not read as body)" }
            lines.append(head)
            if let text = part.text {
                let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
                lines.append("  " + (flat.count > 300 ? String(flat.prefix(300)) + "…" : flat))
            }
        }
        if !doc.linkHosts.isEmpty { lines.append("link hosts: " + doc.linkHosts.joined(separator: ", ")) }
        let top = names.sorted { abs($0.weight) > abs($1.weight) }.prefix(25)
        lines.append("features: \(names.count) (top by weight: " + top.map { String(format: "%@ %.3f", $0.name, $0.weight) }.joined(separator: ", ") + ")")
        for w in doc.warnings { lines.append("warning: \(w)") }
        return lines.joined(separator: "\n")
    }
}
