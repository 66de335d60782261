public import Foundation
public import IngestCore

/// When to poll a feed next, from its configured interval, what the server and the feed say about
/// freshness, and how the last polls went.
///
/// Pure: the clock (`now`) and the randomness (a `RandomNumberGenerator`) are passed in, so tests are exact.
///
/// The rules, in order:
/// 1. **After a success** (200 or 304) the delay is the configured interval, *lengthened* by the longest of
///    the freshness hints: `Cache-Control: max-age` (minus `Age`), else `Expires`, RSS `ttl`, and
///    `sy:updatePeriod`/`sy:updateFrequency`. A hint never *shortens* the delay below the configured interval:
///    the operator chose how often they are willing to poll, and a CDN's short `max-age` or a feed's
///    `ttl` of 1 minute is a statement about caches, not an invitation to poll more. Hints are limited to
///    ``ceilingSecs`` (default 24 h) so a year-long `Expires` cannot park a feed.
/// 2. **After a failure** the delay is `interval × 2^(consecutiveErrors − 1)`, limited to ``backoffCapSecs``
///    (default 24 h). The feed is never disabled: at the cap it is still polled once per cap.
/// 3. **Jitter**: the delay is multiplied by a random factor in `1 ± jitterFraction` (default ±10 %) so feeds
///    configured alike drift apart instead of polling in lockstep. Jitter that would cross a bound (the
///    ``floorSecs`` below, the ceiling or the cap above) is reflected back inside it, so feeds sitting at the
///    cap still spread out rather than piling up exactly on it.
/// 4. **`Retry-After`** (sent with 429 and 503, as seconds or an HTTP date) is a minimum: the next poll is
///    never earlier. It is limited to ``retryAfterLimitSecs`` (default 7 days) only so that a broken header
///    cannot amount to disabling the feed.
/// 5. Nothing goes below ``floorSecs`` (default 60 s).
public struct FeedSchedule: Sendable, Equatable {
    /// Shortest delay between two polls of a feed, whatever the config or the jitter say.
    public var floorSecs: Int
    /// Longest delay freshness hints may stretch a successful feed's interval to.
    public var ceilingSecs: Int
    /// Longest delay the error backoff reaches (`backoff_cap_secs` in `[feeds]`).
    public var backoffCapSecs: Int
    /// Half-width of the random factor applied to every delay (0.1: ±10 %).
    public var jitterFraction: Double
    /// Longest `Retry-After` honoured; beyond it the feed is polled after this long anyway.
    public var retryAfterLimitSecs: Int

    public init(
        floorSecs: Int = 60, ceilingSecs: Int = 86_400, backoffCapSecs: Int = 86_400, jitterFraction: Double = 0.1,
        retryAfterLimitSecs: Int = 7 * 86_400
    ) {
        self.floorSecs = max(1, floorSecs)
        self.ceilingSecs = max(self.floorSecs, ceilingSecs)
        self.backoffCapSecs = max(self.floorSecs, backoffCapSecs)
        self.jitterFraction = min(max(0, jitterFraction), 0.5)
        self.retryAfterLimitSecs = max(0, retryAfterLimitSecs)
    }

    /// What decided a delay; for logs and `ingestctl feeds list`.
    public enum Reason: String, Sendable, Codable, Equatable {
        /// The feed's configured interval.
        case interval
        /// `Cache-Control: max-age` lengthened it.
        case cacheControl = "cache_control"
        /// `Expires` lengthened it.
        case expires
        /// RSS `ttl` lengthened it.
        case ttl
        /// `sy:updatePeriod` / `sy:updateFrequency` lengthened it.
        case updatePeriod = "update_period"
        /// Exponential backoff after errors.
        case backoff
        /// The server's `Retry-After` was longer than anything else.
        case retryAfter = "retry_after"
    }

    /// The next poll: when, how far from `now`, and why.
    public struct Decision: Sendable, Equatable {
        public var nextPollAt: Date
        public var delaySecs: Double
        public var reason: Reason

        public init(nextPollAt: Date, delaySecs: Double, reason: Reason) {
            self.nextPollAt = nextPollAt
            self.delaySecs = delaySecs
            self.reason = reason
        }
    }

    /// What a response and its document say about when to come back, already read from the headers.
    public struct Hints: Sendable, Equatable {
        /// `Cache-Control: max-age` minus `Age`, in seconds.
        public var maxAgeSecs: Int?
        /// `Expires`, when it parses and no `max-age` was given (RFC 9111: max-age wins).
        public var expiresAt: Date?
        /// `Retry-After` as an absolute time (only read for 429 and 503).
        public var retryAfterAt: Date?
        /// RSS `ttl`.
        public var ttlMinutes: Int?
        /// `sy:updatePeriod` × `sy:updateFrequency` as seconds between updates.
        public var updateIntervalSecs: Int?

        public init(
            maxAgeSecs: Int? = nil, expiresAt: Date? = nil, retryAfterAt: Date? = nil, ttlMinutes: Int? = nil,
            updateIntervalSecs: Int? = nil
        ) {
            self.maxAgeSecs = maxAgeSecs
            self.expiresAt = expiresAt
            self.retryAfterAt = retryAfterAt
            self.ttlMinutes = ttlMinutes
            self.updateIntervalSecs = updateIntervalSecs
        }

        /// Reads the hints of one poll.
        ///
        /// - Parameters:
        ///   - status: the final HTTP status, `nil` when no response came (`Retry-After` is read for 429 and
        ///     503 only, as the issue specifies).
        ///   - headers: the final response's headers, names in any case; the first occurrence of a name wins.
        ///   - feed: the parsed document of a 200; `nil` for a 304 or a failure.
        ///   - now: the poll's time, to turn `Retry-After: 120` into a date.
        public init(status: Int?, headers: [(name: String, value: String)], feed: ParsedFeed?, now: Date) {
            var byName: [String: String] = [:]
            for (name, value) in headers where byName[name.lowercased()] == nil {
                byName[name.lowercased()] = value
            }
            self.init(status: status, lowercasedHeaders: byName, feed: feed, now: now)
        }

        /// Reads the hints of one poll from headers given as a dictionary (names in any case).
        public init(status: Int?, headers: [String: String], feed: ParsedFeed?, now: Date) {
            self.init(
                status: status, headers: headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) },
                feed: feed, now: now)
        }

        private init(status: Int?, lowercasedHeaders h: [String: String], feed: ParsedFeed?, now: Date) {
            self.init(ttlMinutes: feed?.ttlMinutes, updateIntervalSecs: feed?.updateIntervalSecs)
            if let cc = h["cache-control"], let maxAge = Self.maxAge(cc) {
                // `Age` is how long the response already sat in a cache: its remaining freshness is shorter.
                let age = h["age"].flatMap { Int($0.feedTrimmed()) } ?? 0
                maxAgeSecs = max(0, maxAge - max(0, age))
            } else if let expires = h["expires"], let date = DateParsing.parse(expires) {
                expiresAt = date
            }
            if let status, status == 429 || status == 503, let value = h["retry-after"] {
                retryAfterAt = Self.retryAfter(value, now: now)
            }
        }

        /// `max-age=N` from a `Cache-Control` value (quoted or not); `s-maxage` is for shared caches.
        static func maxAge(_ value: String) -> Int? {
            for directive in value.split(separator: ",") {
                let parts = directive.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].feedTrimmed().lowercased() == "max-age" else { continue }
                var v = parts[1].feedTrimmed()
                if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
                if let n = Int(v), n >= 0 { return n }
            }
            return nil
        }

        /// `Retry-After` is either delta-seconds or an HTTP date; anything else is ignored.
        static func retryAfter(_ value: String, now: Date) -> Date? {
            let v = value.feedTrimmed()
            if let secs = Int(v) { return secs >= 0 ? now.addingTimeInterval(TimeInterval(secs)) : nil }
            return DateParsing.parse(v)
        }

        /// Each freshness hint as seconds from `now`; zero and negative ones (already stale) say nothing.
        func freshness(now: Date) -> [(Reason, Double)] {
            var result: [(Reason, Double)] = []
            if let maxAgeSecs, maxAgeSecs > 0 { result.append((.cacheControl, Double(maxAgeSecs))) }
            if let expiresAt, expiresAt > now { result.append((.expires, expiresAt.timeIntervalSince(now))) }
            if let ttlMinutes, ttlMinutes > 0 { result.append((.ttl, Double(ttlMinutes) * 60)) }
            if let updateIntervalSecs, updateIntervalSecs > 0 { result.append((.updatePeriod, Double(updateIntervalSecs))) }
            return result
        }
    }

    /// The next poll after a poll at `now`.
    ///
    /// - Parameters:
    ///   - intervalSecs: the feed's configured interval (``FeedDefinition/intervalSecs``).
    ///   - hints: what the response and the document said (``Hints``).
    ///   - succeeded: whether the poll succeeded (a 200 that parsed, or a 304).
    ///   - consecutiveErrors: the feed's count *after* this poll (``FeedState/consecutiveErrors``); used only
    ///     when `succeeded` is false, and taken as at least 1 then.
    ///   - now: when the poll finished.
    ///   - rng: the source of jitter.
    public func nextPoll<R: RandomNumberGenerator>(
        intervalSecs: Int, hints: Hints, succeeded: Bool, consecutiveErrors: Int, now: Date, using rng: inout R
    ) -> Decision {
        let floor = Double(floorSecs)
        let interval = min(max(Double(intervalSecs), floor), Double(ceilingSecs))
        var delay: Double
        var upper: Double
        var reason: Reason
        if succeeded {
            upper = Double(ceilingSecs)
            delay = interval
            reason = .interval
            // Only a longer hint counts; among several the longest wins (the most polite reading).
            for (hintReason, secs) in hints.freshness(now: now) where min(secs, upper) > delay {
                delay = min(secs, upper)
                reason = hintReason
            }
        } else {
            upper = Double(backoffCapSecs)
            // 2^(errors−1), with the exponent bounded so the multiplication cannot overflow to infinity
            // before the cap applies.
            let exponent = min(max(1, consecutiveErrors) - 1, 40)
            delay = min(interval * Double(1 << exponent), upper)
            reason = .backoff
        }
        delay = Self.reflect(delay * jitterFactor(using: &rng), lower: floor, upper: upper)
        if let retryAfterAt = hints.retryAfterAt {
            let wanted = min(retryAfterAt.timeIntervalSince(now), Double(retryAfterLimitSecs))
            if wanted > delay {
                delay = wanted
                reason = .retryAfter
            }
        }
        return Decision(nextPollAt: now.addingTimeInterval(delay), delaySecs: delay, reason: reason)
    }

    /// The next poll for a feed whose ``FeedState`` was just updated by ``FeedHealth``: success is read from
    /// its consecutive errors.
    public func nextPoll<R: RandomNumberGenerator>(
        for state: FeedState, intervalSecs: Int, hints: Hints, now: Date, using rng: inout R
    ) -> Decision {
        nextPoll(
            intervalSecs: intervalSecs, hints: hints, succeeded: state.consecutiveErrors == 0,
            consecutiveErrors: state.consecutiveErrors, now: now, using: &rng)
    }

    private func jitterFactor<R: RandomNumberGenerator>(using rng: inout R) -> Double {
        guard jitterFraction > 0 else { return 1 }
        // One draw, mapped by hand rather than through `Double.random(in:using:)`: its rejection sampling
        // may call the generator any number of times, which makes scripted generators in tests fragile.
        let unit = Double(rng.next() >> 11) * 0x1p-53  // uniform in [0, 1)
        return 1 + jitterFraction * (2 * unit - 1)
    }

    /// `value` folded back inside `lower…upper` when jitter pushed it across a bound.
    static func reflect(_ value: Double, lower: Double, upper: Double) -> Double {
        var v = value
        if v > upper { v = upper - (v - upper) }
        if v < lower { v = lower + (lower - v) }
        return min(max(v, lower), upper)
    }
}

extension StringProtocol {
    /// Without spaces and tabs at either end (header values, config strings).
    func feedTrimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
        return String(s)
    }
}
