import Foundation
import IngestCore
import Logging

/// One poll of one feed, from the request to the saved state. See ``FeedPoller`` for the rules.
struct FeedPoll {
    let poller: FeedPoller
    let job: FeedPollerState.Job

    private var name: String { job.definition.name }
    private var fetch: FeedFetchConfiguration { poller.configuration.fetch }

    func run() async {
        let started = ContinuousClock.now
        var state = job.state
        if let leases = poller.leases {
            guard let leased = lease(leases, state: state) else { return }
            state = leased
        }
        let request = FetchRequest(
            url: state.url, etag: state.etag, lastModified: state.lastModified,
            // The operator wrote the feed's URL: it may be on an intranet. Item links are another matter
            // (see fullContent).
            allowPrivateNetworks: true, maxBodyBytes: fetch.maxBodyBytes, totalTimeout: .seconds(fetch.timeoutSecs))
        let result = await poller.fetcher.fetch(request)
        if Task.isCancelled { return cancelled() }

        var report = FeedPollReport(name: name, url: state.url, outcome: .failed)
        report.status = result.status == 0 ? nil : result.status
        var outcome: FeedPollOutcome
        var parsed: ParsedFeed?
        var rejected: Set<String> = []
        if let error = result.error {
            outcome = .failed(message: error.description, status: report.status)
        } else if result.isNotModified {
            outcome = .notModified(etag: result.headers.etag, lastModified: result.headers.lastModified)
        } else if result.isSuccess {
            do {
                let feed = try FeedParser.parse(
                    result.body, url: result.effectiveURL, declaredCharset: result.headers.charset)
                parsed = feed
                let ingest = await ingest(feed)
                if Task.isCancelled { return cancelled() }
                report.items = ingest.items
                report.new = ingest.new
                report.enqueued = ingest.tally.enqueued
                report.dropped = ingest.tally.dropped
                report.rejected = ingest.tally.rejected
                report.released = ingest.tally.released
                rejected = ingest.rejectedKeys
                if let ledgerError = ingest.ledgerError {
                    outcome = .failed(message: ledgerError, status: result.status)
                } else if ingest.tally.released > 0 {
                    // Some items were not committed: forget the validators so the next poll gets the whole
                    // document again (the committed items are then skipped by the ledger).
                    outcome = .fetched(status: result.status, etag: nil, lastModified: nil, warnings: feed.warnings)
                } else {
                    outcome = .fetched(
                        status: result.status, etag: result.headers.etag, lastModified: result.headers.lastModified,
                        warnings: feed.warnings)
                }
                report.warnings = feed.warnings
            } catch {
                outcome = .failed(message: error.description, status: result.status)
            }
        } else {
            outcome = .failed(message: Self.statusMessage(result), status: result.status)
        }

        let now = Date()
        let redirects = result.redirects.compactMap { hop in
            hop.location.map { FeedRedirect(status: hop.status, location: $0) }
        }
        if let moved = poller.configuration.health.record(outcome, redirects: redirects, at: now, in: &state) {
            report.movedTo = moved
            poller.logger.notice(
                "feed moved permanently; polling its new URL",
                metadata: ["feed": "\(name)", "from": "\(job.state.url)", "to": "\(moved)"])
        }
        if let parsed {
            state.ttlMinutes = parsed.ttlMinutes
            state.updateIntervalSecs = parsed.updateIntervalSecs
        }
        var hints = FeedSchedule.Hints(
            status: report.status, headers: result.headers.map { (name: $0.name, value: $0.value) }, feed: parsed,
            now: now)
        if parsed == nil {
            // A 304 carries no document: the feed's own hints are the ones of its last full document.
            hints.ttlMinutes = state.ttlMinutes
            hints.updateIntervalSecs = state.updateIntervalSecs
        }
        var rng = SystemRandomNumberGenerator()
        let decision = poller.configuration.fetch.schedule.nextPoll(
            for: state, intervalSecs: job.definition.intervalSecs, hints: hints, now: now, using: &rng)
        state.nextPollAt = decision.nextPollAt
        if let leases = poller.leases {
            // Held until the next poll, so no other instance polls in between.
            _ = try? leases.leaseFeed(name, owner: poller.instance, until: decision.nextPollAt)
        }
        do {
            try poller.registry.saveFeedState(state)
        } catch {
            poller.logger.error("cannot save feed state", metadata: ["feed": "\(name)", "error": "\(error)"])
        }

        switch outcome {
        case .fetched: report.outcome = .fetched
        case .notModified: report.outcome = .notModified
        case .failed(let message, _):
            report.outcome = .failed
            report.error = message
        }
        report.nextPollAt = decision.nextPollAt
        report.millis = Int((ContinuousClock.now - started) / .milliseconds(1))
        log(report, state: state, reason: decision.reason)
        poller.state.finish(job, state: state, report: report, rejected: rejected)
    }

    /// Takes the feed's lease before a poll, when instances share the store. The lease lasts the feed's
    /// interval (at least the fetch timeout), and is extended to the next poll when the poll is saved, so
    /// the holder keeps the feed while it lives and another instance takes it over one interval after it
    /// died. Returns the state to poll with: the stored one, as another instance may have polled last; or
    /// `nil` when the poll must not run (another holds the lease, or the store cannot say), after
    /// rescheduling it.
    private func lease(_ leases: any FeedLeases, state: FeedState) -> FeedState? {
        let now = Date()
        let seconds = max(Double(job.definition.intervalSecs), Double(fetch.timeoutSecs) + 30)
        do {
            switch try leases.leaseFeed(name, owner: poller.instance, until: now.addingTimeInterval(seconds)) {
            case .granted:
                guard let stored = try leases.feedState(named: name), stored.configuredURL == state.configuredURL else {
                    return state
                }
                return stored
            case .held(let owner, let until):
                // Shown as the holder saved it, and looked at again just after its lease ends.
                var shown = (try? leases.feedState(named: name)).flatMap { $0 } ?? state
                if shown.configuredURL != state.configuredURL { shown = state }
                shown.nextPollAt = max(until, now).addingTimeInterval(1)
                var report = FeedPollReport(name: name, url: shown.url, outcome: .leasedElsewhere)
                report.nextPollAt = shown.nextPollAt
                report.error = "polled by instance \(owner) until \(until)"
                poller.state.finish(job, state: shown, report: report, rejected: [])
                return nil
            }
        } catch {
            poller.logger.warning(
                "cannot take the feed's lease; trying again shortly", metadata: ["feed": "\(name)", "error": "\(error)"])
            var retry = state
            retry.nextPollAt = now.addingTimeInterval(30)
            var report = FeedPollReport(name: name, url: state.url, outcome: .failed)
            report.error = "cannot take the feed's lease: \(error)"
            report.nextPollAt = retry.nextPollAt
            poller.state.finish(job, state: retry, report: report, rejected: [])
            return nil
        }
    }

    private func cancelled() {
        var report = FeedPollReport(name: name, url: job.state.url, outcome: .cancelled)
        report.nextPollAt = job.state.nextPollAt
        poller.state.finish(job, state: job.state, report: report, rejected: [])
    }

    private func log(_ report: FeedPollReport, state: FeedState, reason: FeedSchedule.Reason) {
        var metadata: Logger.Metadata = [
            "feed": "\(name)", "feed.url": "\(report.url)", "outcome": "\(report.outcome.rawValue)", "millis": "\(report.millis)",
            "next_poll_in_s": "\(Int((report.nextPollAt ?? Date()).timeIntervalSinceNow))", "next_poll_reason": "\(reason.rawValue)",
        ]
        if let status = report.status { metadata["status"] = "\(status)" }
        switch report.outcome {
        case .failed:
            metadata["error"] = "\(report.error ?? "")"
            metadata["consecutive_errors"] = "\(state.consecutiveErrors)"
            poller.logger.warning("feed poll failed", metadata: metadata)
        case .fetched:
            metadata["items"] = "\(report.items)"
            metadata["new"] = "\(report.new)"
            metadata["enqueued"] = "\(report.enqueued)"
            if !report.warnings.isEmpty { metadata["warnings"] = "\(report.warnings.count)" }
            poller.logger.info("feed polled", metadata: metadata)
        case .notModified, .cancelled, .leasedElsewhere:
            poller.logger.debug("feed polled", metadata: metadata)
        }
    }

    // MARK: items

    private struct Ingest {
        var items = 0
        var new = 0
        var tally = ItemTally([])
        var rejectedKeys: Set<String> = []
        var ledgerError: String?
    }

    /// Submits the items not in the ledger, oldest first, and waits until each was answered.
    private func ingest(_ feed: ParsedFeed) async -> Ingest {
        var result = Ingest()
        let (items, _) = IdentifiedFeedEntry.identify(feed.entries, feedName: name)
        result.items = items.count
        let known: Set<String>
        do {
            known = try poller.ledger.ingestedKeys(among: items.flatMap(\.keys.all))
        } catch {
            result.ledgerError = "cannot read the ledger: \(error)"
            return result
        }
        let fresh = IdentifiedFeedEntry.publicationOrder(items).filter { !$0.keys.isIngested(in: known) && !job.rejectedKeys.contains($0.keys.ledgerKey(for: job.policy)) }
        result.new = fresh.count
        guard !fresh.isEmpty else { return result }
        let outcomes = await ItemReceiptGroup.collect { group in
            for item in fresh {
                if Task.isCancelled { return }
                let key = item.keys.ledgerKey(for: job.policy)
                let bytes = await document(for: item, feed: feed)
                let origin = Origin(
                    source: name, kind: .feed, location: item.entry.link ?? job.state.url, receivedAt: Date(),
                    ledgerKey: key)
                await poller.sink.submit(
                    RawDocument(bytes: bytes, format: .json, origin: origin, receipt: group.receipt(for: key)))
            }
        }
        result.tally = ItemTally(outcomes)
        // Items never submitted (cancelled) count as released: not committed, offered again next time.
        result.tally.released += fresh.count - outcomes.count
        result.rejectedKeys = Set(outcomes.compactMap { if case .rejected = $0.outcome { $0.key } else { nil } })
        return result
    }

    /// The item as a JSON article; with `fetch_full_content`, its link's page instead of the feed's text.
    private func document(for item: IdentifiedFeedEntry, feed: ParsedFeed) async -> [UInt8] {
        guard job.definition.fetchFullContent else { return FeedItemDocument.json(item, feed: feed) }
        guard let link = item.entry.link else {
            return FeedItemDocument.json(item, feed: feed, pageError: "the item has no link")
        }
        let (page, error) = await fullContent(link)
        if error != nil { poller.state.count(name, "full_content_failed") }
        return FeedItemDocument.json(item, feed: feed, page: page, pageError: error)
    }

    /// Fetches an item's page. Links come from whoever publishes the feed, so private, loopback and
    /// link-local addresses are refused at connect time (redirects included) unless the feed allows them.
    private func fullContent(_ link: String) async -> (String?, String?) {
        let result = await poller.fetcher.fetch(
            FetchRequest(
                url: link, allowPrivateNetworks: job.definition.allowPrivateNetworks, maxBodyBytes: fetch.maxBodyBytes,
                totalTimeout: .seconds(fetch.timeoutSecs)))
        if let error = result.error { return (nil, error.description) }
        guard result.isSuccess else { return (nil, Self.statusMessage(result)) }
        do {
            let decoded = try TextDecoding.decode(result.body, declared: result.headers.charset)
            return (decoded.text, nil)
        } catch {
            return (nil, "page: \(error.reason)")
        }
    }

    // MARK: helpers

    /// Reason phrases of the statuses feeds commonly answer with (HTTP/2 sends none of its own).
    static let reasons: [Int: String] = [
        300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 307: "Temporary Redirect",
        308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 410: "Gone", 429: "Too Many Requests",
        451: "Unavailable For Legal Reasons", 500: "Internal Server Error", 502: "Bad Gateway",
        503: "Service Unavailable", 504: "Gateway Timeout",
    ]

    /// An HTTP status that is neither success nor 304, as the feed's error.
    static func statusMessage(_ result: FetchResult) -> String {
        var message = "HTTP \(result.status)" + (reasons[result.status].map { " \($0)" } ?? "")
        if let retry = result.headers.retryAfter, result.status == 429 || result.status == 503 {
            message += " (Retry-After: \(retry))"
        }
        return message
    }
}
