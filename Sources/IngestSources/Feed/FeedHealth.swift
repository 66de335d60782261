public import Foundation
public import IngestCore

/// How one poll of a feed ended, as far as its health and validators are concerned.
public enum FeedPollOutcome: Sendable, Equatable {
    /// A 2xx with a body that parsed. `etag` / `lastModified` are the response's validators (`nil` when it
    /// sent none); `warnings` are the problems the parser recovered from.
    case fetched(status: Int, etag: String?, lastModified: String?, warnings: [String])
    /// A 304: the document did not change. Validators sent with it (servers may refresh the ETag) replace the
    /// stored ones; absent ones keep them.
    case notModified(etag: String?, lastModified: String?)
    /// Anything else: a transport error, a refused redirect, an HTTP error status, an oversized body, a
    /// document that does not parse. `status` is the final HTTP status when there was one.
    case failed(message: String, status: Int?)
}

/// One redirect followed during a poll: its status (301, 302, 303, 307, 308) and where it led (absolute).
public struct FeedRedirect: Sendable, Equatable {
    public var status: Int
    public var location: String

    public init(status: Int, location: String) {
        self.status = status
        self.location = location
    }

    /// 301 and 308 say the resource moved for good; 302, 303 and 307 are temporary.
    public var isPermanent: Bool { status == 301 || status == 308 }
}

/// Updates a ``FeedState`` after a poll: errors, times, health, validators, warnings, and the permanent
/// redirect that eventually replaces the feed's URL.
///
/// - Important: A feed is never disabled. ``FeedState/Health/failing`` is a label for `ingestctl feeds list`;
///   the schedule (``FeedSchedule``) keeps polling it at the backoff cap.
public struct FeedHealth: Sendable, Equatable {
    /// Consecutive errors from which a feed counts as ``FeedState/Health/failing`` (below: backing off).
    public var failingAfter: Int
    /// Consecutive successful polls that must be permanently redirected to the same target before that target
    /// replaces ``FeedState/url``. One is not enough: misconfigured servers send a 301 for a maintenance page.
    public var redirectConfirmations: Int

    public init(failingAfter: Int = 5, redirectConfirmations: Int = 3) {
        self.failingAfter = max(1, failingAfter)
        self.redirectConfirmations = max(1, redirectConfirmations)
    }

    /// The health label for a number of consecutive errors.
    public func health(consecutiveErrors: Int) -> FeedState.Health {
        if consecutiveErrors <= 0 { return .ok }
        return consecutiveErrors >= failingAfter ? .failing : .backingOff
    }

    /// Records one poll in `state`.
    ///
    /// - Parameters:
    ///   - outcome: how the poll ended.
    ///   - redirects: the redirects followed, in order (empty when the first URL answered).
    ///   - now: when the poll finished.
    ///   - state: the feed's state, updated in place. ``FeedState/nextPollAt`` is left to ``FeedSchedule``.
    /// - Returns: the new URL when this poll confirmed a permanent redirect and ``FeedState/url`` changed.
    @discardableResult
    public func record(
        _ outcome: FeedPollOutcome, redirects: [FeedRedirect] = [], at now: Date, in state: inout FeedState
    ) -> String? {
        state.lastAttemptAt = now
        switch outcome {
        case .fetched(let status, let etag, let lastModified, let warnings):
            succeed(status: status, at: now, in: &state)
            // A 200 describes the current document: its validators (or their absence) replace the old ones,
            // since sending stale ones would ask the server about a document we no longer hold.
            state.etag = etag
            state.lastModified = lastModified
            state.warnings = warnings
        case .notModified(let etag, let lastModified):
            succeed(status: 304, at: now, in: &state)
            // The document is the one we have: keep its validators and warnings unless refreshed.
            if let etag { state.etag = etag }
            if let lastModified { state.lastModified = lastModified }
        case .failed(let message, let status):
            state.consecutiveErrors += 1
            state.lastStatus = status
            state.lastError = message
            state.lastErrorAt = now
            state.health = health(consecutiveErrors: state.consecutiveErrors)
            // A failed poll says nothing about whether the feed moved for good: the candidate is neither
            // confirmed nor reset, and a URL is never switched to a target that is failing.
            return nil
        }
        return trackRedirect(redirects, in: &state)
    }

    private func succeed(status: Int, at now: Date, in state: inout FeedState) {
        state.consecutiveErrors = 0
        state.lastStatus = status
        state.lastSuccessAt = now
        state.health = .ok
        // `lastError` / `lastErrorAt` stay: `ingestctl feeds list` shows the last error and when it was,
        // which is worth seeing after a recovery too.
    }

    /// The permanent target of a redirect chain: where its leading run of 301/308 hops leads. A chain that
    /// starts with a temporary hop has none (the feed's URL is still the right one to ask); a temporary hop
    /// after permanent ones ends the run, since only the permanent part moved.
    public static func permanentTarget(of redirects: [FeedRedirect]) -> String? {
        var target: String?
        for hop in redirects {
            guard hop.isPermanent else { break }
            target = hop.location
        }
        return target
    }

    private func trackRedirect(_ redirects: [FeedRedirect], in state: inout FeedState) -> String? {
        guard let target = Self.permanentTarget(of: redirects), target != state.url else {
            state.redirectCandidate = nil
            state.redirectCount = 0
            return nil
        }
        if state.redirectCandidate == target {
            state.redirectCount += 1
        } else {
            state.redirectCandidate = target
            state.redirectCount = 1
        }
        guard state.redirectCount >= redirectConfirmations else { return nil }
        state.url = target
        state.redirectCandidate = nil
        state.redirectCount = 0
        return target
    }
}
