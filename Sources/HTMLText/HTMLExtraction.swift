/// What `HTMLExtractor` reads out of an HTML document.
public struct HTMLExtraction: Sendable, Equatable {
    /// The visible text: scripts, styles and the head dropped, entities decoded, block elements
    /// turned into line breaks, runs of whitespace collapsed to one space.
    public var text: String
    /// The `href` targets of `<a>` and `<area>` elements, in document order, trimmed.
    public var links: [String]
    /// Lower-cased hosts of the `http`/`https` links, in order of first appearance, unique.
    public var linkHosts: [String]
    /// How many `<img>` elements the document has.
    public var imageCount: Int
    /// Things that went wrong or were cut (e.g. `html.truncated: ...`), never fatal.
    public var warnings: [String]

    /// Creates an extraction result.
    public init(text: String = "", links: [String] = [], linkHosts: [String] = [],
                imageCount: Int = 0, warnings: [String] = []) {
        self.text = text
        self.links = links
        self.linkHosts = linkHosts
        self.imageCount = imageCount
        self.warnings = warnings
    }
}
