import CLibXML2
import IngestHTML
import Glibc

/// The visible part of a parsed page as a flat array in document order, with what scoring needs per node.
///
/// A node's descendants are the nodes right after it, up to its ``Node/end``: a subtree is a range, so
/// every pass over the page is a loop, never a recursion. That keeps 100,000 levels of nesting harmless.
/// Scripts, styles, hidden elements, forms' controls and (when asked) page chrome are left out while
/// building, so nothing later has to remove them.
struct PageTree {
    struct Node {
        /// The libxml2 node: an element, or a text node (``tag`` is `.other` and ``isText`` set).
        var xml: xmlNodePtr
        var tag: Tag
        var isText: Bool
        var parent: Int32
        /// One past the last descendant.
        var end: Int32
        var hints: ClassHints
        var flags: Flags
    }

    struct Flags: OptionSet {
        let rawValue: UInt16
        static let inLink = Flags(rawValue: 1 << 0)
        /// Inside a link to an anchor on the same page (`href="#…"`): counts less as link text.
        static let inHashLink = Flags(rawValue: 1 << 1)
        static let inTable = Flags(rawValue: 1 << 2)
        static let inCode = Flags(rawValue: 1 << 3)
        static let inFigure = Flags(rawValue: 1 << 4)
        static let inPre = Flags(rawValue: 1 << 5)
        /// This `a` element has an `href`.
        static let isLink = Flags(rawValue: 1 << 6)
        /// Flags children inherit.
        static let inherited: Flags = [.inLink, .inHashLink, .inTable, .inCode, .inFigure, .inPre]
    }

    /// Which of Readability's removals are on; a retry turns them off one by one.
    struct Options {
        var stripUnlikely = true
        var stripChrome = true
    }

    var nodes: [Node] = []
    /// Collapsed text length (Unicode scalars) of each text node, and of each element's subtree.
    var textLength: [Int32] = []
    /// The part of ``textLength`` inside links (anchor links weighted 0.3).
    var linkLength: [Float] = []
    /// Commas in the subtree (all of Readability's comma characters).
    var commas: [Int32] = []
    /// The page has a password field: a login form.
    var hasPasswordField = false
    /// The page's `<title>` and `<base href>`.
    var title: String?
    var baseHref: String?

    /// Builds the tree under `root` (the body). Children of left-out elements are never visited.
    init(document: HTMLDocument, options: Options) {
        if let head = document.head { readHead(head) }
        guard let root = document.body else { return }
        nodes.reserveCapacity(1024)
        var hintCache: [String: ClassHints] = [:]
        var bylineTaken = false
        // The title's words, found at the first h1 or h2.
        var titleWords: TitleMatch.Words?
        // The open elements from root down to the current node: their arena indexes.
        var open: [Int32] = []
        var current: xmlNodePtr? = root
        var descend = true
        var depth = 0
        while let node = current {
            if descend {
                let parentIndex = open.last ?? -1
                let parentFlags = parentIndex >= 0 ? nodes[Int(parentIndex)].flags.intersection(.inherited) : []
                var enter = false
                switch node.pointee.type {
                case XML_ELEMENT_NODE:
                    let tag = node.pointee.name.map(Tag.of(name:)) ?? .other
                    if tag == .input, HTMLDocument.attribute(node, "type")?.lowercased() == "password" {
                        hasPasswordField = true
                    }
                    let attributes = Self.readAttributes(node)
                    if tag.isInvisible || attributes.hidden { break }
                    if options.stripChrome && tag.isChrome { break }
                    let hints: ClassHints
                    if let key = attributes.hintKey {
                        if let cached = hintCache[key] {
                            hints = cached
                        } else {
                            hints = ClassHints.of(
                                className: attributes.className.map(String.init(cString:)),
                                id: attributes.id.map(String.init(cString:)))
                            hintCache[key] = hints
                        }
                    } else {
                        hints = ClassHints()
                    }
                    if options.stripUnlikely && node != root {
                        let chromeRole = attributes.role.map(Self.chromeRoles.contains) ?? false
                        let protected = tag == .a || tag == .body || parentFlags.contains(.inTable)
                            || parentFlags.contains(.inCode)
                        if chromeRole || (hints.unlikely && !protected) { break }
                    }
                    // The first short byline-looking element is the byline, which the extract stage reads
                    // as metadata: it is not part of the story's text.
                    if hints.byline && !bylineTaken && node != root, Self.shortText(node) {
                        bylineTaken = true
                        break
                    }
                    // A heading repeating the page's title is the headline, which the article has as its
                    // title already (Readability's `_headerDuplicatesTitle`).
                    if tag == .h1 || tag == .h2, let title {
                        if titleWords == nil { titleWords = TitleMatch.Words(title) }
                        if TitleMatch.duplicates(heading: node, titleWords: titleWords!) { break }
                    }
                    var flags = parentFlags
                    switch tag {
                    case .a:
                        if let href = attributes.href {
                            flags.insert([.inLink, .isLink])
                            if Self.startsWithHash(href) { flags.insert(.inHashLink) }
                        }
                    case .table: flags.insert(.inTable)
                    case .code: flags.insert(.inCode)
                    case .figure: flags.insert(.inFigure)
                    case .pre: flags.insert(.inPre)
                    default: break
                    }
                    append(Node(xml: node, tag: tag, isText: false, parent: parentIndex, end: 0, hints: hints, flags: flags))
                    enter = node.pointee.children != nil
                    if enter {
                        open.append(Int32(nodes.count - 1))
                    } else {
                        nodes[nodes.count - 1].end = Int32(nodes.count)
                    }
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    guard let content = node.pointee.content else { break }
                    let (length, commaCount) = Self.measure(content)
                    append(Node(xml: node, tag: .other, isText: true, parent: parentIndex, end: 0, hints: ClassHints(), flags: parentFlags))
                    let last = nodes.count - 1
                    nodes[last].end = Int32(nodes.count)
                    textLength[last] = length
                    commas[last] = commaCount
                    if parentFlags.contains(.inLink) {
                        linkLength[last] = Float(length) * (parentFlags.contains(.inHashLink) ? 0.3 : 1)
                    }
                default:
                    break
                }
                if enter, let child = node.pointee.children {
                    current = child
                    depth += 1
                    continue
                }
            }
            // Next: the sibling, or up until an ancestor has one. Closing an element fixes its end.
            if node == root { break }
            if let next = node.pointee.next {
                current = next
                descend = true
                continue
            }
            current = node.pointee.parent
            depth -= 1
            descend = false
            if let closed = open.popLast() { nodes[Int(closed)].end = Int32(nodes.count) }
            if current == root || depth < 0 {
                // Root is closed by the loop's end.
                break
            }
        }
        while let closed = open.popLast() { nodes[Int(closed)].end = Int32(nodes.count) }
        sumSubtrees()
    }

    private mutating func append(_ node: Node) {
        nodes.append(node)
        textLength.append(0)
        linkLength.append(0)
        commas.append(0)
    }

    /// Adds every node's measures to its parent's, children first (reverse document order).
    private mutating func sumSubtrees() {
        var i = nodes.count - 1
        while i > 0 {
            let p = Int(nodes[i].parent)
            if p >= 0 {
                textLength[p] &+= textLength[i]
                linkLength[p] += linkLength[i]
                commas[p] &+= commas[i]
            }
            i -= 1
        }
    }

    static let chromeRoles: Set<String> = ["menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"]

    /// The attributes scoring reads. Class, id and href stay the parser's bytes (empty for an attribute
    /// without a value): most elements need no String of them.
    struct Attributes {
        var className: UnsafePointer<xmlChar>?
        var id: UnsafePointer<xmlChar>?
        var role: String?
        var href: UnsafePointer<xmlChar>?
        var hidden = false

        /// The hints cache's key, `class#id`: one String, built as `(class ?? "") + "#" + (id ?? "")` was.
        var hintKey: String? {
            guard className != nil || id != nil else { return nil }
            let classLength = className.map(PageTree.length) ?? 0
            let idLength = id.map(PageTree.length) ?? 0
            // Invalid UTF-8 is repaired as `String(cString:)` did: the ASCII `#` never joins a neighbour's
            // sequence, so repairing the whole equals joining the repaired parts.
            return String(unsafeUninitializedCapacity: classLength + 1 + idLength) { buffer in
                let base = buffer.baseAddress!
                if let className { memcpy(base, className, classLength) }
                base[classLength] = 0x23
                if let id { memcpy(base + classLength + 1, id, idLength) }
                return classLength + 1 + idLength
            }
        }
    }

    static func length(_ p: UnsafePointer<xmlChar>) -> Int {
        strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
    }

    /// The value of an attribute written without one (`<div class>`).
    private static var empty: UnsafePointer<xmlChar> { UnsafePointer(("" as StaticString).utf8Start) }

    /// The attributes scoring reads, in one pass over the element's attribute list. Names are compared as
    /// bytes; only the values kept become strings.
    static func readAttributes(_ node: xmlNodePtr) -> Attributes {
        var result = Attributes()
        var attr = node.pointee.properties
        while let a = attr {
            defer { attr = a.pointee.next }
            guard let name = a.pointee.name else { continue }
            let value = a.pointee.children?.pointee.content
            if equals(name, "class") {
                result.className = value.map { UnsafePointer($0) } ?? empty
            } else if equals(name, "id") {
                result.id = value.map { UnsafePointer($0) } ?? empty
            } else if equals(name, "href") {
                result.href = value.map { UnsafePointer($0) } ?? empty
            } else if equals(name, "role") {
                result.role = value.map { String(cString: $0).lowercased() }
            } else if equals(name, "hidden") {
                result.hidden = true
            } else if equals(name, "aria-hidden") {
                if let value, equals(value, "true") { result.hidden = true }
            } else if equals(name, "style"), let value {
                if containsIgnoringSpaces(value, "display:none") || containsIgnoringSpaces(value, "visibility:hidden") {
                    result.hidden = true
                }
            }
        }
        return result
    }

    /// `String(cString: href).hasPrefix("#")`, which compares Characters: a `#` followed by an ASCII byte
    /// (or nothing) is a Character of its own; anything else asks the String.
    static func startsWithHash(_ href: UnsafePointer<xmlChar>) -> Bool {
        guard href[0] == 0x23 else { return false }
        if href[1] < 0x80 { return true }
        return String(cString: href).hasPrefix("#")
    }

    /// ASCII case-insensitive equality of a C string with a lowercase literal.
    static func equals(_ p: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        let l = literal.utf8Start
        for k in 0..<n {
            let b = p[k]
            if b == 0 || (b | 0x20) != l[k] { return false }
        }
        return p[n] == 0
    }

    /// Whether `p` holds `literal` (lowercase) once spaces are removed, ASCII case-insensitively.
    static func containsIgnoringSpaces(_ p: UnsafePointer<xmlChar>, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        let l = literal.utf8Start
        var start = p
        while start.pointee != 0 {
            var q = start
            var k = 0
            while k < n {
                let b = q.pointee
                if b == 0 { return false }
                if b == 0x20 && k > 0 {
                    q += 1
                    continue
                }
                if (b | 0x20) != l[k] { break }
                k += 1
                q += 1
            }
            if k == n { return true }
            start += 1
        }
        return false
    }

    /// The collapsed length (Unicode scalars, whitespace runs counted once) and the commas of a UTF-8 string.
    static func measure(_ content: UnsafePointer<xmlChar>) -> (Int32, Int32) {
        var length: Int32 = 0
        var commaCount: Int32 = 0
        var inSpace = true
        var p = content
        while p.pointee != 0 {
            let b = p.pointee
            if b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0C {
                if !inSpace { length += 1 }
                inSpace = true
            } else if b & 0xC0 != 0x80 {
                length += 1
                inSpace = false
                if b == 0x2C { commaCount += 1 }
                // U+060C, U+FF0C and friends: Arabic and full-width commas.
                else if b == 0xD8 && p[1] == 0x8C { commaCount += 1 }
                else if b == 0xEF && p[1] == 0xBC && p[2] == 0x8C { commaCount += 1 }
            }
            p += 1
        }
        if inSpace && length > 0 { length -= 1 }
        return (max(length, 0), commaCount)
    }

    /// Text under 100 bytes: what a byline is. Stops counting at 100 (no copy of a large subtree).
    private static func shortText(_ node: xmlNodePtr) -> Bool {
        var total = 0
        var current = node.pointee.children
        var depth = 0
        while let n = current {
            if n.pointee.type == XML_TEXT_NODE, let content = n.pointee.content {
                total += strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
                if total >= 100 { return false }
            }
            if let child = n.pointee.children, n.pointee.type == XML_ELEMENT_NODE {
                current = child
                depth += 1
                continue
            }
            var up: xmlNodePtr? = n
            while let u = up, u.pointee.next == nil {
                up = u.pointee.parent
                depth -= 1
                if depth < 0 || up == node { return true }
            }
            current = up?.pointee.next
        }
        return true
    }

    private mutating func readHead(_ head: xmlNodePtr) {
        var child = head.pointee.children
        while let node = child {
            child = node.pointee.next
            guard node.pointee.type == XML_ELEMENT_NODE, let name = node.pointee.name else { continue }
            switch String(cString: name).lowercased() {
            case "title" where title == nil:
                if let content = xmlNodeGetContent(node) {
                    title = String(cString: content)
                    ingest_xml_free(content)
                }
            case "base" where baseHref == nil:
                baseHref = HTMLDocument.attribute(node, "href")
            default: break
            }
        }
    }

    /// Indexes of the element's children.
    func children(of i: Int) -> ChildSequence { ChildSequence(tree: self, parent: i) }

    struct ChildSequence: Sequence, IteratorProtocol {
        let tree: PageTree
        let parent: Int
        var cursor: Int
        init(tree: PageTree, parent: Int) {
            self.tree = tree
            self.parent = parent
            self.cursor = parent + 1
        }
        mutating func next() -> Int? {
            guard cursor < Int(tree.nodes[parent].end) else { return nil }
            let current = cursor
            cursor = Int(tree.nodes[current].end)
            return current
        }
    }
}
