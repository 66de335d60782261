import Foundation
import IngestCore
import Testing

@testable import IngestSources

@Suite("ItemIdentity")
struct ItemIdentityTests {
    struct IdentityCase: Sendable, CustomTestStringConvertible {
        var label: String
        var entry: FeedEntry
        var value: String
        var kind: ItemIdentity.Kind
        var testDescription: String { label }
    }

    static let titleDateHash = "sha256:" + SHA256.hex(Array("title\u{1F}Hello\u{1F}Mon, 21 Sep 2026 10:00:00 GMT".utf8))

    static let identityCases: [IdentityCase] = [
        .init(label: "guid, trimmed", entry: FeedEntry(id: "  urn:uuid:1234\n", link: "https://a.example/x"), value: "urn:uuid:1234", kind: .id),
        .init(label: "blank guid falls back to the link", entry: FeedEntry(id: "   ", link: "HTTPS://A.Example/Post?x=1#comments"), value: "https://a.example/Post?x=1", kind: .link),
        .init(label: "no guid: the normalised link", entry: FeedEntry(link: "http://Example.ORG:80/a/B"), value: "http://example.org/a/B", kind: .link),
        .init(label: "no id, no link: hash of title and date", entry: FeedEntry(title: " Hello ", published: "Mon, 21 Sep 2026 10:00:00 GMT"), value: titleDateHash, kind: .hash),
        .init(label: "blank link counts as none", entry: FeedEntry(link: " ", title: "Hello", published: "Mon, 21 Sep 2026 10:00:00 GMT"), value: titleDateHash, kind: .hash),
    ]

    @Test("identity: id, else link, else hash", arguments: identityCases)
    func identity(_ c: IdentityCase) {
        let id = ItemIdentity(of: c.entry)
        #expect(id.value == c.value)
        #expect(id.kind == c.kind)
    }

    @Test("items with neither title nor date are told apart by their body")
    func bodyHash() {
        let a = ItemIdentity(of: FeedEntry(summary: "first"))
        let b = ItemIdentity(of: FeedEntry(summary: "second"))
        #expect(a.kind == .hash && b.kind == .hash)
        #expect(a != b)
    }

    @Test(
        "link normalisation",
        arguments: [
            ("HTTPS://News.Example.COM/Path/To?Q=A#frag", "https://news.example.com/Path/To?Q=A"),
            ("https://example.com:443/a", "https://example.com/a"),
            ("http://example.com:8080/a", "http://example.com:8080/a"),
            ("https://User:Pw@Example.com/a", "https://User:Pw@example.com/a"),
            ("https://example.com", "https://example.com"),
            ("https://Example.com?x", "https://example.com?x"),
            ("  /relative/Path#x ", "/relative/Path"),
            ("#only", ""),
        ])
    func normalise(input: String, expected: String) {
        #expect(ItemIdentity.normalizedLink(input) == expected)
    }

    @Test("fingerprint changes with title, summary, content or link, and only those")
    func fingerprint() {
        let base = FeedEntry(id: "1", link: "https://e/1", title: "T", summary: "S", content: "C")
        let f = ItemIdentity.fingerprint(of: base)
        #expect(f.count == 64)
        var e = base
        e.categories = ["news"]
        e.published = "yesterday"
        #expect(ItemIdentity.fingerprint(of: e) == f)
        for change in [\FeedEntry.title, \.summary, \.content, \.link] as [WritableKeyPath<FeedEntry, String?>] {
            var changed = base
            changed[keyPath: change] = "other"
            #expect(ItemIdentity.fingerprint(of: changed) != f)
        }
        // Field boundaries matter: moving text between fields is a change.
        var shifted = base
        shifted.title = "TS"
        shifted.summary = ""
        #expect(ItemIdentity.fingerprint(of: shifted) != f)
    }

    @Test("ledger keys: base and version")
    func keys() {
        let entry = FeedEntry(id: "urn:1", title: "T")
        let item = IdentifiedFeedEntry(entry: entry, feedName: "news")
        #expect(item.keys.base == "feed:news:urn:1")
        #expect(item.keys.version == "feed:news:urn:1#" + item.fingerprint.prefix(16))
        #expect(item.keys.ledgerKey(for: .ignore) == item.keys.base)
        #expect(item.keys.ledgerKey(for: .newVersion) == item.keys.version)
        #expect(item.keys.all == [item.keys.base, item.keys.version])
    }

    @Test("long identities and ones holding '#' are hashed, keeping keys bounded")
    func boundedKeys() {
        let long = "https://example.org/" + String(repeating: "x", count: 5000)
        let keys = FeedItemKeys(feedName: "news", identity: ItemIdentity(value: long, kind: .link), fingerprint: String(repeating: "a", count: 64))
        #expect(keys.base == "feed:news:sha256:" + SHA256.hex(Array(long.utf8)))
        #expect(keys.version.utf8.count < 120)
        let hashy = FeedItemKeys(feedName: "news", identity: ItemIdentity(value: "tag:x#1", kind: .id), fingerprint: "ff")
        #expect(!hashy.base.dropFirst("feed:news:".count).contains("#"))
        let short = FeedItemKeys(feedName: "news", identity: ItemIdentity(value: String(repeating: "y", count: 200), kind: .id), fingerprint: "ff")
        #expect(short.base == "feed:news:" + String(repeating: "y", count: 200))
    }

    @Test("re-poll decisions under both policies")
    func ledgerDecisions() {
        var entry = FeedEntry(id: "urn:1", title: "T", summary: "v1")
        let v1 = IdentifiedFeedEntry(entry: entry, feedName: "news")
        entry.summary = "v2"
        let v2 = IdentifiedFeedEntry(entry: entry, feedName: "news")
        #expect(v1.keys.base == v2.keys.base)
        #expect(v1.keys.version != v2.keys.version)

        // ignore: v1 recorded under the base key; the edit is not ingested.
        let ignored: Set = [v1.keys.ledgerKey(for: .ignore)]
        #expect(v1.keys.isIngested(in: ignored))
        #expect(v2.keys.isIngested(in: ignored))

        // new_version: v1 recorded under its version key; an unchanged re-poll is skipped, the edit is not.
        let versioned: Set = [v1.keys.ledgerKey(for: .newVersion)]
        #expect(v1.keys.isIngested(in: versioned))
        #expect(!v2.keys.isIngested(in: versioned))

        // Nothing recorded: new.
        #expect(!v1.keys.isIngested(in: []))
    }

    @Test("duplicates within one document: the first wins")
    func duplicates() {
        let entries = [
            FeedEntry(id: "a", title: "first a"),
            FeedEntry(link: "https://e/1", title: "first link"),
            FeedEntry(id: " a ", title: "second a"),
            FeedEntry(id: "https://e/1", title: "guid equal to the link above"),
            FeedEntry(link: "HTTPS://E/1#x", title: "same link, other spelling"),
            FeedEntry(id: "b"),
        ]
        let (kept, dropped) = IdentifiedFeedEntry.identify(entries, feedName: "news")
        #expect(kept.map(\.entry.title) == ["first a", "first link", nil])
        #expect(kept.map(\.identity.value) == ["a", "https://e/1", "b"])
        #expect(dropped == 3)
    }

    @Test("policy names match the config values")
    func policyNames() {
        #expect(UpdatedItemsPolicy.allCases.map(\.rawValue) == ["ignore", "new_version"])
    }

    @Test("items are ingested oldest first: by date when all have one, else in reverse document order")
    func publicationOrder() {
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        let dated = [
            FeedEntry(id: "b", publishedAt: t.addingTimeInterval(60)), FeedEntry(id: "a", publishedAt: t),
            FeedEntry(id: "c", updatedAt: t.addingTimeInterval(120)), FeedEntry(id: "a2", publishedAt: t),
        ]
        let byDate = IdentifiedFeedEntry.publicationOrder(IdentifiedFeedEntry.identify(dated, feedName: "f").entries)
        // Equal dates keep the reversed document order: a2 (later in the document) is taken as older.
        #expect(byDate.map(\.identity.value) == ["a2", "a", "b", "c"])

        let undated = [FeedEntry(id: "new", publishedAt: t), FeedEntry(id: "old")]
        let reversed = IdentifiedFeedEntry.publicationOrder(IdentifiedFeedEntry.identify(undated, feedName: "f").entries)
        #expect(reversed.map(\.identity.value) == ["old", "new"])
    }
}
