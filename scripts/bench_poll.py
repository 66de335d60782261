#!/usr/bin/env python3
"""`make bench`, feed polling: a poll cycle of 1,000 feeds that all answer 304, on a running ingestd
(release build) against the local feed server of the tests (Tests/IngestIntegrationTests/FeedServer).

The daemon starts with 1,000 `[[sources.feeds]]` on 127.0.0.1 and polls each once at start (200, two items
each: 2,000 articles). Then `ingestctl feeds poll --all` polls all of them again; every one sends its ETag and
gets a 304. Measured: the wall time of that command and the daemon's CPU seconds over it (from /proc), and
the same for the first cycle. The server is Python and shares the two cores, so the wall time is an upper
bound; the daemon's CPU seconds are its own cost.

All feeds are on one host here, so `per_host` is raised to the `max_concurrent` of 8 to stand for feeds
spread over many hosts, which is what the per-host limit expects.
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import ROOT, Daemon  # noqa: E402

SERVER = os.path.join(ROOT, "Tests", "IngestIntegrationTests", "FeedServer", "feedserver.py")


def start_server():
    proc = subprocess.Popen([sys.executable, SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline().strip())
    return proc, port


def stored(d):
    """Articles committed, queued or dropped: every feed serves the same two items, so dedupe (in the default
    pipeline) queues two and records the other copies as dropped duplicates."""
    try:
        with sqlite3.connect(f"file:{d.db}?mode=ro", uri=True, timeout=5) as c:
            return c.execute("SELECT count(*) FROM article").fetchone()[0]
    except sqlite3.Error:
        return 0


def listings(d):
    r = subprocess.run([os.path.join(d.build_dir, "ingestctl"), "feeds", "list", "--json", "--config", d.config],
                       capture_output=True, text=True)
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default=os.path.join(ROOT, ".build", "release"))
    parser.add_argument("--feeds", type=int, default=1000)
    args = parser.parse_args()
    n = args.feeds

    server, port = start_server()
    d = Daemon(os.path.abspath(args.build_dir), os.path.join(ROOT, "var", "bench", "poll"))
    try:
        with open(d.config, "a") as f:
            f.write("\n[feeds]\nmax_concurrent = 8\nper_host = 8\n")
            for i in range(n):
                f.write(f'\n[[sources.feeds]]\nname = "feed{i}"\nurl = "http://127.0.0.1:{port}/feed.xml?n={i}"\n'
                        "interval_secs = 86400\n")
        t0 = time.time()
        d.start()
        # The first cycle starts by itself: wait until every feed has succeeded once and its items are queued.
        deadline = time.time() + 600
        while time.time() < deadline:
            feeds = listings(d)
            if len(feeds) == n and all(f.get("lastSuccessAt") and not f.get("polling") for f in feeds) \
                    and stored(d) >= 2 * n:
                break
            time.sleep(0.2)
        else:
            sys.exit("the first poll cycle did not finish; see " + os.path.join(d.state, "ingestd.log"))
        # CPU since the process started: the start itself is small next to the polls.
        first_wall, first_cpu = time.time() - t0, d.cpu_seconds()

        cpu1 = d.cpu_seconds()
        t1 = time.time()
        r = subprocess.run([os.path.join(d.build_dir, "ingestctl"), "feeds", "poll", "--all", "--json",
                            "--config", d.config], capture_output=True, text=True)
        wall, cpu = time.time() - t1, d.cpu_seconds() - cpu1
        reports = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
        outcomes = {}
        for report in reports:
            outcomes[report["outcome"]] = outcomes.get(report["outcome"], 0) + 1
        if outcomes.get("not_modified") != n:
            sys.exit(f"expected {n} not-modified polls, got {outcomes}: {r.stderr}")
        rss = d.status_kib("VmRSS") / 1024
        d.stop()
    finally:
        if d.proc and d.proc.poll() is None:
            d.proc.kill()
        server.stdin.close()
        server.terminate()
        server.wait()

    rows = [
        (f"first cycle at start: {n:,} feeds answer 200 with 2 items ({2 * n:,} articles through the default pipeline)",
         f"{first_wall:.1f} s wall, {first_cpu:.2f} s daemon CPU (both from process start)"),
        (f"poll cycle, {n:,} feeds answer 304 (`ingestctl feeds poll --all`)",
         f"{wall:.2f} s wall, {cpu:.2f} s daemon CPU ({cpu / n * 1e3:.2f} ms per feed), {n / wall:.0f} polls/s"),
        ("daemon RSS after both cycles", f"{rss:.1f} MiB"),
    ]
    out = ["| measure | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]
    report = "\n".join(out)
    print(report)
    os.makedirs(os.path.join(ROOT, "var", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "var", "bench", "poll.md"), "w") as f:
        f.write(report + "\n")


if __name__ == "__main__":
    main()
