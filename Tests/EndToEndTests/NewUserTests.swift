import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension EndToEnd {
    /// What a new user with an mbsync/notmuch/mutt Maildir meets first.
    @Suite("New user: a Maildir reached through a symbolic link")
    struct NewUserTests {
        @Test("~/Maildir as a symbolic link to the real Maildir: mail delivered to INBOX is tagged at once, no watch warning")
        func symlinkedRootIsWatched() async throws {
            let ws = try Workspace(samples: false)
            let real = ws.root + "/mail-on-other-disk"
            #expect(rename(ws.maildir, real) == 0)
            #expect(symlink(real, ws.maildir) == 0)
            // A reconcile interval of an hour: only inotify can find the delivery in time.
            let daemon = try await DaemonProcess(ws, reconcile: "1h")
            let d = try ws.deliverSample(1)
            let tagged = await eventually(timeout: 30) { ws.sidecar(d.unique) != nil }
            #expect(tagged, "INBOX delivery not tagged through a symlinked root: \(daemon.log)")
            #expect(!daemon.log.contains("inotify_add_watch failed"), "\(daemon.log)")
            #expect(daemon.terminate()?.status == 0)
        }
    }
}
