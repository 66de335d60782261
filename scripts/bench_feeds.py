#!/usr/bin/env python3
"""`make bench`, feed parsing: ingestd's FeedParser against Python's feedparser on the same feeds, same run.

Usage:
    scripts/bench_feeds.py [--ingestctl .build/release/ingestctl] [--evalsets ../shared/evalsets]
                           [--seconds 3] [--rounds 3] [--repeat N]

The feeds are every input document of ../shared/evalsets/feed-rs-fixtures and gofeed-testdata, found exactly
as scripts/eval_feeds.py finds them (its `cases`), with or without an expected output. That data is never
copied into the repository; when neither folder exists the benchmark says it is skipped and exits 0.

Each side reads all files into memory first and then times only the parsing, N passes over every file:
- ingestd: `ingestctl feeds bench-parse --repeat N FILE...` (FeedParser.parse(bytes, url: nil), release build);
- feedparser: `feedparser.parse(bytes)` with its default options, in a subprocess of a venv under
  var/bench/venv that this script creates and fills (`pip install feedparser==VERSION`) when missing.
N is chosen per side from a short calibration run so that each side parses for at least --seconds per row,
split into --rounds turns that alternate between the sides, so that a change in a shared machine's load
falls on both. Wall time (a monotonic clock) and process CPU time are both measured; the ratio is ingestd's
throughput over feedparser's (feeds/s and MB/s give the same ratio, since both sides parse the same bytes).
MB = 10^6 bytes.

Failures are counted on both sides from the first pass: ingestd's parser throws; feedparser raises, or
returns no recognised feed format (`version` empty; it parses almost anything otherwise, setting `bozo` for
ill-formed XML, which is reported separately and not counted as a failure). feedparser 6.0.x reads no
JSON Feed: it fails those quickly, so a last row leaves the .json inputs out on both sides.

Prints a Markdown table and writes it to var/bench/feeds.md. Exits 1 when a side could not be run.
"""
import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from eval_feeds import cases  # noqa: E402  (the one discovery of feed inputs)
from bench import machine as bench_machine  # noqa: E402

FEEDPARSER = "6.0.14"
CORPORA = [("feed-rs", "feed-rs-fixtures"), ("gofeed", "gofeed-testdata")]

# Runs inside the venv: reads the files, then times `repeat` passes of feedparser.parse over the bytes.
RUNNER = r"""
import json, sys, time
import feedparser
spec = json.load(sys.stdin)
docs = []
for path in spec["files"]:
    with open(path, "rb") as f:
        docs.append(f.read())
repeat = spec["repeat"]
ok = failed = bozo = 0
entries = 0
cpu0, t0 = time.process_time(), time.perf_counter()
for n in range(repeat):
    for data in docs:
        try:
            d = feedparser.parse(data)
            entries += len(d.entries)
            good = bool(d.get("version"))
            if n == 0:
                ok += good
                failed += not good
                bozo += bool(d.get("bozo"))
        except Exception:
            if n == 0:
                failed += 1
wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
total = sum(len(d) for d in docs)
print(json.dumps({"files": len(docs), "bytes": total, "repeat": repeat, "parsed_ok": ok, "failed": failed,
                  "bozo": bozo, "entries": entries // repeat, "wall_secs": wall, "cpu_secs": cpu,
                  "feeds_per_sec": len(docs) * repeat / wall, "mb_per_sec": total * repeat / 1e6 / wall}))
"""


def venv_python(venv):
    """The venv's python with feedparser==FEEDPARSER installed, creating the venv when missing."""
    python = os.path.join(venv, "bin", "python")
    probe = [python, "-c", "import feedparser; print(feedparser.__version__)"]
    if os.access(python, os.X_OK):
        r = subprocess.run(probe, capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip() == FEEDPARSER:
            return python
    else:
        print(f"bench_feeds: creating {os.path.relpath(venv, ROOT)}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    print(f"bench_feeds: pip install feedparser=={FEEDPARSER}", file=sys.stderr)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    f"feedparser=={FEEDPARSER}"], check=True)
    subprocess.run(probe, check=True, capture_output=True)
    return python


def run_ours(ingestctl, files, repeat):
    r = subprocess.run([ingestctl, "feeds", "bench-parse", "--repeat", str(repeat), *files],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"ingestctl feeds bench-parse failed (exit {r.returncode}): {r.stderr.strip()}")
    return json.loads(r.stdout)


def run_feedparser(python, files, repeat):
    r = subprocess.run([python, "-c", RUNNER], input=json.dumps({"files": files, "repeat": repeat}),
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"feedparser runner failed (exit {r.returncode}): {r.stderr.strip()[-2000:]}")
    return json.loads(r.stdout)


def passes(run, files, seconds):
    """How many passes last about `seconds`, from runs of one pass up until a run lasts 0.3 s."""
    n, probe = 1, run(files, 1)
    while probe["wall_secs"] < 0.3:
        n *= max(2, math.ceil(0.5 / max(probe["wall_secs"], 1e-3)))
        probe = run(files, n)
    return max(1, math.ceil(seconds * n / probe["wall_secs"]))


def compare(sides, files, seconds, fixed, rounds):
    """Runs each side `rounds` times, taking turns, so that a change in the machine's load during the
    run falls on both; each side's passes add up to at least `seconds` (or to `fixed` passes). Returns one
    result per side, its times summed over the rounds."""
    counts = [max(1, math.ceil(fixed / rounds)) if fixed else
              max(1, math.ceil(passes(run, files, seconds * 1.2) / rounds)) for run in sides]
    totals = [None] * len(sides)
    for _ in range(rounds):
        for i, run in enumerate(sides):
            r = run(files, counts[i])
            if totals[i] is None:
                totals[i] = r
            else:
                for key in ("repeat", "wall_secs", "cpu_secs"):
                    totals[i][key] += r[key]
    for t in totals:
        t["feeds_per_sec"] = t["files"] * t["repeat"] / t["wall_secs"]
        t["mb_per_sec"] = t["bytes"] * t["repeat"] / 1e6 / t["wall_secs"]
    return totals


def machine():
    # The machine line of the other benchmarks, with the Python that runs feedparser.
    return f"{bench_machine()}, Python {platform.python_version()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ingestctl", default=os.path.join(ROOT, ".build/release/ingestctl"),
                    help="a release build of ingestctl")
    ap.add_argument("--evalsets", default=os.path.join(ROOT, "..", "shared", "evalsets"),
                    help="the evalsets folder (default: ../shared/evalsets next to the repository)")
    ap.add_argument("--seconds", type=float, default=3.0, help="least time each side parses, per row")
    ap.add_argument("--repeat", type=int, default=0, help="passes per side instead of calibrating, split over the rounds and rounded up (0: calibrate)")
    ap.add_argument("--rounds", type=int, default=3, help="turns each side takes, alternating, per row")
    ap.add_argument("--venv", default=os.path.join(ROOT, "var/bench/venv"), help="where feedparser is installed")
    args = ap.parse_args()
    args.rounds = max(1, args.rounds)

    evalsets = os.path.normpath(args.evalsets)
    out_dir = os.path.join(ROOT, "var/bench")
    os.makedirs(out_dir, exist_ok=True)
    have = [(corpus, folder) for corpus, folder in CORPORA if os.path.isdir(os.path.join(evalsets, folder))]
    if not have:
        report = (f"## Feed parsing benchmark\n\nSkipped: no feed-rs-fixtures or gofeed-testdata under {evalsets} "
                  "(the evaluation data is never copied into the repository).\n")
        print(report)
        with open(os.path.join(out_dir, "feeds.md"), "w") as f:
            f.write(report)
        return 0
    ingestctl = os.path.abspath(args.ingestctl)
    if not os.access(ingestctl, os.X_OK):
        print(f"bench_feeds: {args.ingestctl} is not an executable; build it first (make release)", file=sys.stderr)
        return 2

    by_corpus = {corpus: [] for corpus, _ in have}
    for case in cases(evalsets):
        by_corpus[case[0]].append(os.path.abspath(case[3]))
    rows = [(f"{folder}", by_corpus[corpus]) for corpus, folder in have]
    if len(rows) > 1:
        rows.append(("all", [p for _, files in rows for p in files]))
    # feedparser 6.0.x has no JSON Feed reader: it gives up on those at once, which flatters its side.
    xml_only = [p for p in rows[-1][1] if not p.endswith(".json")]
    if len(xml_only) < len(rows[-1][1]):
        rows.append(("all but JSON Feed", xml_only))

    python = venv_python(os.path.abspath(args.venv))
    results = []
    for name, files in rows:
        ours, theirs = compare([lambda fs, n: run_ours(ingestctl, fs, n), lambda fs, n: run_feedparser(python, fs, n)],
                               files, args.seconds, args.repeat, args.rounds)
        results.append((name, ours, theirs))
        print(f"bench_feeds: {name}: ingestd {ours['feeds_per_sec']:,.0f} feeds/s, "
              f"feedparser {theirs['feeds_per_sec']:,.0f} feeds/s", file=sys.stderr)

    fp_version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                                capture_output=True, text=True).stdout.strip()
    command = " ".join(["python3 scripts/bench_feeds.py", "--ingestctl", args.ingestctl]
                       + (["--evalsets", args.evalsets] if args.evalsets != ap.get_default("evalsets") else [])
                       + (["--seconds", str(args.seconds)] if args.seconds != ap.get_default("seconds") else [])
                       + (["--repeat", str(args.repeat)] if args.repeat else [])
                       + (["--rounds", str(args.rounds)] if args.rounds != ap.get_default("rounds") else []))
    lines = [
        "## Feed parsing benchmark: ingestd FeedParser vs Python feedparser",
        "",
        f"Command: `{command}`. Machine: {machine()}. Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        f"feedparser {FEEDPARSER} on Python {fp_version} (default options). Every input document of "
        f"{' and '.join(folder for _, folder in have)} under `{evalsets}`, held in memory, parsed N times per side; "
        "MB = 10^6 bytes; ratio = ingestd's throughput / feedparser's (wall clock; by CPU time in brackets).",
        "",
        "| feeds | files | MB | ingestd feeds/s | ingestd MB/s | feedparser feeds/s | feedparser MB/s | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, ours, theirs in results:
        ratio = ours["feeds_per_sec"] / theirs["feeds_per_sec"]
        cpu_ratio = (theirs["cpu_secs"] / theirs["repeat"]) / max(ours["cpu_secs"] / ours["repeat"], 1e-9)
        label = f"**{name}**" if name == "all" else name
        lines.append(f"| {label} | {ours['files']} | {ours['bytes'] / 1e6:.3f} | {ours['feeds_per_sec']:,.0f} | "
                     f"{ours['mb_per_sec']:.1f} | {theirs['feeds_per_sec']:,.0f} | {theirs['mb_per_sec']:.2f} | "
                     f"**{ratio:.1f}×** ({cpu_ratio:.1f}×) |")
    if any(name == "all but JSON Feed" for name, _, _ in results):
        lines += ["", f"feedparser {FEEDPARSER} has no JSON Feed reader: it gives up on the .json inputs at once "
                      "(they are among its failures), so the last row leaves them out on both sides."]
    lines += [
        "",
        "| feeds | side | N | parsed | failed | wall s | CPU s |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, ours, theirs in results:
        lines.append(f"| {name} | ingestd | {ours['repeat']} | {ours['parsed_ok']} | {ours['failed']} | "
                     f"{ours['wall_secs']:.2f} | {ours['cpu_secs']:.2f} |")
        lines.append(f"| {name} | feedparser | {theirs['repeat']} | {theirs['parsed_ok']} "
                     f"({theirs['bozo']} bozo) | {theirs['failed']} | {theirs['wall_secs']:.2f} | {theirs['cpu_secs']:.2f} |")
    report = "\n".join(lines) + "\n"
    print(report)
    with open(os.path.join(out_dir, "feeds.md"), "w") as f:
        f.write(report)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, subprocess.CalledProcessError) as e:
        print(f"bench_feeds: {e}", file=sys.stderr)
        sys.exit(1)
