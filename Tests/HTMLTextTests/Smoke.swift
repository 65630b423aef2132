import Testing
@testable import HTMLText

@Test func htmltexttestsBuilds() {}
