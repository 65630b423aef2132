import CLibXML2

/// Runs libxml2's HTML parser in SAX mode over UTF-8 bytes, feeding element and text events
/// to a `TextCollector` without building a tree. The events are exactly those libxml2's own
/// tree builder receives (implied and auto-closed elements included), so the collected text
/// is what a walk over `htmlReadMemory`'s document would give, minus the tree's allocations.
enum SAXParse {
    /// Parses `bytes` (non-empty) into `collector`; returns false when libxml2 did not start a
    /// document (nothing was parsed).
    static func run(_ bytes: UnsafeBufferPointer<UInt8>, into collector: inout TextCollector) -> Bool {
        LibXML2.setUp()
        guard let base = bytes.baseAddress, bytes.count > 0, bytes.count <= Int(Int32.max),
              let ctxt = htmlNewParserCtxt() else { return false }
        defer { htmlFreeParserCtxt(ctxt) }
        guard let sax = ctxt.pointee.sax else { return false }
        // Keep only the callbacks whose events make up the text; the tree builder's
        // document, DTD, comment and PI callbacks are dropped (no tree, no allocations).
        sax.pointee.internalSubset = nil
        sax.pointee.getEntity = nil
        sax.pointee.setDocumentLocator = nil
        sax.pointee.startDocument = { ctx in state(of: ctx)?.pointee.started = true }
        sax.pointee.endDocument = nil
        sax.pointee.startElement = { ctx, name, attributes in
            guard let name else { return }
            state(of: ctx)?.pointee.open(name, attributes)
        }
        sax.pointee.endElement = { ctx, name in
            state(of: ctx)?.pointee.close()
        }
        sax.pointee.characters = { ctx, text, count in
            guard let text, count > 0 else { return }
            state(of: ctx)?.pointee.characters(UnsafeBufferPointer(start: text, count: Int(count)))
        }
        sax.pointee.cdataBlock = sax.pointee.characters
        sax.pointee.ignorableWhitespace = nil   // as the tree builder: dropped
        sax.pointee.processingInstruction = nil
        sax.pointee.comment = nil
        return withUnsafeMutablePointer(to: &collector) { state in
            ctxt.pointee._private = UnsafeMutableRawPointer(state)
            let doc = base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { chars in
                htmlCtxtReadMemory(ctxt, chars, Int32(bytes.count), nil, "UTF-8", LibXML2.options)
            }
            if let doc { xmlFreeDoc(doc) }
            ctxt.pointee._private = nil
            return state.pointee.started
        }
    }
}

/// The collector behind a SAX callback's context (the parser context, whose `_private`
/// points at it for the duration of `SAXParse.run`).
@inline(__always)
private func state(of ctx: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<TextCollector>? {
    guard let ctx else { return nil }
    let ctxt = ctx.assumingMemoryBound(to: htmlParserCtxt.self)
    return ctxt.pointee._private?.assumingMemoryBound(to: TextCollector.self)
}
