/// Generators of HTML shaped to make libxml2 2.9's HTML parser do work quadratic in its size,
/// for tests and `tagger bench hostile`. Each shape comes in two forms: as written (the
/// `HTMLCondenser` reads it) and behind markup the condenser does not read (a processing
/// instruction first), so that it reaches libxml2 through the `HTMLLimiter` instead.
public enum HostileHTML {
    /// One shape of hostile markup.
    public struct Shape: Sendable {
        /// A short stable name (`stray-end:b/i`).
        public let name: String
        /// What it is and where libxml2 loops on it.
        public let summary: String
        private let make: @Sendable (Int) -> String

        /// The shape at about `bytes` bytes; `condensable: false` puts a `<?x?>` first.
        public func html(bytes: Int, condensable: Bool = true) -> String {
            condensable ? make(bytes) : "<?x?>" + make(max(0, bytes - 5))
        }

        init(_ name: String, _ summary: String, _ make: @escaping @Sendable (Int) -> String) {
            self.name = name
            self.summary = summary
            self.make = make
        }
    }

    /// `head`, then `unit` as often as fits in `bytes` with `tail`, then `tail`.
    static func fill(_ head: String, _ unit: String, _ tail: String = "", bytes: Int) -> String {
        let room = max(0, bytes - head.utf8.count - tail.utf8.count)
        return head + String(repeating: unit, count: max(1, room / max(1, unit.utf8.count))) + tail
    }

    /// Open elements then as many end tags naming none of them: libxml2 looks for each end tag
    /// through the whole stack of open elements.
    static func strayEndTags(_ open: String, _ close: String) -> Shape {
        Shape("stray-end:\(open)/\(close)", "<\(open)> x N, then </\(close)> x N") { bytes in
            let n = max(1, (bytes - 40) / ("<\(open)>".utf8.count + "</\(close)>".utf8.count))
            return "<html><body>" + String(repeating: "<\(open)>", count: n) + "text"
                + String(repeating: "</\(close)>", count: n) + "</body></html>"
        }
    }

    /// The shapes: the stray end tags the issue names, across tag names, plus those found by
    /// reading libxml2 2.9's HTML parser for loops over its stack or a tag's attributes.
    public static let shapes: [Shape] = [
        strayEndTags("b", "i"), strayEndTags("div", "span"), strayEndTags("i", "p"),
        strayEndTags("div", "form"), strayEndTags("span", "font"), strayEndTags("table", "td"),
        Shape("end-behind-block", "<i>, <b> x N, <div>, then </i> x N: the end tag's element is open, a block is in the way") { bytes in
            let n = max(1, (bytes - 40) / 7)
            return "<html><body><i>" + String(repeating: "<b>", count: n) + "<div>text" + String(repeating: "</i>", count: n)
        },
        Shape("body-in-deep-stack", "<b> x N, then <body> x N: each <body> looks through the stack for another") { bytes in
            let n = max(1, (bytes - 20) / 9)
            return String(repeating: "<b>", count: n) + "text" + String(repeating: "<body>", count: n)
        },
        Shape("attributes-unclosed", "one start tag of distinct attributes to the end, no >") { bytes in
            attributes("<html><body><p>text</p><p", bytes: bytes)
        },
        Shape("attributes-closed", "start tags of 2,000 distinct attributes each") { bytes in
            fill("<html><body>", attributes("<p", bytes: 2_000 * 4) + ">text</p>", bytes: bytes)
        },
        Shape("attributes-17", "start tags of 17 distinct attributes each (one past the limiter's bound)") { bytes in
            fill("<html><body>", attributes("<p", bytes: 17 * 4) + ">t</p>", bytes: bytes)
        },
        Shape("duplicate-attributes", "one start tag repeating one attribute") { bytes in
            fill("<html><body><p", " a=1", ">text</p>", bytes: bytes)
        },
        Shape("deep-nesting", "<div> x N then text: a deep stack of open elements") { bytes in
            fill("<html><body>", "<div>", "text", bytes: bytes)
        },
        Shape("deep-inline", "<b><i> x N then text") { bytes in
            fill("<html><body>", "<b><i>", "text", bytes: bytes)
        },
        Shape("frameset-body", "<frameset> x N, then <body> x N") { bytes in
            let n = max(1, bytes / 2 / 10)
            return String(repeating: "<frameset>", count: n) + String(repeating: "<body>", count: n)
        },
        Shape("script-close-tags", "one script full of end tags of other elements") { bytes in
            fill("<html><body><script>", "</a>", "</script>", bytes: bytes)
        },
        Shape("comment-unclosed", "one comment without its end") { bytes in
            fill("<html><body>text<!--", "- -> ", bytes: bytes)
        },
        Shape("entities", "references without their semicolon") { bytes in
            fill("<html><body><p>", "&amp&lt&#x41", "</p>", bytes: bytes)
        },
        Shape("end-tag-junk", "end tags with junk before the >") { bytes in
            fill("<html><body><b>text", "</b x=\"1\" y z>", bytes: bytes)
        },
    ]

    /// `head` then distinct attribute names (` a0 a1 ...`) up to about `bytes` bytes.
    static func attributes(_ head: String, bytes: Int) -> String {
        var s = head
        s.reserveCapacity(bytes + 16)
        var i = 0
        while s.utf8.count < bytes {
            s += " a"
            s += String(i, radix: 36)
            i += 1
        }
        return s
    }

    /// A MIME message of about `bytes` bytes with the shape in `parts` text/html parts (the
    /// HTML split evenly between them).
    public static func message(_ shape: Shape, bytes: Int, parts: Int = 1, condensable: Bool = true) -> [UInt8] {
        let headers = "From: a@example.com\r\nTo: b@example.com\r\nSubject: hostile \(shape.name)\r\n"
            + "Message-ID: <hostile@example.com>\r\nMIME-Version: 1.0\r\n"
        guard parts > 1 else {
            let html = shape.html(bytes: max(0, bytes - 200), condensable: condensable)
            return Array((headers + "Content-Type: text/html; charset=utf-8\r\n\r\n" + html).utf8)
        }
        var out = headers + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        let each = max(0, (bytes - 200) / parts - 60)
        for _ in 0..<parts {
            out += "--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            out += shape.html(bytes: each, condensable: condensable)
            out += "\r\n"
        }
        out += "--b--\r\n"
        return Array(out.utf8)
    }
}

