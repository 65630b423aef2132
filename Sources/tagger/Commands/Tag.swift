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

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Scores messages and prints one JSON object per line: path, tags, scores, abstained. Writes nothing.",
        discussion: "MSG may be a message file, a folder (walked recursively, skipping dot-files and tmp/), a maildir unique name or a Message-ID (with or without <>; every copy), or - for standard input. A message that cannot be read is reported on stderr; the others go on; the exit status is then 1.")

    @Argument(help: "Message files, folders, unique names, Message-IDs, or - (standard input).")
    var files: [String]
    @OptionGroup var state: StateOptions
    @Flag(help: "Include parser warnings in the output.")
    var warnings = false

    func run() throws {
        var (model, pipeline) = try failing {
            let config = try state.resolve()
            return try loadModel(config.modelPath)
        }
        var failed = 0
        var out = FileHandleOutput()
        for input in messageInputs(files, state: state) {
            let path: String
            do {
                let doc: Document
                switch input {
                case .file(let p): path = p; doc = try pipeline.document(path: p)
                case .standardInput: path = "-"; doc = try pipeline.standardInputDocument()
                case .unresolved(_, let error): throw error
                }
                let p = model.predict(pipeline.vector(doc))
                let line = TagLine(path: path, prediction: p, warnings: warnings ? doc.warnings : nil)
                out.write(try line.json())
            } catch {
                failed += 1
                printError("\(error)")
            }
        }
        out.flush()
        if failed > 0 { throw ExitCode.failure }
    }
}

/// Buffered standard output for JSON lines (one write per 64 KiB, not per line).
struct FileHandleOutput {
    private var buffer: [UInt8] = []
    mutating func write<Bytes: Sequence<UInt8>>(_ data: Bytes) {
        buffer.append(contentsOf: data)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }
    mutating func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { flush() }
    }
    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
