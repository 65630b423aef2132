import Testing
@testable import Features

@Suite("Character n-grams (c:)")
struct SubwordGramsTests {
    private func names(subject: String? = nil, body: String, characterGrams: Bool = true) throws -> [NamedFeature] {
        var featurizer = try Featurizer(settings: FeaturizerSettings(characterGrams: characterGrams))
        let doc = Document(headers: DocumentHeaders(subject: subject),
                           parts: [DocumentPart(type: "text/plain", text: body)])
        return featurizer.featurizeNamed(doc).1
    }

    @Test("a word gives its 3- to 5-character n-grams, padded with a space at each end")
    func gramsOfAWord() throws {
        let grams = Set(try names(subject: "invoice", body: "hello").map(\.name).filter { $0.hasPrefix("c:") })
        for expected in ["c: in", "c:inv", "c:ice", "c:ce ", "c: inv", "c:nvoi", "c:ice ", "c: invo", "c:voice", "c:oice ",
                         "c: he", "c:llo "] {
            #expect(grams.contains(expected), "\(expected) missing")
        }
        #expect(!grams.contains("c:in") && !grams.contains("c: invoi"), "only 3 to 5 characters")
    }

    @Test("each distinct word gives its n-grams once per message, whatever the field and count")
    func distinctWordsOnce() throws {
        let named = try names(subject: "invoice", body: "invoice invoice invoice")
        #expect(named.first { $0.name == "c:ice " }?.count == 1)
        #expect(named.first { $0.name == "b:invoice" }?.count == 3)
    }

    @Test("quoted and forwarded text gives no n-grams; the writer's words do")
    func onlyTheWritersWords() throws {
        let body = "thanks for the numbers\n\n> quarterly figures attached\n\n-----Original Message-----\nFrom: a@b.c\nforwarded stuff\n"
        let grams = Set(try names(body: body).map(\.name))
        #expect(grams.contains("c:numb"))
        #expect(grams.contains("b:quarterly") && !grams.contains("c:quar"), "quoted words have no n-grams")
        #expect(grams.contains("b:forwarded") && !grams.contains("c:forw"), "forwarded words have no n-grams")
    }

    @Test("characters are never split: n-grams of non-ASCII words are whole characters")
    func wholeCharacters() throws {
        let grams = try names(body: "café über").map(\.name).filter { $0.hasPrefix("c:") }
        #expect(grams.contains("c:afé ") && grams.contains("c: übe"))
        #expect(!grams.contains { $0.unicodeScalars.contains("\u{FFFD}") })
        #expect(grams.contains("c: ca") && grams.contains("c:ber "))
    }

    @Test("at most the budget's distinct words per message give n-grams")
    func budget() throws {
        let letters: [String] = "abcdefghijklmnopqrstuvwxyz".map { String($0) }
        var words: [String] = []
        for k in 0..<(SubwordGrams.budget + 20) {
            let word: String = "x" + letters[k / 26] + letters[k % 26]
            words.append(word)
        }
        let grams = Set(try names(body: words.joined(separator: " ")).map(\.name))
        #expect(grams.contains("c: \(words[0]) "))
        #expect(grams.contains("c: \(words[SubwordGrams.budget - 1]) "))
        #expect(!grams.contains("c: \(words[SubwordGrams.budget]) "))
        #expect(grams.contains("b:\(words[SubwordGrams.budget + 19])"), "the words themselves are all kept")
    }

    @Test("characterGrams false: no n-grams")
    func switchedOff() throws {
        #expect(try names(subject: "invoice", body: "hello", characterGrams: false).allSatisfy { !$0.name.hasPrefix("c:") })
    }

    @Test("the n-grams weigh SubwordGrams.weight against the other features, and the vector has unit length")
    func blockWeight() throws {
        var featurizer = try Featurizer()
        let doc = Document(headers: DocumentHeaders(subject: "zebra"), parts: [DocumentPart(type: "text/plain", text: "")])
        let (vector, named) = featurizer.featurizeNamed(doc)
        let total = vector.values.reduce(0) { $0 + $1 * $1 }
        #expect(abs(total - 1) < 1e-5)
        // Indices only n-grams use, against indices only other features use.
        let gramIndices = Set(named.filter { $0.name.hasPrefix("c:") }.map(\.index))
        let otherIndices = Set(named.filter { !$0.name.hasPrefix("c:") }.map(\.index))
        var grams: Float = 0, others: Float = 0
        for (i, v) in zip(vector.indices, vector.values) {
            if gramIndices.contains(i) && !otherIndices.contains(i) { grams += v * v }
            if otherIndices.contains(i) && !gramIndices.contains(i) { others += v * v }
        }
        let w = SubwordGrams.weight
        #expect(abs(grams / others - w * w) < 0.05, "n-gram share \(grams) against \(others)")
    }

    @Test("blend adds the scaled second vector, merges shared indices and normalises")
    func blend() {
        let a = FeatureVector(indices: [1, 5], values: [0.6, 0.8])
        let b = FeatureVector(indices: [5, 9], values: [0.6, -0.8])
        let c = HashingSink.blend(a, b, scale: 0.5)
        #expect(c.indices == [1, 5, 9])
        let norm = (0.36 + 1.1 * 1.1 + 0.16 as Float).squareRoot()
        #expect(abs(c.values[0] - 0.6 / norm) < 1e-6 && abs(c.values[1] - 1.1 / norm) < 1e-6)
        #expect(abs(c.values[2] + 0.4 / norm) < 1e-6)
    }
}
