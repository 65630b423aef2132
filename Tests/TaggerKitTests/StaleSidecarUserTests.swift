#if os(Linux)
import Testing
@testable import TaggerDaemon
@testable import TaggerState

/// Which `user` a rescored sidecar keeps (MessageTagger.user): the journal wins over a state
/// it has left behind; a state it never had (a hand edit) stays; a stale fold is re-read first.
@Suite struct StaleSidecarUserTests {
    func labels(_ add: [String], past: [[String]]) -> UserLabels {
        var u = UserLabels()
        u.add = Set(add)
        for p in past { u.past.insert(UserLabels.key(add: p, remove: [])) }
        return u
    }

    @Test func aSidecarBehindTheJournalTakesTheJournalsState() {
        let standing = labels(["a", "b"], past: [["a"], ["a", "b"]])
        let user = MessageTagger.user(old: .init(add: ["a"]), standing: { standing }, refresh: {})
        #expect(user == .init(add: ["a", "b"]))
    }

    @Test func aHandEditTheJournalNeverHadIsKept() {
        let standing = labels(["a"], past: [["a"]])
        var refreshed = false
        let user = MessageTagger.user(old: .init(add: ["z"]), standing: { standing }, refresh: { refreshed = true })
        #expect(user == .init(add: ["z"]))
        #expect(!refreshed)
    }

    /// `tagger label MSG =` journals and writes {} while the daemon's fold still says {a}:
    /// the re-read fold knows the reset, so the sidecar's {} stays.
    @Test func aStaleFoldIsReadAgainBeforeItOverridesTheSidecar() {
        var fold = labels(["a"], past: [["a"]])
        let user = MessageTagger.user(old: .init(), standing: { fold }, refresh: { fold = labels([], past: [["a"], []]) })
        #expect(user == .init())
    }
}
#endif
