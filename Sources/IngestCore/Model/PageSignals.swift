/// What a page's markup says about it: everything extract's metadata rules read from a page.
///
/// Raw and uninterpreted: which value wins is decided by the extract stage. Values are whitespace-collapsed.
/// Read by `IngestHTML` from libxml2's parse of the page. The clean stage reads them from the tree it has
/// parsed anyway and hands them on with the article (``Article/pageReading``), so extract need not parse the
/// page a second time.
public struct PageSignals: Sendable, Equatable {
    /// `<html lang>`, as declared.
    public var declaredLanguage: String?
    /// The `<title>` element's text.
    public var title: String?
    /// Every `<meta>` value by its lowercased `name`, `property` or `itemprop` (each space-separated token),
    /// in document order.
    public var meta: [String: [String]] = [:]
    /// `<link rel=canonical href>`.
    public var canonical: String?
    /// The text of each `<script type="application/ld+json">`, at most the reader's cap each.
    public var jsonLD: [String] = []
    /// The text of each `<h1>`, in order.
    public var h1: [String] = []
    /// `<time datetime>` values and `itemprop=datePublished|dateModified` elements' values, in order.
    public var times: [TimeSignal] = []
    /// The text of links and elements marked as the author (`rel=author`, `itemprop=author`).
    public var markedAuthors: [String] = []
    /// Short texts of elements whose class or id says byline or author, in document order.
    public var bylineTexts: [String] = []
    /// JSON-LD blocks over the reader's cap, skipped and counted.
    public var skippedJSONLD = 0

    public struct TimeSignal: Sendable, Equatable {
        public enum Role: Sendable { case published, modified, unknown }
        public var value: String
        public var role: Role

        public init(value: String, role: Role) {
            self.value = value
            self.role = role
        }
    }

    public init() {}

    public func meta(_ keys: String...) -> String? {
        for key in keys {
            if let v = meta[key]?.first(where: { !$0.isEmpty }) { return v }
        }
        return nil
    }

    public func metaAll(_ keys: String...) -> [String] {
        keys.flatMap { meta[$0] ?? [] }.filter { !$0.isEmpty }
    }

    /// The signals with JSON-LD blocks over `maxJSONLDBytes` moved to ``skippedJSONLD`` (for signals read
    /// under a larger cap than the reader of them wants).
    public func cappingJSONLD(at maxJSONLDBytes: Int) -> PageSignals {
        guard jsonLD.contains(where: { $0.utf8.count > maxJSONLDBytes }) else { return self }
        var capped = self
        capped.jsonLD = jsonLD.filter { $0.utf8.count <= maxJSONLDBytes }
        capped.skippedJSONLD += jsonLD.count - capped.jsonLD.count
        return capped
    }
}

/// ``PageSignals`` of the page an article came from, with the HTML the reading stage left in the article:
/// the page itself, its main content (clean's `html = "main"`) or none. A later stage that changes
/// ``Article/html`` (a plugin) makes them stale, and a later reader checks ``isFor(_:)`` first. Comparing is
/// free while the HTML is unchanged: both are one string's storage.
public struct PageReading: Sendable, Equatable {
    public let html: String?
    public let signals: PageSignals

    public init(html: String?, signals: PageSignals) {
        self.html = html
        self.signals = signals
    }

    public func isFor(_ html: String?) -> Bool { html == self.html }
}
