import Foundation
import CLibXML2
import IngestCore

/// Everything the metadata rules read from a page, gathered in one pass over libxml2's tree.
///
/// Raw and uninterpreted: which value wins is decided in ``PageMetadata``. Values are whitespace-collapsed.
struct PageSignals {
    /// `<html lang>`, as declared.
    var declaredLanguage: String?
    /// The `<title>` element's text.
    var title: String?
    /// Every `<meta>` value by its lowercased `name`, `property` or `itemprop` (each space-separated token),
    /// in document order.
    var meta: [String: [String]] = [:]
    /// `<link rel=canonical href>`.
    var canonical: String?
    /// The text of each `<script type="application/ld+json">`, at most `maxJSONLDBytes` each.
    var jsonLD: [String] = []
    /// The text of each `<h1>`, in order.
    var h1: [String] = []
    /// `<time datetime>` values and `itemprop=datePublished|dateModified` elements' values, in order.
    var times: [TimeSignal] = []
    /// The text of links and elements marked as the author (`rel=author`, `itemprop=author`).
    var markedAuthors: [String] = []
    /// Short texts of elements whose class or id says byline or author, in document order.
    var bylineTexts: [String] = []
    /// Scripts and styles are not text; a JSON-LD block over the cap is skipped, and counted.
    var skippedJSONLD = 0

    struct TimeSignal {
        enum Role { case published, modified, unknown }
        var value: String
        var role: Role
    }

    func meta(_ keys: String...) -> String? {
        for key in keys {
            if let v = meta[key]?.first(where: { !$0.isEmpty }) { return v }
        }
        return nil
    }

    func metaAll(_ keys: String...) -> [String] {
        keys.flatMap { meta[$0] ?? [] }.filter { !$0.isEmpty }
    }
}

extension PageSignals {
    private static let options: Int32 = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_IGNORE_ENC.rawValue | HTML_PARSE_COMPACT.rawValue)

    /// Reads a page (UTF-8 HTML) with libxml2's HTML parser, which recovers from anything (unclosed tags,
    /// stray bytes, truncation) and never touches the network; nil when there is nothing to read. The
    /// input is already UTF-8 (decoding converted it), so the page's own `<meta charset>` is ignored.
    init?(html: String, maxJSONLDBytes: Int) {
        Self.setUpOnce
        let scanner = PageScanner(maxJSONLDBytes: maxJSONLDBytes)
        guard scanner.scan(html, options: Self.options) else { return nil }
        self = scanner.signals
    }

    // libxml2 prints some errors through the generic handler even with NOERROR; and never load an entity.
    private static let setUpOnce: Void = {
        ingest_xml_silence_generic_errors()
        ingest_xml_install_safe_loader()
    }()
}
