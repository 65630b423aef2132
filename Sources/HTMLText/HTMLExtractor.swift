import CLibXML2

/// The work all the HTML parts of one message may make libxml2 do (see `WorkBudget`): about
/// 100 ms of this machine's time (unloaded), which ordinary mail stays far below.
public struct HTMLBudget: Sendable {
    /// Work left, in `WorkBudget` units.
    public var remaining: Int
    /// HTML parts not parsed at all because the budget was spent (see `skippedWarning`).
    public var partsSkipped = 0
    /// Kinds of warning (`html.budget`, ...) already given for this message.
    var warned: Set<String> = []
    /// A full budget.
    public init() { remaining = WorkBudget.standard }

    /// The warning to add once all parts are read, when some were not parsed.
    public var skippedWarning: String? {
        partsSkipped == 0 ? nil
            : "html.budgetParts: \(partsSkipped) HTML parts not read, the message's HTML work budget being spent"
    }
}

/// Turns HTML mail bodies into plain text, links and a few counts, using libxml2's forgiving
/// HTML parser. Safe to call from several threads at once.
public enum HTMLExtractor {
    /// Extracts text and links from HTML source.
    ///
    /// Never throws: broken HTML is recovered as well as libxml2 can, and input past `maxBytes`
    /// is cut (at a UTF-8 character boundary) with an `html.truncated` warning.
    public static func extract(_ html: String, maxBytes: Int) -> HTMLExtraction {
        var budget = HTMLBudget()
        return extract(html, maxBytes: maxBytes, budget: &budget)
    }

    /// `extract(_:maxBytes:)` drawing on `budget`, the work all the HTML parts of one message
    /// may cost: once it is spent, libxml2 is stopped (an `html.budget` warning) and later
    /// parts are not parsed.
    public static func extract(_ html: String, maxBytes: Int, budget: inout HTMLBudget) -> HTMLExtraction {
        guard budget.remaining > 0 else {
            budget.partsSkipped += 1
            return HTMLExtraction()
        }
        var html = html
        var r = html.withUTF8 { extract(utf8: $0, maxBytes: maxBytes, mode: .condensed, budget: budget.remaining) }
        budget.remaining -= r.work
        // One warning of each kind per message: a message of 400 parts gave 400.
        r.extraction.warnings.removeAll { warning in
            guard let kind = warning.split(separator: ":", maxSplits: 1).first.map(String.init) else { return false }
            return !budget.warned.insert(kind).inserted
        }
        return r.extraction
    }

    /// Extracts text and links from HTML bytes (see `extract(_:maxBytes:)`). The bytes may be
    /// invalid UTF-8 (libxml2 passes stray bytes through), so they go to libxml2 as they are:
    /// the condenser's guarantee rests on valid UTF-8, which a String always is. The
    /// `HTMLLimiter`'s bounds and the work budget still apply.
    public static func extract(utf8 bytes: UnsafeBufferPointer<UInt8>, maxBytes: Int) -> HTMLExtraction {
        extract(utf8: bytes, maxBytes: maxBytes, mode: .limited).extraction
    }

    /// What libxml2 is handed.
    enum Mode {
        /// The `HTMLCondenser` form when there is one, else the `HTMLLimiter` form (valid UTF-8).
        case condensed
        /// The `HTMLLimiter` form.
        case limited
        /// The bytes as they are (tests compare the others with it).
        case raw
    }

    /// `condense: true` is `.condensed`, `false` `.raw` (tests compare the two).
    static func extract(utf8 bytes: UnsafeBufferPointer<UInt8>, maxBytes: Int, condense: Bool) -> HTMLExtraction {
        extract(utf8: bytes, maxBytes: maxBytes, mode: condense ? .condensed : .raw).extraction
    }

    /// The extraction, the work it cost (see `WorkBudget`), and whether libxml2 overran its
    /// input after being stopped (`SAXParse.Outcome.overran`: never, or a stop was unsafe).
    static func extract(utf8 bytes: UnsafeBufferPointer<UInt8>, maxBytes: Int, mode: Mode,
                        budget: Int = WorkBudget.standard) -> (extraction: HTMLExtraction, work: Int, overran: Bool) {
        var warnings: [String] = []
        var count = bytes.count
        if count > maxBytes {
            count = max(0, maxBytes)
            while count > 0, bytes[count] & 0xC0 == 0x80 { count -= 1 }
            warnings.append("html.truncated: HTML cut at \(count) of \(bytes.count) bytes")
        }
        let input = UnsafeBufferPointer(rebasing: bytes[0..<count])
        var collector = TextCollector(capacity: count / 2)
        let outcome = count > 0 ? parse(input, mode: mode, budget: budget, into: &collector, warnings: &warnings) : nil
        guard let outcome, outcome.started else {
            if input.contains(where: { $0 > 0x20 }) {
                warnings.append("html.unparsed: libxml2 produced no document")
            }
            return (HTMLExtraction(warnings: warnings), outcome?.work ?? 0, outcome?.overran ?? false)
        }
        if outcome.stopped {
            warnings.append("html.budget: the work budget of the message's HTML is spent (markup on which libxml2 works hard: errors, deep nesting, many attributes); the rest of this part is not read")
        }
        var result = collector.result()
        if collector.hostsDropped > 0 {
            warnings.append("html.linkHosts: \(collector.hostsDropped) links to hosts past the first \(TextCollector.maxHosts) not listed")
        }
        result.warnings = warnings
        return (result, outcome.work, outcome.overran)
    }

    /// Runs libxml2 over the form of `input` that `mode` says, noting in `warnings` what the
    /// condenser or limiter took out that libxml2 would have spent quadratic time on.
    private static func parse(_ input: UnsafeBufferPointer<UInt8>, mode: Mode, budget: Int,
                              into collector: inout TextCollector, warnings: inout [String]) -> SAXParse.Outcome {
        if mode == .raw { return SAXParse.run(input, into: &collector, budget: budget) }
        if mode == .condensed {
            let done: SAXParse.Outcome? = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: input.count) { buffer in
                guard let condensed = HTMLCondenser.condenseCounting(input, into: buffer.baseAddress!), condensed.count > 0 else {
                    return nil
                }
                if condensed.strayEndTags > HTMLLimiter.strayEndTagsKept {
                    warnings.append("html.strayEndTags: \(condensed.strayEndTags) end tags of elements never started taken out")
                }
                return SAXParse.run(UnsafeBufferPointer(rebasing: buffer[0..<condensed.count]), into: &collector, budget: budget)
            }
            if let done { return done }
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: HTMLLimiter.capacity(for: input.count)) { buffer in
            let limited = HTMLLimiter.limit(input, into: buffer.baseAddress!)
            guard limited.changed else { return SAXParse.run(input, into: &collector, budget: budget) }
            if limited.attributesDropped > 0 {
                warnings.append("html.attributes: \(limited.attributesDropped) attributes past \(HTMLLimiter.maxAttributes) per tag taken out of \(limited.tagsCut) tags")
            }
            if limited.strayEndTags > 0 {
                warnings.append("html.strayEndTags: \(limited.strayEndTags) end tags of elements never started taken out")
            }
            return SAXParse.run(UnsafeBufferPointer(rebasing: buffer[0..<limited.count]), into: &collector, budget: budget)
        }
    }
}
