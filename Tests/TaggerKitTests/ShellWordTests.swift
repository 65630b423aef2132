import Testing
@testable import TaggerSystem

/// Commands tagger prints for the user to paste, and scripts it writes, survive the shell.
struct ShellWordTests {
    @Test func plainWordsStayAsTheyAreOthersAreQuoted() {
        #expect(ShellWord.quoted("/home/u/Maildir") == "/home/u/Maildir")
        #expect(ShellWord.quoted("1732600001.M1P42.host,S=120") == "1732600001.M1P42.host,S=120")
        #expect(ShellWord.quoted("+finance") == "+finance")
        #expect(ShellWord.quoted("<abc@example.org>") == "'<abc@example.org>'")
        #expect(ShellWord.quoted("my mail") == "'my mail'")
        #expect(ShellWord.quoted("it's $HOME") == "'it'\\''s $HOME'")
        #expect(ShellWord.quoted("") == "''")
    }
}
