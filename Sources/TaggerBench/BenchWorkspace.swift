import Foundation
import Glibc

/// The temporary Maildir (`Maildir`, its INBOX) and state directory a daemon benchmark runs the
/// real `tagger run` on, removed by the benchmark when it ends.
struct BenchWorkspace {
    let work: String
    let maildir: String
    let state: String
    /// Where the INBOX's sidecars appear (the benchmarks time them with inotify).
    let sidecarDir: String

    /// Paths under the temporary folder `tagger-NAME-bench-PID`; nothing is created yet.
    init(name: String) {
        work = NSTemporaryDirectory() + "tagger-\(name)-bench-\(getpid())"
        maildir = work + "/Maildir"
        state = work + "/state"
        sidecarDir = state + "/sidecars/Maildir/INBOX"
    }

    /// Creates the INBOX (`cur`, `new`, `tmp`) and the sidecar folder, the state directory private
    /// (mode 0700) as tagger expects it.
    func create() throws {
        let fm = FileManager.default
        for d in ["cur", "new", "tmp"] {
            try fm.createDirectory(atPath: maildir + "/" + d, withIntermediateDirectories: true)
        }
        try fm.createDirectory(atPath: sidecarDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(state, 0o700); chmod(state + "/sidecars", 0o700); chmod(state + "/sidecars/Maildir", 0o700)
    }

    func remove() { try? FileManager.default.removeItem(atPath: work) }
}
