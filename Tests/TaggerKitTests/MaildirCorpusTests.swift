import Foundation
import Testing
@testable import TaggerDaemon
@testable import TaggerMaildir
@testable import TaggerState
@testable import TaggerSystem

/// `../shared/corpora` beside the repository (or `$TAGGER_CORPORA`).
private let corpora: String = ProcessInfo.processInfo.environment["TAGGER_CORPORA"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/corpora").standardizedFileURL.path

private let notmuchDefault = corpora + "/notmuch-test-corpora/default"

/// Real Maildirs from notmuch's test suite (nested "verbatim" layout, read-only here).
/// Skipped when the shared corpora are absent (a fresh clone).
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: notmuchDefault),
                             "needs ../shared/corpora/notmuch-test-corpora (or TAGGER_CORPORA)"))
struct MaildirCorpusTests {
    @Test func enumeratesNotmuchsNestedMaildir() throws {
        let scanner = MaildirScanner(root: notmuchDefault)
        let s = try scanner.structure()
        #expect(Set(s.folders.map(\.relativePath)) == ["", "bar", "bar/baz", "foo", "foo/baz"])
        let messages = try s.folders.flatMap { try scanner.messages(in: $0) }
        #expect(messages.count == 43)
        #expect(Set(messages.map(\.unique)).count == messages.count)
        #expect(messages.allSatisfy { $0.subdirectory == "cur" || $0.subdirectory == "new" })
    }

    @Test func daemonTagsEveryMessageOfTheCorpus() async throws {
        let t = try TempDir()
        defer { t.cleanup() }
        let state = t.path + "/state"
        try FakeLoader.writeModel(state, id: "corpus-model")
        let daemon = Daemon(config: Fixture.config(maildir: notmuchDefault, state: state), loader: FakeLoader(),
                            logger: LogCapture().logger(), notifier: SystemdNotifier(environment: [:]))
        let (stream, cont) = AsyncStream<DaemonTrigger>.makeStream()
        let task = Task { try await daemon.run(triggers: stream) }
        let store = SidecarStore(layout: SidecarLayout(stateDirectory: state))
        #expect(await Fixture.waitUntil { store.keys(maildirName: "default").count == 43 })
        cont.yield(.stop)
        try await task.value
        #expect(store.keys(maildirName: "default").contains("bar/baz/25"))
        #expect(!store.keys(maildirName: "default").contains("bar/baz/05"), "a loose file outside cur/ and new/ is not a message")
        #expect(daemon.status?.errors == 0)
    }
}
