import Testing
@testable import TaggerKit

@Test func taggerkittestsBuilds() {}
