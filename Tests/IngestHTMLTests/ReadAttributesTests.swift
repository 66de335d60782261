import CLibXML2
import Foundation
import IngestCore
import Testing

@testable import IngestHTML

/// Clean's tree keeps only the attributes clean and the page signals read. Apart from the others, it must be
/// the tree libxml2 builds with every attribute.
@Suite("only the attributes the readers read")
struct ReadAttributesTests {
    /// What the readers read (PageTree, HTMLWriter, ContentScorer, PageScanner, TextCollectors).
    static let read: Set<String> = [
        "class", "id", "href", "style", "role", "hidden", "aria-hidden", "type", "src", "data-src", "alt", "title",
        "content", "property", "name", "itemprop", "rel", "datetime", "pubdate", "lang",
    ]

    static func parse(_ page: String, readOnly: Bool) -> HTMLDocument? {
        var copy = page
        return copy.withUTF8 { HTMLDocument(utf8: UnsafeRawBufferPointer($0), readAttributesOnly: readOnly) }
    }

    /// Type, name, the attributes (only the read ones with `filter`) and text of each node, in order.
    static func nodes(_ document: HTMLDocument, filter: Bool) -> [String] {
        var out: [String] = []
        var stack: [xmlNodePtr?] = [document.doc.pointee.children]
        while let top = stack.popLast() {
            guard let node = top else { continue }
            var text = "\(node.pointee.type.rawValue) \(node.pointee.name.map { String(cString: $0) } ?? "")"
            var attribute = node.pointee.properties
            while let a = attribute {
                let name = a.pointee.name.map { String(cString: $0) } ?? ""
                if !filter || read.contains(name) {
                    text += " \(name)=\(a.pointee.children?.pointee.content.map { String(cString: $0) } ?? "")"
                }
                attribute = a.pointee.next
            }
            if node.pointee.type != XML_ELEMENT_NODE, let content = node.pointee.content {
                text += " [\(String(cString: content))]"
            }
            out.append(text)
            stack.append(node.pointee.next)
            stack.append(node.pointee.children)
        }
        return out
    }

    @Test("every attribute the readers read stays; the tree is the same but for the others")
    func sameTree() throws {
        let names = Self.read.sorted() + ["data-id", "onclick", "srcset", "width", "aria-label", "CLASS", "x:y"]
        var rng = SplitMix64(seed: 31)
        for _ in 0..<2_000 {
            var page = "<html><body>"
            for _ in 0..<Int(rng.next() % 12) {
                let tag = ["div", "p", "a", "img", "meta", "span", "time", "script"][Int(rng.next() % 8)]
                page += "<\(tag)"
                for _ in 0..<Int(rng.next() % 5) {
                    page += " \(names[Int(rng.next() % UInt64(names.count))])=\"v\(rng.next() % 3)\""
                }
                page += ">text</\(tag)>"
            }
            let all = try #require(Self.parse(page, readOnly: false))
            let readOnly = try #require(Self.parse(page, readOnly: true))
            #expect(Self.nodes(all, filter: true) == Self.nodes(readOnly, filter: false), "\(page)")
        }
    }
}
