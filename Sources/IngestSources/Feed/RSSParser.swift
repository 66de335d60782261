import Foundation
import IngestCore

/// RSS 0.90, 0.91, 0.92, 2.0 and RSS 1.0 (RDF), with the modules news feeds use.
enum RSSParser {
    enum NS {
        static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
        static let rss10 = "http://purl.org/rss/1.0/"
        static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        static let content = "http://purl.org/rss/1.0/modules/content/"
        static let dc = "http://purl.org/dc/elements/1.1/"
        static let dcterms = "http://purl.org/dc/terms/"
        static let sy = "http://purl.org/rss/1.0/modules/syndication/"
        static let atom = "http://www.w3.org/2005/Atom"
        static let media = ["http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss"]
        static let itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    }

    /// Core RSS elements: no namespace in 0.9x/2.0, the RSS 1.0 or 0.90 namespace in RDF feeds.
    private static let core: [String?] = [nil, NS.rss10, NS.rss090]
    private static let media: [String?] = NS.media

    static func parse(_ root: FeedXMLElement) -> ParsedFeed {
        var warnings: [String] = []
        let channel: FeedXMLElement
        if root.name == "channel" {
            channel = root
        } else if let c = root.elements.first(where: { $0.name == "channel" }) {
            channel = c
        } else {
            warnings.append("no <channel> element")
            channel = root
        }

        var feed = ParsedFeed(kind: kind(root, channel: channel))
        feed.title = text(channel.child("title", in: core)).map(FeedText.stripTags)
            ?? text(channel.child("title", in: [NS.dc])).map(FeedText.stripTags)
        feed.link = channel.resolve(channel.child("link", in: core)?.trimmedText)
        feed.description = text(channel.child("description", in: core))
            ?? text(channel.child("subtitle", in: [NS.itunes]))
        feed.language = channel.child("language", in: core)?.trimmedText
            ?? channel.child("language", in: [NS.dc])?.trimmedText
        let updatedElement = channel.child("lastBuildDate", in: core) ?? channel.child("pubDate", in: core)
            ?? channel.child("date", in: [NS.dc]) ?? channel.child("updated", in: [NS.atom])
        (feed.updated, feed.updatedAt) = FeedText.date(updatedElement)
        if let ttl = channel.child("ttl", in: core)?.trimmedText { feed.ttlMinutes = Int(ttl) }
        feed.updateIntervalSecs = updateInterval(channel)
        for link in channel.children("link", in: [NS.atom]) where link.attribute("rel") == "self" {
            feed.feedURL = channel.resolve(link.attribute("href"))
            break
        }

        // RSS 1.0 puts items next to the channel; some broken 2.0 feeds do the same.
        var items = channel.children("item", in: core)
        if items.isEmpty, root.name != "channel" { items = root.children("item", in: core) }
        feed.entries = items.map(entry)
        feed.warnings = warnings
        return feed
    }

    private static func kind(_ root: FeedXMLElement, channel: FeedXMLElement) -> ParsedFeed.Kind {
        if root.name == "RDF" {
            return channel.namespace == NS.rss090 ? .rss090 : .rss10
        }
        let version = root.attribute("version").map(FeedXML.trimSpaces) ?? ""
        switch version {
        case "0.90", "0.9": return .rss090
        case "0.91": return .rss091
        case "0.92", "0.93", "0.94": return .rss092
        default: return .rss20
        }
    }

    /// `sy:updatePeriod` (hourly, daily, weekly, monthly, yearly) divided by `sy:updateFrequency`.
    private static func updateInterval(_ channel: FeedXMLElement) -> Int? {
        guard let period = channel.child("updatePeriod", in: [NS.sy])?.trimmedText?.lowercased() else { return nil }
        let seconds: Int
        switch period {
        case "hourly": seconds = 3600
        case "daily": seconds = 86_400
        case "weekly": seconds = 604_800
        case "monthly": seconds = 2_592_000
        case "yearly": seconds = 31_536_000
        default: return nil
        }
        let frequency = channel.child("updateFrequency", in: [NS.sy])?.trimmedText.flatMap { Int($0) } ?? 1
        return seconds / max(frequency, 1)
    }

    private static func entry(_ item: FeedXMLElement) -> FeedEntry {
        var entry = FeedEntry()
        let guid = item.child("guid", in: core)
        entry.id = guid?.trimmedText ?? item.child("identifier", in: [NS.dc])?.trimmedText
        entry.title = text(item.child("title", in: core)).map(FeedText.stripTags)
            ?? text(item.child("title", in: [NS.dc])).map(FeedText.stripTags)

        // RSS allows one <link> per item, so a repeated one has no stated meaning. The first is taken, as
        // for every other repeated element here and as feed-rs does (gofeed keeps the last); taking another
        // would also change the identity of items without a guid, and they would be ingested again.
        if let link = item.child("link", in: core)?.trimmedText {
            entry.link = item.resolve(link)
        } else if let atomLink = item.children("link", in: [NS.atom]).first(where: {
            ($0.attribute("rel") ?? "alternate") == "alternate"
        }) {
            entry.link = item.resolve(atomLink.attribute("href"))
        } else if let guid, let id = guid.trimmedText, guid.attribute("isPermaLink")?.lowercased() != "false",
            id.hasPrefix("http://") || id.hasPrefix("https://")
        {
            // A permalink GUID is the item's page when no <link> says otherwise (RSS 2.0 spec).
            entry.link = id
        } else if item.namespace == NS.rss10 || item.namespace == NS.rss090,
            let about = item.attribute("about", namespace: NS.rdf) {
            entry.link = item.resolve(about)
        }

        entry.summary = text(item.child("description", in: core))
            ?? text(item.child("description", in: [NS.dc]))
            ?? text(item.child("summary", in: [NS.itunes]))
        // `content:encoded` is the RSS way; a bare <content> and an Atom <content> turn up in feeds that
        // borrow from Atom, and say the same thing.
        entry.content = text(item.child("encoded", in: [NS.content])) ?? text(item.child("content", in: core))
            ?? AtomParser.markup(item.child("content", in: [NS.atom]))

        var authors: [String] = []
        for a in item.children("author", in: core) + item.children("creator", in: [NS.dc])
            + item.children("author", in: [NS.itunes])
        {
            if let name = a.trimmedText, !authors.contains(name) { authors.append(name) }
        }
        entry.authors = authors

        (entry.published, entry.publishedAt) = FeedText.date(
            item.child("pubDate", in: core) ?? item.child("date", in: [NS.dc])
                ?? item.child("issued", in: [NS.dcterms]) ?? item.child("published", in: [NS.atom]))
        // `dc:date` is a date of the item in general ("an event in the lifecycle of the resource"), often
        // the only one an RSS 1.0 item has, so it is the update date when nothing more specific is given;
        // feed-rs and gofeed both give such an item that date as published and as updated. `pubDate` names
        // the publication only and is not copied.
        (entry.updated, entry.updatedAt) = FeedText.date(
            item.child("updated", in: [NS.atom]) ?? item.child("modified", in: [NS.dcterms])
                ?? item.child("date", in: [NS.dc]))

        var categories: [String] = []
        for c in item.children("category", in: core) + item.children("subject", in: [NS.dc]) {
            if let name = c.trimmedText, !categories.contains(name) { categories.append(name) }
        }
        entry.categories = categories

        entry.enclosures = item.children("enclosure", in: core).compactMap { e in
            guard let url = item.resolve(e.attribute("url")) else { return nil }
            return FeedEntry.Enclosure(url: url, type: e.attribute("type"), length: length(e.attribute("length")))
        }
        if entry.enclosures.isEmpty { entry.enclosures = mediaEnclosures(item) }
        return entry
    }

    /// `media:content` (directly or in `media:group`), else `media:thumbnail`.
    private static func mediaEnclosures(_ item: FeedXMLElement) -> [FeedEntry.Enclosure] {
        let groups = item.children("group", in: media)
        let contents = item.children("content", in: media) + groups.flatMap { $0.children("content", in: media) }
        var result: [FeedEntry.Enclosure] = contents.compactMap { m in
            guard let url = m.resolve(m.attribute("url")) else { return nil }
            return FeedEntry.Enclosure(url: url, type: m.attribute("type"), length: length(m.attribute("fileSize")))
        }
        if result.isEmpty {
            let thumbnails = item.children("thumbnail", in: media) + groups.flatMap { $0.children("thumbnail", in: media) }
            result = thumbnails.compactMap { m in
                m.resolve(m.attribute("url")).map { FeedEntry.Enclosure(url: $0, type: "image") }
            }
        }
        return result
    }

    private static func length(_ s: String?) -> Int? {
        s.flatMap { Int(FeedXML.trimSpaces($0)) }.flatMap { $0 > 0 ? $0 : nil }
    }

    /// An element's content: its text, or its markup when the feed put raw (X)HTML inside it.
    static func text(_ element: FeedXMLElement?) -> String? {
        guard let element else { return nil }
        if !element.hasElementChildren { return element.trimmedText }
        return FeedText.nonEmpty(element.innerXML)
    }
}
