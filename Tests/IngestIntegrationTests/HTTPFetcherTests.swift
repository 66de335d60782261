import Foundation
import IngestSources
import Synchronization
import Testing

/// The Python fixture server in `FeedServer/feedserver.py`, started once for all fetcher tests.
///
/// It exits when its stdin closes: `stop()` closes it and terminates the process, and if the test process
/// dies first the pipe closes with it, so no server outlives the tests.
final class FeedServer: Sendable {
    let port: Int
    private let process: Process
    private let stdin: Pipe

    static let shared: FeedServer = {
        do { return try FeedServer() } catch { fatalError("feed server did not start: \(error)") }
    }()

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("FeedServer/feedserver.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let stdout = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        try process.run()
        // The first line is the port, printed once the socket listens (after building the gzip bomb).
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { throw CocoaError(.fileReadUnknown) }
            line.append(chunk)
        }
        guard let text = String(data: line, encoding: .utf8),
            let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw CocoaError(.fileReadCorruptFile) }
        self.port = port
        self.process = process
        self.stdin = stdin
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }
}

@Suite("HTTPFetcher against the local feed server")
struct HTTPFetcherTests {
    let server = FeedServer.shared
    let fetcher = HTTPFetcher()
    static let oneMiB = 1024 * 1024

    @Test("200 with validators and caching headers, read case-insensitively")
    func ok() async throws {
        let result = await fetcher.fetch(FetchRequest(url: server.url("/feed.xml")))
        #expect(result.error == nil)
        #expect(result.status == 200)
        #expect(result.isSuccess)
        #expect(result.effectiveURL == server.url("/feed.xml"))
        #expect(result.redirects.isEmpty)
        #expect(result.headers.etag == "\"feed-v1\"")
        #expect(result.headers["etag"] == "\"feed-v1\"")
        #expect(result.headers["LAST-MODIFIED"] == "Sat, 01 Nov 2025 10:00:00 GMT")
        #expect(result.headers.cacheControl == "max-age=600")
        #expect(result.headers.expires == "Sat, 01 Nov 2025 10:10:00 GMT")
        #expect(result.headers.contentType?.hasPrefix("application/rss+xml") == true)
        #expect(String(decoding: result.body, as: UTF8.self).contains("<title>Local Test Feed</title>"))
        #expect(result.totalTime > .zero)
    }

    @Test("sends the User-Agent with the version, and offers compression")
    func requestHeaders() async throws {
        let result = await fetcher.fetch(FetchRequest(url: server.url("/echo"), etag: "\"x\"", lastModified: "Sat, 01 Nov 2025 10:00:00 GMT"))
        let sent = try JSONDecoder().decode([String: String].self, from: Data(result.body))
        #expect(sent["user-agent"]?.hasPrefix("ingestd/0.1.0 (+https://") == true)
        #expect(sent["accept-encoding"]?.contains("gzip") == true)
        #expect(sent["if-none-match"] == "\"x\"")
        #expect(sent["if-modified-since"] == "Sat, 01 Nov 2025 10:00:00 GMT")
    }

    @Test("304 on a matching ETag or Last-Modified")
    func conditional() async throws {
        let byETag = await fetcher.fetch(FetchRequest(url: server.url("/feed.xml"), etag: "\"feed-v1\""))
        #expect(byETag.status == 304)
        #expect(byETag.isNotModified)
        #expect(byETag.body.isEmpty)
        #expect(byETag.headers.etag == "\"feed-v1\"")

        let byDate = await fetcher.fetch(
            FetchRequest(url: server.url("/feed.xml"), lastModified: "Sat, 01 Nov 2025 10:00:00 GMT"))
        #expect(byDate.status == 304)

        let stale = await fetcher.fetch(FetchRequest(url: server.url("/feed.xml"), etag: "\"feed-v0\""))
        #expect(stale.status == 200)
        #expect(!stale.body.isEmpty)
    }

    @Test("429 and 503 are responses, with Retry-After visible")
    func retryAfter() async throws {
        let tooMany = await fetcher.fetch(FetchRequest(url: server.url("/status/429")))
        #expect(tooMany.error == nil)
        #expect(tooMany.status == 429)
        #expect(!tooMany.isSuccess)
        #expect(tooMany.headers.retryAfter == "120")

        let unavailable = await fetcher.fetch(FetchRequest(url: server.url("/status/503")))
        #expect(unavailable.status == 503)
        #expect(unavailable.headers["retry-after"]?.hasSuffix(" GMT") == true)
    }

    @Test("301 -> 302 -> 308 -> 200 is followed and every hop recorded")
    func redirectChain() async throws {
        let result = await fetcher.fetch(FetchRequest(url: server.url("/redirect/chain")))
        #expect(result.error == nil)
        #expect(result.status == 200)
        #expect(result.effectiveURL == server.url("/feed.xml"))
        #expect(result.redirects.map(\.status) == [301, 302, 308])
        #expect(
            result.redirects.map(\.url) == [
                server.url("/redirect/chain"), server.url("/redirect/chain2"), server.url("/redirect/chain3"),
            ])
        #expect(result.redirects.last?.location == server.url("/feed.xml"))
        // Only the leading 301 is permanent; the 302 after it makes the rest temporary.
        #expect(result.permanentRedirectURL == server.url("/redirect/chain2"))
        #expect(result.headers.etag == "\"feed-v1\"")
        #expect(String(decoding: result.body, as: UTF8.self).hasPrefix("<?xml"))
    }

    @Test("a redirect loop stops after 5 redirects")
    func redirectLoop() async throws {
        let result = await fetcher.fetch(FetchRequest(url: server.url("/redirect/loop")))
        #expect(result.error == .tooManyRedirects(limit: 5))
        #expect(result.redirects.count >= 5)
        #expect(result.error?.description.contains("redirects") == true)
    }

    @Test("redirects to file:// and ftp:// are refused", arguments: ["/redirect/file", "/redirect/ftp"])
    func refusedSchemes(path: String) async throws {
        let result = await fetcher.fetch(FetchRequest(url: server.url(path)))
        guard case .refusedScheme = result.error else {
            Issue.record("expected refusedScheme, got \(String(describing: result.error))")
            return
        }
        #expect(result.body.isEmpty)
        #expect(result.redirects.first?.status == 302)
    }

    @Test("a file:// URL is refused outright")
    func fileURL() async throws {
        let result = await fetcher.fetch(FetchRequest(url: "file:///etc/hostname"))
        guard case .refusedScheme = result.error else {
            Issue.record("expected refusedScheme, got \(String(describing: result.error))")
            return
        }
        #expect(result.body.isEmpty)
    }

    @Test("a server dripping one byte a second is timed out")
    func drip() async throws {
        // The drip takes minutes to finish: a timeout error proves the transfer was cut short.
        let result = await fetcher.fetch(
            FetchRequest(
                url: server.url("/drip"), totalTimeout: .seconds(3),
                lowSpeedLimit: LowSpeedLimit(bytesPerSecond: 100, duration: .seconds(2))))
        guard case .timeout = result.error else {
            Issue.record("expected timeout, got \(String(describing: result.error))")
            return
        }
    }

    @Test("a 100 MiB body and a gzip bomb stop at the cap", arguments: ["/big", "/gzip-bomb"])
    func sizeCap(path: String) async throws {
        let result = await fetcher.fetch(FetchRequest(url: server.url(path), maxBodyBytes: Self.oneMiB))
        #expect(result.error == .tooLarge(limit: Self.oneMiB))
        #expect(result.error?.description == "fetch: body exceeds 1048576 bytes (after decompression)")
        #expect(result.body.isEmpty)
    }

    @Test("the default 16 MiB cap stops the gzip bomb too")
    func gzipDefaultCap() async throws {
        // About 200 KB on the wire: only a cap counted after decompression can catch it.
        let result = await fetcher.fetch(FetchRequest(url: server.url("/gzip-bomb")))
        #expect(result.error == .tooLarge(limit: 16 * Self.oneMiB))
    }

    @Test("with private networks disallowed, loopback is refused at connect time")
    func ssrfGuard() async throws {
        for url in [server.url("/feed.xml"), "http://localhost:\(server.port)/feed.xml"] {
            let result = await fetcher.fetch(FetchRequest(url: url, allowPrivateNetworks: false))
            guard case .refusedAddress(let ip, let category) = result.error else {
                Issue.record("expected refusedAddress for \(url), got \(String(describing: result.error))")
                continue
            }
            #expect(ip == "127.0.0.1" || ip == "::1")
            #expect(category == .loopback)
            #expect(result.body.isEmpty)
            #expect(result.status == 0)
        }
        // The same URL is fine when private networks are allowed (operator-configured feeds).
        let allowed = await fetcher.fetch(FetchRequest(url: server.url("/feed.xml"), allowPrivateNetworks: true))
        #expect(allowed.status == 200)
    }

    @Test("a cached connection opened for an allowed fetch is not reused by a guarded one")
    func ssrfReusedConnection() async throws {
        // The first fetch leaves a kept-alive connection to 127.0.0.1 in the shared cache; the guarded fetch
        // would reuse it without opening a socket, so the per-request check must refuse it.
        let allowed = await fetcher.fetch(FetchRequest(url: server.url("/feed.xml")))
        #expect(allowed.status == 200)
        let guarded = await fetcher.fetch(FetchRequest(url: server.url("/feed.xml"), allowPrivateNetworks: false))
        #expect(guarded.error == .refusedAddress(ip: "127.0.0.1", category: .loopback))
        #expect(guarded.body.isEmpty)
    }

    @Test("the per-host limit queues transfers beyond it")
    func perHostLimit() async throws {
        var configuration = HTTPFetcher.Configuration()
        configuration.maxPerHost = 1
        let fetcher = HTTPFetcher(configuration: configuration)
        let url = server.url("/slow?ms=300")
        let clock = ContinuousClock()
        let start = clock.now
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<3 { group.addTask { await fetcher.fetch(FetchRequest(url: url)).status } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == [200, 200, 200])
        // One at a time: three 300 ms answers cannot overlap.
        #expect(clock.now - start >= .milliseconds(880))
    }

    @Test("a redirect into a private network is refused too")
    func ssrfRedirect() async throws {
        // Starts on "localhost" so the first hop is also local; the point is that the check runs on every
        // connection, so the redirect target (127.0.0.1, a new connection key) is checked as well.
        let target = server.url("/feed.xml")
        let result = await fetcher.fetch(
            FetchRequest(url: server.url("/redirect/to?url=\(target)"), allowPrivateNetworks: false))
        guard case .refusedAddress = result.error else {
            Issue.record("expected refusedAddress, got \(String(describing: result.error))")
            return
        }
    }

    @Test("wrong content types, invalid XML and hostile XML are delivered verbatim with their type")
    func oddDocuments() async throws {
        let html = await fetcher.fetch(FetchRequest(url: server.url("/wrong-type/html")))
        #expect(html.headers.contentType == "text/html; charset=utf-8")
        #expect(String(decoding: html.body, as: UTF8.self).contains("<rss"))
        let octet = await fetcher.fetch(FetchRequest(url: server.url("/wrong-type/octet")))
        #expect(octet.headers.contentType == "application/octet-stream")
        for path in ["/invalid.xml", "/billion-laughs.xml", "/xxe.xml", "/atom.xml"] {
            let result = await fetcher.fetch(FetchRequest(url: server.url(path)))
            #expect(result.status == 200, "\(path)")
            #expect(!result.body.isEmpty, "\(path)")
        }
    }

    @Test("many concurrent fetches all complete")
    func concurrent() async throws {
        let fetcher = self.fetcher
        let urls = (0..<40).map { server.url($0 % 2 == 0 ? "/slow?ms=50" : "/feed.xml?n=\($0)") }
        let statuses = await withTaskGroup(of: Int.self) { group in
            for url in urls { group.addTask { await fetcher.fetch(FetchRequest(url: url)).status } }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 40)
        #expect(statuses.allSatisfy { $0 == 200 })
    }

    @Test("cancelling the calling task aborts the transfer")
    func cancellation() async throws {
        let fetcher = self.fetcher
        let url = server.url("/drip")
        let task = Task { await fetcher.fetch(FetchRequest(url: url)) }
        try await Task.sleep(for: .milliseconds(500))
        task.cancel()
        let result = await task.value
        // `.cancelled`, not `.timeout`: cancellation, not the low-speed abort, ended the transfer.
        #expect(result.error == .cancelled)
    }

    @Test("after shutdown, fetches end with cancelled")
    func shutdown() async throws {
        let fetcher = HTTPFetcher()
        fetcher.shutdown()
        let result = await fetcher.fetch(FetchRequest(url: server.url("/feed.xml")))
        #expect(result.error == .cancelled)
    }
}
