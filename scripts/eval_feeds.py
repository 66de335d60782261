#!/usr/bin/env python3
"""Measure `ingestctl feeds parse` against the feed-rs and gofeed fixtures, field by field.

Usage:
    scripts/eval_feeds.py [--ingestctl .build/debug/ingestctl] [--evalsets ../shared/evalsets] [--examples 3]

Reads `../shared/evalsets/feed-rs-fixtures` and `../shared/evalsets/gofeed-testdata` (never copied into the
repository), runs `ingestctl feeds parse FILE --json` on every input that has an expected output, and prints a
Markdown report: per corpus (and per gofeed folder) the agreement on each field, then the disagreements grouped
by cause with a few examples. Always exits 0 once the report is printed; when the evalsets folder is absent it
says the evaluation is skipped and exits 0.

The expected outputs are those libraries' behaviour, not an independent truth; the report lists every
difference so each can be fixed or explained.

Pairs and models read
- feed-rs: `X.xml|X.json` with `X.serde.json` (the feed-rs `Feed` model).
- gofeed `translator/*` and `extensions/*`: `X.xml` with `X.json`, `X.json` with `X_expected.json`, in the
  universal `gofeed.Feed` model (title, items[].guid/link/title/publishedParsed/updatedParsed/content).
- gofeed `parser/rss` (rss.Feed: items[].guid.value, link, title, pubDateParsed, content),
  `parser/atom` (atom.Feed: entries[].id, links, title, publishedParsed, updatedParsed, content.value) and
  `parser/json` (the JSON Feed document itself: items[].id, url, title, date_published, date_modified,
  content_html/content_text).
- Inputs without an expected output (feed-rs `rss_2.0_invalid_1.xml`, `xml/*`; gofeed `parser/universal/*`)
  are only listed with what ingestctl made of them, not scored.

Fields compared (ours ← theirs)
- feed title ← feed-rs `title.content`, gofeed `title`.
- entry count ← number of entries/items.
- entry id ← feed-rs `id`, gofeed `guid` / `guid.value` / `id`.
- entry link ← feed-rs first `links[]` with no rel or rel="alternate" (else none); gofeed universal/rss
  `link`; gofeed atom first `links[]` with no rel or rel="alternate"; JSON Feed `url` else `external_url`.
- entry title, entry published, entry updated, content present (ours `content` non-empty ← feed-rs
  `content.body`, gofeed `content` / `content.value`, JSON Feed `content_html` or `content_text`).
Entries are paired by position (both parsers keep document order). An entry one side has and the other lacks
counts as a disagreement on each entry field.

Normalisations (applied to both sides alike)
- Text (titles, ids, links): HTML character references decoded (`&amp;` → `&`, `&#8217;` → `’`; feeds
  double-escape titles and libraries differ on undoing it), runs of whitespace collapsed to one space, leading
  and trailing whitespace trimmed; an empty string counts as absent.
- Links, in addition: scheme and host lower-cased and an empty http(s) path written `/`, since
  `http://Example.com` and `http://example.com/` are the same URL (RFC 3986 §6.2.2-6.2.3) and feed-rs
  normalises URLs while ingestd keeps them as given.
- Dates: compared as instants at whole-second precision (ingestctl prints ISO 8601 without fractions), never
  as strings. A side that has no parsed date counts as absent.
- feed-rs ids: feed-rs synthesizes an id (an MD5 in hex, or a random UUID) for entries that have none;
  ingestd keeps such entries' id absent on purpose (identity then falls back to link, then a hash). Where
  ingestd has no id and feed-rs one of that shape, the pair is not scored for id and is counted instead.
  Where ingestd found the item's own identifier and feed-rs synthesized one, it is scored and reported
  under its own cause.
- feed-rs `updated`: for RSS and RSS 1.0/0.9x feed-rs copies `pubDate` into `updated` when the item has no
  update date, so entry updated is scored only for feed-rs Atom and JSON Feed cases.
- gofeed `parser/rss` has no update date in its model, so entry updated is not scored there.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import datetime as dt
import html
import json
import os
import re
import subprocess
import sys

FIELDS = ["feed title", "entry count", "entry id", "entry link", "entry title", "entry published",
          "entry updated", "content present"]
ENTRY_FIELDS = ["entry id", "entry link", "entry title", "entry published", "entry updated", "content present"]
# feed-rs ids made up for entries without one: an MD5 printed without leading zeros, or a random UUID.
SYNTHESIZED = re.compile(r"^(?:[0-9a-f]{28,32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")

# Causes already understood, printed under their heading so a reader does not have to dig.
EXPLAINED = {
    ("entry id", "feed-rs synthesized an id, ingestd has the item's own"):
        "The item has no guid; feed-rs hashes one, ingestd keeps the identifier the item does carry "
        "(RSS 1.0 `rdf:about` / `dc:identifier`).",
    ("entry link", "only ingestd has one"):
        "The item has no <link>; ingestd falls back to its RSS 1.0 `rdf:about` or an RSS 2.0 permalink guid, "
        "the libraries' models leave the link empty.",
    ("feed title", "markup kept vs stripped"):
        "gofeed keeps markup inside titles (escaped or naked); ingestd's titles are plain text, tags removed.",
    ("entry title", "markup kept vs stripped"):
        "gofeed keeps markup inside titles (escaped or naked); ingestd's titles are plain text, tags removed.",
}


# ---------------------------------------------------------------- normalisation

def text(value):
    """Entities decoded, whitespace collapsed and trimmed; '' is None."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    value = re.sub(r"\s+", " ", html.unescape(value)).strip()
    return value or None


def instant(value):
    """An RFC 3339 / ISO 8601 string as whole UTC seconds, or None."""
    if not value or not isinstance(value, str):
        return None
    s = value.strip().replace("z", "Z")
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    # Python 3.11 reads at most 6 fraction digits; gofeed prints up to 9.
    s = re.sub(r"(\.\d{1,6})\d*", r"\1", s)
    try:
        d = dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.timezone.utc)
    return int(d.timestamp() // 1)


def url(value):
    """A URL as text, with scheme and host lower-cased and an empty path written "/" (RFC 3986 §6.2.2-3)."""
    value = text(value)
    if not value:
        return None
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)$", value)
    if not m:
        return value
    scheme, authority, rest = m.groups()
    if scheme.lower() in ("http", "https") and not rest.startswith("/"):
        rest = "/" + rest
    return f"{scheme.lower()}://{authority.lower()}{rest}"


def first_alternate(links):
    for link in links or []:
        if isinstance(link, dict) and link.get("rel") in (None, "", "alternate"):
            return link.get("href")
    return None


# ---------------------------------------------------------------- expected outputs → one shape

def entry(id=None, link=None, title=None, published=None, updated=None, content=False, synthesized_id=False):
    return {"entry id": text(id), "entry link": url(link), "entry title": text(title),
            "entry published": published, "entry updated": updated, "content present": bool(content),
            "synthesized id": synthesized_id}


def gold_feed_rs(d):
    kind = d.get("feed_type")
    entries = []
    for e in d.get("entries") or []:
        ident = e.get("id")
        entries.append(entry(
            id=ident, link=first_alternate(e.get("links")), title=(e.get("title") or {}).get("content"),
            published=instant(e.get("published")), updated=instant(e.get("updated")),
            content=(e.get("content") or {}).get("body"),
            synthesized_id=bool(ident and SYNTHESIZED.match(ident))))
    return {"title": text((d.get("title") or {}).get("content")), "entries": entries,
            "score updated": kind in ("Atom", "JSON")}


def gold_gofeed_universal(d):
    entries = [entry(id=i.get("guid"), link=i.get("link"), title=i.get("title"),
                     published=instant(i.get("publishedParsed")), updated=instant(i.get("updatedParsed")),
                     content=i.get("content")) for i in d.get("items") or []]
    return {"title": text(d.get("title")), "entries": entries, "score updated": True}


def gold_gofeed_rss(d):
    entries = [entry(id=(i.get("guid") or {}).get("value"), link=i.get("link"), title=i.get("title"),
                     published=instant(i.get("pubDateParsed")), content=i.get("content"))
               for i in d.get("items") or []]
    return {"title": text(d.get("title")), "entries": entries, "score updated": False}


def gold_gofeed_atom(d):
    entries = [entry(id=e.get("id"), link=first_alternate(e.get("links")), title=e.get("title"),
                     published=instant(e.get("publishedParsed")), updated=instant(e.get("updatedParsed")),
                     content=(e.get("content") or {}).get("value"))
               for e in d.get("entries") or []]
    return {"title": text(d.get("title")), "entries": entries, "score updated": True}


def gold_jsonfeed(d):
    entries = [entry(id=i.get("id"), link=i.get("url") or i.get("external_url"), title=i.get("title"),
                     published=instant(i.get("date_published")), updated=instant(i.get("date_modified")),
                     content=i.get("content_html") or i.get("content_text"))
               for i in d.get("items") or [] if isinstance(i, dict)]
    return {"title": text(d.get("title")), "entries": entries, "score updated": True}


def ours(out):
    entries = [entry(id=e.get("id"), link=e.get("link"), title=e.get("title"),
                     published=instant(e.get("publishedAt")), updated=instant(e.get("updatedAt")),
                     content=e.get("content")) | {"published text": e.get("published"),
                                                  "updated text": e.get("updated")}
               for e in out.get("entries") or []]
    return {"title": text(out.get("title")), "entries": entries, "kind": out.get("kind"),
            "warnings": out.get("warnings") or []}


# ---------------------------------------------------------------- finding the cases

def cases(evalsets):
    """(corpus, group, name, input path, expected reader or None, expected path or None)."""
    root = os.path.join(evalsets, "feed-rs-fixtures", "feed-rs", "fixture")
    if os.path.isdir(root):
        for folder in sorted(os.listdir(root)):
            path = os.path.join(root, folder)
            for name in sorted(os.listdir(path)):
                if name.endswith(".serde.json") or not name.endswith((".xml", ".json")):
                    continue
                expected = os.path.join(path, name.rsplit(".", 1)[0] + ".serde.json")
                yield ("feed-rs", f"feed-rs {folder}", f"{folder}/{name}", os.path.join(path, name),
                       gold_feed_rs if os.path.exists(expected) else None,
                       expected if os.path.exists(expected) else None)
    root = os.path.join(evalsets, "gofeed-testdata", "testdata")
    if os.path.isdir(root):
        for dirpath, _, names in sorted(os.walk(root)):
            rel = os.path.relpath(dirpath, root)
            top = rel.split(os.sep)[0]
            for name in sorted(names):
                stem, ext = os.path.splitext(name)
                if ext == ".xml":
                    expected = os.path.join(dirpath, stem + ".json")
                elif ext == ".json" and not stem.endswith("_expected"):
                    expected = os.path.join(dirpath, stem + "_expected.json")
                    # In parser/universal a .json input is a case, never an expected output.
                    if not os.path.exists(expected) and rel != os.path.join("parser", "universal"):
                        continue
                else:
                    continue
                if top in ("translator", "extensions"):
                    reader = gold_gofeed_universal
                elif rel == os.path.join("parser", "rss"):
                    reader = gold_gofeed_rss
                elif rel == os.path.join("parser", "atom"):
                    reader = gold_gofeed_atom
                elif rel == os.path.join("parser", "json"):
                    reader = gold_jsonfeed
                else:
                    reader = None
                has = reader is not None and os.path.exists(expected)
                group = "gofeed " + (top + "/*" if top in ("translator", "extensions") else rel.replace(os.sep, "/"))
                yield ("gofeed", group, f"{rel}/{name}".replace(os.sep, "/"), os.path.join(dirpath, name),
                       reader if has else None, expected if has else None)


def run(ingestctl, path):
    try:
        p = subprocess.run([ingestctl, "feeds", "parse", path, "--json"], capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "timed out after 60 s"
    if p.returncode != 0:
        return None, p.stderr.decode("utf-8", "replace").strip() or f"exit {p.returncode}"
    try:
        return json.loads(p.stdout), None
    except ValueError as e:
        return None, f"output is not JSON: {e}"


# ---------------------------------------------------------------- comparing

def cause(field, mine, theirs, pair):
    if field == "entry id" and pair.get("gold synthesized") and mine is not None:
        return "feed-rs synthesized an id, ingestd has the item's own", None
    if mine is None and theirs is not None:
        if field in ("entry published", "entry updated"):
            raw = pair.get("published text" if field == "entry published" else "updated text")
            if raw:
                return "ingestd kept the date as text, unparsed", raw
        return "ingestd has none", None
    if theirs is None and mine is not None:
        return "only ingestd has one", None
    if field in ("entry published", "entry updated") and (mine - theirs) % 3600 == 0:
        return "instants differ by whole hours (time zone)", pair.get(
            "published text" if field == "entry published" else "updated text")
    if field == "content present":
        return ("ingestd has content, the library none" if mine else "the library has content, ingestd none"), None
    if field in ("entry title", "feed title") and mine and theirs and re.sub(r"<[^>]+>", "", mine).strip() == re.sub(r"<[^>]+>", "", theirs).strip():
        return "markup kept vs stripped", None
    return "different values", None


def compare(case, out, error, gold, stats, problems, notes):
    corpus, group, name = case[0], case[1], case[2]

    def score(field, mine, theirs, pair=None, where=""):
        for key in (corpus, group):
            stats[key][field][1] += 1
        if mine == theirs:
            for key in (corpus, group):
                stats[key][field][0] += 1
            return
        why, raw = cause(field, mine, theirs, pair or {}) if error is None else ("ingestd failed to parse", error)
        problems[(field, why)].append((name + where, mine, theirs, raw))

    mine = ours(out) if out else {"title": None, "entries": []}
    score("feed title", mine["title"], gold["title"])
    score("entry count", len(mine["entries"]), len(gold["entries"]))
    for i in range(max(len(mine["entries"]), len(gold["entries"]))):
        a = mine["entries"][i] if i < len(mine["entries"]) else None
        b = gold["entries"][i] if i < len(gold["entries"]) else None
        for field in ENTRY_FIELDS:
            if field == "entry updated" and not gold["score updated"]:
                continue
            if a is None or b is None:
                for key in (corpus, group):
                    stats[key][field][1] += 1
                why = "ingestd failed to parse" if error else ("entry missing in ingestd" if a is None else "extra entry in ingestd")
                problems[(field, why)].append((f"{name} #{i}", None, None, error))
                continue
            if field == "entry id" and corpus == "feed-rs" and b["synthesized id"] and a["entry id"] is None:
                notes["feed-rs synthesized ids not scored"] += 1
                continue
            score(field, a[field], b[field], a | {"gold synthesized": corpus == "feed-rs" and b["synthesized id"]}, f" #{i}")


# ---------------------------------------------------------------- report

def pct(pair):
    ok, n = pair
    return "–" if n == 0 else f"{100 * ok / n:.1f} % ({ok}/{n})"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ingestctl", default=".build/debug/ingestctl", help="the ingestctl binary")
    parser.add_argument("--evalsets", default=os.path.join(here, "..", "..", "shared", "evalsets"),
                        help="the evalsets folder (default: ../shared/evalsets next to the repository)")
    parser.add_argument("--examples", type=int, default=3, help="examples shown per cause")
    parser.add_argument("--jobs", type=int, default=2, help="ingestctl processes at once")
    args = parser.parse_args()

    evalsets = os.path.normpath(args.evalsets)
    have = [c for c in ("feed-rs-fixtures", "gofeed-testdata") if os.path.isdir(os.path.join(evalsets, c))]
    if not have:
        print(f"# Feed parser evaluation\n\nSkipped: no feed-rs-fixtures or gofeed-testdata under {evalsets}.")
        return 0
    if not os.access(args.ingestctl, os.X_OK):
        print(f"eval_feeds: {args.ingestctl} is not an executable; build it first (swift build)", file=sys.stderr)
        return 2

    all_cases = list(cases(evalsets))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda c: run(args.ingestctl, c[3]), all_cases))

    stats = collections.defaultdict(lambda: {f: [0, 0] for f in FIELDS})
    counts = collections.defaultdict(lambda: [0, 0])  # cases, parsed
    problems = collections.defaultdict(list)
    notes = collections.Counter()
    unscored = []
    for case, (out, error) in zip(all_cases, results):
        corpus, group, name, path, reader, expected = case
        if reader is None:
            unscored.append((corpus, name, out, error))
            continue
        with open(expected, encoding="utf-8") as f:
            gold = reader(json.load(f))
        for key in (corpus, group):
            counts[key][0] += 1
            counts[key][1] += error is None
        compare(case, out, error, gold, stats, problems, notes)

    command = " ".join(["scripts/eval_feeds.py", "--ingestctl", args.ingestctl]
                       + (["--evalsets", args.evalsets] if args.evalsets != parser.get_default("evalsets") else []))
    print("# Feed parser evaluation: `ingestctl feeds parse` vs feed-rs and gofeed\n")
    print(f"Command: `{command}`  ")
    print(f"Data: {', '.join(have)} under `{evalsets}`. Expected outputs are the libraries' behaviour, not a spec.\n")

    keys = sorted(counts, key=lambda k: (k.split()[0], k != k.split()[0], k))
    print("| corpus | cases | parsed | " + " | ".join(FIELDS) + " | all fields |")
    print("|---|---|---|" + "---|" * (len(FIELDS) + 1))
    for key in keys:
        total = [sum(stats[key][f][0] for f in FIELDS), sum(stats[key][f][1] for f in FIELDS)]
        name = f"**{key}**" if key in ("feed-rs", "gofeed") else key
        print(f"| {name} | {counts[key][0]} | {counts[key][1]} | "
              + " | ".join(pct(stats[key][f]) for f in FIELDS) + f" | {pct(total)} |")
    grand = [sum(stats[k][f][0] for k in ("feed-rs", "gofeed") if k in stats for f in FIELDS),
             sum(stats[k][f][1] for k in ("feed-rs", "gofeed") if k in stats for f in FIELDS)]
    print(f"\nOverall agreement, all corpora and fields: **{pct(grand)}**.")
    for note, n in notes.items():
        print(f"\nNot scored: {n} {note} (see the script's docstring).")

    print("\n## Disagreements by cause\n")
    if not problems:
        print("None.")
    for (field, why), items in sorted(problems.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"### {field}: {why} ({len(items)})\n")
        if (field, why) in EXPLAINED:
            print(EXPLAINED[(field, why)] + "\n")
        for name, mine, theirs, raw in items[: args.examples]:
            line = f"- `{name}`"
            if mine is not None or theirs is not None:
                line += f": ingestd {json.dumps(mine, ensure_ascii=False)[:120]}, library {json.dumps(theirs, ensure_ascii=False)[:120]}"
            if raw:
                line += f" (source text: {json.dumps(raw, ensure_ascii=False)[:160]})"
            print(line)
        print()

    print("## Inputs without an expected output (not scored)\n")
    for corpus, name, out, error in unscored:
        what = f"parsed as {out.get('kind')}, {len(out.get('entries') or [])} entries" if out else f"refused: {error}"
        if out and out.get("warnings"):
            what += f"; warnings: {'; '.join(out['warnings'])[:200]}"
        print(f"- {corpus} `{name}`: {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
