import Testing
@testable import MIME

@Test func mimetestsBuilds() {}
