import CLibXML2

/// Runs libxml2's HTML parser in SAX mode over UTF-8 bytes, feeding element and text events
/// to a `TextCollector` without building a tree. The events are exactly those libxml2's own
/// tree builder receives (implied and auto-closed elements included), so the collected text
/// is what a walk over `htmlReadMemory`'s document would give, minus the tree's allocations.
///
/// The parse has a work budget (see `WorkBudget`): libxml2 2.9 scans its whole stack of open
/// elements for some markup (an end tag that matches no open element, a `<body>` inside deep
/// nesting), so such markup repeated costs time quadratic in its size. Each callback adds the
/// work libxml2 did to reach it; once the budget is spent the parser is stopped
/// (`xmlStopParser`) and what was collected so far is kept.
///
/// Where it is stopped matters: libxml2 2.9 halts by pointing its input at an empty string, and
/// some of its error paths step the input on after reporting the error (an invalid UTF-8 byte
/// reported from `xmlNextChar`), past the end of that string; the attribute-value loop then
/// never ends, growing its buffer to gigabytes. So the parser is stopped only at a start tag read
/// to its `>` or at an error libxml2 raises once a whole tag is read (`stopsSafely`); a budget
/// spent anywhere else stops it at the next of those.
enum SAXParse {
    /// What one parse reports besides the collected text.
    struct Outcome {
        /// Whether libxml2 started a document (false: nothing was parsed).
        var started: Bool
        /// Whether the work budget ran out and the parser was stopped early.
        var stopped: Bool
        /// The work counted, in stack entries scanned (for tests and diagnostics).
        var work: Int
        /// Whether libxml2 stepped past the end of its input after being stopped (a stop at an
        /// unsafe place: tests and the fuzz target check that this never happens).
        var overran = false
    }

    /// Parses `bytes` (non-empty) into `collector`.
    static func run(_ bytes: UnsafeBufferPointer<UInt8>, into collector: inout TextCollector,
                    budget: Int = WorkBudget.standard) -> Outcome {
        LibXML2.setUp()
        guard let base = bytes.baseAddress, bytes.count > 0, bytes.count <= Int(Int32.max),
              let ctxt = htmlNewParserCtxt() else { return Outcome(started: false, stopped: false, work: 0) }
        defer { htmlFreeParserCtxt(ctxt) }
        guard let sax = ctxt.pointee.sax else { return Outcome(started: false, stopped: false, work: 0) }
        // Keep only the callbacks whose events make up the text; the tree builder's
        // document, DTD, comment and PI callbacks are dropped (no tree, no allocations).
        sax.pointee.internalSubset = nil
        sax.pointee.getEntity = nil
        sax.pointee.setDocumentLocator = nil
        sax.pointee.startDocument = { ctx in state(of: ctx)?.pointee.collector.started = true }
        sax.pointee.endDocument = nil
        sax.pointee.startElement = { ctx, name, attributes in
            guard let name, let state = state(of: ctx) else { return }
            // Each element costs libxml2 some hundreds of ns, each attribute a comparison with
            // those before it in the tag, and a `<body>` start tag a look through the whole
            // stack for another body.
            var count = 0
            if let list = attributes { while list[count] != nil { count += 2 } }
            count /= 2
            let isBody = name[0] == 0x62 && name[1] == 0x6F && name[2] == 0x64 && name[3] == 0x79 && name[4] == 0
            let cost = WorkBudget.element + count * count * WorkBudget.stackEntry / 2
                + (isBody ? depth(of: ctx) * WorkBudget.stackEntry : 0)
            guard !state.pointee.stopped else { return }
            if state.pointee.budget.spend(cost) { state.pointee.stopPending = true }
            // An element libxml2 implies in the middle of text (a `<p>` around it) is reported
            // there; only a start tag read to its `>` is a place to stop.
            if state.pointee.stopPending, atEndOfTag(ctx, name, attributes) { return stop(ctx) }
            state.pointee.collector.open(name, attributes)
        }
        sax.pointee.endElement = { ctx, name in
            guard let state = state(of: ctx), !state.pointee.stopped else { return }
            state.pointee.collector.close()
        }
        sax.pointee.characters = { ctx, text, count in
            guard let text, count > 0, let state = state(of: ctx), !state.pointee.stopped else { return }
            state.pointee.collector.characters(UnsafeBufferPointer(start: text, count: Int(count)))
        }
        sax.pointee.cdataBlock = sax.pointee.characters
        sax.pointee.ignorableWhitespace = nil   // as the tree builder: dropped
        sax.pointee.processingInstruction = nil
        sax.pointee.comment = nil
        // Errors are how libxml2 reports the markup it scanned its stack for and then ignored
        // (an end tag matching nothing, a misplaced body): each costs the depth of the stack.
        xmlSetStructuredErrorFunc(nil, countError)
        defer { LibXML2.setUp() }
        var run = RunState(collector: collector, budget: WorkBudget(limit: budget))
        defer { collector = run.collector }
        return withUnsafeMutablePointer(to: &run) { state in
            ctxt.pointee._private = UnsafeMutableRawPointer(state)
            let doc = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                htmlCtxtReadMemory(ctxt, chars, Int32(bytes.count), nil, "UTF-8", LibXML2.options)
            }
            if let doc { xmlFreeDoc(doc) }
            ctxt.pointee._private = nil
            // Halted, libxml2's input is an empty string (start = position = end); a position
            // past its end means it stepped over a character after the stop.
            let overran = ctxt.pointee.input.map { $0.pointee.cur > $0.pointee.end } ?? false
            return Outcome(started: state.pointee.collector.started, stopped: state.pointee.stopped,
                           work: state.pointee.budget.used, overran: overran)
        }
    }

    /// The collector and budget of one parse, behind the parser context's `_private`.
    struct RunState {
        var collector: TextCollector
        var budget: WorkBudget
        /// The budget is spent and the parser is to be stopped at the next safe point.
        var stopPending = false
        /// The parser has been stopped.
        var stopped = false
    }
}

/// How much work one HTML parse may make libxml2 do, in units of about a nanosecond of this
/// machine's time (unloaded): an element (libxml2 2.9 spends about a microsecond on each, opened
/// and closed), an error (it formats every error message, even unprinted), a look at one open
/// element of the stack.
struct WorkBudget {
    /// The standard limit per message (see `HTMLBudget`).
    static let standard = 100_000_000
    /// Costs.
    static let element = 1_000
    static let error = 600
    static let stackEntry = 4

    let limit: Int
    private(set) var used = 0
    /// Whether the limit was reached (the parser has been stopped).
    private(set) var spent = false

    init(limit: Int) { self.limit = limit }

    /// Counts `units` of work; returns true, once, when that exhausts the budget.
    mutating func spend(_ units: Int) -> Bool {
        guard !spent else { return false }
        used &+= units
        if used > limit { spent = true; return true }
        return false
    }
}

/// The run state behind a SAX callback's context (the parser context, whose `_private`
/// points at it for the duration of `SAXParse.run`).
@inline(__always)
private func state(of ctx: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<SAXParse.RunState>? {
    guard let ctx else { return nil }
    let ctxt = ctx.assumingMemoryBound(to: htmlParserCtxt.self)
    return ctxt.pointee._private?.assumingMemoryBound(to: SAXParse.RunState.self)
}

/// How many elements libxml2 has open.
@inline(__always)
private func depth(of ctx: UnsafeMutableRawPointer?) -> Int {
    guard let ctx else { return 0 }
    return Int(ctx.assumingMemoryBound(to: htmlParserCtxt.self).pointee.nameNr)
}

/// Stops the parser (once): no more callbacks, and libxml2 returns at its next look at the input.
/// Only from a start tag read to its end or an error that `stopsSafely`.
private func stop(_ ctx: UnsafeMutableRawPointer?) {
    guard let ctx, let state = state(of: ctx), !state.pointee.stopped else { return }
    state.pointee.stopped = true
    state.pointee.stopPending = false
    xmlStopParser(ctx.assumingMemoryBound(to: xmlParserCtxt.self))
}

/// The structured error handler during a parse: prints nothing, charges the budget the depth
/// of the stack libxml2 may have scanned to raise the error, and once the budget is spent stops
/// the parser, here if the error `stopsSafely`, else at the next safe point.
private func countError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let error, let ctx = error.pointee.ctxt, let state = state(of: ctx) else { return }
    if state.pointee.budget.spend(WorkBudget.error + depth(of: ctx) * WorkBudget.stackEntry) {
        state.pointee.stopPending = true
    }
    if state.pointee.stopPending, stopsSafely(error.pointee, ctx) { stop(ctx) }
}

/// Whether `startElement` reports the start tag libxml2 has just read, its input at the `>` or
/// `/>` ending it (or at the end): there it steps over nothing once halted. An element it
/// implies (`html`, `body`, a `p` around text) comes without attributes, and may come with the
/// input at a `>` or `/` of the text: the bytes before the input must then be `<` and the name.
private func atEndOfTag(_ ctx: UnsafeMutableRawPointer?, _ name: UnsafePointer<UInt8>,
                        _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?) -> Bool {
    guard let ctx, let input = ctx.assumingMemoryBound(to: htmlParserCtxt.self).pointee.input,
          let cur = input.pointee.cur, let base = input.pointee.base else { return false }
    if cur >= input.pointee.end { return true }
    guard cur.pointee == 0x3E || cur.pointee == 0x2F else { return false }
    if let attributes, attributes[0] != nil { return true }
    // `<name` followed by blanks only.
    var k = cur
    while k > base, [0x20, 0x09, 0x0A, 0x0D].contains(k[-1]) { k -= 1 }
    var length = 0
    while name[length] != 0 { length += 1 }
    guard k - base > length else { return false }
    for j in 0..<length where k[j - length] | 0x20 != name[j] | 0x20 { return false }
    return k[-length - 1] == 0x3C
}

/// Whether libxml2's input is just past a `>` (an end tag read whole), or at the end.
private func afterTag(_ ctx: UnsafeMutableRawPointer?) -> Bool {
    guard let ctx, let input = ctx.assumingMemoryBound(to: htmlParserCtxt.self).pointee.input,
          let cur = input.pointee.cur, let base = input.pointee.base else { return false }
    return cur >= input.pointee.end || (cur > base && cur[-1] == 0x3E)
}

/// Whether libxml2 raises `error` with a whole tag read, so that stopping the parser in the
/// handler leaves it nothing to step over: an end tag matching no open element (once past its
/// `>`; inside a script the same error comes before it, naming the script), a misplaced
/// `<html>`, `<head>` or `<body>`, an unknown start tag (the errors that cost a look through the
/// stack of open elements). Not a misplaced DOCTYPE (reported before libxml2 skips over it), nor
/// errors about characters (reported in the middle of reading one, which libxml2 then steps over).
private func stopsSafely(_ error: xmlError, _ ctx: UnsafeMutableRawPointer?) -> Bool {
    guard error.domain == Int32(XML_FROM_HTML.rawValue) else { return false }
    switch error.code {
    case Int32(XML_ERR_TAG_NAME_MISMATCH.rawValue):
        // Inside a script or style the same error names the open element, and comes with the
        // input at the `<` of the end tag (which may follow a `>` of the script's text).
        guard afterTag(ctx) else { return false }
        guard let ctx, let named = error.str1, let open = ctx.assumingMemoryBound(to: htmlParserCtxt.self).pointee.name else { return true }
        return String(cString: named) != String(cString: open)
    case Int32(XML_HTML_STRUCURE_ERROR.rawValue):
        guard let name = error.str1 else { return false }
        return ["html", "head", "body"].contains(String(cString: name))
    case Int32(XML_HTML_UNKNOWN_TAG.rawValue):
        return true
    default:
        return false
    }
}
