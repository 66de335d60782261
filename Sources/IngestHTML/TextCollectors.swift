import CLibXML2
import IngestCore

/// What ``PageScanner`` gathers under one element, from the events inside it (the element's own start
/// and end are not passed on). Depths count open elements: the element is at `depth`, its children at
/// `depth + 1`.
final class Collector {
    enum Purpose { case title, jsonLD, h1, markedAuthor, byline }
    let purpose: Purpose
    let depth: Int
    let text: TextCollector?
    let raw: RawCollector?
    let named: NamedItemSearch?

    init(_ purpose: Purpose, depth: Int, text: TextCollector? = nil, raw: RawCollector? = nil, named: NamedItemSearch? = nil) {
        self.purpose = purpose
        self.depth = depth
        self.text = text
        self.raw = raw
        self.named = named
    }

    func elementStart(_ name: UnsafePointer<xmlChar>, _ attributes: Attributes, depth: Int) {
        text?.elementStart(name, depth: depth)
        raw?.node(depth: depth, parent: self.depth)
        named?.elementStart(name, attributes, depth: depth)
    }

    func elementEnd(depth: Int, hadChild: Bool) {
        text?.elementEnd(depth: depth, hadChild: hadChild)
        named?.elementEnd(depth: depth, hadChild: hadChild)
    }

    func text(_ piece: UnsafeBufferPointer<UInt8>, depth: Int, newNode: Bool) {
        text?.text(piece, depth: depth, newNode: newNode)
        raw?.text(piece, depth: depth, parent: self.depth, newNode: newNode)
        named?.text(piece, depth: depth, newNode: newNode)
    }

    func otherNode(depth: Int) {
        text?.node(depth: depth)
        raw?.node(depth: depth, parent: self.depth)
        named?.otherNode(depth: depth)
    }

    /// The element ended.
    func close() {
        named?.close()
    }
}

/// The visible text under an element, whitespace collapsed, scripts and styles skipped; reading stops at a
/// node that starts once `limit` bytes are read, and with `stopAtLineBreak`, at the first line break (in the
/// source or a `<br>`, `<p>`, `<div>`, `<li>`) after at least two words. Leaving an element that has
/// children separates words.
final class TextCollector {
    private let limit: Int
    private let stopAtLineBreak: Bool
    private var out: [UInt8] = []
    private var words = 0
    private var pendingSpace = false
    private var done = false
    /// The depth of a script or style being passed over.
    private var skipping: Int?

    init(limit: Int, stopAtLineBreak: Bool = false) {
        self.limit = limit
        self.stopAtLineBreak = stopAtLineBreak
    }

    var result: String { HTMLText.collapse(String(decoding: out, as: UTF8.self)) }

    @inline(__always)
    private func hidden(_ depth: Int) -> Bool { skipping.map { depth > $0 } ?? false }

    /// A node starts at `depth`: nothing more is read once the limit is reached.
    func node(depth: Int) {
        guard !done, !hidden(depth) else { return }
        if out.count >= limit { done = true }
    }

    func elementStart(_ name: UnsafePointer<xmlChar>, depth: Int) {
        node(depth: depth)
        guard !done, !hidden(depth) else { return }
        if PageScanner.equals(name, "script") || PageScanner.equals(name, "style") {
            skipping = depth
            return
        }
        if PageScanner.equals(name, "br") || PageScanner.equals(name, "p") || PageScanner.equals(name, "div")
            || PageScanner.equals(name, "li")
        {
            if !pendingSpace && !out.isEmpty { words += 1 }
            if stopAtLineBreak && words >= 2 {
                done = true
                return
            }
            pendingSpace = !out.isEmpty
        }
    }

    func elementEnd(depth: Int, hadChild: Bool) {
        if skipping == depth {
            skipping = nil
            return
        }
        guard !done, !hidden(depth) else { return }
        if hadChild { pendingSpace = !out.isEmpty }
    }

    func text(_ piece: UnsafeBufferPointer<UInt8>, depth: Int, newNode: Bool) {
        if newNode { node(depth: depth) }
        guard !done, !hidden(depth) else { return }
        for c in piece {
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C {
                if !pendingSpace && !out.isEmpty { words += 1 }
                if c == 0x0A && stopAtLineBreak && words >= 2 {
                    done = true
                    return
                }
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                out.append(c)
            }
        }
    }
}

/// The text children of an element as they are (a script's body), until about `limit` bytes: a text node
/// that starts once `limit` bytes are read is left out.
final class RawCollector {
    private let limit: Int
    private var out: [UInt8] = []
    private var done = false

    init(limit: Int) { self.limit = limit }

    var result: String { String(decoding: out, as: UTF8.self) }

    func node(depth: Int, parent: Int) {
        guard depth == parent + 1, !done else { return }
        if out.count >= limit { done = true }
    }

    func text(_ piece: UnsafeBufferPointer<UInt8>, depth: Int, parent: Int, newNode: Bool) {
        guard depth == parent + 1 else { return }
        if newNode { node(depth: depth, parent: parent) }
        if !done { out.append(contentsOf: piece) }
    }
}

/// The text of the first element with `itemprop=name` (a microdata person or organisation) among the first
/// 300 nodes under an element, in document order: its `content`, or else its text; nil when there is none
/// or it is empty.
final class NamedItemSearch {
    private var visited = 0
    private var over = false
    private(set) var result: String?
    /// The found element's text, while it is read.
    private var reading: (depth: Int, text: TextCollector)?

    private func count() -> Bool {
        guard !over, reading == nil else { return false }
        if visited >= 300 {
            over = true
            return false
        }
        visited += 1
        return true
    }

    func elementStart(_ name: UnsafePointer<xmlChar>, _ attributes: Attributes, depth: Int) {
        if let reading {
            reading.text.elementStart(name, depth: depth)
            return
        }
        guard count(), attributes.value("itemprop")?.lowercased() == "name" else { return }
        if let content = attributes.value("content") {
            found(content)
        } else {
            reading = (depth, TextCollector(limit: 200))
        }
    }

    func elementEnd(depth: Int, hadChild: Bool) {
        guard let reading else { return }
        if depth == reading.depth {
            self.reading = nil
            found(reading.text.result)
        } else {
            reading.text.elementEnd(depth: depth, hadChild: hadChild)
        }
    }

    func text(_ piece: UnsafeBufferPointer<UInt8>, depth: Int, newNode: Bool) {
        if let reading {
            reading.text.text(piece, depth: depth, newNode: newNode)
        } else if newNode {
            _ = count()
        }
    }

    func otherNode(depth: Int) {
        if let reading { reading.text.node(depth: depth) } else { _ = count() }
    }

    /// The element searched ended: a name being read is complete.
    func close() {
        if let reading {
            self.reading = nil
            found(reading.text.result)
        }
    }

    private func found(_ value: String) {
        over = true
        let clean = HTMLText.collapse(value)
        result = clean.isEmpty ? nil : clean
    }
}
