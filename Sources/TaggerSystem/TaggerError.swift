import Foundation

/// Errors of tagger's commands: each names the file (and line) it is about and says why.
public enum TaggerError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// A labels manifest line is wrong.
    case manifest(path: String, line: Int, reason: String)
    /// A model file is unusable.
    case model(path: String, reason: String)
    /// A configuration file is wrong.
    case config(path: String, reason: String)
    /// The corrections journal is unusable.
    case journal(path: String, reason: String)
    /// Bad usage that the argument parser cannot catch.
    case usage(String)
    /// Something was asked of a message that is not known.
    case notFound(String)
    /// Another process holds the lock (e.g. a second `tagger retrain`).
    case busy(path: String)

    public var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        case .manifest(let path, let line, let reason): return "\(path):\(line): \(reason)"
        case .model(let path, let reason): return "\(path): \(reason)"
        case .config(let path, let reason): return "\(path): \(reason)"
        case .journal(let path, let reason): return "\(path): \(reason)"
        case .usage(let message): return message
        case .notFound(let what): return what
        case .busy(let path): return "\(path): another tagger process holds this lock (a retrain is running); try again later or pass --wait"
        }
    }
}

/// A short human description of a Foundation/POSIX error (no "Error Domain=..." noise).
public func describe(_ error: any Error) -> String {
    if let e = error as? CocoaError, let underlying = e.userInfo[NSUnderlyingErrorKey] as? NSError,
       underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    if let e = error as? CocoaError {
        switch e.code {
        case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
        case .fileReadNoPermission: return "permission denied"
        default: break
        }
    }
    return "\(error.localizedDescription)"
}
