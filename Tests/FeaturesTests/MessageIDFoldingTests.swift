import Features
import Testing

@Suite("Message-ID as the sidecar and lookups keep it")
struct MessageIDFoldingTests {
    @Test("a Message-ID folded onto its own line (as Exchange writes it) keeps no blanks around it")
    func foldedMessageID() {
        for raw in ["Message-ID:\r\n\t<exch123@mail.example.com>\r\n", "Message-ID:\n <exch123@mail.example.com> \n",
                    "Message-ID: <exch123@mail.example.com>\n"] {
            let doc = DocumentReader.read(bytes: Array(("From: a@b.example\n" + raw + "Subject: s\n\nbody\n").utf8), htmlMaxBytes: 1 << 20)
            #expect(doc.headers.messageID == "<exch123@mail.example.com>", "\(raw.debugDescription)")
        }
    }
}
