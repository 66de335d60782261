import CLibXML2
import Glibc
import IngestCore

/// Reads ``PageSignals`` from libxml2's parse events: from the parser, in one pass without building the
/// page's tree (building it cost as much again as reading the page), or replayed from a tree clean has
/// built anyway (``scan(_:)``).
///
/// It gives what a walk over the tree gives: the first element of the document is the root, an element
/// whose children are not worth visiting (a `<meta>`, an `<h1>`, a marked author…) hides them from the
/// rules, and the texts of elements are gathered by ``TextCollector``s while their children stream by.
/// libxml2 reports a text node in pieces (at entities, every kilobyte); the tree would hold them as one
/// node, so consecutive pieces count as one node here too.
final class PageScanner {
    private(set) var signals = PageSignals()
    private let maxJSONLDBytes: Int

    /// One open element.
    private struct Frame {
        /// Something was reported inside it (a text, an element, a comment): the tree gives it children.
        var hadChild = false
        /// Its `class` attribute, as bytes `classStart..<classEnd` of ``classes`` (for a `<time>` child).
        var classStart: Int
        var classEnd: Int
        var hasClass: Bool
    }
    private var frames: [Frame] = []
    private var classes: [UInt8] = []
    private var started = false
    private var finished = false
    /// While set, elements deeper than this are hidden from the rules (an element at this depth said so).
    private var hiddenBelow: Int?
    /// The last event was a piece of text: the next piece belongs to the same node.
    private var inText = false

    private var collectors: [Collector] = []
    /// Byline texts in the order their elements started, kept or not at the end (see ``finish()``).
    private var bylineCandidates: [Collector] = []
    private var titlePending = false

    init(maxJSONLDBytes: Int) {
        self.maxJSONLDBytes = maxJSONLDBytes
    }

    /// Parses UTF-8 HTML; false when there was nothing to parse (no bytes, or more than libxml2 takes).
    func scan(_ html: String, options: Int32) -> Bool {
        var html = html
        let parsed = html.withUTF8 { bytes -> Bool in
            guard let base = bytes.baseAddress, bytes.count > 0, bytes.count < Int(Int32.max) else { return false }
            let raw = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            let me = Unmanaged.passUnretained(self).toOpaque()
            return ingest_html_sax_parse(
                raw, Int32(bytes.count), options,
                { user, name, attributes in PageScanner.from(user).start(name, attributes) },
                { user, _ in PageScanner.from(user).end() },
                { user, text, length in PageScanner.from(user).text(text, Int(length)) },
                { user, _ in PageScanner.from(user).otherNode() },
                { user, _, _ in PageScanner.from(user).otherNode() },
                me) == 0
        }
        finish()
        return parsed
    }

    /// Walks a parsed page's tree in document order and reports each node as the parser's events would:
    /// an element's start (its attributes listed as the parser lists them), its children, its end; a text
    /// node as one piece; a comment or processing instruction as another node. The tree is what libxml2
    /// builds from those same events, so the rules see what ``scan(_:options:)`` shows them.
    func scan(_ document: HTMLDocument) {
        var list: [UnsafePointer<xmlChar>?] = []
        var next: xmlNodePtr? = document.doc.pointee.children
        while let node = next {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                reportStart(node, list: &list)
                if let child = node.pointee.children {
                    next = child
                    continue
                }
                end()
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content { text(content, strlen(content)) }
            case XML_COMMENT_NODE, XML_PI_NODE:
                otherNode()
            default:
                break
            }
            // The next node in document order: the next sibling, else the next sibling of the nearest
            // ancestor that has one, ending each element left on the way up.
            var at = node
            next = nil
            while true {
                if let sibling = at.pointee.next {
                    next = sibling
                    break
                }
                guard let parent = at.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { break }
                end()
                at = parent
            }
        }
        finish()
    }

    /// An element's start, with its attributes as the parser passes them: name, value, …, NULL, and a NULL
    /// value for an attribute written without one.
    private func reportStart(_ node: xmlNodePtr, list: inout [UnsafePointer<xmlChar>?]) {
        list.removeAll(keepingCapacity: true)
        // A value libxml2 had to join from several nodes; freed after the event (the tree owns the rest).
        var joined: [UnsafeMutablePointer<xmlChar>] = []
        var attribute = node.pointee.properties
        while let a = attribute {
            list.append(UnsafePointer(a.pointee.name))
            if let value = a.pointee.children {
                if value.pointee.next == nil, value.pointee.type == XML_TEXT_NODE, let content = value.pointee.content {
                    list.append(UnsafePointer(content))
                } else if let string = xmlNodeListGetString(node.pointee.doc, value, 1) {
                    joined.append(string)
                    list.append(UnsafePointer(string))
                } else {
                    list.append(nil)
                }
            } else {
                list.append(nil)
            }
            attribute = a.pointee.next
        }
        list.append(nil)
        list.withUnsafeMutableBufferPointer { start(node.pointee.name, $0.baseAddress) }
        for string in joined { ingest_xml_free(string) }
    }

    private static func from(_ user: UnsafeMutableRawPointer?) -> PageScanner {
        Unmanaged<PageScanner>.fromOpaque(user!).takeUnretainedValue()
    }

    // MARK: Events

    private func start(_ name: UnsafePointer<xmlChar>?, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard !finished, let name else { return }
        if started && frames.isEmpty {
            // A second top-level element: the tree's walk stays inside the root.
            finished = true
            return
        }
        inText = false
        let attributes = Attributes(list: attributes)
        let depth = frames.count + 1
        if !frames.isEmpty { frames[frames.count - 1].hadChild = true }
        for collector in collectors { collector.elementStart(name, attributes, depth: depth) }
        var frame = Frame(classStart: classes.count, classEnd: classes.count, hasClass: false)
        if let value = attributes.raw("class") {
            var p = value
            while p.pointee != 0 { classes.append(p.pointee); p += 1 }
            frame.classEnd = classes.count
            frame.hasClass = true
        }
        frames.append(frame)
        if !started {
            started = true
            if PageScanner.equals(name, "html") {
                signals.declaredLanguage = attributes.value("lang").flatMap { $0.isEmpty ? nil : $0 }
            }
        }
        if hiddenBelow == nil, !visit(name, attributes, depth: depth) {
            hiddenBelow = depth
        }
    }

    private func end() {
        guard !finished, let frame = frames.last else { return }
        inText = false
        let depth = frames.count
        var ended = false
        for collector in collectors {
            if collector.depth == depth {
                ended = true
                collector.close()
            } else {
                collector.elementEnd(depth: depth, hadChild: frame.hadChild)
            }
        }
        if ended {
            for collector in collectors where collector.depth == depth { deliver(collector) }
            collectors.removeAll { $0.depth == depth }
        }
        frames.removeLast()
        classes.removeSubrange(frame.classStart...)
        if hiddenBelow == depth { hiddenBelow = nil }
        if frames.isEmpty { finished = true }
    }

    private func text(_ text: UnsafePointer<xmlChar>?, _ length: Int) {
        guard !finished, !frames.isEmpty, let text, length > 0 else { return }
        let piece = UnsafeBufferPointer(start: text, count: length)
        let first = !inText
        inText = true
        if first { frames[frames.count - 1].hadChild = true }
        let depth = frames.count + 1
        for collector in collectors { collector.text(piece, depth: depth, newNode: first) }
    }

    /// A comment or a processing instruction: a node of the tree that holds no text.
    private func otherNode() {
        guard !finished, !frames.isEmpty else { return }
        inText = false
        frames[frames.count - 1].hadChild = true
        let depth = frames.count + 1
        for collector in collectors { collector.otherNode(depth: depth) }
    }

    // MARK: The rules (what PageSignals reads from each element)

    /// Reads one element; returns whether its children are worth visiting.
    private func visit(_ name: UnsafePointer<xmlChar>, _ attributes: Attributes, depth: Int) -> Bool {
        typealias S = PageScanner
        switch name[0] | 0x20 {
        case UInt8(ascii: "m") where S.equals(name, "meta"):
            guard let content = attributes.value("content") else { return false }
            let value = HTMLText.collapse(content)
            for attribute in ["property", "name", "itemprop"] as [StaticString] {
                guard let keys = attributes.value(attribute) else { continue }
                for key in keys.lowercased().split(separator: " ") { signals.meta[String(key), default: []].append(value) }
            }
            return false
        case UInt8(ascii: "l") where S.equals(name, "link"):
            let rel = attributes.value("rel")?.lowercased() ?? ""
            if signals.canonical == nil, rel.split(separator: " ").contains("canonical"), let href = attributes.value("href") {
                signals.canonical = HTMLText.collapse(href)
            }
            return false
        case UInt8(ascii: "t") where S.equals(name, "title"):
            // The document's title, not an SVG's <title> inside the body.
            if signals.title == nil && !titlePending {
                titlePending = true
                collectors.append(Collector(.title, depth: depth, text: TextCollector(limit: 2_000)))
            }
            return false
        case UInt8(ascii: "s") where S.equals(name, "script"):
            let type = attributes.value("type")?.lowercased() ?? ""
            if type.hasBytes("ld+json") {
                collectors.append(Collector(.jsonLD, depth: depth, raw: RawCollector(limit: maxJSONLDBytes + 1)))
            }
            return false
        case UInt8(ascii: "s") where S.equals(name, "style"), UInt8(ascii: "n") where S.equals(name, "noscript"):
            return false
        case UInt8(ascii: "h") where S.equals(name, "h1"):
            collectors.append(Collector(.h1, depth: depth, text: TextCollector(limit: 400)))
            return false
        case UInt8(ascii: "t") where S.equals(name, "time"):
            if let value = attributes.value("datetime").map(HTMLText.collapse), !value.isEmpty {
                signals.times.append(PageSignals.TimeSignal(value: value, role: timeRole(attributes)))
            }
        default:
            break
        }
        return readAuthorMarks(name, attributes, depth: depth)
    }

    /// `itemprop=author|datePublished…`, `rel=author`, and byline-looking class names. Returns whether to
    /// descend: an element taken as a marked author is read whole.
    private func readAuthorMarks(_ name: UnsafePointer<xmlChar>, _ attributes: Attributes, depth: Int) -> Bool {
        guard !attributes.isEmpty else { return true }
        let itemprop = attributes.value("itemprop")?.lowercased()
        if let itemprop {
            if itemprop.hasBytes("datepublished") || itemprop.hasBytes("datemodified"),
                let value = (attributes.value("datetime") ?? attributes.value("content")).map(HTMLText.collapse),
                !value.isEmpty, !PageScanner.equals(name, "time")
            {
                signals.times.append(
                    PageSignals.TimeSignal(value: value, role: itemprop.hasBytes("datepublished") ? .published : .modified))
            }
        }
        let rel = attributes.value("rel")?.lowercased()
        if rel?.split(separator: " ").contains("author") == true || itemprop?.split(separator: " ").contains("author") == true {
            // An itemprop=author scope names its person in a nested itemprop=name, when it has one.
            collectors.append(
                Collector(.markedAuthor, depth: depth, text: TextCollector(limit: 200), named: NamedItemSearch()))
            return false
        }
        // The class and the id, searched in the parser's bytes: no String for each element that has them.
        let className = attributes.raw("class")
        let id = attributes.raw("id")
        guard className != nil || id != nil else { return true }
        func marked(_ word: StaticString) -> Bool {
            PageScanner.containsASCII(className, word) || PageScanner.containsASCII(id, word)
        }
        if marked("author") || marked("byline") || marked("dateline") || marked("writtenby"), !marked("comment") {
            // The first line only: a byline's next line is a role or a date ("WebMD Health News").
            let collector = Collector(.byline, depth: depth, text: TextCollector(limit: 200, stopAtLineBreak: true))
            collectors.append(collector)
            bylineCandidates.append(collector)
        }
        return true
    }

    /// Whether the C string `p` holds `needle` (ASCII), ASCII letters compared case-insensitively:
    /// `String(cString: p).hasASCII(needle)` without the String (repairing invalid UTF-8 never touches an
    /// ASCII byte, so the bytes answer alike).
    static func containsASCII(_ p: UnsafePointer<xmlChar>?, _ needle: StaticString) -> Bool {
        guard let p else { return false }
        let haystack = UnsafeBufferPointer(start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)))
        return String.firstASCII(UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount), in: haystack)
            != nil
    }

    private func timeRole(_ attributes: Attributes) -> PageSignals.TimeSignal.Role {
        let itemprop = attributes.value("itemprop")?.lowercased() ?? ""
        if itemprop.hasBytes("datemodified") { return .modified }
        if itemprop.hasBytes("datepublished") || attributes.value("pubdate") != nil { return .published }
        // The element's own class and its parent's (the element's frame is the last one, its parent's before).
        var parentClass = ""
        if frames.count >= 2, case let parent = frames[frames.count - 2], parent.hasClass {
            parentClass = String(decoding: classes[parent.classStart..<parent.classEnd], as: UTF8.self)
        }
        let marks = ((attributes.value("class") ?? "") + " " + parentClass).lowercased()
        if marks.hasBytes("updated") || marks.hasBytes("modified") { return .modified }
        if marks.hasBytes("publish") || marks.hasBytes("posted") { return .published }
        return .unknown
    }

    /// A collector's element ended: its text goes where it belongs.
    private func deliver(_ collector: Collector) {
        switch collector.purpose {
        case .title:
            signals.title = collector.text?.result ?? ""
            titlePending = false
        case .jsonLD:
            let raw = collector.raw?.result ?? ""
            if raw.utf8.count > maxJSONLDBytes { signals.skippedJSONLD += 1 } else { signals.jsonLD.append(raw) }
        case .h1:
            let text = collector.text?.result ?? ""
            if !text.isEmpty && signals.h1.count < 8 { signals.h1.append(text) }
        case .markedAuthor:
            let text = collector.named?.result ?? collector.text?.result ?? ""
            if !text.isEmpty && signals.markedAuthors.count < 8 { signals.markedAuthors.append(text) }
        case .byline:
            break  // in finish(), in the order the elements started
        }
    }

    /// Byline texts: a tree walk reads an element's text when it reaches the element, and takes it while
    /// fewer than 8 are taken; here a byline's text is known at its end, after any byline inside it.
    private func finish() {
        // Elements left open (a parse cut short) end here, innermost first.
        while !finished && !frames.isEmpty { end() }
        for collector in bylineCandidates where signals.bylineTexts.count < 8 {
            let text = collector.text?.result ?? ""
            if !text.isEmpty && text.count < 100 { signals.bylineTexts.append(text) }
        }
    }

    /// Compares a libxml2 name with an ASCII literal, case-insensitively, without making a String.
    @inline(__always)
    static func equals(_ a: UnsafePointer<xmlChar>, _ b: StaticString) -> Bool {
        let count = b.utf8CodeUnitCount
        let bp = b.utf8Start
        for i in 0..<count {
            var c = a[i]
            if c == 0 { return false }
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            if c != bp[i] { return false }
        }
        return a[count] == 0
    }
}

/// An element's attributes as libxml2 reports them: name, value, name, value…, then NULL; a value is
/// NULL for an attribute written without one.
struct Attributes {
    let list: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?

    var isEmpty: Bool { list?[0] == nil }

    /// The first value of the attribute `name` (case-insensitive); "" when it has none, nil when absent.
    func value(_ name: StaticString) -> String? {
        guard let list else { return nil }
        var i = 0
        while let attribute = list[i] {
            if PageScanner.equals(attribute, name) { return list[i + 1].map { String(cString: $0) } ?? "" }
            i += 2
        }
        return nil
    }

    /// The value's bytes in libxml2's buffer, valid during the event only; nil when absent or valueless.
    func raw(_ name: StaticString) -> UnsafePointer<xmlChar>? {
        guard let list else { return nil }
        var i = 0
        while let attribute = list[i] {
            if PageScanner.equals(attribute, name) { return list[i + 1] }
            i += 2
        }
        return nil
    }
}
