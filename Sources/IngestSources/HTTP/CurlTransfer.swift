import CCurl
import Foundation
import Glibc

/// One easy handle and everything its callbacks write into.
///
/// The transfer thread owns it from creation to `result(code:)`; libcurl's callbacks run on that thread
/// (inside `curl_multi_perform`) and reach it through an unretained pointer, which is safe because the
/// engine's table of running transfers keeps it alive until the handle has left the multi handle.
final class Transfer {
    let job: CurlEngine.Job
    let easy: UnsafeMutableRawPointer
    let hostKey: String
    let cap: Int
    let allowPrivateNetworks: Bool

    var body: [UInt8] = []
    var bodyExceeded = false
    var refused: (ip: String, category: AddressPolicy.Category)?
    var cancelled = false
    /// Every response's status line, in order, with the URL it answered and its `Location`.
    var responses: [(url: String, status: Int, location: String?)] = []
    var headers = HTTPHeaders()

    private var requestHeaders: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init(job: CurlEngine.Job, hostKey: String, configuration: HTTPFetcher.Configuration) {
        guard let easy = curl_easy_init() else { fatalError("curl_easy_init failed (out of memory)") }
        self.job = job
        self.easy = easy
        self.hostKey = hostKey
        let request = job.request
        self.cap = request.maxBodyBytes ?? configuration.maxBodyBytes
        self.allowPrivateNetworks = request.allowPrivateNetworks
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))

        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = ingest_curl_setopt_string(easy, CURLOPT_URL, request.url)
        // Schemes are limited for the first request and for every redirect: a feed redirecting to file://
        // or gopher:// must not make ingestd read local files or talk other protocols.
        _ = ingest_curl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ingest_curl_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        _ = ingest_curl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        _ = ingest_curl_setopt_long(easy, CURLOPT_MAXREDIRS, configuration.maxRedirects)
        // Signals cannot be used for DNS timeouts in a multithreaded process.
        _ = ingest_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        _ = ingest_curl_setopt_string(easy, CURLOPT_USERAGENT, configuration.userAgent)
        // "" offers every encoding this libcurl can decode; the write callback then sees decoded bytes,
        // which is what the size cap must count (a gzip bomb is small on the wire).
        _ = ingest_curl_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        _ = ingest_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        _ = ingest_curl_setopt_long(
            easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.totalTimeout ?? configuration.totalTimeout))
        let lowSpeed = request.lowSpeedLimit ?? configuration.lowSpeedLimit
        _ = ingest_curl_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, lowSpeed.bytesPerSecond)
        _ = ingest_curl_setopt_long(
            easy, CURLOPT_LOW_SPEED_TIME, max(1, (Self.milliseconds(lowSpeed.duration) + 999) / 1000))
        _ = ingest_curl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)

        _ = ingest_curl_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, Self.onBody)
        _ = ingest_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        _ = ingest_curl_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, Self.onHeader)
        _ = ingest_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        if !request.allowPrivateNetworks {
            // Two checks: before each connect (no packet reaches a refused address), and before each request,
            // which also covers a connection from the shared cache that a transfer allowed to reach private
            // networks opened.
            _ = ingest_curl_setopt_opensocket_callback(easy, Self.onOpenSocket)
            _ = ingest_curl_setopt_pointer(easy, CURLOPT_OPENSOCKETDATA, context)
            _ = ingest_curl_setopt_prereq_callback(easy, Self.onConnected)
            _ = ingest_curl_setopt_pointer(easy, CURLOPT_PREREQDATA, context)
        }

        if let etag = request.etag { requestHeaders = curl_slist_append(requestHeaders, "If-None-Match: \(etag)") }
        if let date = request.lastModified {
            requestHeaders = curl_slist_append(requestHeaders, "If-Modified-Since: \(date)")
        }
        if requestHeaders != nil { _ = ingest_curl_setopt_pointer(easy, CURLOPT_HTTPHEADER, requestHeaders) }
    }

    deinit {
        curl_easy_cleanup(easy)
        // After the easy handle: libcurl may read the header list and error buffer until then.
        curl_slist_free_all(requestHeaders)
        errorBuffer.deallocate()
    }

    /// The key the per-host limit counts by: the requested URL's host, lowercased.
    static func hostKey(_ url: String) -> String {
        URLComponents(string: url)?.host?.lowercased() ?? url
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    // MARK: - Callbacks (capture-less, so they convert to C function pointers)

    private static let onBody: curl_write_callback = { data, size, count, context in
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        // Counted on decoded bytes, before they are kept: returning less than `length` makes libcurl stop
        // the transfer with CURLE_WRITE_ERROR, so an oversized body or a gzip bomb ends at the cap.
        guard transfer.body.count + length <= transfer.cap else {
            transfer.bodyExceeded = true
            return 0
        }
        if let data, length > 0 {
            transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
        }
        return length
    }

    private static let onHeader: curl_write_callback = { data, size, count, context in
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        guard let data, length > 0 else { return length }
        let bytes = UnsafeRawBufferPointer(start: data, count: length)
        transfer.header(line: String(decoding: bytes, as: UTF8.self))
        return length
    }

    private static let onOpenSocket: curl_opensocket_callback = { context, purpose, address in
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
        guard let address else { return CURL_SOCKET_BAD }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let known = ingest_curl_sockaddr_ip(address, &text, socklen_t(text.count)) != 0
        let ip = known ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
        // Fails closed: an address family we cannot read is refused like a private address.
        if let category = known ? AddressPolicy.refusal(for: ip) : .unparseable {
            transfer.refused = (ip, category)
            // libcurl tries the host's next address, if any, and reports "could not connect" when none is left.
            return CURL_SOCKET_BAD
        }
        transfer.refused = nil
        return socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
    }

    private static let onConnected: curl_prereq_callback = { context, primaryIP, _, _, _ in
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
        let ip = primaryIP.map { String(cString: $0) } ?? ""
        // Called for every connection the transfer uses, after each redirect too, with the address
        // actually connected to, so neither a redirect nor DNS can lead to an internal address.
        if let category = AddressPolicy.refusal(for: ip) {
            transfer.refused = (ip, category)
            return CURL_PREREQFUNC_ABORT
        }
        return CURL_PREREQFUNC_OK
    }

    /// Handles one header line. libcurl passes every response's headers, redirects and interim (1xx)
    /// responses included, each starting with its status line: that is how the redirect chain is recorded.
    private func header(line raw: String) {
        let line = raw.trimmingCharacters(in: .newlines)
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2)
            let status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            var url: UnsafeMutablePointer<CChar>?
            _ = ingest_curl_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &url)
            responses.append((url.map { String(cString: $0) } ?? job.request.url, status, nil))
            headers = HTTPHeaders()
            // A followed redirect's body is not the document: keep only the last response's.
            body.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        headers.append(name: name, value: value)
        if name.lowercased() == "location", !responses.isEmpty { responses[responses.count - 1].location = value }
    }

    /// The caller's view of the finished (or aborted) transfer.
    func result(code: CURLcode?, maxRedirects: Int) -> FetchResult {
        var status = 0
        _ = ingest_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var urlPointer: UnsafeMutablePointer<CChar>?
        _ = ingest_curl_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &urlPointer)
        let effectiveURL = urlPointer.map { String(cString: $0) } ?? job.request.url
        var micros: curl_off_t = 0
        _ = ingest_curl_getinfo_off_t(easy, CURLINFO_TOTAL_TIME_T, &micros)

        let error = fetchError(code: code, maxRedirects: maxRedirects)
        let final = responses.filter { $0.status >= 200 }
        // On success the last response is the document and every earlier one a followed redirect. On error
        // the last one may be a redirect that was refused (scheme, loop): it belongs to the chain too.
        let hopResponses = error == nil ? Array(final.dropLast()) : final.filter { (300..<400).contains($0.status) }
        var hops: [RedirectHop] = []
        for (offset, response) in hopResponses.enumerated() {
            // Where libcurl went next is the resolved form of a relative Location.
            let next = offset + 1 < final.count ? final[offset + 1].url : response.location
            hops.append(RedirectHop(url: response.url, status: response.status, location: next ?? response.location))
        }
        if status == 0, let last = final.last { status = last.status }

        return FetchResult(
            requestURL: job.request.url, status: status, effectiveURL: effectiveURL, redirects: hops,
            headers: headers, body: error == nil ? body : [], totalTime: .microseconds(micros), error: error)
    }

    private func fetchError(code: CURLcode?, maxRedirects: Int) -> FetchError? {
        if cancelled { return .cancelled }
        guard let code, code != CURLE_OK else { return nil }
        if bodyExceeded { return .tooLarge(limit: cap) }
        if let refused { return .refusedAddress(ip: refused.ip, category: refused.category) }
        let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout(detail)
        case CURLE_UNSUPPORTED_PROTOCOL:
            return .refusedScheme(detail)
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects(limit: maxRedirects)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dns(detail)
        case CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
            CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return .connection(detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED:
            return .tls(detail)
        default:
            return .other(code: Int(code.rawValue), message: detail)
        }
    }
}
