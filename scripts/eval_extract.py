#!/usr/bin/env python3
"""Evaluates the extract stage's metadata on ../shared/evalsets/readability-test-pages (skipped, saying so,
when absent).

Every page's source.html goes through `ingestctl run` with the pipeline clean, extract (one process), and
each field is compared with expected-metadata.json, which is Readability.js's own choice (some of its titles
keep the site's name, its bylines keep "By"):
- title: normalised exact match (NFKC, lowercase, quotes and dashes unified, whitespace collapsed), over pages
  whose gold title is not empty;
- byline: the words of the gold byline (a leading "by" and "and"s removed) equal those of our authors, over
  pages with a gold byline; also how many pages without one got an author anyway;
- published date: the same instant to the minute (the same day when either side has no time), over pages
  with a gold publishedTime;
- language: the primary subtag of the gold `lang` (the page's declared language) against the detected one.

With --trafilatura PYTHON (a Python that has trafilatura: var/bench/venv/bin/python), its
extract_metadata() is scored on the same pages and measures, for scale.

    python3 scripts/eval_extract.py --ingestctl .build/debug/ingestctl [--evalsets ../shared/evalsets]
        [--trafilatura var/bench/venv/bin/python] [--misses]
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def norm_title(s):
    s = unicodedata.normalize("NFKC", s or "").translate(QUOTES).lower()
    return " ".join(s.split())


def byline_words(s):
    s = unicodedata.normalize("NFKC", s or "").translate(QUOTES).lower()
    words = re.findall(r"\w+", s)
    if words and words[0] == "by":
        words = words[1:]
    return [w for w in words if w != "and"]


def parse_date(s):
    """(datetime in UTC, has_time) or None."""
    if not s:
        return None
    s = s.strip().replace("Z", "+00:00")
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?)?\s*([+-]\d{2}:?\d{2})?", s)
    if not m:
        return None
    day, time, zone = m.groups()
    text = day + ("T" + (time if len(time) > 5 else time + ":00") if time else "T00:00:00")
    if zone:
        zone = zone if ":" in zone else zone[:3] + ":" + zone[3:]
        text += zone
    else:
        text += "+00:00"
    try:
        return datetime.datetime.fromisoformat(text).astimezone(datetime.timezone.utc), bool(time)
    except ValueError:
        return None


def same_date(gold, ours):
    g, o = parse_date(gold), parse_date(ours)
    if not g or not o:
        return False
    if g[1] and o[1]:
        return abs((g[0] - o[0]).total_seconds()) < 60
    return g[0].date() == o[0].date()


def run_extract(ingestctl, files):
    """{path: article} from one `ingestctl run` process with the pipeline clean, extract."""
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "extract.toml")
        with open(config, "w") as f:
            f.write('[pipeline]\nstages = ["clean", "extract"]\n')
        proc = subprocess.run([ingestctl, "run", "--config", config, "--json", *files], capture_output=True, text=True)
    results = {}
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        results[row["file"]] = row["article"] if row["outcome"] == "enqueue" else {"_outcome": row["reason"]}
    if not results:
        print(proc.stderr.strip()[-500:], file=sys.stderr)
    return results


PEER = r"""
import json, sys
import trafilatura
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        page = f.read().decode("utf-8", errors="replace")
    m = trafilatura.extract_metadata(page)
    out[path] = {"title": m.title, "author": m.author, "date": m.date} if m else {}
print(json.dumps(out))
"""


def run_trafilatura(python, files):
    proc = subprocess.run([python, "-c", PEER, *files], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  trafilatura skipped: {proc.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(proc.stdout)


def score(cases, get, out, label, show_misses):
    """cases: [(name, gold)]; get(name) -> ours (title, authors list, date string, language)."""
    t = [(n, g) for n, g in cases]
    res = {}
    # title
    rows = [(n, g["title"], get(n, "title")) for n, g in t if g.get("title")]
    ok = [r for r in rows if norm_title(r[1]) == norm_title(r[2])]
    res["title"] = (len(ok), len(rows))
    misses = {"title": [r for r in rows if r not in ok]}
    # How many misses are only the gold keeping the site's name after a separator.
    suffix = [r for r in misses["title"] if r[2] and any(
        norm_title(r[1]).startswith(norm_title(r[2]) + sep) for sep in (" | ", " - ", " · ", " – ", " — ", " : "))]
    res["title_suffix"] = (len(ok) + len(suffix), len(rows))
    # byline
    rows = [(n, g["byline"], get(n, "byline")) for n, g in t if g.get("byline")]
    ok = [r for r in rows if byline_words(r[1]) and byline_words(r[1]) == byline_words(r[2])]
    res["byline"] = (len(ok), len(rows))
    misses["byline"] = [r for r in rows if r not in ok]
    extra = [(n, get(n, "byline")) for n, g in t if not g.get("byline") and get(n, "byline")]
    res["byline_extra"] = (len(extra), sum(1 for n, g in t if not g.get("byline")))
    misses["byline_extra"] = extra
    # date
    rows = [(n, g["publishedTime"], get(n, "date")) for n, g in t if g.get("publishedTime")]
    ok = [r for r in rows if same_date(r[1], r[2])]
    res["date"] = (len(ok), len(rows))
    misses["date"] = [r for r in rows if r not in ok]
    # language
    rows = [(n, g["lang"].split("-")[0].split("_")[0].lower(), get(n, "language")) for n, g in t if g.get("lang")]
    if rows and rows[0][2] is not None or any(r[2] for r in rows):
        ok = [r for r in rows if r[1] == (r[2] or "")]
        res["language"] = (len(ok), len(rows))
        misses["language"] = [r for r in rows if r not in ok]
    print(f"  {label}:", file=out)
    for key, target in (("title", 75), ("byline", 60), ("date", 90), ("language", 95)):
        if key in res:
            k, n = res[key]
            print(f"    {key:9s} {k:3d}/{n:3d} = {100 * k / max(n, 1):5.1f} %   (target >= {target} %)", file=out)
    k, n = res["title_suffix"]
    print(f"    title, counting a gold title that only adds the site's name as a match: {k}/{n} = "
          f"{100 * k / max(n, 1):.1f} %", file=out)
    k, n = res["byline_extra"]
    print(f"    an author where the gold has none: {k}/{n} pages", file=out)
    if show_misses:
        for key, rows in misses.items():
            print(f"    -- {key} misses:", file=out)
            for r in rows:
                print(f"       {r}", file=out)
    return res


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ingestctl", default=os.path.join(here, "..", ".build", "debug", "ingestctl"))
    ap.add_argument("--evalsets", default=os.path.join(here, "..", "..", "shared", "evalsets"))
    ap.add_argument("--trafilatura", metavar="PYTHON", help="a Python with trafilatura: score its metadata too")
    ap.add_argument("--misses", action="store_true", help="list every miss")
    args = ap.parse_args()
    root = os.path.join(args.evalsets, "readability-test-pages", "test", "test-pages")
    if not os.path.isdir(root):
        print(f"skipped: {root} is absent (the evaluation data lives in ../shared/evalsets)")
        return 0
    if not os.path.exists(args.ingestctl):
        print(f"{args.ingestctl} not found: build first (swift build)", file=sys.stderr)
        return 1
    names = sorted(d for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "expected-metadata.json")))
    files = {n: os.path.join(root, n, "source.html") for n in names}
    gold = {}
    for n in names:
        with open(os.path.join(root, n, "expected-metadata.json"), encoding="utf-8") as f:
            gold[n] = json.load(f)
    cases = [(n, gold[n]) for n in names]
    ours = run_extract(args.ingestctl, list(files.values()))

    def get_ours(n, field):
        a = ours.get(files[n], {})
        if field == "title":
            return a.get("title") or ""
        if field == "byline":
            return ", ".join(a.get("authors") or [])
        if field == "date":
            return a.get("published") and (a.get("publishedAt") or a.get("published"))
        if field == "language":
            return a.get("language")

    print(f"readability-test-pages: {len(names)} pages, pipeline clean, extract")
    score(cases, get_ours, sys.stdout, "ingestd extract", args.misses)
    sources = {}
    for n in names:
        a = ours.get(files[n], {})
        if gold[n].get("lang"):
            src = (a.get("metadata") or {}).get("sources", {}).get("language", "none")
            sources[src] = sources.get(src, 0) + 1
    print("    language decided by (pages with a gold lang): "
          + ", ".join(f"{k} {v}" for k, v in sorted(sources.items())))
    not_enqueued = [n for n in names if "_outcome" in ours.get(files[n], {"_outcome": "missing"})]
    if not_enqueued:
        print(f"    not enqueued (scored as empty): {len(not_enqueued)}: {', '.join(not_enqueued[:10])}")
    if args.trafilatura:
        peer = run_trafilatura(args.trafilatura, list(files.values()))
        if peer is not None:
            def get_peer(n, field):
                m = peer.get(files[n], {})
                return {"title": m.get("title") or "", "byline": m.get("author") or "", "date": m.get("date"),
                        "language": None}[field]
            score(cases, get_peer, sys.stdout, "for scale, trafilatura.extract_metadata", False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
