import TaggerSystem

/// The model file's reads and writes, through TaggerSystem's one file layer, with system errors
/// turned into ``ModelFileError``s that name the file.
enum ModelFileIO {
    /// Reads a whole file of at most `limit` bytes.
    /// - Throws: `ModelFileError.unreadable` on any failure, including a file over the limit.
    static func read(_ path: String, limit: Int) throws(ModelFileError) -> [UInt8] {
        let file: FileIO.OpenFile
        do throws(SystemError) { file = try FileIO.openForReading(path) } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        guard file.isRegular else { throw .unreadable(path: path, reason: "\(FileIO.kindName(file.info.st_mode)), not a regular file") }
        guard file.size <= limit else {
            throw .unreadable(path: path, reason: "file is \(file.size) bytes, over the \(limit)-byte limit")
        }
        do throws(SystemError) { return try file.read(count: file.size) } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
    }

    /// Writes `bytes` to `path` atomically (see `AtomicFile.write`).
    /// - Throws: `ModelFileError.unwritable` naming the step that failed.
    static func write(_ bytes: [UInt8], to path: String) throws(ModelFileError) {
        do throws(SystemError) {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw .unwritable(path: path, reason: error.reason)
        }
    }
}
