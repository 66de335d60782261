import Foundation
import IngestCore
import Testing

@testable import IngestSources

/// A seeded generator, so jitter is the same on every run.
typealias SeededRNG = SplitMix64

/// Always the same word: 0 gives the lowest jitter (−10 %), `.max` the highest (+10 %).
struct ConstantRNG: RandomNumberGenerator {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

@Suite("FeedSchedule")
struct FeedScheduleTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21T…Z, fixed
    let noJitter = FeedSchedule(jitterFraction: 0)

    private func delay(
        _ schedule: FeedSchedule, interval: Int = 900, hints: FeedSchedule.Hints = .init(), succeeded: Bool = true,
        errors: Int = 0
    ) -> FeedSchedule.Decision {
        var rng = SeededRNG(seed: 1)
        return schedule.nextPoll(
            intervalSecs: interval, hints: hints, succeeded: succeeded, consecutiveErrors: errors, now: Self.now,
            using: &rng)
    }

    struct SuccessCase: Sendable, CustomTestStringConvertible {
        var label: String
        var interval: Int
        var hints: FeedSchedule.Hints
        var expected: Double
        var reason: FeedSchedule.Reason
        var testDescription: String { label }
    }

    static let successCases: [SuccessCase] = [
        .init(label: "no hints: the configured interval", interval: 900, hints: .init(), expected: 900, reason: .interval),
        .init(label: "a longer max-age lengthens", interval: 900, hints: .init(maxAgeSecs: 3600), expected: 3600, reason: .cacheControl),
        .init(label: "a shorter max-age does not shorten", interval: 900, hints: .init(maxAgeSecs: 60), expected: 900, reason: .interval),
        .init(label: "a longer ttl lengthens", interval: 900, hints: .init(ttlMinutes: 60), expected: 3600, reason: .ttl),
        .init(label: "a ttl of 1 minute does not shorten", interval: 900, hints: .init(ttlMinutes: 1), expected: 900, reason: .interval),
        .init(label: "sy:updatePeriod lengthens", interval: 900, hints: .init(updateIntervalSecs: 7200), expected: 7200, reason: .updatePeriod),
        .init(label: "a later Expires lengthens", interval: 900, hints: .init(expiresAt: now.addingTimeInterval(5000)), expected: 5000, reason: .expires),
        .init(label: "a past Expires says nothing", interval: 900, hints: .init(expiresAt: now.addingTimeInterval(-5000)), expected: 900, reason: .interval),
        .init(label: "the longest hint wins", interval: 900, hints: .init(maxAgeSecs: 1800, ttlMinutes: 120, updateIntervalSecs: 3600), expected: 7200, reason: .ttl),
        .init(label: "hints stop at the 24 h ceiling", interval: 900, hints: .init(expiresAt: now.addingTimeInterval(365 * 86_400)), expected: 86_400, reason: .expires),
        .init(label: "an interval below the floor is raised", interval: 5, hints: .init(), expected: 60, reason: .interval),
        .init(label: "max-age 0 says nothing", interval: 900, hints: .init(maxAgeSecs: 0), expected: 900, reason: .interval),
    ]

    @Test("success: hints may lengthen, never shorten", arguments: successCases)
    func success(_ c: SuccessCase) {
        let d = delay(noJitter, interval: c.interval, hints: c.hints)
        #expect(abs(d.delaySecs - c.expected) < 1e-6)
        #expect(d.reason == c.reason)
        #expect(d.nextPollAt == Self.now.addingTimeInterval(d.delaySecs))
    }

    @Test(
        "errors: interval × 2^(errors−1), capped",
        arguments: [(1, 900.0), (2, 1800), (3, 3600), (4, 7200), (7, 57_600), (8, 86_400), (50, 86_400), (10_000, 86_400)])
    func backoff(errors: Int, expected: Double) {
        let d = delay(noJitter, succeeded: false, errors: errors)
        #expect(d.delaySecs == expected)
        #expect(d.reason == .backoff)
    }

    @Test("errors ignore freshness hints and a zero error count counts as one")
    func backoffIgnoresHints() {
        let d = delay(noJitter, hints: .init(maxAgeSecs: 50_000), succeeded: false, errors: 0)
        #expect(d.delaySecs == 900)
        #expect(d.reason == .backoff)
    }

    @Test("a custom backoff cap applies, and a failing feed is still scheduled")
    func customCap() {
        let schedule = FeedSchedule(backoffCapSecs: 3600, jitterFraction: 0)
        let d = delay(schedule, succeeded: false, errors: 30)
        #expect(d.delaySecs == 3600)
        #expect(d.nextPollAt == Self.now.addingTimeInterval(3600))
    }

    @Test("Retry-After is a minimum, after success or failure")
    func retryAfter() {
        let later = FeedSchedule.Hints(retryAfterAt: Self.now.addingTimeInterval(7200))
        let failed = delay(noJitter, hints: later, succeeded: false, errors: 1)
        #expect(failed.delaySecs == 7200)
        #expect(failed.reason == .retryAfter)
        // Shorter than the backoff: the backoff stands.
        let sooner = FeedSchedule.Hints(retryAfterAt: Self.now.addingTimeInterval(30))
        let d = delay(noJitter, hints: sooner, succeeded: false, errors: 3)
        #expect(d.delaySecs == 3600)
        #expect(d.reason == .backoff)
        // Longer than the backoff cap: still honoured (the cap is for our own backoff).
        let longer = FeedSchedule.Hints(retryAfterAt: Self.now.addingTimeInterval(2 * 86_400))
        #expect(delay(noJitter, hints: longer, succeeded: false, errors: 20).delaySecs == 2 * 86_400)
        // Absurd ones are limited, so the feed is not effectively disabled.
        let absurd = FeedSchedule.Hints(retryAfterAt: Self.now.addingTimeInterval(400 * 86_400))
        #expect(delay(noJitter, hints: absurd, succeeded: false, errors: 1).delaySecs == 7 * 86_400)
    }

    @Test("jitter stays within ±10 % and spreads feeds apart")
    func jitterBounds() {
        let schedule = FeedSchedule()
        var rng = SeededRNG(seed: 42)
        var delays: Set<Int> = []
        for _ in 0..<1000 {
            let d = schedule.nextPoll(
                intervalSecs: 900, hints: .init(), succeeded: true, consecutiveErrors: 0, now: Self.now, using: &rng)
            #expect(d.delaySecs >= 810 && d.delaySecs <= 990)
            delays.insert(Int(d.delaySecs))
        }
        // Not lockstep: the delays cover most of the 180 s window.
        #expect(delays.count > 150)
    }

    @Test("jitter extremes, and reflection at the floor and the cap")
    func jitterExtremes() {
        let schedule = FeedSchedule()
        func run(_ word: UInt64, interval: Int, succeeded: Bool = true, errors: Int = 0) -> Double {
            var rng = ConstantRNG(value: word)
            return schedule.nextPoll(
                intervalSecs: interval, hints: .init(), succeeded: succeeded, consecutiveErrors: errors, now: Self.now,
                using: &rng
            ).delaySecs
        }
        #expect(abs(run(0, interval: 1000) - 900) < 1e-6)
        #expect(abs(run(.max, interval: 1000) - 1100) < 1e-3)
        // At the floor, −10 % is reflected upwards: 60 × 0.9 = 54 → 66.
        #expect(abs(run(0, interval: 60) - 66) < 1e-6)
        // At the cap, +10 % is reflected downwards: never beyond the cap, yet not all on it.
        #expect(abs(run(.max, interval: 900, succeeded: false, errors: 20) - 86_400 * 0.9) < 1)
        #expect(abs(run(0, interval: 900, succeeded: false, errors: 20) - 86_400 * 0.9) < 1e-6)
    }

    @Test("same seed, same schedule")
    func deterministic() {
        var a = SeededRNG(seed: 7)
        var b = SeededRNG(seed: 7)
        let s = FeedSchedule()
        let x = s.nextPoll(intervalSecs: 900, hints: .init(), succeeded: false, consecutiveErrors: 3, now: Self.now, using: &a)
        let y = s.nextPoll(intervalSecs: 900, hints: .init(), succeeded: false, consecutiveErrors: 3, now: Self.now, using: &b)
        #expect(x == y)
    }

    @Test("nextPoll(for:) reads success from the state")
    func forState() {
        var state = FeedState(name: "f", url: "https://example.org/feed")
        var rng = SeededRNG(seed: 1)
        #expect(noJitter.nextPoll(for: state, intervalSecs: 600, hints: .init(), now: Self.now, using: &rng).delaySecs == 600)
        state.consecutiveErrors = 2
        #expect(noJitter.nextPoll(for: state, intervalSecs: 600, hints: .init(), now: Self.now, using: &rng).delaySecs == 1200)
    }

    // MARK: Reading hints from a response

    @Test("Cache-Control max-age, minus Age, in any case and with other directives")
    func maxAgeHeader() {
        let h = FeedSchedule.Hints(
            status: 200, headers: ["cache-control": "public, MAX-AGE=\"3600\", must-revalidate", "Age": "600"],
            feed: nil, now: Self.now)
        #expect(h.maxAgeSecs == 3000)
        #expect(FeedSchedule.Hints.maxAge("no-cache, s-maxage=100") == nil)
        #expect(FeedSchedule.Hints.maxAge("max-age=abc") == nil)
        #expect(FeedSchedule.Hints.maxAge("max-age=-5") == nil)
    }

    @Test("max-age wins over Expires; an unparseable Expires is ignored")
    func expiresHeader() {
        let both = FeedSchedule.Hints(
            status: 200,
            headers: [(name: "Expires", value: "Mon, 21 Sep 2026 12:00:00 GMT"), (name: "Cache-Control", value: "max-age=60")],
            feed: nil, now: Self.now)
        #expect(both.maxAgeSecs == 60)
        #expect(both.expiresAt == nil)
        let expires = FeedSchedule.Hints(
            status: 200, headers: ["Expires": "Mon, 21 Sep 2026 12:00:00 GMT"], feed: nil, now: Self.now)
        #expect(expires.expiresAt == DateParsing.parse("2026-09-21T12:00:00Z"))
        let zero = FeedSchedule.Hints(status: 200, headers: ["Expires": "0"], feed: nil, now: Self.now)
        #expect(zero.expiresAt == nil)
    }

    @Test(
        "Retry-After as seconds or HTTP date, for 429 and 503 only",
        arguments: [
            (429, "120", 120.0), (503, " 3600 ", 3600), (500, "120", nil), (200, "120", nil), (429, "soon", nil),
            (429, "-5", nil),
        ] as [(Int, String, Double?)])
    func retryAfterHeader(status: Int, value: String, expected: Double?) {
        let h = FeedSchedule.Hints(status: status, headers: ["Retry-After": value], feed: nil, now: Self.now)
        #expect(h.retryAfterAt.map { $0.timeIntervalSince(Self.now) } == expected)
    }

    @Test("Retry-After as an HTTP date")
    func retryAfterDate() {
        let date = "Wed, 21 Oct 2026 07:28:00 GMT"
        let h = FeedSchedule.Hints(status: 503, headers: ["retry-after": date], feed: nil, now: Self.now)
        #expect(h.retryAfterAt == DateParsing.parse(date))
    }

    @Test("ttl and sy:updatePeriod come from the parsed feed")
    func feedHints() {
        var feed = ParsedFeed(kind: .rss20)
        feed.ttlMinutes = 30
        feed.updateIntervalSecs = 86_400
        let h = FeedSchedule.Hints(status: 200, headers: [String: String](), feed: feed, now: Self.now)
        #expect(h.ttlMinutes == 30)
        #expect(h.updateIntervalSecs == 86_400)
        #expect(delay(noJitter, hints: h).delaySecs == 86_400)
    }
}
