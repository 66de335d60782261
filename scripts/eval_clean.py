#!/usr/bin/env python3
"""Evaluates the clean stage on ../shared/evalsets (skipped, saying so, when absent).

readability-test-pages: the stage's text against the text of each expected.html (Readability.js's output),
as bags of lowercase word tokens: precision, recall and F1 per page, their means, and the ten worst pages
with what they lost or kept. html-to-text-fixtures: the same measures against each fixture's rendered text
(a full-page rendering, not main content, so recall is the number to read there).

The stage runs through `ingestctl run` with a pipeline of clean alone, every page in one process.

    python3 scripts/eval_clean.py --ingestctl .build/debug/ingestctl [--evalsets ../shared/evalsets]
        [--trafilatura var/bench/venv/bin/python]
"""
import argparse
import collections
import html.parser
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

TOKEN = re.compile(r"\w+", re.UNICODE)
BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th",
          "pre", "blockquote", "section", "article", "figure", "figcaption", "dt", "dd", "hr"}


class TextOf(html.parser.HTMLParser):
    """The visible text of an HTML fragment (Readability's expected.html)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(markup):
    parser = TextOf()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def tokens(text):
    return [t.lower() for t in TOKEN.findall(text)]


def prf(got, want):
    g, w = collections.Counter(tokens(got)), collections.Counter(tokens(want))
    common = sum((g & w).values())
    p = common / sum(g.values()) if g else (1.0 if not w else 0.0)
    r = common / sum(w.values()) if w else (1.0 if not g else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, g, w


def run_clean(ingestctl, files):
    """{path: (outcome, reason, text)} for every file, from one `ingestctl run` process."""
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "clean-only.toml")
        with open(config, "w") as f:
            f.write('[pipeline]\nstages = ["clean"]\n')
        proc = subprocess.run([ingestctl, "run", "--config", config, "--json", *files],
                              capture_output=True, text=True)
    results = {}
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        results[row["file"]] = (row["outcome"], row.get("reason"), row["article"]["text"])
    for path in files:
        if path not in results:
            results[path] = ("fail", proc.stderr.strip()[-300:], "")
    return results


PEER = r"""
import json, sys
import trafilatura
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        page = f.read().decode("utf-8", errors="replace")
    out[path] = trafilatura.extract(page) or ""
print(json.dumps(out))
"""


def run_trafilatura(python, files):
    """{path: text} from trafilatura.extract on its defaults, for scale."""
    proc = subprocess.run([python, "-c", PEER, *files], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  trafilatura skipped: {proc.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(proc.stdout)


def sample(counter, other, n=12):
    """The most frequent tokens of `counter` beyond what `other` has."""
    diff = counter - other
    return " ".join(t for t, _ in diff.most_common(n))


def readability(ingestctl, root, worst_n, out, peer_python=None):
    pages = sorted(d for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "source.html")))
    files = [os.path.join(root, d, "source.html") for d in pages]
    results = run_clean(ingestctl, files)
    peer = run_trafilatura(peer_python, files) if peer_python else None
    rows, peer_rows = [], []
    for name, path in zip(pages, files):
        with open(os.path.join(root, name, "expected.html"), encoding="utf-8") as f:
            want = html_text(f.read())
        outcome, reason, got = results[path]
        p, r, f1, g, w = prf(got, want)
        rows.append((name, p, r, f1, outcome, reason, sample(w, g), sample(g, w)))
        if peer is not None:
            peer_rows.append(prf(peer[path], want)[:3])
    mean = lambda i: statistics.fmean(row[i] for row in rows)
    print(f"readability-test-pages: {len(rows)} pages", file=out)
    print(f"  mean precision {mean(1):.3f}  recall {mean(2):.3f}  F1 {mean(3):.3f}  "
          f"(median F1 {statistics.median(r[3] for r in rows):.3f}; target F1 >= 0.92)", file=out)
    if peer_rows:
        pm = lambda i: statistics.fmean(row[i] for row in peer_rows)
        print(f"  for scale, trafilatura.extract on the same pages and measure: precision {pm(0):.3f}  "
              f"recall {pm(1):.3f}  F1 {pm(2):.3f}", file=out)
    dropped = [r for r in rows if r[4] != "enqueue"]
    print(f"  not enqueued: {len(dropped)}" + "".join(f"\n    {r[0]}: {r[4]} ({r[5]})" for r in dropped), file=out)
    print(f"\n  {worst_n} worst pages (F1, precision, recall; tokens missed / tokens extra):", file=out)
    for name, p, r, f1, outcome, reason, missed, extra in sorted(rows, key=lambda r: r[3])[:worst_n]:
        print(f"  - {name}: F1 {f1:.3f}  P {p:.3f}  R {r:.3f}  {outcome}", file=out)
        if missed:
            print(f"      missed: {missed}", file=out)
        if extra:
            print(f"      extra:  {extra}", file=out)
    return mean(3), rows


def html_to_text(ingestctl, root, out):
    cases = []
    for sub in ("inscriptis/html", "html-text/test_webpages"):
        folder = os.path.join(root, sub)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            base, ext = os.path.splitext(name)
            expected = os.path.join(folder, base + ".txt")
            if ext == ".html" and os.path.exists(expected):
                cases.append((f"{sub}/{name}", os.path.join(folder, name), expected))
    if not cases:
        return
    results = run_clean(ingestctl, [c[1] for c in cases])
    rows = []
    for label, path, expected in cases:
        with open(expected, encoding="utf-8", errors="replace") as f:
            want = f.read()
        outcome, reason, got = results[path]
        p, r, f1, _, _ = prf(got, want)
        rows.append((label, p, r, f1, outcome))
    print(f"\nhtml-to-text-fixtures: {len(rows)} pages (full-page renderings: recall is what counts)", file=out)
    print(f"  mean precision {statistics.fmean(r[1] for r in rows):.3f}  recall {statistics.fmean(r[2] for r in rows):.3f}"
          f"  F1 {statistics.fmean(r[3] for r in rows):.3f}", file=out)
    for label, p, r, f1, outcome in sorted(rows, key=lambda r: r[2])[:5]:
        print(f"  - lowest recall: {label}: R {r:.3f} P {p:.3f} {outcome}", file=out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ingestctl", default=os.path.join(here, "..", ".build", "debug", "ingestctl"))
    ap.add_argument("--evalsets", default=os.path.join(here, "..", "..", "shared", "evalsets"))
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument("--json", help="also write per-page scores to this file")
    ap.add_argument("--trafilatura", metavar="PYTHON",
                    help="a Python with trafilatura (var/bench/venv/bin/python): score it too, for scale")
    args = ap.parse_args()
    pages = os.path.join(args.evalsets, "readability-test-pages", "test", "test-pages")
    if not os.path.isdir(pages):
        print(f"skipped: {pages} is absent (the evaluation data lives in ../shared/evalsets)")
        return 0
    mean_f1, rows = readability(args.ingestctl, pages, args.worst, sys.stdout, args.trafilatura)
    html_to_text(args.ingestctl, os.path.join(args.evalsets, "html-to-text-fixtures"), sys.stdout)
    if args.json:
        with open(args.json, "w") as f:
            json.dump([{"page": r[0], "precision": r[1], "recall": r[2], "f1": r[3], "outcome": r[4]} for r in rows], f,
                      indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
