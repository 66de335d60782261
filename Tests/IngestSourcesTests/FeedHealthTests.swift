import Foundation
import IngestCore
import Testing

@testable import IngestSources

@Suite("FeedHealth")
struct FeedHealthTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static func at(_ minutes: Int) -> Date { t0.addingTimeInterval(Double(minutes) * 60) }

    let health = FeedHealth()
    let url = "https://example.org/feed.xml"
    func fresh() -> FeedState { FeedState(name: "news", url: url) }

    static let ok = FeedPollOutcome.fetched(status: 200, etag: "\"v1\"", lastModified: "Mon, 21 Sep 2026 10:00:00 GMT", warnings: [])
    static func fail(_ status: Int? = 500) -> FeedPollOutcome { .failed(message: "HTTP \(status ?? 0)", status: status) }

    @Test(
        "health follows consecutive errors: ok, backing off, failing (never disabled)",
        arguments: [(0, FeedState.Health.ok), (1, .backingOff), (4, .backingOff), (5, .failing), (500, .failing)])
    func labels(errors: Int, expected: FeedState.Health) {
        var state = fresh()
        for i in 0..<errors { health.record(Self.fail(), at: Self.at(i), in: &state) }
        #expect(state.health == expected)
        #expect(state.consecutiveErrors == errors)
        #expect(health.health(consecutiveErrors: errors) == expected)
    }

    @Test("a failure records message, status and times")
    func failure() {
        var state = fresh()
        health.record(Self.ok, at: Self.at(0), in: &state)
        health.record(.failed(message: "timed out", status: nil), at: Self.at(15), in: &state)
        #expect(state.lastError == "timed out")
        #expect(state.lastErrorAt == Self.at(15))
        #expect(state.lastAttemptAt == Self.at(15))
        #expect(state.lastSuccessAt == Self.at(0))
        #expect(state.lastStatus == nil)
        // A failure keeps the validators and warnings of the document we still hold.
        #expect(state.etag == "\"v1\"")
    }

    @Test("a success resets errors and keeps the last error for display")
    func recovery() {
        var state = fresh()
        for i in 0..<6 { health.record(Self.fail(503), at: Self.at(i), in: &state) }
        #expect(state.health == .failing)
        health.record(Self.ok, at: Self.at(10), in: &state)
        #expect(state.health == .ok)
        #expect(state.consecutiveErrors == 0)
        #expect(state.lastSuccessAt == Self.at(10))
        #expect(state.lastStatus == 200)
        #expect(state.lastError == "HTTP 503")
        #expect(state.lastErrorAt == Self.at(5))
    }

    @Test("a custom threshold for failing")
    func customThreshold() {
        let h = FeedHealth(failingAfter: 2)
        var state = fresh()
        h.record(Self.fail(), at: Self.at(0), in: &state)
        #expect(state.health == .backingOff)
        h.record(Self.fail(), at: Self.at(1), in: &state)
        #expect(state.health == .failing)
    }

    @Test("validators: a 200 replaces them, a 304 keeps or refreshes them")
    func validators() {
        var state = fresh()
        health.record(Self.ok, at: Self.at(0), in: &state)
        #expect(state.etag == "\"v1\"")
        #expect(state.lastModified == "Mon, 21 Sep 2026 10:00:00 GMT")
        health.record(.notModified(etag: nil, lastModified: nil), at: Self.at(15), in: &state)
        #expect(state.etag == "\"v1\"")
        #expect(state.lastModified == "Mon, 21 Sep 2026 10:00:00 GMT")
        #expect(state.lastStatus == 304)
        #expect(state.lastSuccessAt == Self.at(15))
        health.record(.notModified(etag: "\"v1b\"", lastModified: nil), at: Self.at(30), in: &state)
        #expect(state.etag == "\"v1b\"")
        // A 200 without validators clears them: they belonged to the previous document.
        health.record(.fetched(status: 200, etag: nil, lastModified: nil, warnings: []), at: Self.at(45), in: &state)
        #expect(state.etag == nil)
        #expect(state.lastModified == nil)
    }

    @Test("warnings come from the last parsed document")
    func warnings() {
        var state = fresh()
        health.record(.fetched(status: 200, etag: nil, lastModified: nil, warnings: ["unescaped &"]), at: Self.at(0), in: &state)
        #expect(state.warnings == ["unescaped &"])
        health.record(.notModified(etag: nil, lastModified: nil), at: Self.at(1), in: &state)
        #expect(state.warnings == ["unescaped &"])
        health.record(.fetched(status: 200, etag: nil, lastModified: nil, warnings: []), at: Self.at(2), in: &state)
        #expect(state.warnings.isEmpty)
    }

    // MARK: Permanent redirects

    static let moved = [FeedRedirect(status: 301, location: "https://new.example.org/feed")]

    @Test("a permanent redirect seen on 3 consecutive polls replaces the URL", arguments: [301, 308])
    func permanentRedirect(status: Int) {
        var state = fresh()
        let hops = [FeedRedirect(status: status, location: "https://new.example.org/feed")]
        #expect(health.record(Self.ok, redirects: hops, at: Self.at(0), in: &state) == nil)
        #expect(state.redirectCandidate == "https://new.example.org/feed")
        #expect(state.redirectCount == 1)
        #expect(health.record(.notModified(etag: nil, lastModified: nil), redirects: hops, at: Self.at(1), in: &state) == nil)
        #expect(state.url == url)
        #expect(health.record(Self.ok, redirects: hops, at: Self.at(2), in: &state) == "https://new.example.org/feed")
        #expect(state.url == "https://new.example.org/feed")
        #expect(state.redirectCandidate == nil)
        #expect(state.redirectCount == 0)
        // Polling the new URL directly keeps it.
        health.record(Self.ok, at: Self.at(3), in: &state)
        #expect(state.url == "https://new.example.org/feed")
    }

    struct RedirectCase: Sendable, CustomTestStringConvertible {
        var label: String
        var third: [FeedRedirect]
        var candidate: String?
        var count: Int
        var testDescription: String { label }
    }

    static let resetCases: [RedirectCase] = [
        .init(label: "no redirect resets", third: [], candidate: nil, count: 0),
        .init(label: "a temporary redirect resets", third: [FeedRedirect(status: 302, location: "https://new.example.org/feed")], candidate: nil, count: 0),
        .init(label: "a 307 resets", third: [FeedRedirect(status: 307, location: "https://cdn.example.org/feed")], candidate: nil, count: 0),
        .init(label: "a different target restarts the count", third: [FeedRedirect(status: 308, location: "https://other.example.org/feed")], candidate: "https://other.example.org/feed", count: 1),
    ]

    @Test("a temporary redirect or another target resets the candidate", arguments: resetCases)
    func redirectReset(_ c: RedirectCase) {
        var state = fresh()
        health.record(Self.ok, redirects: Self.moved, at: Self.at(0), in: &state)
        health.record(Self.ok, redirects: Self.moved, at: Self.at(1), in: &state)
        #expect(state.redirectCount == 2)
        #expect(health.record(Self.ok, redirects: c.third, at: Self.at(2), in: &state) == nil)
        #expect(state.url == url)
        #expect(state.redirectCandidate == c.candidate)
        #expect(state.redirectCount == c.count)
    }

    @Test("a failed poll neither confirms nor resets the candidate")
    func redirectThroughFailure() {
        var state = fresh()
        health.record(Self.ok, redirects: Self.moved, at: Self.at(0), in: &state)
        health.record(Self.fail(), redirects: Self.moved, at: Self.at(1), in: &state)
        #expect(state.redirectCount == 1)
        health.record(Self.ok, redirects: Self.moved, at: Self.at(2), in: &state)
        health.record(Self.ok, redirects: Self.moved, at: Self.at(3), in: &state)
        #expect(state.url == "https://new.example.org/feed")
    }

    @Test(
        "the permanent target of a chain is where its leading 301/308 run leads",
        arguments: [
            ([301, 308], "https://b/"), ([301, 302], "https://a/"), ([302, 301], nil), ([307], nil), ([], nil),
        ] as [([Int], String?)])
    func chainTarget(statuses: [Int], expected: String?) {
        let names = ["https://a/", "https://b/"]
        let hops = statuses.enumerated().map { FeedRedirect(status: $0.element, location: names[$0.offset]) }
        #expect(FeedHealth.permanentTarget(of: hops) == expected)
    }

    @Test("a custom confirmation count of 1 switches at once")
    func immediateSwitch() {
        var state = fresh()
        #expect(FeedHealth(redirectConfirmations: 1).record(Self.ok, redirects: Self.moved, at: Self.at(0), in: &state) != nil)
        #expect(state.url == "https://new.example.org/feed")
    }
}
