// libcurl for fetching feeds. curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot
// call: each argument type gets a typed inline wrapper here.
#include <curl/curl.h>

static inline CURLcode ingest_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ingest_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ingest_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ingest_curl_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ingest_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ingest_curl_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ingest_curl_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode ingest_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

// Callbacks are function pointers passed through the variadic setopt, so they need typed wrappers too.
// CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION share the curl_write_callback signature.
static inline CURLcode ingest_curl_setopt_write_callback(CURL *h, CURLoption o, curl_write_callback f) { return curl_easy_setopt(h, o, f); }
static inline CURLcode ingest_curl_setopt_prereq_callback(CURL *h, curl_prereq_callback f) { return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, f); }
// CURL_GLOBAL_DEFAULT is a macro built from `|`, which Swift does not import.
static inline CURLcode ingest_curl_global_init_default(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }

// The SSRF guard checks each address before libcurl connects to it (CURLOPT_OPENSOCKETFUNCTION), so a
// refused address never even sees a SYN or a TLS ClientHello.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
static inline CURLcode ingest_curl_setopt_opensocket_callback(CURL *h, curl_opensocket_callback f) { return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, f); }

/// Writes the IP address of `a` as text into `buf` (at least INET6_ADDRSTRLEN bytes); returns 0 for
/// families other than IPv4 and IPv6.
static inline int ingest_curl_sockaddr_ip(const struct curl_sockaddr *a, char *buf, socklen_t len) {
    const struct sockaddr *sa = &a->addr;
    if (sa->sa_family == AF_INET)
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf, len) != NULL;
    if (sa->sa_family == AF_INET6)
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, buf, len) != NULL;
    return 0;
}
