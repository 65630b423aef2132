import Testing
@testable import MIME

@Suite struct AddressTests {
    @Test func commonForms() {
        let a = AddressParser.parseList("John Doe <john@example.com>, \"Doe, Jane\" <jane@Example.ORG>, bare@example.net")
        #expect(a == [Address(name: "John Doe", email: "john@example.com"),
                      Address(name: "Doe, Jane", email: "jane@Example.ORG"),
                      Address(name: nil, email: "bare@example.net")])
        #expect(a[1].domain == "example.org")
    }

    @Test func commentNamesAndRoutes() {
        #expect(AddressParser.parseList("bbb@ddd.com (John X. Doe)") == [Address(name: "John X. Doe", email: "bbb@ddd.com")])
        #expect(AddressParser.parseList("<@relay.net:a@b.c>") == [Address(name: nil, email: "a@b.c")])
        #expect(AddressParser.parseList("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>").first?.email == "pete@silly.test")
    }

    @Test func groups() {
        let a = AddressParser.parseList("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>; Undisclosed recipients:;")
        #expect(a.map(\.email) == ["c@a.test", "joe@where.test", "jdoe@one.test"])
    }

    @Test func encodedWordDisplayNames() {
        let a = AddressParser.parseList("=?utf-8?q?J=C3=BCrgen?= <j@x.de>")
        #expect(a == [Address(name: "Jürgen", email: "j@x.de")])
    }

    @Test func garbageNeverCrashes() {
        for s in ["", ",,,", "<", ">", "\"unterminated", "((((", "a@", "@", ":;", "<<>>", "\u{0}\u{1}"] {
            _ = AddressParser.parseList(s)
        }
        #expect(AddressParser.parseList("not an address at all").isEmpty)
    }
}
