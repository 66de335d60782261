import ArgumentParser
import Foundation
#if canImport(FoundationXML)
// On Linux, XMLParser lives in its own module.
import FoundationXML
#endif
import IngestCore
import IngestDaemon
import IngestSources
import IngestStore

/// The default poll interval of an added feed, as for feeds in the config.
private let defaultIntervalSecs = 900
/// Intervals `feeds add` and `import` accept: more often than a minute is rude to the server, and a feed
/// polled less than weekly might as well be removed.
private let intervalRange = 60...604_800

extension Feeds {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a feed to poll; writes the database, needs no daemon.",
            discussion: "The name defaults to the URL's host and path. Only http and https URLs are accepted. A running ingestd is told to reload its feeds at once.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The feed's http(s) URL.") var url: String
        @Option(name: .long, help: "The feed's name (default: from the URL's host and path).") var name: String?
        @Option(name: .long, help: "Seconds between polls when the feed says nothing better (60…604800).")
        var interval = defaultIntervalSecs

        func validate() throws {
            try validateInterval(interval)
            _ = try FeedInput.url(url)
            if let name { _ = try FeedInput.name(name) }
        }

        func run() throws {
            let url = try FeedInput.url(url)
            let name = try name.map(FeedInput.name) ?? FeedInput.defaultName(for: url)
            let configuration = try connection.loadConfiguration()
            let configNames = Set(configuration.feeds.map(\.name) + configuration.folders.map(\.name))
            if configNames.contains(name) {
                throw CLIError("the config already has a source named '\(name)'; choose another with --name")
            }
            let store = try openForWriting(connection)
            do {
                try store.addFeed(FeedDefinition(name: name, url: url, intervalSecs: interval, origin: .cli))
            } catch let error as DuplicateFeedError {
                let hint = error.field == .name ? "; choose another with --name" : ""
                throw CLIError("\(error)\(hint)")
            } catch {
                throw CLIError("\(error)")
            }
            print("added feed '\(name)' (\(url), every \(interval) s)")
            reloadDaemon(connection)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a feed added with `feeds add` or `import`, and its state; writes the database.",
            discussion: "Feeds from the config file are removed by editing the config. Items already ingested stay.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The feed's name, as `feeds list` shows it.") var name: String

        func run() throws {
            let store = try openForWriting(connection)
            let removed: Bool
            do {
                removed = try store.removeFeed(named: name)
            } catch {
                throw CLIError("\(error)")
            }
            guard removed else {
                throw CLIError("no added feed named '\(name)' (feeds from the config are removed in the config file)")
            }
            print("removed feed '\(name)'")
            reloadDaemon(connection)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add every feed of an OPML file (as feed readers export them); writes the database.",
            discussion: "Every outline with an xmlUrl is added, nested folders included. Names come from the outline's title (or text) and are made unique; a feed whose URL is already stored, or appears twice, is skipped as a duplicate.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The OPML file.") var file: String
        @Option(name: .long, help: "Seconds between polls for every imported feed (60…604800).")
        var interval = defaultIntervalSecs

        func validate() throws { try validateInterval(interval) }

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError("\(file): cannot read the file")
            }
            let outlines = try OPMLReader.feeds(in: data, file: file)
            guard !outlines.isEmpty else { throw CLIError("\(file): no outline with an xmlUrl (not an OPML feed list?)") }

            let store = try openForWriting(connection)
            let existing: [FeedDefinition]
            do { existing = try store.addedFeeds() } catch { throw CLIError("\(error)") }
            var names = Set(existing.map(\.name))
            var urls = Set(existing.map(\.url))
            var added = 0
            var duplicates = 0
            var invalid = 0
            for outline in outlines {
                let url: String
                do {
                    url = try FeedInput.url(outline.xmlURL)
                } catch {
                    note("\(file): skipped \(outline.xmlURL): \(error)")
                    invalid += 1
                    continue
                }
                guard urls.insert(url).inserted else {
                    duplicates += 1
                    continue
                }
                // Titles such as "BBC News: World" are common; ':' may not be in a name, so it becomes ' -'.
                let title = outline.title?.replacingOccurrences(of: ":", with: " -") ?? ""
                let base = (try? FeedInput.name(title)) ?? FeedInput.defaultName(for: url)
                let name = FeedInput.unique(base, among: names)
                do {
                    try store.addFeed(FeedDefinition(name: name, url: url, intervalSecs: interval, origin: .cli))
                } catch is DuplicateFeedError {
                    // Another ingestctl added it since the list was read.
                    duplicates += 1
                    continue
                } catch {
                    throw CLIError("\(error) (\(added) feeds of \(file) were added before this)")
                }
                names.insert(name)
                added += 1
                print("added feed '\(name)' (\(url))")
            }
            var summary = "\(file): \(added) added, \(duplicates) skipped as duplicates"
            if invalid > 0 { summary += ", \(invalid) skipped as invalid" }
            print(summary)
            if added > 0 { reloadDaemon(connection) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every feed with its health, last success, last error, consecutive errors and next poll.",
            discussion: "Asks the running ingestd (which also says whether a poll runs now and counts since its start); when it is not running, reads the config and the database: what the daemon last saved.")

        @OptionGroup var connection: ConnectionOptions

        func run() throws {
            let configuration = try connection.loadConfiguration()
            let client = ControlClient(socketPath: connection.socket ?? configuration.daemon.controlSocket)
            let listings: [FeedListing]
            if (try? client.request("GET", "/v1/version")) != nil {
                listings = try connection.call(client, "GET", "/v1/feeds", as: [FeedListing].self)
            } else {
                let shared = configuration.store.backend == "postgres"
                let path = shared ? (configuration.store.url.map(PostgresStore.redacted) ?? "") : configuration.store.path
                note("ingestd is not running; feeds list shows the config and what the database \(path) last saved")
                var added: [FeedDefinition] = []
                var states: [String: FeedState] = [:]
                // A missing database has no added feeds and no states; creating one here would hide a wrong path.
                if shared || FileManager.default.fileExists(atPath: path) {
                    let store = try connection.openStore(configuration)
                    do {
                        added = try store.addedFeeds()
                        states = try store.feedStates()
                    } catch {
                        throw CLIError("\(error)")
                    }
                }
                listings = Self.listings(configFeeds: configuration.feeds.map(\.definition), added: added, states: states)
            }
            if connection.wantsJSON {
                for listing in listings { try printJSONLine(listing) }
                return
            }
            printTable(
                ["NAME", "URL", "HEALTH", "LAST SUCCESS", "ERRORS", "LAST ERROR", "NEXT POLL"],
                listings.map { l in
                    [
                        l.name, l.url, (l.polling == true ? "polling" : l.health) ?? "new", iso(l.lastSuccessAt),
                        "\(l.consecutiveErrors)",
                        l.lastError.map { "\(iso(l.lastErrorAt)) \(short($0, 60))" } ?? "-", iso(l.nextPollAt),
                    ]
                })
            let warned = listings.filter { !$0.warnings.isEmpty }
            if !warned.isEmpty {
                print("\nWARNINGS (problems recovered from in the last document)")
                for l in warned {
                    for warning in l.warnings { print("\(l.name): \(short(warning, 120))") }
                }
            }
        }

        /// Config feeds, then added ones, each with its saved state; then saved states of feeds that are
        /// neither (removed from the config since), so their last error is still visible.
        static func listings(configFeeds: [FeedDefinition], added: [FeedDefinition], states: [String: FeedState]) -> [FeedListing] {
            var seen: Set<String> = []
            var result: [FeedListing] = []
            for feed in configFeeds + added where seen.insert(feed.name).inserted {
                var state = states[feed.name]
                // A state begun for another configured URL is not this feed's any more (the daemon resets it).
                if let s = state, let configured = s.configuredURL, configured != feed.url { state = nil }
                result.append(FeedListing(definition: feed, name: feed.name, state: state))
            }
            for state in states.values.sorted(by: { $0.name < $1.name }) where !seen.contains(state.name) {
                result.append(FeedListing(definition: nil, name: state.name, state: state))
            }
            return result
        }
    }

    struct Poll: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Poll feeds now and print what each poll did; needs a running ingestd.",
            discussion: "Waits until every poll finished (items new to the ledger are committed by then). The feed's schedule continues from this poll.")

        @OptionGroup var connection: ConnectionOptions
        @Flag(name: .long, help: "Poll every feed.") var all = false
        @Argument(help: "Feed names, as `feeds list` shows them.") var names: [String] = []

        func validate() throws {
            if all == !names.isEmpty { throw ValidationError("name feeds to poll, or pass --all") }
        }

        func run() throws {
            guard case .daemon(var client) = try connection.connect() else {
                throw CLIError("ingestd is not running: polls are made by the daemon (start it, or run `ingestctl feeds parse URL` to see a feed)")
            }
            // A poll may take the whole fetch timeout, and full-content fetches more; wait generously.
            client.timeout = 3600
            let reports = try connection.call(
                client, "POST", "/v1/feeds/poll", body: FeedPollRequest(names: all ? [] : names), as: [FeedPollReport].self)
            if connection.wantsJSON {
                for report in reports { try printJSONLine(report) }
            } else {
                printTable(
                    ["NAME", "OUTCOME", "STATUS", "ITEMS", "NEW", "ENQUEUED", "REJECTED", "MS", "NEXT POLL", "ERROR"],
                    reports.map { r in
                        [
                            r.name, r.outcome.rawValue, r.status.map { "\($0)" } ?? "-", "\(r.items)", "\(r.new)",
                            "\(r.enqueued)", "\(r.rejected)", "\(r.millis)", iso(r.nextPollAt), short(r.error, 80),
                        ]
                    })
                for r in reports where r.movedTo != nil { print("\(r.name): moved permanently to \(r.movedTo!)") }
            }
            if reports.contains(where: { $0.outcome == .failed }) { throw ExitCode.failure }
        }
    }
}

/// Tells a running daemon to re-read the added feeds; says so when none runs (it reads them at start).
private func reloadDaemon(_ connection: ConnectionOptions) {
    guard let socket = try? connection.socket ?? connection.loadConfiguration().daemon.controlSocket else { return }
    let client = ControlClient(socketPath: socket)
    if (try? client.request("POST", "/v1/feeds/reload")) != nil {
        print("the running ingestd has reloaded its feeds")
    }
}

private func validateInterval(_ interval: Int) throws {
    guard intervalRange.contains(interval) else {
        throw ValidationError("--interval must be within \(intervalRange.lowerBound)…\(intervalRange.upperBound) seconds, got \(interval)")
    }
}

/// The store, for commands that write feeds: created when missing, as `feeds add` may come before the
/// daemon ever ran. SQLite's locking makes writing next to a running daemon safe.
private func openForWriting(_ connection: ConnectionOptions) throws -> any StoreBackend {
    let configuration = try connection.loadConfiguration()
    do {
        return try StoreOpener.open(configuration.store, queue: configuration.queue, createIfMissing: true)
    } catch {
        throw CLIError("\(error)")
    }
}

/// Checks and normalises what users type or OPML files hold.
enum FeedInput {
    /// `text` as an http(s) URL with a host, scheme and host lowercased (they are case-insensitive, and
    /// the stored URL is what duplicates are found by).
    static func url(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard var components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            throw ValidationError("'\(text)' is not a URL")
        }
        guard scheme == "http" || scheme == "https" else {
            throw ValidationError("'\(text)': only http and https feeds are supported, not \(scheme)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ValidationError("'\(text)' has no host")
        }
        components.scheme = scheme
        components.host = host.lowercased()
        // The fragment never reaches the server; two URLs differing only there are the same feed.
        components.fragment = nil
        if components.path.isEmpty { components.path = "/" }
        guard let normalized = components.string else { throw ValidationError("'\(text)' is not a URL") }
        return normalized
    }

    /// `text` trimmed, runs of white space made one space; refused when empty, too long, or holding
    /// control characters (names end up in tables and log lines) or `:` (it separates ledger key parts).
    static func name(_ text: String) throws -> String {
        let name = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if let problem = FeedSourceConfiguration.nameProblem(name) { throw ValidationError("the feed name \(problem)") }
        return name
    }

    /// The host (without `www.`), port, path and query of `url` as one slug: `news.example-world-rss.xml`.
    static func defaultName(for url: String) -> String {
        guard let components = URLComponents(string: url), var host = components.host?.lowercased() else { return url }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        var parts = [host]
        if let port = components.port { parts.append("\(port)") }
        parts.append(components.path)
        if let query = components.query { parts.append(query) }
        var slug = ""
        for scalar in parts.joined(separator: "-").lowercased().unicodeScalars {
            let keep = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "_"
            if keep {
                slug.unicodeScalars.append(scalar)
            } else if !slug.hasSuffix("-") {
                slug.append("-")
            }
        }
        let trimmed = slug.trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        return trimmed.isEmpty ? host : trimmed
    }

    /// `base`, or `base-2`, `base-3`… whichever is not in `taken`.
    static func unique(_ base: String, among taken: Set<String>) -> String {
        guard taken.contains(base) else { return base }
        var n = 2
        while taken.contains("\(base)-\(n)") { n += 1 }
        return "\(base)-\(n)"
    }
}

/// Reads the feeds out of an OPML document.
enum OPMLReader {
    struct Outline: Equatable {
        var xmlURL: String
        /// `title`, else `text`: feed readers write either or both.
        var title: String?
    }

    /// Every `outline` with an `xmlUrl`, in document order, at any depth (folders are outlines too).
    static func feeds(in data: Data, file: String) throws -> [Outline] {
        let parser = XMLParser(data: data)
        // The default already, and said explicitly: an OPML file from elsewhere must not make ingestctl
        // read local files or the network through external entities (XXE).
        parser.shouldResolveExternalEntities = false
        let collector = Collector()
        parser.delegate = collector
        guard parser.parse() else {
            // On Linux the error's description is a generic sentence; its code is what tells causes apart.
            let code = parser.parserError.map { " (XMLParser error \(($0 as NSError).code))" } ?? ""
            throw CLIError(
                "\(file): not well-formed XML at line \(parser.lineNumber), column \(parser.columnNumber)\(code)"
                    + (data.range(of: Data("<!ENTITY".utf8)) != nil ? "; entities declared in the file are never read" : ""))
        }
        guard collector.sawOPML else { throw CLIError("\(file): not an OPML document (no <opml> root)") }
        // Foundation's parser on Linux reports no error for a document that just stops: a truncated
        // export would silently import part of its feeds.
        guard collector.closedOPML else {
            throw CLIError("\(file): not well-formed XML: the document ends before </opml> (truncated?)")
        }
        return collector.outlines
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var outlines: [Outline] = []
        var sawOPML = false
        var closedOPML = false

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            if elementName.lowercased() == "opml" { closedOPML = true }
        }

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            // Exporters disagree on case (`xmlUrl`, `xmlURL`, `xmlurl`), so attributes are matched without it.
            let name = elementName.lowercased()
            if name == "opml" { sawOPML = true }
            guard name == "outline" else { return }
            var lowered: [String: String] = [:]
            for (key, value) in attributes { lowered[key.lowercased()] = value }
            guard let url = lowered["xmlurl"], !url.trimmingCharacters(in: .whitespaces).isEmpty else { return }
            let title = [lowered["title"], lowered["text"]].compactMap { $0 }
                .first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            outlines.append(Outline(xmlURL: url, title: title))
        }
    }
}
