import Foundation
import IngestCore
import Logging
import Testing

@testable import StageDedupe

private let logger = Logger(label: "dedupe.tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// A story long enough to be compared by similarity, with a few sentences that can be edited or dropped.
private let sentences = [
    "Ferry services between the island and the mainland resumed on Tuesday after three days of storms.",
    "The harbour master said the first crossing left at seven in the morning with forty passengers on board.",
    "Engineers had inspected the pier overnight and found only minor damage to the railings and lights.",
    "Local shops reported a rush of customers as deliveries of fresh food arrived for the first time since Friday.",
    "The council leader thanked volunteers who had checked on elderly residents during the power cuts.",
    "Forecasters expect calmer weather for the rest of the week, with light winds and occasional showers.",
    "A full timetable will run from Thursday, the operator said, and tickets bought for cancelled sailings remain valid.",
    "Fishermen said they would return to sea as soon as the swell dropped below two metres.",
    "The storm brought down trees across the north of the island and closed the coastal road for a day.",
    "Schools will reopen on Wednesday after buildings were checked for damage to roofs and windows.",
]

private func article(_ text: String, title: String? = nil, url: String? = nil, itemId: String? = nil) -> Article {
    var a = Article(
        text: text, title: title, url: url,
        origin: Origin(source: "test", kind: .folder, location: "/x", receivedAt: Date()), format: .text)
    if let itemId { a.fields["item_id"] = itemId }
    return a
}

private func stage(_ configuration: DedupeStage.Configuration = .init(), index: (any DuplicateIndex)? = nil) throws -> DedupeStage {
    try DedupeStage(configuration: configuration, context: StageContext(stateDirectory: "/tmp", duplicateIndex: index))
}

/// The outcome as (dropped?, the article as recorded).
private func run(_ stage: DedupeStage, _ a: Article) async throws -> (dropped: Bool, article: Article, reason: String?) {
    switch try await stage.process(a, logger: logger) {
    case .continue(let next): return (false, next, nil)
    case .dropRecorded(let next, let reason): return (true, next, reason)
    case .drop(let reason): return (true, a, reason)
    }
}

@Suite("dedupe stage")
struct DedupeStageTests {
    let story = sentences.joined(separator: " ")

    @Test("canonical URLs ignore scheme, www, default ports, fragments, tracking parameters and trailing slashes")
    func canonicalURLs() {
        let same = [
            "https://www.example.org/news/ferry-returns/?utm_source=rss&utm_medium=feed",
            "http://example.org:80/news/ferry-returns#comments",
            "HTTPS://EXAMPLE.ORG/news/ferry-returns?fbclid=abc",
        ]
        for url in same { #expect(CanonicalURL.canonical(url) == "example.org/news/ferry-returns", "\(url)") }
        #expect(CanonicalURL.canonical("https://example.org/item?id=2&utm_campaign=x") == "example.org/item?id=2")
        #expect(CanonicalURL.canonical("https://example.org/") == nil, "a front page names no story")
        #expect(CanonicalURL.canonical("ftp://example.org/file") == nil)
    }

    @Test("new cluster ids sort by the time they were made, and ids of one millisecond differ")
    func clusterIdsSortByTime() {
        // Half a millisecond in, so the float seconds do not straddle a millisecond's edge.
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let ids = (0..<2_000).map { DedupeStage.newClusterId(now: start.addingTimeInterval(Double($0 / 100) * 0.001 + 0.0004)) }
        #expect(ids.allSatisfy { $0.count == 24 && $0.allSatisfy(\.isHexDigit) })
        // 100 ids per millisecond, 20 milliseconds: no two alike, and each millisecond's sort after the last's.
        #expect(Set(ids).count == ids.count)
        for n in stride(from: 100, to: ids.count, by: 100) {
            #expect(ids[(n - 100)..<n].max()! < ids[n..<(n + 100)].min()!)
        }
        #expect(ids[0].hasPrefix(String(UInt64(1_795_000_000_000), radix: 16).leftPadded(to: 12)))
    }

    @Test("an exact copy is dropped with the reason and the cluster of its original")
    func exactCopy() async throws {
        let s = try stage()
        let first = try await run(s, article(story, title: "Ferries sail again"))
        #expect(!first.dropped)
        let cluster = try #require(first.article.clusterId)
        #expect(first.article.fingerprint != nil)
        let copy = try await run(s, article(story, title: "Ferries back after storm"))
        #expect(copy.dropped)
        #expect(copy.article.clusterId == cluster)
        #expect(copy.article.duplicateOf == nil, "the original is still in flight: resolved at its commit")
        #expect(copy.reason?.contains("same text") == true, "\(copy.reason ?? "")")
    }

    @Test("syndicated variants are near-duplicates: other boilerplate, edited sentences, truncation")
    func variants() async throws {
        let s = try stage()
        _ = try await run(s, article(story))
        let boilerplate = "Subscribe to our newsletter for the latest island news. " + story
            + " Share this article on social media. Read more stories from the coast."
        var edited = sentences
        edited[3] = "Shops in the town said customers rushed in as fresh food deliveries arrived for the first time since Friday."
        let truncated = sentences.prefix(6).joined(separator: " ")
        for (name, text) in [("boilerplate", boilerplate), ("edited", edited.joined(separator: " ")), ("truncated", truncated)] {
            let result = try await run(s, article(text))
            #expect(result.dropped, "\(name)")
            #expect(result.reason?.contains("near-duplicate") == true, "\(name): \(result.reason ?? "")")
        }
    }

    @Test("a different article about the same event is not a duplicate")
    func sameEventDifferentStory() async throws {
        let s = try stage()
        _ = try await run(s, article(story))
        let other = """
            The island's ferry operator has been criticised by passengers for poor communication during the storms. \
            Several travellers said they learned of cancelled sailings only on arrival at the port. \
            The operator apologised and promised text message alerts before the winter season. \
            Consumer groups have asked the regulator to review compensation rules for cancelled crossings. \
            A spokesperson said the company would meet passenger representatives next month.
            """
        let result = try await run(s, article(other))
        #expect(!result.dropped, "\(result.reason ?? "")")
    }

    @Test("the same canonical URL or URI item id makes a duplicate; numeric item ids and front pages do not")
    func keys() async throws {
        let s = try stage()
        _ = try await run(s, article("A short item.", title: "One", url: "https://news.example/story/1?utm_source=a", itemId: "urn:wire:123"))
        #expect(try await run(s, article("Other words entirely.", title: "Two", url: "http://news.example/story/1")).dropped)
        #expect(try await run(s, article("Yet more words.", title: "Three", itemId: "urn:wire:123")).dropped)
        _ = try await run(s, article("Numbered.", title: "Four", url: "https://a.example/", itemId: "1"))
        #expect(try await run(s, article("Numbered again.", title: "Five", url: "https://a.example/", itemId: "1")).dropped == false)
    }

    @Test("mark enqueues the copy with its cluster and reason")
    func mark() async throws {
        let s = try stage(.init(action: .mark))
        let first = try await run(s, article(story))
        let copy = try await run(s, article(story))
        #expect(!copy.dropped)
        #expect(copy.article.clusterId == first.article.clusterId)
        #expect(copy.article.fields["duplicate_reason"]?.contains("same text") == true)
        #expect(copy.article.fingerprint == nil, "only originals carry a fingerprint to the store")
    }

    @Test("an original that never reaches the store leaves the in-flight index")
    func finishedReleases() async throws {
        let s = try stage()
        let first = try await run(s, article(story))
        #expect(s.pendingCount == 1)
        await s.finished(first.article, committed: false)
        #expect(s.pendingCount == 0)
        #expect(try await run(s, article(story)).dropped == false, "no ghost of the failed original")
    }

    @Test("committed originals come from the index, with their id as duplicate_of")
    func committedOriginal() async throws {
        let index = MemoryIndex()
        let s = try stage(index: index)
        let first = try await run(s, article(story))
        index.add(id: 42, try #require(first.article.fingerprint))
        await s.finished(first.article, committed: true)
        let copy = try await run(s, article(story))
        #expect(copy.dropped)
        #expect(copy.article.duplicateOf == 42)
        #expect(copy.reason?.hasPrefix("duplicate of article 42") == true)
    }

    @Test("a stored article run again (reprocess) is not a copy of itself, but still of another original")
    func reprocessedIsNotItsOwnCopy() async throws {
        let index = MemoryIndex()
        let s = try stage(index: index)
        let first = try await run(s, article(story))
        index.add(id: 7, try #require(first.article.fingerprint))
        await s.finished(first.article, committed: true)

        var again = article(story)
        again.id = 7
        let rerun = try await run(s, again)
        #expect(!rerun.dropped)
        #expect(rerun.article.duplicateOf == nil)
        await s.finished(rerun.article, committed: true)

        var other = article(story)
        other.id = 8
        let copy = try await run(s, other)
        #expect(copy.dropped)
        #expect(copy.article.duplicateOf == 7)
    }

    @Test("two copies in flight at once: exactly one passes")
    func concurrentCopies() async throws {
        let s = try stage()
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 { group.addTask { (try? await run(s, article(self.story)).dropped) ?? false } }
            var dropped: [Bool] = []
            for await d in group { dropped.append(d) }
            return dropped
        }
        #expect(outcomes.filter { !$0 }.count == 1)
    }

    @Test("an original committed while a copy reads the store is still found: the read is made again")
    func originalCommittedDuringTheRead() async throws {
        let index = HookedIndex()
        let s = try stage(index: index)
        // The original passes and waits in flight, as if its batch were not committed yet.
        let original = try await run(s, article(story))
        #expect(!original.dropped)
        let fingerprint = try #require(original.article.fingerprint)
        // While the copy's first read runs (and finds nothing), the original is committed and leaves the
        // in-flight index: the copy must not pass for an original.
        index.duringNextRead = {
            index.add(id: 41, fingerprint)
            s.forget(fingerprint)
        }
        let copy = try await run(s, article(story))
        #expect(copy.dropped)
        #expect(copy.article.duplicateOf == 41)
        #expect(index.reads == 3, "the original's read, the copy's first read and the one made again")
    }

    @Test("MinHash estimates Jaccard similarity and containment")
    func minhash() {
        let a = Shingles(story)
        let half = Shingles(sentences.prefix(5).joined(separator: " "))
        let sigA = MinHash.signature(a.hashes)
        let sigHalf = MinHash.signature(half.hashes)
        #expect(MinHash.jaccard(sigA, sigA) == 1)
        let similarity = MinHash.similarity(sigA, sizeA: a.hashes.count, sigHalf, sizeB: half.hashes.count)
        #expect(similarity > 0.8, "the first half is contained in the whole: \(similarity)")
        #expect(MinHash.bandKeys(sigA).count == MinHash.bands)
        #expect(Set(MinHash.bandKeys(sigA)).count == MinHash.bands, "keys of different bands never collide")
    }
}

/// A MemoryIndex that can run something after computing a read's answer, as if it happened meanwhile.
final class HookedIndex: DuplicateIndex, @unchecked Sendable {
    private let memory = MemoryIndex()
    private let lock = NSLock()
    var duringNextRead: (() -> Void)?
    private(set) var reads = 0

    func add(id: Int64, _ fingerprint: ArticleFingerprint) { memory.add(id: id, fingerprint) }

    func candidates(textHash: String?, canonicalURL: String?, itemId: String?, bands: [Int64], since: Date) throws -> [IndexedFingerprint] {
        let answer = try memory.candidates(textHash: textHash, canonicalURL: canonicalURL, itemId: itemId, bands: bands, since: since)
        let hook = lock.withLock { () -> (() -> Void)? in
            reads += 1
            defer { duringNextRead = nil }
            return duringNextRead
        }
        hook?()
        return answer
    }

    func pruneFingerprints(before: Date) throws -> Int { 0 }
}

/// A DuplicateIndex in memory, as the store would answer.
final class MemoryIndex: DuplicateIndex, @unchecked Sendable {
    private var items: [(Int64, ArticleFingerprint)] = []
    private let lock = NSLock()

    func add(id: Int64, _ fingerprint: ArticleFingerprint) {
        lock.withLock { items.append((id, fingerprint)) }
    }

    func candidates(textHash: String?, canonicalURL: String?, itemId: String?, bands: [Int64], since: Date) throws -> [IndexedFingerprint] {
        lock.withLock {
            items.filter { _, f in
                (textHash != nil && f.textHash == textHash) || (canonicalURL != nil && f.canonicalURL == canonicalURL)
                    || (itemId != nil && f.itemId == itemId) || !Set(f.bands).isDisjoint(with: bands)
            }.map { IndexedFingerprint(articleId: $0.0, fingerprint: $0.1, committedAt: Date()) }
        }
    }

    func pruneFingerprints(before: Date) throws -> Int { 0 }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
