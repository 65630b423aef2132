import Testing
@testable import TaggerBench

@Suite struct BogofilterAnchorTests {
    /// The speed anchor learns spam from spam folders only: the corpus folder's own name
    /// (`spamassassin`) must not make every message spam, which left bogofilter without ham.
    @Test func spamIsWhatLiesBelowASpamFolder() {
        #expect(BogofilterAnchor.isSpam("corpora/spamassassin/spam/0001.abc"))
        #expect(BogofilterAnchor.isSpam("corpora/spamassassin/spam_2/0001.abc"))
        #expect(BogofilterAnchor.isSpam("/m/Spam-2024/cur/1:2,S"))
        #expect(!BogofilterAnchor.isSpam("corpora/spamassassin/easy_ham/0001.abc"))
        #expect(!BogofilterAnchor.isSpam("corpora/spamassassin/hard_ham/spam"))
        #expect(!BogofilterAnchor.isSpam("/home/u/Maildir/cur/spam_report"))
    }
}
