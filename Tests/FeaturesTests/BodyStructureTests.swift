import Foundation
import MIME
import Testing
@testable import Features

@Suite struct BodyStructureTests {
    private func structure(_ text: String) -> BodyStructure {
        var text = text
        return text.withUTF8 { BodyStructure($0) }
    }

    /// The writer's lines, joined.
    private func own(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return structure(text).own.map { String(decoding: bytes[$0], as: UTF8.self) }.joined(separator: "\n")
    }

    @Test func plainTextIsAllOwn() {
        let text = "Hi Bob,\nthe meeting moved to 3pm. From now on we meet on Fridays.\n"
        let s = structure(text)
        #expect(own(text) + "\n" == text)
        #expect(s.forwardStart == text.utf8.count)
        #expect(s.markers == 0)
        #expect(s.quotedLines == 0)
    }

    @Test(arguments: [
        "Sounds good.\n\n-----Original Message-----\nFrom: Ann\nSent: Monday\n\nCan we meet?\n",
        "Sounds good.\n---------------------- Forwarded by Steven J Kean/NA/Enron on 05/10/2001\n",
        "Sounds good.\n\n---------- Forwarded message ---------\nFrom: Ann <ann@example.org>\n",
        "Sounds good.\nBegin forwarded message:\n\nFrom: Ann\n",
        "Sounds good.\nOn Tue, 3 May 2005, Ann Smith <ann@example.org> wrote:\n> Can we meet?\n",
        "Sounds good.\n  > Can we meet?\n",
        "Sounds good.\r\n\r\nFROM: Ann\r\nTo: Bob\r\n",
        "Sounds good.\n\t\t-----Reply Separator-----\n",
    ])
    func includedMailStartsAtItsFirstLine(text: String) {
        #expect(own(text).trimmingCharacters(in: .whitespacesAndNewlines) == "Sounds good.")
    }

    @Test func markersAndQuotedLinesAreCountedUntilAForward() {
        let text = """
        Yes.
        Ann wrote:
        > one
        > two
        Bob
        -----Original Message-----
        From: Ann <ann@example.org>
        > three
        Carl wrote:
        """
        let s = structure(text)
        #expect(s.markers == 2)
        #expect(s.quotedLines == 2)
        #expect(own(text) == "Yes.\nBob")
        #expect(Array(text.utf8)[s.forwardStart...].starts(with: Array("-----Original".utf8)))
    }

    @Test func bottomPostedAndInlineRepliesAreTheWritersToo() {
        #expect(own("> can we meet?\n\nYes, Friday at 3.\n").trimmingCharacters(in: .whitespacesAndNewlines)
                == "Yes, Friday at 3.")
        let inline = "Ann wrote:\n> Friday?\nFine.\n> And the budget?\nSent it today.\n"
        #expect(own(inline) == "Fine.\nSent it today.")
        #expect(structure(inline).quotedLines == 2)
        #expect(structure(inline).forwardStart == inline.utf8.count)
    }

    @Test func lotusNotesHeaderBlocksStartAForwardWithTheirSenderAndDate() {
        let text = """
        Steve,
        see below.

        Christopher F Calger@ECT
        08/24/2000 06:04 PM
        To: Steven J Kean/NA/Enron@Enron
        cc:

        Subject: SDG&E

        The RFP is out.
        """
        #expect(own(text).trimmingCharacters(in: .whitespacesAndNewlines) == "Steve,\nsee below.")
        let memo = "To:WILLIAMS, WILLIAM\nEmail:bwillia5@enron.com - 503-464-3730\n\nFrom:  Mark Frevert, Chairman\nThe policy changed.\n"
        #expect(own(memo) + "\n" == memo)
    }

    @Test func wordsThatOnlyLookLikeMarkersAreOwnText() {
        for text in ["I forwarded it to you yesterday.\n", "The original message was lost.\n",
                     "He never wrote: it was her.\n", "Tell me where it came from: Paris?\n",
                     "-- \nBob, who forwarded nothing\n",
                     "Hi Ann,\n\n- I forwarded your note to Bob yesterday\n- budget attached\n",
                     "Hi Ann,\nFrom: now on, we meet Fridays.\nJohn\n",
                     "Hi Ann,\n>From what I heard the deal is off.\nJohn\n",
                     "Here it is.\n--- end forwarded text\nBob\n"] {
            #expect(structure(text).forwardStart == text.utf8.count, "\(text)")
            #expect(structure(text).quotedLines == 0 && structure(text).markers == 0, "\(text)")
        }
    }

    @Test func pastedHeadersWithoutAnAddressNeedAHeaderLineAfterThem() {
        let text = "Fine.\n\nFrom: Ann Smith\nSent: Monday, May 2, 2005 9:12 AM\nTo: Bob\n\nCan we meet?\n"
        #expect(own(text).trimmingCharacters(in: .whitespacesAndNewlines) == "Fine.")
        #expect(structure(text).markers == 1)
        let withAddress = "Fine.\nFrom: Ann Smith [mailto:ann@example.org]\n\nCan we meet?\n"
        #expect(own(withAddress) == "Fine.")
    }

    @Test func anAttributionWrappedBeforeWroteStartsAtItsFirstHalf() {
        let text = "Sounds good.\n\nOn Tue, May 3, 2005 at 10:00 AM, Ann Smith <ann@example.org>\nwrote:\n> Can we meet?\n"
        #expect(own(text).trimmingCharacters(in: .whitespacesAndNewlines) == "Sounds good.")
    }

    @Test func forwardWithNothingAddedHasNoOwnText() {
        let text = "---------------------- Forwarded by Jeff Dasovich/NA/Enron on 05/10/2001 09:28 AM\n\nThe filing is due.\n"
        #expect(structure(text).forwardStart == 0)
        #expect(structure(text).own.isEmpty)
    }

    /// Feature names of a message whose body parts hold `bodies`.
    private func names(_ bodies: String...) throws -> Set<String> {
        var f = try Featurizer()
        let doc = Document(headers: DocumentHeaders(subject: "x"),
                           parts: bodies.map { DocumentPart(type: "text/plain", text: $0) })
        return Set(f.featurizeNamed(doc).1.map(\.name))
    }

    @Test func ownWordsOfAReplyAreFeaturesOfTheirOwn() throws {
        let reply = try names("Agreed, ship it.\n\n-----Original Message-----\nFrom: Ann\nShall we ship the release?\n")
        #expect(reply.isSuperset(of: ["o:agreed", "o:ship", "o:it", "b:agreed", "b:release", "own#:1-3",
                                      "inc#:1", "incw#:4-10"]))
        #expect(!reply.contains("o:release"))
        #expect(reply.contains("o:agreed ship"))
        #expect(!reply.contains("o:it shall"))
        #expect(!reply.contains("quoted:yes"))
    }

    @Test func mailWithoutIncludedTextHasNoOwnWordCopies() throws {
        let plain = try names("Agreed, ship it today please.\n")
        #expect(plain.contains("own#:4-10"))
        #expect(plain.contains("inc#:0"))
        #expect(!plain.contains { $0.hasPrefix("o:") || $0.hasPrefix("incw#:") })
    }

    @Test func budgetsHoldWithOwnWordCopies() throws {
        // 6 own words in part one, 6 included below, 6 more in part two: a budget of 8 body words.
        var f = try Featurizer(settings: FeaturizerSettings(maxTokensPerField: 8))
        let doc = Document(headers: DocumentHeaders(subject: "x"), parts: [
            DocumentPart(type: "text/plain", text: "alpha bravo charlie delta echo foxtrot\n> golf hotel india juliet kilo lima\n"),
            DocumentPart(type: "text/plain", text: "mike november oscar papa quebec romeo\n"),
        ])
        let named = f.featurizeNamed(doc).1
        let body = named.filter { $0.name.hasPrefix("b:") }.reduce(0) { $0 + $1.count }
        let ownWords = named.filter { $0.name.hasPrefix("o:") && !$0.name.contains(" ") }.map(\.name)
        #expect(body == 8)
        #expect(Set(ownWords) == ["o:alpha", "o:bravo", "o:charlie", "o:delta", "o:echo", "o:foxtrot"])
        #expect(!named.contains { $0.name == "b:mike" })
        #expect(named.contains { $0.name == "own#:4-10" } && named.contains { $0.name == "incw#:1-3" })
    }

    @Test func ownWordBigramsFollowTheSetting() throws {
        let doc = Document(headers: DocumentHeaders(subject: "x"),
                           parts: [DocumentPart(type: "text/plain", text: "Agreed ship it\n> shall we?\n")])
        var with = try Featurizer()
        #expect(with.featurizeNamed(doc).1.contains { $0.name == "o:agreed ship" })
        var without = try Featurizer(settings: FeaturizerSettings(bigrams: false))
        let names = without.featurizeNamed(doc).1.map(\.name)
        #expect(names.contains("o:agreed"))
        #expect(!names.contains { $0.contains(" ") })
    }

    @Test func bottomPostedReplyWordsAreOwnWords() throws {
        let found = try names("> can we meet on friday?\n\nYes, Friday works.\n")
        #expect(found.isSuperset(of: ["o:yes", "o:friday", "o:friday works", "own#:1-3", "quoted:yes", "incw#:4-10"]))
        #expect(!found.contains("o:meet"))
    }

    @Test func quotedReplyAndBareForward() throws {
        let quoted = try names("Fine by me\n> shall we?\n")
        #expect(quoted.isSuperset(of: ["quoted:yes", "o:fine", "own#:1-3", "incw#:1-3"]))
        let bare = try names("----- Forwarded by Ann on 05/10/2001 -----\nThe filing is due.\n")
        #expect(bare.contains("own#:0"))
        #expect(!bare.contains { $0.hasPrefix("o:") })
    }

    @Test func ownTextOfEarlierPartsIsTheWritersToo() throws {
        let found = try names("Please review the contract below\n",
                              "-----Original Message-----\nFrom: Ann <a@b.example>\nCan we sign today?\n")
        #expect(found.isSuperset(of: ["o:review", "o:contract", "o:review the", "own#:4-10", "inc#:1"]))
        #expect(!found.contains("o:sign"))
    }

    @Test func aForwardEndsTheWritersTextInLaterPartsToo() throws {
        let found = try names("Thanks Ann\n----- Forwarded by Ann on 05/10/2001 -----\nold text\n", "second part words\n")
        #expect(found.contains("o:thanks"))
        #expect(!found.contains("o:second"))
        #expect(found.contains("b:second"))
        #expect(found.contains("own#:1-3"))
    }
}
