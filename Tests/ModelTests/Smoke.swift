import Testing
@testable import Model

@Test func modeltestsBuilds() {}
