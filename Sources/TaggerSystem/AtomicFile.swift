/// Whole-file replacement by path, for files outside the state directory's secure tree (the
/// model file and its candidates). The one atomic-write implementation is
/// ``SecureDirectory/writeAtomically(_:bytes:syncDirectory:)``: this opens the file's folder and
/// hands over to it.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically: a temporary file in the same folder (mode 0600),
    /// written fully, fsynced, renamed over `path`, then the folder fsynced. Readers see the old
    /// file or the new one, never a mix; a failure leaves no temporary file behind.
    /// - Throws: `SystemError` naming the step that failed.
    public static func write(_ bytes: [UInt8], to path: String) throws(SystemError) {
        let (folder, name) = split(path)
        try SecureDirectory.open(base: folder, components: [], create: false)
            .writeAtomically(name, bytes: bytes, syncDirectory: true)
    }

    /// The folder and file name of `path` (`.` for a bare name).
    public static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }
}
