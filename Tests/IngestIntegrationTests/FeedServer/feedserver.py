#!/usr/bin/env python3
"""Local HTTP server for ingestd's feed-fetching tests: well-behaved feeds and every kind of misbehaviour.

Listens on 127.0.0.1 on a free port and prints that port on the first line of stdout, then serves until
killed. Python 3 standard library only. Paths:

  /feed.xml            RSS with ETag and Last-Modified; 304 to a matching If-None-Match / If-Modified-Since
  /atom.xml            a small Atom feed
  /status/429          429 with Retry-After: 120
  /status/503          503 with Retry-After as an HTTP date
  /redirect/chain      301 -> 302 -> 308 -> /feed.xml (200)
  /redirect/loop       redirects to itself forever
  /redirect/file       302 to file:///etc/hostname (must be refused)
  /redirect/ftp        302 to ftp://127.0.0.1/feed.xml (must be refused)
  /redirect/to?url=U   302 to U
  /drip                a feed sent at 1 byte per second
  /big                 100 MiB body, generated while streaming
  /gzip-bomb           a gzip body (~200 KB) that decompresses to 200 MiB of zeros
  /wrong-type/html     the RSS feed served as text/html
  /wrong-type/octet    the RSS feed served as application/octet-stream
  /invalid.xml         ill-formed XML
  /billion-laughs.xml  entity-expansion attack
  /xxe.xml             an external entity pointing at a local file (/etc/hostname)
  /echo                the request headers as JSON (to check User-Agent and conditional headers)
  /slow?ms=N           a feed after N milliseconds (for concurrency tests)
  /moved               301 to /feed.xml (a feed that moved for good)
  /status/404          404
  /fullcontent.xml     RSS whose item links are pages on this server (/page/1, /page/2)
  /page/N              an HTML article page
  /selfref.xml         RSS naming its own URL with atom:link rel="self"
  /multi/K.xml         feed K (0…99) of the shared-store test: stories 9K…9K+8 and a copy of story 9(K+1 mod 100),
                       each item "urn:story:N" with a text of made-up words; every fetch is recorded
  /multi-hits          the recorded fetches as JSON: {"/multi/K.xml": [unix time, …]}
  /changing.xml        one item whose text changes on every request (an edited item)
"""

import email.utils
import json
import os
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../scripts"))
import made_up_words  # noqa: E402

ETAG = '"feed-v1"'
LAST_MODIFIED = "Sat, 01 Nov 2025 10:00:00 GMT"
MIB = 1024 * 1024

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Local Test Feed</title><link>http://127.0.0.1/</link><description>fixture</description>
<item><guid>item-1</guid><title>First item</title><link>http://127.0.0.1/1</link>
<pubDate>Sat, 01 Nov 2025 09:00:00 GMT</pubDate><description>One</description></item>
<item><guid>item-2</guid><title>Second item</title><link>http://127.0.0.1/2</link>
<pubDate>Sat, 01 Nov 2025 10:00:00 GMT</pubDate><description>Two</description></item>
</channel></rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Local Atom</title><id>urn:local:atom</id>
<updated>2025-11-01T10:00:00Z</updated>
<entry><id>urn:local:1</id><title>Atom one</title><updated>2025-11-01T10:00:00Z</updated>
<link href="http://127.0.0.1/a1"/></entry>
</feed>
"""

INVALID = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Broken</title>
<item><title>Unclosed <b>tag</title></item>
</channel>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><guid>laugh-1</guid><title>&lol9;</title></item>
</channel></rss>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/hostname"> ]>
<rss version="2.0"><channel><title>XXE</title>
<item><guid>xxe-1</guid><title>Secret: &xxe;</title><description>&xxe;</description></item>
</channel></rss>
"""


def make_gzip_bomb(decoded_bytes=200 * MIB):
    """Gzip of `decoded_bytes` zeros, built chunk by chunk so the zeros never sit in memory at once."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: gzip container
    chunk = bytes(MIB)
    parts = [compressor.compress(chunk) for _ in range(decoded_bytes // MIB)]
    parts.append(compressor.flush())
    return b"".join(parts)


GZIP_BOMB = make_gzip_bomb()
EDITIONS = 0
EDITIONS_LOCK = threading.Lock()
MULTI_HITS = {}
MULTI_LOCK = threading.Lock()


def story_text(n, words=70):
    """Made-up words, fixed for each story number and unlike any other story's (scripts/made_up_words.py)."""
    return f"Story {n} " + made_up_words.words(n, words) + "."


def multi_feed(k):
    numbers = [9 * k + j for j in range(9)] + [9 * ((k + 1) % 100)]
    items = "".join(f'<item><guid isPermaLink="false">urn:story:{n}</guid><title>Story {n}</title>'
                    f"<description>{story_text(n)}</description></item>" for n in numbers)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Multi {k}</title>{items}'
            "</channel></rss>").encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY the body waits for the client's
    # delayed ACK (about 40 ms per request on a kept-alive connection), which would distort the benchmarks.
    disable_nagle_algorithm = True
    server_version = "ingestd-feedserver/1"

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def send_body(self, status, body, content_type="application/rss+xml; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, status, location):
        self.send_body(status, b"moved\n", "text/plain", [("Location", location)])

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        path = url.path
        try:
            self.route(path, query)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (cap reached, timeout): expected in these tests

    def route(self, path, query):
        if path == "/feed.xml":
            self.feed()
        elif path == "/atom.xml":
            self.send_body(200, ATOM, "application/atom+xml")
        elif path == "/status/429":
            self.send_body(429, b"slow down\n", "text/plain", [("Retry-After", "120")])
        elif path == "/status/503":
            when = email.utils.formatdate(time.time() + 300, usegmt=True)
            self.send_body(503, b"maintenance\n", "text/plain", [("Retry-After", when)])
        elif path == "/redirect/chain":
            self.redirect(301, "/redirect/chain2")
        elif path == "/redirect/chain2":
            self.redirect(302, "/redirect/chain3")
        elif path == "/redirect/chain3":
            self.redirect(308, "/feed.xml")
        elif path == "/redirect/loop":
            self.redirect(302, "/redirect/loop")
        elif path == "/redirect/file":
            self.redirect(302, "file:///etc/hostname")
        elif path == "/redirect/ftp":
            self.redirect(302, "ftp://127.0.0.1/feed.xml")
        elif path == "/redirect/to":
            self.redirect(302, query.get("url", ["/feed.xml"])[0])
        elif path == "/drip":
            self.drip()
        elif path == "/big":
            self.big()
        elif path == "/gzip-bomb":
            self.send_body(200, GZIP_BOMB, "application/rss+xml", [("Content-Encoding", "gzip")])
        elif path == "/wrong-type/html":
            self.send_body(200, RSS, "text/html; charset=utf-8")
        elif path == "/wrong-type/octet":
            self.send_body(200, RSS, "application/octet-stream")
        elif path == "/invalid.xml":
            self.send_body(200, INVALID, "application/xml")
        elif path == "/billion-laughs.xml":
            self.send_body(200, BILLION_LAUGHS, "application/xml")
        elif path == "/xxe.xml":
            self.send_body(200, XXE, "application/xml")
        elif path == "/echo":
            body = json.dumps({name.lower(): value for name, value in self.headers.items()}).encode()
            self.send_body(200, body, "application/json")
        elif path == "/moved":
            self.redirect(301, "/feed.xml")
        elif path == "/fullcontent.xml":
            self.send_body(200, self.local_feed("Full content", ["/page/1", "/page/2"]))
        elif path.startswith("/page/"):
            n = path.rsplit("/", 1)[1]
            html = (f"<html><head><title>Page {n} | Site</title></head><body><nav>menu</nav><article>"
                    f"<h1>Page {n}</h1><p>The full text of page {n}, only on the page.</p></article></body></html>")
            self.send_body(200, html.encode(), "text/html; charset=utf-8")
        elif path == "/selfref.xml":
            self.send_body(200, self.local_feed("Self", [], self_path="/selfref.xml"))
        elif path == "/changing.xml":
            with EDITIONS_LOCK:
                global EDITIONS
                EDITIONS += 1
                n = EDITIONS
            body = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Changing</title>'
                    f"<item><guid>changing-1</guid><title>Edited story</title><description>Edition {n}</description>"
                    "</item></channel></rss>")
            self.send_body(200, body.encode())
        elif path.startswith("/multi/") and path.endswith(".xml"):
            with MULTI_LOCK:
                MULTI_HITS.setdefault(path, []).append(time.time())
            self.send_body(200, multi_feed(int(path[len("/multi/"):-len(".xml")])))
        elif path == "/multi-hits":
            with MULTI_LOCK:
                body = json.dumps(MULTI_HITS).encode()
            self.send_body(200, body, "application/json")
        elif path == "/slow":
            time.sleep(int(query.get("ms", ["200"])[0]) / 1000)
            self.send_body(200, RSS)
        else:
            self.send_body(404, b"not found\n", "text/plain")

    def feed(self):
        validators = [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED), ("Cache-Control", "max-age=600")]
        # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        not_modified = False
        if inm is not None:
            not_modified = ETAG in [tag.strip() for tag in inm.split(",")] or inm.strip() == "*"
        elif ims is not None:
            try:
                not_modified = email.utils.parsedate_to_datetime(ims) >= email.utils.parsedate_to_datetime(
                    LAST_MODIFIED)
            except (TypeError, ValueError):
                not_modified = False
        if not_modified:
            self.send_response(304)
            for name, value in validators:
                self.send_header(name, value)
            self.end_headers()
            return
        self.send_body(200, RSS, headers=validators + [("Expires", "Sat, 01 Nov 2025 10:10:00 GMT")])

    def local_feed(self, title, pages, self_path=None):
        """RSS whose links point back at this server (the Host header), with two items."""
        base = "http://" + (self.headers.get("Host") or "127.0.0.1")
        self_link = f'<atom:link rel="self" href="{base}{self_path}"/>' if self_path else ""
        items = []
        for i in (1, 2):
            link = base + pages[i - 1] if pages else f"{base}/story/{i}"
            items.append(f"<item><guid>{title}-{i}</guid><title>{title} story {i}</title><link>{link}</link>"
                         f"<description>Summary {i} from the feed.</description></item>")
        return (f'<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
                f"<title>{title}</title><link>{base}/</link>{self_link}{''.join(items)}</channel></rss>").encode()

    def drip(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(RSS)))
        self.end_headers()
        for byte in RSS:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(1)

    def big(self):
        total = 100 * MIB
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        chunk = b"x" * (64 * 1024)
        for _ in range(total // len(chunk)):
            self.wfile.write(chunk)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients hanging up mid-request (a cap reached, a timeout, a cancelled fetch) are what the tests
        # provoke; anything else is still printed.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    # Exit when the test closes our stdin, so a crashed test leaves no server behind.
    def watch_stdin():
        sys.stdin.read()
        server.shutdown()
    if not sys.stdin.isatty():
        threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
