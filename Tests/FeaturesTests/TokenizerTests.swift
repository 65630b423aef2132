import Testing
@testable import Features

@Suite struct TokenizerTests {
    private func tokens(_ text: String, maxTokenBytes: Int = 40) -> [String] {
        let t = Tokenizer(maxTokenBytes: maxTokenBytes)
        return t.tokens(text)
    }

    @Test func asciiWordsAreLowercasedAndSplitOnPunctuation() {
        #expect(tokens("Hello, WORLD! foo-bar_baz x y") == ["hello", "world", "foo", "bar", "baz"])
    }

    @Test func apostrophesStayInsideWordsOnly() {
        #expect(tokens("Don't 'quote' students' it’s") == ["don't", "quote", "students", "it's"])
    }

    @Test func numbersAreShapedWhenLong() {
        #expect(tokens("In 2024 call 555-123456 order A12345 ok 42") ==
                ["in", "2024", "call", "555", "000000", "order", "a00000", "ok", "42"])
    }

    @Test func overlongTokensAreDropped() {
        let long = String(repeating: "q", count: 41)
        #expect(tokens("keep \(long) this") == ["keep", "this"])
        #expect(tokens(String(repeating: "z", count: 40)) == [String(repeating: "z", count: 40)])
    }

    @Test func unicodeLettersAreWordsAndLowercased() {
        #expect(tokens("Grüße ÉCOLE naïve Привет МИР Ωμέγα") == ["grüße", "école", "naïve", "привет", "мир", "ωμέγα"])
    }

    @Test func unicodePunctuationAndEmojiSeparate() {
        #expect(tokens("«bonjour»—merci…🙂salut") == ["bonjour", "merci", "salut"])
    }

    @Test func cjkBecomesCharacterBigrams() {
        #expect(tokens("東京都 ok 日") == ["東京", "京都", "ok", "日"])
        #expect(tokens("お知らせ") == ["お知", "知ら", "らせ"])
        #expect(tokens("abc中文def") == ["abc", "中文", "def"])
    }

    @Test func invalidUTF8SeparatesWords() {
        let t = Tokenizer()
        var collected: [String] = []
        struct Sink: TokenSink {
            var out: [String] = []
            mutating func token(_ bytes: UnsafeBufferPointer<UInt8>) { out.append(String(decoding: bytes, as: UTF8.self)) }
        }
        var sink = Sink()
        let bytes: [UInt8] = Array("good".utf8) + [0xFF, 0xC3] + Array("bytes".utf8) + [0xE2, 0x82]
        bytes.withUnsafeBufferPointer { _ = t.tokenize($0, into: &sink) }
        collected = sink.out
        #expect(collected == ["good", "bytes"])
    }

    @Test func maxTokensStopsEarly() {
        let t = Tokenizer(maxTokens: 2)
        #expect(t.tokens("one two three four") == ["one", "two"])
    }
}
