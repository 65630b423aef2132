import Testing
@testable import TaggerKit

@Test func endtoendtestsBuilds() {}
