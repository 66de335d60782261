import Foundation
import IngestCore

/// One feed item as a document for the pipeline: the JSON article object that ``DocumentDecoder`` reads,
/// so an item's title, link, date, authors and language arrive as fields rather than being guessed again
/// from text.
///
/// Known keys: `title`, `html` (the item's content, else its summary; or the page fetched for
/// `fetch_full_content`), `url`, `published`, `authors`, `language` (the feed's). Every other key is kept in
/// the article's `fields`: `feed_title`, `item_id`, `updated`, `categories`, `enclosures`, `summary` (when the
/// body is the content or the fetched page), `full_content_error` (why the page could not be used).
enum FeedItemDocument {
    /// The item's JSON bytes.
    ///
    /// - Parameters:
    ///   - page: the HTML of the item's link, fetched for `fetch_full_content`; `nil` to use the feed's text.
    ///   - pageError: why the page was not fetched or used; the item then carries the feed's text.
    static func json(
        _ item: IdentifiedFeedEntry, feed: ParsedFeed, page: String? = nil, pageError: String? = nil
    ) -> [UInt8] {
        let entry = item.entry
        var object: [String: Any] = ["item_id": item.identity.value]
        if let title = entry.title { object["title"] = title }
        let body = page ?? entry.content ?? entry.summary
        if let body {
            object["html"] = body
        } else {
            // A title-only item (common in link feeds) is still an item; the decoder accepts empty text with
            // a title and rejects an item with neither, with a clear reason.
            object["text"] = ""
        }
        if body != entry.summary, let summary = entry.summary { object["summary"] = summary }
        if let link = entry.link { object["url"] = link }
        if let published = entry.published ?? entry.updated { object["published"] = published }
        if let updated = entry.updated { object["updated"] = updated }
        if !entry.authors.isEmpty { object["authors"] = entry.authors }
        if let language = feed.language { object["language"] = language }
        if let title = feed.title { object["feed_title"] = title }
        if !entry.categories.isEmpty { object["categories"] = entry.categories }
        if !entry.enclosures.isEmpty {
            object["enclosures"] = entry.enclosures.map { e -> [String: Any] in
                var d: [String: Any] = ["url": e.url]
                if let type = e.type { d["type"] = type }
                if let length = e.length { d["length"] = length }
                return d
            }
        }
        if let pageError { object["full_content_error"] = pageError }
        // Every value above is a string, a number or an array/dictionary of those: serialisation cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return [UInt8](data)
    }
}
