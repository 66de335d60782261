#!/usr/bin/env python3
"""`make bench`, end to end (issue 10): a running ingestd with the full default pipeline (clean, dedupe,
extract, classify) against a Python pipeline glued together the way a user would, and against the floor.

The corpus is built at run time from ../shared/evalsets (never copied into the repository; skipped with a
message when absent):
  - new stories: 9 to 15 sentences drawn from all BBC News articles of one category (the test half: odd
    file numbers), under one of their titles, so there are as many distinct stories as asked for; written
    as a text file (title line, paragraphs) or as an HTML page of one of three made-up sites (head
    metadata, JSON-LD, navigation, related links, footer);
  - the Readability test pages, as they are;
  - copies, about one document in six: the same file again, the story in the other format (text <-> HTML),
    or the story with one word changed and a line added. Each copy belongs to its original's group.
Truth kept per document: its duplicate group, its story's title and its BBC category.

Runs, one after another, on this machine:
  1. ingestd, each size (default 2,000 and 20,000; --full adds 200,000): every file renamed into the inbox
     at once, until every file has its ledger row. Throughput, CPU seconds per document (utime + stime of
     the daemon), peak RSS (VmHWM).
  2. ingestd latency: files renamed into the inbox at --rate per second for --latency-secs; the latency of
     each is its article's committedAt minus the moment of its rename (same clock).
  3. The Python reference on the middle size: a folder scan, two worker processes (multiprocessing) doing
     trafilatura.extract (text and metadata, JSON) or the text file's lines, and a datasketch MinHash of
     word 5-shingles; the parent does MinHash LSH (threshold 0.8) for near-duplicates, scikit-learn TF-IDF
     + LinearSVC for the topic, and sqlite3 inserts (article + queue row, commit every 200). Its Python is
     var/bench/venv (trafilatura, scikit-learn and datasketch, at the versions in PEER_PACKAGES, are
     installed there from PyPI when missing or different).
  4. The floor on the same files: scripts/floor.c --parse-html, libxml2's HTML parse and SQLite inserts only.
Both classifiers learn from the same examples: the BBC train half (even file numbers); ingestd's through
`ingestctl classify train`, with the built-in rules off so both answer with the five BBC categories.
Quality on the same documents: duplicate groups kept exactly once (duplicates dropped / expected, and
wrong drops), title right (normalised exact match against the story's title), category right.

    python3 scripts/bench_e2e.py --bin .build/release [--sizes 2000,20000] [--full] [--skip-peer]
"""
import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the running daemon, shared with bench.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATEGORIES = ["business", "entertainment", "politics", "sport", "tech"]

SITES = [
    ("Coast Herald", "coastherald.example", "Home News Business Sport Culture Opinion"),
    ("Daily Meridian", "meridian.example", "World Politics Money Science Arts Weather"),
    ("The Northern Post", "northernpost.example", "Latest Region Economy Tech Sport Letters"),
]


# --- corpus -------------------------------------------------------------------------------------------

def read_bbc(evalsets):
    root = os.path.join(evalsets, "bbc-news")
    train, test = [], []
    for cat in CATEGORIES:
        folder = os.path.join(root, cat)
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".txt"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                lines = f.read().split("\n")
            title = lines[0].strip()
            paragraphs = [p.strip() for p in "\n".join(lines[1:]).split("\n\n") if p.strip()]
            paragraphs = [" ".join(p.split()) for p in paragraphs]
            story = {"title": title, "paragraphs": paragraphs, "category": cat}
            (train if int(name[:3]) % 2 == 0 else test).append(story)
    return train, test


def read_pages(evalsets):
    pages = []
    root = os.path.join(evalsets, "readability-test-pages")
    for folder, _, files in sorted(os.walk(root)):
        if "source.html" in files:
            with open(os.path.join(folder, "source.html"), "rb") as f:
                pages.append(f.read())
    return pages


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def as_text(story):
    return (story["title"] + "\n\n" + "\n\n".join(story["paragraphs"]) + "\n").encode()


def as_html(story, site, n):
    name, host, nav = SITES[site]
    links = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in nav.split())
    date = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:30:00Z"
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": story["title"],
                     "datePublished": date, "publisher": {"@type": "Organization", "name": name}})
    body = "".join(f"<p>{esc(p)}</p>" for p in story["paragraphs"])
    related = "".join(f'<li><a href="/story/{n + k}">More from {name}: story {n + k}</a></li>' for k in range(1, 6))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(story["title"])} | {name}</title>'
            f'<meta property="og:title" content="{esc(story["title"])}"><meta property="og:site_name" content="{name}">'
            f'<meta property="article:published_time" content="{date}">'
            f'<link rel="canonical" href="https://{host}/story/{n}">'
            f'<script type="application/ld+json">{ld}</script></head><body>'
            f'<header><div class="logo">{name}</div><nav><ul>{links}</ul></nav></header>'
            f'<main><article><h1>{esc(story["title"])}</h1><div class="byline">Staff reporter</div>{body}</article>'
            f'<aside class="related"><h2>Related</h2><ul>{related}</ul></aside></main>'
            f'<footer><p>&copy; 2024 {name}. All rights reserved.</p><p><a href="/privacy">Privacy</a></p></footer>'
            '</body></html>').encode()


def train_model(bin_dir, train, work):
    """The BBC training stories as JSON Lines and the classify model `ingestctl classify train` makes of
    them, both in `work`; returns their paths."""
    train_path = os.path.join(work, "train.jsonl")
    with open(train_path, "w") as f:
        for s in train:
            f.write(json.dumps({"title": s["title"], "text": "\n\n".join(s["paragraphs"]), "label": s["category"]}) + "\n")
    model = os.path.join(work, "bbc.model")
    subprocess.run([os.path.join(bin_dir, "ingestctl"), "classify", "train", "--data", train_path, "--out", model],
                   check=True, capture_output=True)
    return train_path, model


def build_corpus(n, train_stories, test, pages, seed=10):
    """`n` documents: (name, bytes) and their truth. Deterministic for a given n."""
    rng = random.Random(seed)
    by_cat = {c: [s for s in test if s["category"] == c] for c in CATEGORIES}
    sentences = {c: [x for st in by_cat[c] for p in st["paragraphs"] for x in re.split(r"(?<=[.!?]) (?=[A-Z])", p)]
                 for c in CATEGORIES}
    docs, truth = [], []
    originals = []  # indexes of documents that are not copies (stories and pages)
    page_groups = {}
    groups = 0
    while len(docs) < n:
        i = len(docs)
        r = rng.random()
        if r < 0.03 and pages:
            p = rng.randrange(len(pages))
            group = page_groups.get(p)
            if group is None:
                group = page_groups[p] = groups
                groups += 1
                originals.append(i)
            docs.append((f"d{i:06d}.html", pages[p]))
            truth.append({"group": group, "page": p, "title": None, "category": None})
            continue
        if r < 0.18 and originals:
            o = rng.choice(originals)
            t = truth[o]
            if t["title"] is None:  # a page: the same file again
                docs.append((f"d{i:06d}.html", docs[o][1]))
                truth.append(dict(t))
                continue
            story, kind = t["story"], rng.randrange(3)
            if kind == 0:  # the same file again
                name = f"d{i:06d}" + os.path.splitext(docs[o][0])[1]
                docs.append((name, docs[o][1]))
            elif kind == 1:  # the other format
                if docs[o][0].endswith(".txt"):
                    docs.append((f"d{i:06d}.html", as_html(story, rng.randrange(3), i)))
                else:
                    docs.append((f"d{i:06d}.txt", as_text(story)))
            else:  # one word changed, a line added
                paragraphs = list(story["paragraphs"])
                k = rng.randrange(len(paragraphs))
                words = paragraphs[k].split()
                if words:
                    words[rng.randrange(len(words))] = rng.choice(["also", "now", "then", "still"])
                paragraphs[k] = " ".join(words)
                edited = dict(story, paragraphs=paragraphs + ["Reporting by the news desk."])
                docs.append((f"d{i:06d}.txt", as_text(edited)))
            truth.append(dict(t))
            continue
        # A new story: 9 to 15 sentences drawn from every test story of one category, under one of their
        # titles. Drawing from a few stories only made stories that hold most of another, which dedupe
        # rightly takes for copies.
        cat = rng.choice(CATEGORIES)
        chosen = rng.sample(sentences[cat], rng.randint(9, 15))
        paragraphs = [" ".join(chosen[k:k + 3]) for k in range(0, len(chosen), 3)]
        story = {"title": rng.choice(by_cat[cat])["title"], "paragraphs": paragraphs, "category": cat}
        if rng.random() < 0.5:
            docs.append((f"d{i:06d}.txt", as_text(story)))
        else:
            docs.append((f"d{i:06d}.html", as_html(story, rng.randrange(3), i)))
        truth.append({"group": groups, "title": story["title"], "category": cat, "story": story})
        groups += 1
        originals.append(i)
    for t in truth:
        t.pop("story", None)
    return docs, truth


def write_files(folder, docs):
    os.makedirs(folder, exist_ok=True)
    for name, data in docs:
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


def norm_title(s):
    return " ".join(re.findall(r"\w+", (s or "").lower()))


# --- quality --------------------------------------------------------------------------------------------

def quality(truth, names, results):
    """results: name -> (dropped as duplicate, title, category) for every document."""
    by_group, is_page = {}, {}
    for name, t in zip(names, truth):
        by_group.setdefault(t["group"], []).append(name)
        is_page[t["group"]] = t["title"] is None
    expected = sum(len(v) - 1 for v in by_group.values())
    caught = wrong = pages_lost = 0
    for group, members in by_group.items():
        kept = [m for m in members if not results.get(m, (False,))[0]]
        dropped = len(members) - len(kept)
        if kept:
            caught += dropped
        else:
            caught += len(members) - 1
            # Several Readability test pages hold the same Lorem ipsum text: dropping one of them as a
            # copy of another is right, so lost page groups are counted apart from lost stories.
            if is_page[group]:
                pages_lost += 1
            else:
                wrong += 1
    titles = categories = stories = 0
    for name, t in zip(names, truth):
        dropped, title, category = results.get(name, (False, None, None))
        if t["title"] is None or dropped:
            continue
        stories += 1
        titles += norm_title(title) == norm_title(t["title"])
        categories += category == t["category"]
    return {"dup_expected": expected, "dup_caught": caught, "groups_lost": wrong, "pages_lost": pages_lost,
            "stories": stories, "title_right": titles, "category_right": categories}


# --- ingestd --------------------------------------------------------------------------------------------

class Daemon(bench.Daemon):
    """bench.py's running ingestd (start, stop, CPU and memory from /proc), with classify on a trained
    model and the built-in rules off."""

    def __init__(self, bin_dir, state, model):
        super().__init__(bin_dir, state)
        with open(self.config, "a") as f:
            f.write(f'\n[stages.classify]\nrules = false\nmodel = "{model}"\nmax_labels = 1\nmodel_min_score = 0\n')

    def peak_rss_mb(self):
        return self.status_kib("VmHWM") / 1024

    def ledger_rows(self):
        try:
            with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5) as c:
                return c.execute("SELECT count(*) FROM inputLedger").fetchone()[0]
        except sqlite3.Error:
            return 0

    def wait(self, n, timeout):
        """Polls every 0.1 s on one read-only connection, with max(rowid), which reads one page; count(*)
        reads the whole table, and on a new connection each time it cost 1.7 ms of CPU at 5,000 rows and grew
        with the table, CPU the daemon did not get. Ledger rows are never deleted and a repeat updates its row
        in place, so max(rowid) < n means fewer than n rows; count(*) then confirms once."""
        deadline = time.time() + timeout
        c = None
        try:
            while time.time() < deadline:
                try:
                    if c is None:
                        c = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
                    # fetchall steps each statement to its end, which ends its read transaction: one left
                    # open through the sleep would hold back the daemon's checkpoints.
                    top = c.execute("SELECT max(rowid) FROM inputLedger").fetchall()[0][0] or 0
                    if top >= n and c.execute("SELECT count(*) FROM inputLedger").fetchall()[0][0] >= n:
                        return True
                except sqlite3.Error:
                    pass  # the database or table is not there yet
                time.sleep(0.1)
            return False
        finally:
            if c is not None:
                c.close()

    def results(self):
        """name -> (dropped as duplicate, title, top label) from the article table."""
        out = {}
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as c:
            for location, status, stage, title, labels in c.execute(
                    "SELECT location, status, dropStage, title, labels FROM article ORDER BY id"):
                name = os.path.basename(location)
                top = json.loads(labels)
                label = top[0].get("name") if top and isinstance(top[0], dict) else None
                out.setdefault(name, (status == "dropped" and stage == "dedupe", title, label))
            for location, in c.execute("SELECT location FROM inputLedger WHERE outcome = 'failed'"):
                out.setdefault(os.path.basename(location), (False, None, None))
        return out


def ingestd_burst(args, work, docs, model):
    d = Daemon(args.bin, os.path.join(work, "ingestd"), model)
    staging = os.path.join(d.state, "staging")
    write_files(staging, docs)
    os.makedirs(d.inbox, exist_ok=True)
    d.start()
    cpu0 = d.cpu_seconds()
    t0 = time.time()
    for name, _ in docs:
        os.rename(os.path.join(staging, name), os.path.join(d.inbox, name))
    if not d.wait(len(docs), args.timeout):
        d.stop()
        sys.exit(f"ingestd: only {d.ledger_rows()} of {len(docs)} files done in {args.timeout} s")
    wall = time.time() - t0
    cpu = d.cpu_seconds() - cpu0
    rss = d.peak_rss_mb()
    results = d.results()
    d.stop()
    shutil.rmtree(d.state, ignore_errors=True)
    return {"documents": len(docs), "wall": wall, "cpu": cpu, "rss": rss}, results


def ingestd_latency(args, work, docs, model):
    d = Daemon(args.bin, os.path.join(work, "latency"), model)
    count = min(len(docs), int(args.rate * args.latency_secs))
    docs = docs[:count]
    staging = os.path.join(d.state, "staging")
    write_files(staging, docs)
    os.makedirs(d.inbox, exist_ok=True)
    d.start()
    time.sleep(1)
    renamed = {}
    t0 = time.time()
    for k, (name, _) in enumerate(docs):
        due = t0 + k / args.rate
        pause = due - time.time()
        if pause > 0:
            time.sleep(pause)
        renamed[name] = time.time()
        os.rename(os.path.join(staging, name), os.path.join(d.inbox, name))
    if not d.wait(count, args.timeout):
        d.stop()
        sys.exit(f"latency run: only {d.ledger_rows()} of {count} files done")
    with sqlite3.connect(f"file:{d.db}?mode=ro", uri=True) as c:
        rows = c.execute("SELECT location, committedAt FROM article").fetchall()
    d.stop()
    shutil.rmtree(d.state, ignore_errors=True)
    latencies = sorted((at - renamed[os.path.basename(loc)]) * 1000 for loc, at in rows if os.path.basename(loc) in renamed)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    return {"files": count, "rate": args.rate, "p50_ms": p(0.5), "p99_ms": p(0.99), "max_ms": latencies[-1]}


# --- the Python reference -------------------------------------------------------------------------------

PEER = r'''
import json, multiprocessing, os, resource, sqlite3, sys, time
folder, db_path, train_path, out_path = sys.argv[1:5]

def work(name):
    import trafilatura
    from datasketch import MinHash
    with open(os.path.join(folder, name), "rb") as f:
        data = f.read().decode("utf-8", "replace")
    if name.endswith(".html"):
        doc = trafilatura.extract(data, output_format="json", with_metadata=True)
        doc = json.loads(doc) if doc else {}
        title, text = doc.get("title"), doc.get("text") or ""
    else:
        lines = data.split("\n", 1)
        title, text = lines[0].strip(), (lines[1] if len(lines) > 1 else "").strip()
    words = text.lower().split()
    m = MinHash(num_perm=128)
    for k in range(max(1, len(words) - 4)):
        m.update(" ".join(words[k:k + 5]).encode())
    return name, title, text, m

def main():
    from datasketch import MinHashLSH
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC
    texts, labels = [], []
    with open(train_path) as f:
        for line in f:
            row = json.loads(line)
            texts.append(row["title"] + "\n" + row["text"])
            labels.append(row["label"])
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2)
    model = LinearSVC().fit(vectorizer.fit_transform(texts), labels)
    db = sqlite3.connect(db_path)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        "CREATE TABLE article(id INTEGER PRIMARY KEY, location TEXT, title TEXT, text TEXT, label TEXT, duplicate INTEGER);"
        "CREATE TABLE queueItem(id INTEGER PRIMARY KEY, articleId INTEGER, state TEXT, createdAt REAL);")
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    wall0 = time.perf_counter()
    names = sorted(os.listdir(folder))
    results = {}
    with multiprocessing.Pool(2) as pool:
        for n, (name, title, text, m) in enumerate(pool.imap(work, names, chunksize=16)):
            duplicate = bool(lsh.query(m))
            label = None
            if not duplicate:
                lsh.insert(name, m)
                label = str(model.predict(vectorizer.transform([(title or "") + "\n" + text]))[0])
            cur = db.execute("INSERT INTO article(location, title, text, label, duplicate) VALUES (?, ?, ?, ?, ?)",
                             (name, title, text, label, int(duplicate)))
            if not duplicate:
                db.execute("INSERT INTO queueItem(articleId, state, createdAt) VALUES (?, 'ready', ?)", (cur.lastrowid, time.time()))
            if n % 200 == 199:
                db.commit()
            results[name] = [duplicate, title, label]
        db.commit()
        pool.close()
        pool.join()
    wall = time.perf_counter() - wall0
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out_path, "w") as f:
        json.dump({"wall": wall, "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                   "rss": max(me.ru_maxrss, kids.ru_maxrss) / 1024, "documents": len(names), "results": results}, f)

if __name__ == "__main__":
    main()
'''


# The reference's packages, pinned: pip would take the newest, and a new lxml alone changed the reference's
# speed by a third between two sessions. These are the versions of the eighth session's figures. jusText,
# which trafilatura imports, needs lxml_html_clean since lxml 5.2.
PEER_PACKAGES = {"trafilatura": "2.3.1", "lxml": "6.1.3", "lxml_html_clean": "0.4.6", "datasketch": "2.0.0",
                 "scikit-learn": "1.9.1"}


def peer_python():
    venv = os.path.join(ROOT, "var", "bench", "venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    have = installed_versions(python, PEER_PACKAGES)
    need = [f"{name}=={version}" for name, version in PEER_PACKAGES.items() if have.get(name) != version]
    if need:
        r = subprocess.run([python, "-m", "pip", "install", "-q", *need], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"Python reference skipped: pip install {' '.join(need)} failed: {r.stderr[-300:]}")
            return None
    return python


def installed_versions(python, names):
    """name -> version of each of `names` installed for `python` ("-" when it is not)."""
    code = ("import importlib.metadata as m, sys\n"
            "for n in sys.argv[1:]:\n"
            "    try: print(n, m.version(n))\n"
            "    except m.PackageNotFoundError: print(n, '-')")
    r = subprocess.run([python, "-c", code, *names], capture_output=True, text=True)
    return dict(line.split(" ", 1) for line in r.stdout.splitlines()) if r.returncode == 0 else {}


def peer_versions(python):
    """The versions of the reference's main packages in its venv, as `name version, ...`."""
    names = ["trafilatura", "lxml", "justext", "datasketch", "scikit-learn", "numpy"]
    versions = installed_versions(python, names)
    return ", ".join(f"{n} {versions.get(n, '?')}" for n in names) if versions else "unknown"


def run_peer(python, work, docs, train_path):
    folder = os.path.join(work, "peer-inbox")
    write_files(folder, docs)
    out = os.path.join(work, "peer.json")
    db = os.path.join(work, "peer.db")
    for suffix in ("", "-wal", "-shm", "-journal"):  # a fresh database each run (--rounds)
        try:
            os.remove(db + suffix)
        except FileNotFoundError:
            pass
    script = os.path.join(work, "peer.py")
    with open(script, "w") as f:
        f.write(PEER)
    subprocess.run([python, script, folder, db, train_path, out], check=True)
    with open(out) as f:
        r = json.load(f)
    shutil.rmtree(folder, ignore_errors=True)
    return r


def run_floor(work, docs):
    folder = os.path.join(work, "floor-inbox")
    write_files(folder, docs)
    binary = os.path.join(work, "floor")
    subprocess.run(["cc", "-O2", "-o", binary, os.path.join(ROOT, "scripts", "floor.c"), *bench.libxml2_flags(), "-lsqlite3"],
                   check=True)
    listing = "".join(os.path.join(folder, name) + "\n" for name, _ in docs)
    for suffix in ("", "-wal", "-shm", "-journal"):  # a fresh database each run (--rounds)
        try:
            os.remove(os.path.join(work, "floor.db" + suffix))
        except FileNotFoundError:
            pass
    out = subprocess.run([binary, os.path.join(work, "floor.db"), "--parse-html"], input=listing, capture_output=True,
                         text=True, check=True)
    rows, secs = out.stdout.split()
    shutil.rmtree(folder, ignore_errors=True)
    return {"documents": int(rows), "wall": float(secs)}


# --- report ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"))
    ap.add_argument("--evalsets", default=os.path.join(ROOT, "..", "shared", "evalsets"))
    ap.add_argument("--sizes", default="2000,20000")
    ap.add_argument("--full", action="store_true", help="add 200,000 documents to the sizes")
    ap.add_argument("--rate", type=float, default=200)
    ap.add_argument("--latency-secs", type=float, default=20)
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--rounds", type=int, default=1,
                    help="compare ingestd, the floor and the Python reference on the middle size this many times, "
                         "alternating (the order rotated each round), and report each round's ratios and their median: "
                         "on a shared machine one run of each, minutes apart, can be 20 %% off")
    ap.add_argument("--out", default=os.path.join(ROOT, "var", "bench", "e2e.md"))
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.evalsets, "bbc-news")):
        print(f"end-to-end benchmark skipped: {args.evalsets}/bbc-news is not there")
        return 0
    for tool in ("ingestd", "ingestctl"):
        if not os.path.exists(os.path.join(args.bin, tool)):
            sys.exit(f"{args.bin}/{tool} not found: build first (swift build -c release)")
    sizes = [int(s) for s in args.sizes.split(",")] + ([200_000] if args.full else [])
    middle = [s for s in sizes if s <= 20_000][-1]
    train, test = read_bbc(args.evalsets)
    pages = read_pages(args.evalsets)
    work = tempfile.mkdtemp(prefix="bench-e2e-", dir=os.path.join(ROOT, "var") if os.path.isdir(os.path.join(ROOT, "var")) else None)
    try:
        train_path, model = train_model(args.bin, train, work)
        runs = {}
        for size in sizes:
            docs, truth = build_corpus(size, train, test, pages)
            print(f"ingestd: {size} documents ...", file=sys.stderr)
            run, results = ingestd_burst(args, work, docs, model)
            run["quality"] = quality(truth, [n for n, _ in docs], results)
            runs[size] = run
        docs, truth = build_corpus(middle, train, test, pages)
        names = [n for n, _ in docs]
        mb = sum(len(d) for _, d in docs) / 1e6
        print("ingestd latency ...", file=sys.stderr)
        latency = ingestd_latency(args, work, docs, model)
        print("floor ...", file=sys.stderr)
        floor = run_floor(work, docs)
        peer = None
        python = None if args.skip_peer else peer_python()
        if python:
            print("Python reference ...", file=sys.stderr)
            peer = run_peer(python, work, docs, train_path)
            peer["quality"] = quality(truth, names, {k: tuple(v) for k, v in peer.pop("results").items()})
        # Further rounds: the three again, in a rotated order, so each ratio compares runs minutes apart at most.
        rounds = [(runs[middle], floor, peer)]
        for r in range(1, args.rounds):
            got = {}
            for what in (["ingestd", "floor", "peer"] * 2)[r % 3:r % 3 + 3]:
                print(f"round {r + 1}: {what} ...", file=sys.stderr)
                if what == "ingestd":
                    got[what] = ingestd_burst(args, work, docs, model)[0]
                elif what == "floor":
                    got[what] = run_floor(work, docs)
                elif python:
                    got[what] = run_peer(python, work, docs, train_path)
                    got[what].pop("results", None)
            rounds.append((got["ingestd"], got["floor"], got.get("peer")))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def q(r):
        x = r["quality"]
        return (f"{x['dup_caught']}/{x['dup_expected']}; stories lost {x['groups_lost']}, test pages {x['pages_lost']} | "
                f"{100 * x['title_right'] / max(1, x['stories']):.1f} % | {100 * x['category_right'] / max(1, x['stories']):.1f} %")

    main_run = runs[middle]
    lines = [
        f"end-to-end benchmark, {datetime.date.today()}: documents built from ../shared/evalsets (BBC News stories "
        f"as text and HTML, Readability test pages, about one in six a copy); {middle:,} documents = {mb:.0f} MB",
        f"machine: {os.cpu_count()} cores (nproc), {platform.processor() or platform.machine()}, Linux {platform.release()}; "
        f"load average at the end {os.getloadavg()[0]:.1f}",
        "",
        "| run | documents | docs/s | CPU ms/doc | peak RSS MB | copies dropped / expected; wrongly dropped | titles right | category right |",
        "|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for size, r in runs.items():
        lines.append(f"| ingestd, full pipeline | {size:,} | {r['documents'] / r['wall']:,.0f} | {1000 * r['cpu'] / r['documents']:.2f} | "
                     f"{r['rss']:.0f} | {q(r)} |")
    if peer:
        lines.append(f"| Python reference (2 workers) | {peer['documents']:,} | {peer['documents'] / peer['wall']:,.0f} | "
                     f"{1000 * peer['cpu'] / peer['documents']:.2f} | {peer['rss']:.0f} | {q(peer)} |")
    lines.append(f"| floor: libxml2 parse + SQLite insert, 1 process | {floor['documents']:,} | {floor['documents'] / floor['wall']:,.0f} | | | | | |")
    lines.append("")
    ours = main_run["documents"] / main_run["wall"]
    if peer:
        lines.append(f"ingestd vs the Python reference: {ours / (peer['documents'] / peer['wall']):.1f}x the documents/s "
                     f"(target >= 10x), {peer['cpu'] / peer['documents'] / (main_run['cpu'] / main_run['documents']):.1f}x less CPU per document")
    lines.append(f"ingestd vs the floor: {100 * ours / (floor['documents'] / floor['wall']):.0f} % of its documents/s (target >= 40 %)")
    if python:
        # The reference's speed moves with these versions (pip takes the newest): name them with the figures.
        lines.append("reference packages: " + peer_versions(python))
    if len(runs) > 1:
        base = min(runs)
        per = {s: r["cpu"] / r["documents"] for s, r in runs.items()}
        lines.append("CPU per document relative to " + f"{base:,}: " + ", ".join(f"{s:,}: {per[s] / per[base]:.2f}" for s in runs))
    if len(rounds) > 1:
        rate = lambda r: r["documents"] / r["wall"]
        vs_peer = [rate(i) / rate(p) for i, _, p in rounds if p]
        vs_floor = [rate(i) / rate(f) for i, f, _ in rounds]
        lines.append(f"{len(rounds)} rounds at {middle:,} documents (ingestd, floor, reference alternating); ingestd docs/s "
                     + ", ".join(f"{rate(i):,.0f}" for i, _, _ in rounds) + "; floor " + ", ".join(f"{rate(f):,.0f}" for _, f, _ in rounds)
                     + ("; reference " + ", ".join(f"{rate(p):,.0f}" for _, _, p in rounds if p) if vs_peer else ""))
        if vs_peer:
            lines.append(f"  vs the Python reference per round: {', '.join(f'{v:.1f}x' for v in vs_peer)}; "
                         f"median {statistics.median(vs_peer):.1f}x (target >= 10x)")
        lines.append(f"  vs the floor per round: {', '.join(f'{100 * v:.0f} %' for v in vs_floor)}; "
                     f"median {100 * statistics.median(vs_floor):.0f} % (target >= 40 %)")
    lines.append(f"drop-to-queue latency at {latency['rate']:.0f} files/s for {latency['files']:,} files: "
                 f"p50 {latency['p50_ms']:.0f} ms, p99 {latency['p99_ms']:.0f} ms, max {latency['max_ms']:.0f} ms")
    bench.write_report(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
