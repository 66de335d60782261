import Foundation
import IngestCore

/// The metadata a page states about itself, each field chosen among its sources, with where it came from.
struct PageMetadata {
    var title: String?
    var authors: [String] = []
    var published: DateValue?
    var modified: DateValue?
    var siteName: String?
    var canonicalURL: String?
    var description: String?
    var image: String?
    /// `<html lang>`: only a tie-breaker for the language detector, never evidence on its own.
    var declaredLanguage: String?
    /// Field name → source (`json-ld`, `og`, `meta`, `title`, `h1`, `byline`, `time`, `url`, `text`…).
    var sources: [String: String] = [:]
    /// JSON-LD blocks larger than the configured cap, skipped.
    var skippedJSONLD = 0

    init() {}

    /// Reads what a page says of itself.
    ///
    /// - Parameters:
    ///   - url: the article's URL, for dates in it and a site name from its host.
    ///   - paragraphs: the clean text's paragraphs, for byline and date lines.
    init(page signals: PageSignals, url: String?, paragraphs: [Substring]) {
        let ld = JSONLDFacts(blocks: signals.jsonLD)
        skippedJSONLD = signals.skippedJSONLD
        declaredLanguage = signals.declaredLanguage

        (siteName, sources["siteName"]) = Self.pick([
            ("og", signals.meta("og:site_name")), ("json-ld", ld.publisher),
            ("meta", signals.meta("application-name", "twitter:site:name")),
        ])
        (canonicalURL, sources["canonicalURL"]) = Self.pick([
            ("link", signals.canonical.flatMap(Self.absoluteURL)), ("og", signals.meta("og:url").flatMap(Self.absoluteURL)),
            ("json-ld", ld.url.flatMap(Self.absoluteURL)),
        ])
        (description, sources["description"]) = Self.pick([
            ("json-ld", ld.description), ("og", signals.meta("og:description")),
            ("meta", signals.meta("description", "twitter:description", "dc.description", "dcterms.description")),
        ])
        (image, sources["image"]) = Self.pick([
            ("og", signals.meta("og:image", "og:image:url", "og:image:secure_url")), ("json-ld", ld.image),
            ("meta", signals.meta("twitter:image", "twitter:image:src")),
        ])

        readTitle(signals, ld: ld, url: url)
        readAuthors(signals, ld: ld, paragraphs: paragraphs)
        readDates(signals, ld: ld, url: url, paragraphs: paragraphs)
    }

    /// The first non-empty value and its source.
    private static func pick(_ options: [(String, String?)]) -> (String?, String?) {
        for (source, value) in options {
            if let value, !value.isEmpty { return (value, source) }
        }
        return (nil, nil)
    }

    private mutating func readTitle(_ signals: PageSignals, ld: JSONLDFacts, url: String?) {
        var candidates: [Titles.Candidate] = []
        let host = url.flatMap(Self.host)
        // A known site's name is removed from every candidate (og:title often carries it too).
        func add(_ source: String, _ text: String?) {
            guard let text, !text.isEmpty else { return }
            let clean = siteName == nil ? text : Titles.withoutSite(text, siteName: siteName, host: host, knownSiteOnly: true)
            candidates.append(Titles.Candidate(source: source, text: clean))
        }
        add("json-ld", ld.headline)
        add("dc", signals.meta("dc:title", "dcterm:title", "dcterms:title"))
        add("og", signals.meta("og:title"))
        add("meta", signals.meta("twitter:title", "dc.title", "dcterms.title", "parsely-title", "sailthru.title", "title"))
        if let title = signals.title {
            candidates.append(Titles.Candidate(source: "title", text: Titles.withoutSite(title, siteName: siteName, host: host, headings: signals.h1)))
        }
        // The main h1: the only one, or the one the other candidates agree with.
        if signals.h1.count == 1 {
            add("h1", signals.h1[0])
        } else if signals.h1.count > 1 {
            let keys = Set(candidates.map { Titles.key($0.text) })
            add("h1", signals.h1.first { keys.contains(Titles.key($0)) })
        }
        if let chosen = Titles.choose(candidates, siteName: siteName) {
            title = chosen.text
            sources["title"] = chosen.source
        }
    }

    private mutating func readAuthors(_ signals: PageSignals, ld: JSONLDFacts, paragraphs: [Substring]) {
        // Author metas that hold a profile URL instead of a name (article:author often does) are rejected
        // by Bylines.names.
        // Within a source, the first value that holds names wins (a page lists related articles' authors
        // too); JSON-LD's author list is the article's own, so all of it is kept.
        let metaKeys = ["dc:creator", "dcterm:creator", "dcterms:creator", "dc.creator", "dcterms.creator", "author",
                        "parsely-author", "sailthru.author", "byl", "article:author", "citation_author"]
        let options: [(String, [[String]])] = [
            ("json-ld", [ld.authors]),
            ("meta", metaKeys.map { signals.metaAll($0) }),
            ("rel-author", signals.markedAuthors.map { [$0] }),
            ("byline", signals.bylineTexts.map { [$0] }),
        ]
        let site = siteName.map(Titles.key)
        for (source, groups) in options {
            for values in groups {
                var names: [String] = []
                for value in values {
                    for name in Bylines.names(in: value) where !names.contains(where: { $0.lowercased() == name.lowercased() }) {
                        names.append(name)
                    }
                }
                // The site's name given as the author is not a person.
                if let site { names.removeAll { Titles.key($0) == site } }
                if !names.isEmpty {
                    authors = Array(names.prefix(10))
                    sources["authors"] = source
                    return
                }
            }
        }
        let fromText = Bylines.inText(paragraphs)
        if !fromText.isEmpty {
            authors = fromText
            sources["authors"] = "text"
        }
    }

    private mutating func readDates(_ signals: PageSignals, ld: JSONLDFacts, url: String?, paragraphs: [Substring]) {
        let times = signals.times
        let publishedOptions: [(String, String?)] = [
            ("json-ld", ld.published),
            ("meta", signals.meta("article:published_time", "og:published_time", "datepublished", "parsely-pub-date",
                                  "sailthru.date", "dc.date.issued", "dcterms.created", "dc.date", "date", "pubdate",
                                  "publishdate", "citation_publication_date")),
            ("time", times.first { $0.role == .published }?.value),
            ("time", times.first { $0.role == .unknown }?.value),
        ]
        for (source, value) in publishedOptions {
            if let value, let date = Dates.parse(value) {
                published = date
                sources["published"] = source
                break
            }
        }
        if published == nil, let url, let date = Dates.fromURL(url) {
            published = date
            sources["published"] = "url"
        }
        let modifiedOptions: [(String, String?)] = [
            ("json-ld", ld.modified),
            ("meta", signals.meta("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified")),
            ("time", times.first { $0.role == .modified }?.value),
        ]
        for (source, value) in modifiedOptions {
            if let value, let date = Dates.parse(value) {
                modified = date
                sources["modified"] = source
                break
            }
        }
        // With the published date known, a text line can only add a modified one, which needs an "Updated …"
        // line: most pages have none, and reading every date line costs more than the rest of this.
        if published == nil || (modified == nil && Dates.hasUpdateLine(paragraphs)) {
            let lines = Dates.inText(paragraphs)
            if published == nil, let date = lines.published {
                published = date
                sources["published"] = "text"
            }
            if modified == nil, let date = lines.modified {
                modified = date
                sources["modified"] = "text"
            }
        }
    }

    /// Only absolute http(s) URLs are kept: a relative canonical link cannot be resolved reliably.
    static func absoluteURL(_ s: String) -> String? {
        let lower = s.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") ? s : nil
    }

    static func host(_ url: String) -> String? {
        guard let r = url.range(of: "://") else { return nil }
        let host = url[r.upperBound...].prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
        return host.isEmpty ? nil : host.lowercased()
    }
}
