import Testing
@testable import TaggerMaildir

@Suite struct MaildirNameTests {
    @Test(arguments: [
        ("1732611111.M1P2.host:2,S", "1732611111.M1P2.host"),
        ("1732611111.M1P2.host:2,", "1732611111.M1P2.host"),
        ("1732611111.M1P2.host", "1732611111.M1P2.host"),
        ("1732611111.M1P2.host,S=1234,W=1300:2,RS", "1732611111.M1P2.host,S=1234,W=1300"),
        ("1732611111.M1P2.host!2,S", "1732611111.M1P2.host"),
        ("a:b:2,S", "a"),
    ])
    func uniqueNameStopsAtInfoPart(file: String, unique: String) {
        #expect(MaildirName.unique(ofFile: file) == unique)
    }

    @Test func flagChangesKeepTheUniqueName() {
        #expect(MaildirName.unique(ofFile: "x.y.z:2,") == MaildirName.unique(ofFile: "x.y.z:2,FRS"))
    }

    @Test(arguments: [".hidden", "dovecot-uidlist", "dovecot.index.log", "maildirfolder", ":2,S", ""])
    func nonMessagesAreIgnored(name: String) {
        #expect(MaildirName.isIgnored(fileName: name))
    }

    @Test func messagesAreNotIgnored() {
        #expect(!MaildirName.isIgnored(fileName: "1732611111.M1P2.host:2,S"))
    }
}
