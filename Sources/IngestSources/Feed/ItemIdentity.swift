import Foundation
import IngestCore

/// What to do with an item already ingested whose content changed (`updated_items` of a feed).
public enum UpdatedItemsPolicy: String, Sendable, Equatable, CaseIterable, Codable {
    /// Ingest each item once; later edits are not ingested.
    case ignore
    /// Ingest an item again, as a new version, each time its content fingerprint changes.
    case newVersion = "new_version"
}

/// The identity of a feed item across polls: what makes a re-poll recognise an item it has seen.
///
/// In order of preference:
/// 1. the item's `guid` / Atom `id` / JSON Feed `id`, trimmed;
/// 2. its link, normalised (scheme and host lowercased, default port and fragment dropped);
/// 3. `sha256:` + a hash of its title and published date text. An item with neither a title nor a date
///    hashes its summary and content instead, so bodies without headers are not all taken for one item.
public struct ItemIdentity: Sendable, Hashable, CustomStringConvertible {
    /// Which rule gave the identity.
    public enum Kind: String, Sendable, Hashable, Codable {
        case id, link, hash
    }

    public var value: String
    public var kind: Kind

    public init(value: String, kind: Kind) {
        self.value = value
        self.kind = kind
    }

    public init(of entry: FeedEntry) {
        if let id = entry.id?.feedTrimmed(), !id.isEmpty {
            self.init(value: id, kind: .id)
        } else if let link = entry.link.map(Self.normalizedLink), !link.isEmpty {
            self.init(value: link, kind: .link)
        } else {
            let title = entry.title?.feedTrimmed() ?? ""
            let published = entry.published?.feedTrimmed() ?? ""
            let fields =
                title.isEmpty && published.isEmpty
                ? ["body", entry.summary ?? "", entry.content ?? ""] : ["title", title, published]
            self.init(value: "sha256:" + Self.hash(fields), kind: .hash)
        }
    }

    public var description: String { value }

    /// The content fingerprint: SHA-256 (hex) of title, summary, content and link. Same identity with another
    /// fingerprint means the item was edited.
    public static func fingerprint(of entry: FeedEntry) -> String {
        hash([entry.title ?? "", entry.summary ?? "", entry.content ?? "", entry.link ?? ""])
    }

    /// A link made comparable: surrounding space trimmed, scheme and host lowercased, the scheme's default
    /// port and the fragment dropped. Path and query are kept as given: servers may treat their case as
    /// meaningful.
    public static func normalizedLink(_ link: String) -> String {
        var s = Substring(link.feedTrimmed())
        if let hash = s.firstIndex(of: "#") { s = s[..<hash] }
        guard let sep = s.range(of: "://") else { return String(s) }
        let scheme = s[..<sep.lowerBound].lowercased()
        let rest = s[sep.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var userinfo = ""
        if let at = authority.lastIndex(of: "@") {
            // Userinfo keeps its case; only the host is case-insensitive.
            userinfo = String(authority[...at])
            authority = authority[authority.index(after: at)...]
        }
        var host = authority.lowercased()
        if (scheme == "http" && host.hasSuffix(":80")) || (scheme == "https" && host.hasSuffix(":443")) {
            host = String(host[..<host.lastIndex(of: ":")!])
        }
        return scheme + "://" + userinfo + host + rest[authorityEnd...]
    }

    /// Fields joined with a separator that feed text does not contain, so ("ab", "c") and ("a", "bc") differ.
    static func hash(_ fields: [String]) -> String {
        SHA256.hex(Array(fields.joined(separator: "\u{1F}").utf8))
    }
}

/// The ledger keys of one feed item and the rule deciding whether it is ingested.
///
/// - `base`: `feed:<feedName>:<identity>`, recorded when `updated_items = "ignore"`.
/// - `version`: `base#<first 16 hex digits of the fingerprint>`, recorded when `updated_items = "new_version"`
///   (for every version, the first included: the ledger only matches whole keys, so the first version's
///   fingerprint must be in its key for an unchanged item to be recognised later).
///
/// An item is skipped when *either* key is in the ledger, whatever the policy. That keeps "a re-poll never
/// re-ingests" true across a change of policy: after switching to `ignore`, items recorded by version are
/// still recognised (unless edited since); after switching to `new_version`, items recorded under `ignore`
/// are not taken for new ones, but are not versioned either, since their first fingerprint is unknown.
public struct FeedItemKeys: Sendable, Hashable {
    public var base: String
    public var version: String

    /// Longest identity kept readable in a key; longer ones (and ones holding the `#` that separates the
    /// version) are replaced by their hash so keys stay bounded and unambiguous.
    public static let maxIdentityBytes = 200
    /// Hex digits of the fingerprint in a version key: 64 bits, ample for versions of one item.
    public static let fingerprintPrefixLength = 16

    public init(feedName: String, identity: ItemIdentity, fingerprint: String) {
        var id = identity.value
        if id.utf8.count > Self.maxIdentityBytes || id.contains("#") || id.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            id = "sha256:" + SHA256.hex(Array(id.utf8))
        }
        base = "feed:\(feedName):\(id)"
        version = base + "#" + fingerprint.prefix(Self.fingerprintPrefixLength)
    }

    /// Both keys, to ask ``IngestLedger/ingestedKeys(among:)`` about.
    public var all: [String] { [base, version] }

    /// The key recorded with the document when the item is ingested under `policy`.
    public func ledgerKey(for policy: UpdatedItemsPolicy) -> String {
        policy == .ignore ? base : version
    }

    /// Whether the ledger already holds this item (either key).
    public func isIngested(in ingested: Set<String>) -> Bool {
        ingested.contains(base) || ingested.contains(version)
    }
}

/// A feed entry with its identity, fingerprint and ledger keys.
public struct IdentifiedFeedEntry: Sendable, Equatable {
    public var entry: FeedEntry
    public var identity: ItemIdentity
    public var fingerprint: String
    public var keys: FeedItemKeys

    public init(entry: FeedEntry, feedName: String) {
        self.entry = entry
        identity = ItemIdentity(of: entry)
        fingerprint = ItemIdentity.fingerprint(of: entry)
        keys = FeedItemKeys(feedName: feedName, identity: identity, fingerprint: fingerprint)
    }

    /// `items` in the order to ingest them, oldest first, so the queue follows publication: by published
    /// date when every item has one, else the reverse of the document's order (feeds list newest first).
    public static func publicationOrder(_ items: [IdentifiedFeedEntry]) -> [IdentifiedFeedEntry] {
        let reversed = Array(items.reversed())
        guard reversed.allSatisfy({ ($0.entry.publishedAt ?? $0.entry.updatedAt) != nil }) else { return reversed }
        // Sorted by index on ties, so equal dates keep the reversed document order (sort is not stable).
        return reversed.enumerated().sorted { a, b in
            let da = (a.element.entry.publishedAt ?? a.element.entry.updatedAt)!
            let db = (b.element.entry.publishedAt ?? b.element.entry.updatedAt)!
            return da != db ? da < db : a.offset < b.offset
        }.map(\.element)
    }

    /// The entries of one document with their identities, duplicates removed: when two entries share an
    /// identity the first in document order wins (feeds list newest first, and a repeated item is most often
    /// a stale copy further down). Returns the kept entries and how many were dropped.
    public static func identify(_ entries: [FeedEntry], feedName: String) -> (entries: [IdentifiedFeedEntry], duplicates: Int) {
        var seen: Set<String> = []
        var kept: [IdentifiedFeedEntry] = []
        kept.reserveCapacity(entries.count)
        for entry in entries {
            let item = IdentifiedFeedEntry(entry: entry, feedName: feedName)
            // By value alone: a GUID equal to another item's link names the same item (and the same key).
            guard seen.insert(item.identity.value).inserted else { continue }
            kept.append(item)
        }
        return (kept, entries.count - kept.count)
    }
}
