public import IngestCore
import Foundation
import Logging

/// What a folder source needs to ingest a feed document dropped into it the way a poll would: the ledger,
/// to skip items already ingested, and the feed the document belongs to.
public struct FeedFileContext: Sendable {
    public var ledger: any IngestLedger
    /// The configured or added feed a document is a copy of (matched by the URL it says it is served
    /// from), with its item policy; `nil` when it matches none.
    public var feedFor: @Sendable (ParsedFeed) -> (name: String, policy: UpdatedItemsPolicy)?

    public init(
        ledger: any IngestLedger, feedFor: @escaping @Sendable (ParsedFeed) -> (name: String, policy: UpdatedItemsPolicy)?
    ) {
        self.ledger = ledger
        self.feedFor = feedFor
    }
}

/// A feed document taken from a watched folder: parsed, split into one document per item not yet in the
/// ledger, each with the ledger keys a poll of the same feed would use. The file's own receipt is answered
/// once every item was: moved to `done/` when all were committed (or known), to `failed/` when any was
/// rejected (with each failure in the error file), left in place when any was released.
struct FeedFile {
    let core: FolderCore
    let file: TakenFile

    func submitItems() async {
        let receipt = FolderReceipt(fileName: file.name, core: core)
        guard let context = core.feeds else {
            return await receipt.reject(IngestFailure(stage: "source", reason: "feed documents are not accepted by this folder"))
        }
        let feed: ParsedFeed
        do {
            feed = try FeedParser.parse(file.bytes, url: nil)
        } catch {
            return await receipt.reject(IngestFailure(stage: "feed", reason: error.message))
        }
        // Items of a document that matches no feed are keyed under this folder's name: the same document
        // dropped twice is still recognised.
        let (feedName, policy) = context.feedFor(feed) ?? (core.configuration.name, .ignore)
        let (items, _) = IdentifiedFeedEntry.identify(feed.entries, feedName: feedName)
        guard !items.isEmpty else {
            return await receipt.reject(IngestFailure(stage: "feed", reason: "the feed has no items"))
        }
        let known: Set<String>
        do {
            known = try context.ledger.ingestedKeys(among: items.flatMap(\.keys.all))
        } catch {
            // The store is unavailable: leave the file for a later look.
            core.recordError("cannot read the ledger: \(error)", file: file.name)
            return await receipt.release()
        }
        let fresh = IdentifiedFeedEntry.publicationOrder(items).filter { !$0.keys.isIngested(in: known) }
        core.logger.debug(
            "feed file split into items",
            metadata: ["file": .string(file.name), "feed": .string(feedName), "items": "\(items.count)", "new": "\(fresh.count)"])
        let outcomes = await ItemReceiptGroup.collect { group in
            for item in fresh {
                let key = item.keys.ledgerKey(for: policy)
                let origin = Origin(
                    source: core.configuration.name, kind: .folder, location: item.entry.link ?? file.path,
                    receivedAt: Date(), ledgerKey: key)
                await core.sink.submit(
                    RawDocument(
                        bytes: FeedItemDocument.json(item, feed: feed), format: .json, origin: origin,
                        receipt: group.receipt(for: key)))
            }
        }
        let tally = ItemTally(outcomes)
        if tally.released > 0 {
            await receipt.release()
        } else if tally.rejected > 0 {
            let reason = "\(tally.rejected) of \(fresh.count) new items failed: " + tally.failures.joined(separator: "; ")
            await receipt.reject(IngestFailure(stage: "feed", reason: reason))
        } else {
            await receipt.acknowledge(
                IngestSummary(enqueued: tally.enqueued, dropped: tally.dropped, alreadyIngested: fresh.isEmpty))
        }
    }
}
