import Foundation
import Features
import Model
import TaggerConfig
import TaggerCore
import TaggerMaildir
import TaggerState
import TaggerSystem

/// One message argument of `tag`, `features` or `explain`, resolved.
enum MessageInput {
    /// A message file.
    case file(String)
    /// `-`: the message on standard input.
    case standardInput
    /// An argument that names no message, with the reason.
    case unresolved(String, any Error)
}

/// Resolves message arguments the same way in every command: `-` is standard input (once);
/// existing paths are files (folders are walked); anything else is a unique name or a
/// Message-ID (with or without angle brackets) looked up in the configured Maildirs, every copy
/// of it included.
func messageInputs(_ arguments: [String], state: StateOptions) -> [MessageInput] {
    var out: [MessageInput] = []
    var reference: MessageReference?
    for arg in arguments {
        if arg == "-" { out.append(.standardInput); continue }
        if FileManager.default.fileExists(atPath: arg) {
            out += MessageFile.expand([arg]).map(MessageInput.file)
            continue
        }
        do {
            if reference == nil { reference = MessageReference(config: try state.resolve()) }
            out += try reference!.locateAll(arg).map { .file($0.path) }
        } catch let e as TaggerError {
            // Not a known message either: reading it as a path says what is wrong with it.
            if case .notFound = e, !arg.contains("@"), arg.contains("/") {
                out.append(.file(arg))
            } else {
                out.append(.unresolved(arg, e))
            }
        } catch {
            out.append(.unresolved(arg, error))
        }
    }
    return out
}

extension Pipeline {
    /// The message on standard input, checked as a file would be (not binary, not empty).
    func standardInputDocument() throws -> Document {
        let bytes = try MessageReference.readStandardInput()
        if let why = MessageFile.notMailReason(bytes) { throw TaggerError.io(path: "-", reason: why) }
        return document(bytes: bytes)
    }
}
