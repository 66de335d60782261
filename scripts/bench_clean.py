#!/usr/bin/env python3
"""`make bench`, clean stage: pages/s and MB/s of the clean stage next to trafilatura and next to the floor.

Over the same pages (../shared/evalsets/readability-test-pages, skipped with a message when absent), in
the same run, each on one core and in one process, with decoding done before the clock starts:
  - floor:       `ingestctl bench html-parse` — libxml2's HTML parse of each page (the stage's parser and
                 options), then free, nothing else;
  - clean:       `ingestctl bench stage clean` — the stage on its default configuration;
  - trafilatura: `trafilatura.extract(page)` on its defaults, from PyPI in var/bench/venv (installed there
                 when missing).
MB are 10^6 bytes of the page files. Targets (issue 4): clean >= 5x trafilatura, and within 2x of the floor.

    python3 scripts/bench_clean.py --ingestctl .build/release/ingestctl [--repeat 5]
"""
import argparse
import datetime
import glob
import json
import os
import platform
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import write_report  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

TRAFILATURA = r"""
import json, resource, sys, time
import trafilatura
files, repeat = sys.argv[2:], int(sys.argv[1])
pages = []
for path in files:
    with open(path, "rb") as f:
        pages.append(f.read().decode("utf-8", errors="replace"))
trafilatura.extract(pages[0])  # warm up imports and caches outside the clock
wall0, cpu0 = time.perf_counter(), time.process_time()
for _ in range(repeat):
    for page in pages:
        trafilatura.extract(page)
wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
print(json.dumps({"wall_secs": wall, "cpu_secs": cpu, "documents": len(pages), "repeat": repeat,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "version": trafilatura.__version__}))
"""


def venv_python():
    venv = os.path.join(ROOT, "var", "bench", "venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        print(f"creating {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    probe = subprocess.run([python, "-c", "import trafilatura"], capture_output=True)
    if probe.returncode != 0:
        # lxml >= 5.2 moved lxml.html.clean, which trafilatura imports, into its own package.
        print("installing trafilatura (and lxml_html_clean) from PyPI into var/bench/venv", file=sys.stderr)
        subprocess.run([python, "-m", "pip", "install", "-q", "trafilatura", "lxml_html_clean"], check=True)
    return python


def ingestctl(binary, args):
    out = subprocess.run([binary, "bench", *args], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ingestctl", default=os.path.join(ROOT, ".build", "release", "ingestctl"))
    ap.add_argument("--evalsets", default=os.path.join(ROOT, "..", "shared", "evalsets"))
    ap.add_argument("--repeat", type=int, default=5, help="passes over the pages for the Swift runs")
    ap.add_argument("--peer-repeat", type=int, default=1, help="passes over the pages for trafilatura")
    ap.add_argument("--out", default=os.path.join(ROOT, "var", "bench", "clean.md"))
    args = ap.parse_args()

    files = sorted(glob.glob(os.path.join(args.evalsets, "readability-test-pages", "test", "test-pages", "*", "source.html")))
    if not files:
        print("skipped: ../shared/evalsets/readability-test-pages is absent")
        return 0
    size = sum(os.path.getsize(f) for f in files)

    floor = ingestctl(args.ingestctl, ["html-parse", "--repeat", str(args.repeat), *files])
    clean = ingestctl(args.ingestctl, ["stage", "clean", "--repeat", str(args.repeat), *files])
    python = venv_python()
    run = subprocess.run([python, "-c", TRAFILATURA, str(args.peer_repeat), *files], capture_output=True, text=True)
    if run.returncode != 0:
        print(f"trafilatura failed:\n{run.stderr[-2000:]}", file=sys.stderr)
        return 1
    peer = json.loads(run.stdout.strip().splitlines()[-1])

    def rates(r):
        n = r["documents"] * r["repeat"]
        return n / r["wall_secs"], size * r["repeat"] / 1e6 / r["wall_secs"], r["cpu_secs"] / n * 1e3

    rows = [("libxml2 parse (floor)", floor), ("clean stage", clean), (f"trafilatura {peer['version']}", peer)]
    lines = [
        f"clean-stage benchmark, {datetime.date.today()} — {len(files)} pages, {size / 1e6:.1f} MB "
        f"(readability-test-pages); Swift passes: {args.repeat}, trafilatura passes: {args.peer_repeat}",
        f"machine: {os.cpu_count()} cores (nproc), Linux {platform.release()}",
        "",
        "| run | pages/s | MB/s | CPU ms/page | max RSS MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in rows:
        pages_s, mb_s, cpu_ms = rates(r)
        lines.append(f"| {name} | {pages_s:,.0f} | {mb_s:.1f} | {cpu_ms:.2f} | {r['max_rss_mb']:.0f} |")
    clean_mb, floor_mb, peer_mb = rates(clean)[1], rates(floor)[1], rates(peer)[1]
    clean_cpu, floor_cpu, peer_cpu = rates(clean)[2], rates(floor)[2], rates(peer)[2]
    lines += [
        "",
        f"clean vs trafilatura: {clean_mb / peer_mb:.1f}x the throughput by wall time, {peer_cpu / clean_cpu:.1f}x by CPU time (target >= 5x)",
        f"clean vs floor: {floor_mb / clean_mb:.2f}x the time of a bare parse by wall time, {clean_cpu / floor_cpu:.2f}x by CPU time (target <= 2x)",
        f"clean outcomes (first pass): {clean['continued']} continued, {clean['dropped']} dropped, {clean['failed']} failed",
    ]
    write_report(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
