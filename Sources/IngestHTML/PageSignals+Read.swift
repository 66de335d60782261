import CLibXML2
public import IngestCore

extension PageSignals {
    /// Reads a page (UTF-8 HTML) from libxml2's parse events, without building its tree; nil when there is
    /// nothing to read. For a stage that has no tree of the page: extract, when clean did not run or changed
    /// the HTML.
    public init?(html: String, maxJSONLDBytes: Int) {
        LibXML2.setUpOnce
        let scanner = PageScanner(maxJSONLDBytes: maxJSONLDBytes)
        guard scanner.scan(html, options: HTMLDocument.options) else { return nil }
        self = scanner.signals
    }

    /// Reads the signals from a page already parsed into a tree, before anything changes the tree. The
    /// same rules see the same nodes as in ``init(html:maxJSONLDBytes:)``: the tree is what libxml2 builds
    /// from those events.
    public init(document: HTMLDocument, maxJSONLDBytes: Int) {
        let scanner = PageScanner(maxJSONLDBytes: maxJSONLDBytes)
        scanner.scan(document)
        self = scanner.signals
    }
}
