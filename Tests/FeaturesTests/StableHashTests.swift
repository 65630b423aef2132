import Testing
@testable import Features

/// The hash defines every feature index a trained model relies on: these literal values must
/// only change together with `FeaturizerSettings.currentVersion`.
@Suite struct StableHashTests {
    @Test func fnvStateMatchesReferenceFNV1a() {
        #expect(StableHash.step(StableHash.seed, [UInt8]()) == 0xCBF2_9CE4_8422_2325)
        #expect(StableHash.step(StableHash.seed, Array("a".utf8)) == 0xAF63_DC4C_8601_EC8C)
    }

    @Test func knownHashValues() {
        #expect(StableHash.hash("") == 0xEFD0_1F60_BA99_2926)
        #expect(StableHash.hash("a") == 0x82A2_A958_A9BE_CE5B)
        #expect(StableHash.hash("b:hello") == 0xAC4E_81FF_C1EE_A92A)
        #expect(StableHash.hash("b:hello world") == 0x6F4E_3BD7_54D9_8003)
        #expect(StableHash.hash("fromdom:example.com") == 0x3717_0576_897E_3F93)
    }

    @Test func featureIndicesAndSignsAreFixed() throws {
        var featurizer = try Featurizer()
        let doc = Document(headers: DocumentHeaders(subject: "hello world"),
                           parts: [DocumentPart(type: "text/plain", text: "hello world")])
        let (_, named) = featurizer.featurizeNamed(doc)
        let hello = try #require(named.first { $0.name == "b:hello" })
        #expect(hello.index == 174_378)
        #expect(hello.sign == -1)
        let bigram = try #require(named.first { $0.name == "s:hello world" })
        #expect(bigram.index == 137_439)
        #expect(bigram.sign == -1)
    }

    @Test func versionIsRecorded() {
        #expect(FeaturizerSettings.currentVersion == 2)
    }
}
