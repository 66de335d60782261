#!/usr/bin/env python3
"""`make eval-dedupe`: precision and recall of the dedupe stage on real articles.

Data: ../shared/evalsets/bbc-news (2,225 BBC articles in 5 topic folders, with 98 groups of byte-identical
files: real exact duplicates). Skipped, saying so, when absent. Nothing from it is written into the project.

Each round runs `ingestctl run` with the pipeline `["dedupe"]` (no store: the stage remembers what it let
through during the run) over one JSON Lines file: every distinct article once (the negatives: any of them
dropped as a duplicate of another is a false positive; many share a topic, and some the same event), then
the variants of one kind, each of a different original:
- exact: the other members of the 98 groups of identical files;
- headline: the same text under another headline;
- boilerplate: another site's header and footer around the text;
- edited-N: N % of the sentences edited (words replaced, dropped, inserted, swapped);
- truncated-60: the first 60 % of the sentences;
- syndicated: boilerplate, 10 % of sentences edited and another headline at once.
A variant is a true positive when it is dropped into its original's cluster, a false positive when dropped
into another cluster, and a miss when let through. Rounds are separate runs, so one kind's variants never
match another kind's.

The distinct articles are not all distinct stories: the corpus holds updated versions of some stories that
are not byte-identical (the same text under a corrected headline, a later version of the text). A distinct
article dropped as a copy of another is counted as a true positive when at least 80 % of the shorter text's
three-word shingles appear verbatim in the other (computed exactly here, not estimated) or the two have the
same headline, and as a false positive otherwise. Different articles about one event share far less. Every
such pair is listed with its titles and both similarities, so the reader can judge it. Corpus pairs are
counted once, not once per round.
"""
import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "evalsets", "bbc-news")

HEADER = ("Advertisement. Sign up for our morning briefing and get the day's top stories in your inbox. "
          "Follow us on social media for live updates. ")
FOOTER = (" Copyright the publisher, all rights reserved. Share this story with your friends. "
          "More from this section: the latest headlines, most read and editor's picks.")
FILLERS = ["also", "now", "reportedly", "still", "however", "indeed", "further", "meanwhile"]


def load():
    """Distinct articles (title, text) and the extra members of identical-file groups, by original index."""
    by_hash, articles, exact = {}, [], []
    for topic in sorted(os.listdir(DATA)):
        folder = os.path.join(DATA, topic)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as f:
                raw = f.read()
            digest = hashlib.sha256(raw).hexdigest()
            text = raw.decode("utf-8", errors="replace").strip()
            title, _, body = text.partition("\n")
            if digest in by_hash:
                exact.append((by_hash[digest], title.strip(), body.strip()))
                continue
            by_hash[digest] = len(articles)
            articles.append((title.strip(), body.strip()))
    return articles, exact


def shingles(text):
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def containment(a, b):
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / max(1, min(len(sa), len(sb)))


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text.replace("\n", " ")) if s.strip()]


def edit_sentence(sentence, rng):
    words = sentence.split()
    for _ in range(3):
        if len(words) < 4:
            break
        op, i = rng.randrange(4), rng.randrange(len(words) - 1)
        if op == 0:
            words[i] = rng.choice(FILLERS)
        elif op == 1:
            del words[i]
        elif op == 2:
            words.insert(i, rng.choice(FILLERS))
        else:
            words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def edited(text, share, rng):
    parts = sentences(text)
    for i in rng.sample(range(len(parts)), max(1, round(len(parts) * share))) if parts else []:
        parts[i] = edit_sentence(parts[i], rng)
    return " ".join(parts)


def variants(kind, articles, exact, rng):
    """(original index, title, text) for each variant of `kind`."""
    if kind == "exact":
        return exact
    picks = rng.sample(range(len(articles)), min(400, len(articles)))
    out = []
    for i in picks:
        title, text = articles[i]
        if kind == "headline":
            out.append((i, "Update: " + title[::-1], text))
        elif kind == "boilerplate":
            out.append((i, title, HEADER + text + FOOTER))
        elif kind.startswith("edited-"):
            out.append((i, title, edited(text, int(kind.split("-")[1]) / 100, rng)))
        elif kind == "truncated-60":
            parts = sentences(text)
            out.append((i, title, " ".join(parts[:max(1, round(len(parts) * 0.6))])))
        elif kind == "syndicated":
            out.append((i, "Wire: " + title, HEADER + edited(text, 0.10, rng) + FOOTER))
    return out


def run_round(ingestctl, config, articles, items):
    """Runs originals then `items`; returns the output lines (one per input line, in order)."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for title, text in articles:
            f.write(json.dumps({"title": title, "text": text}) + "\n")
        for _, title, text in items:
            f.write(json.dumps({"title": title, "text": text}) + "\n")
        path = f.name
    try:
        r = subprocess.run([ingestctl, "run", "--json", "--config", config, path], capture_output=True, text=True)
    finally:
        os.unlink(path)
    lines = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    if len(lines) != len(articles) + len(items):
        sys.exit(f"ingestctl run gave {len(lines)} results for {len(articles) + len(items)} inputs: {r.stderr[-500:]}")
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ingestctl", default=os.path.join(ROOT, ".build", "debug", "ingestctl"))
    parser.add_argument("--threshold", type=float, default=None, help="override the stage's threshold")
    args = parser.parse_args()
    if not os.path.isdir(DATA):
        print(f"skipped: {DATA} is absent (see ../shared/evalsets/README.md)")
        return
    articles, exact = load()
    rng = random.Random(20261128)
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write('[daemon]\nstate_dir = "/tmp/ingestd-eval-dedupe"\n[pipeline]\nstages = ["dedupe"]\n')
        if args.threshold is not None:
            f.write(f"[stages.dedupe]\nthreshold = {args.threshold}\n")
        config = f.name

    kinds = ["exact", "headline", "boilerplate", "edited-5", "edited-10", "edited-15", "edited-20", "edited-30",
             "edited-40", "truncated-60", "syndicated"]
    rows, total_tp, total_fp = [], 0, 0
    negatives_fp = None
    for kind in kinds:
        items = variants(kind, articles, exact, random.Random(f"{kind}-{len(articles)}"))
        lines = run_round(args.ingestctl, config, articles, items)
        originals = lines[:len(articles)]
        clusters = [o["article"].get("clusterId") for o in originals]
        founder = {c: i for i, (c, o) in enumerate(zip(clusters, originals)) if o["outcome"] == "enqueue"}
        fp_neg, corpus_pairs = 0, []
        for i, o in enumerate(originals):
            if o["outcome"] != "drop":
                continue
            j = founder.get(clusters[i])
            overlap = containment(articles[j][1], articles[i][1]) if j is not None else 0.0
            same_title = j is not None and articles[j][0] == articles[i][0]
            corpus_pairs.append((overlap >= 0.8 or same_title, o["reason"].rsplit(": ", 1)[-1], overlap,
                                 articles[j][0] if j is not None else "?", articles[i][0]))
            if not (overlap >= 0.8 or same_title):
                fp_neg += 1
        if negatives_fp is None:
            negatives_fp = corpus_pairs
        tp = fp = miss = 0
        for (orig, _, _), out in zip(items, lines[len(articles):]):
            if out["outcome"] != "drop":
                miss += 1
            elif out["article"].get("clusterId") == clusters[orig]:
                tp += 1
            else:
                fp += 1
        total_tp += tp
        total_fp += fp
        rows.append((kind, len(items), tp, fp, miss, fp_neg))
    os.unlink(config)

    print(f"dedupe on bbc-news: {len(articles)} distinct articles (negatives), {len(exact)} exact copies, "
          f"400 variants per generated kind; default threshold unless --threshold.")
    print()
    print("| variants | n | found | recall | wrong cluster | distinct stories merged |")
    print("|---|---|---|---|---|---|")
    for kind, n, tp, fp, miss, fp_neg in rows:
        print(f"| {kind} | {n} | {tp} | {tp / n:.3f} | {fp} | {fp_neg} |")
    # The distinct articles are the same in every round: their pairs count once.
    total_tp += sum(1 for p in negatives_fp if p[0])
    total_fp += sum(1 for p in negatives_fp if not p[0])
    precision = total_tp / (total_tp + total_fp) if total_tp + total_fp else 1.0
    up_to_10 = [r for r in rows if r[0] in ("exact", "headline", "boilerplate", "edited-5", "edited-10", "syndicated")]
    recall_10 = sum(r[2] for r in up_to_10) / sum(r[1] for r in up_to_10)
    print()
    print(f"precision over every round: {precision:.4f} ({total_tp} true, {total_fp} false positives)")
    print(f"recall on variants with up to 10 % edits (exact, headline, boilerplate, edited-5/10, syndicated): {recall_10:.4f}")
    labelled = [p for p in negatives_fp if p[0]]
    print()
    print(f"distinct corpus articles dropped as copies: {len(negatives_fp)}; sharing at least 80 % of their "
          f"shingles or their headline with the original (counted as found): {len(labelled)}; the others, counted "
          f"as false positives:")
    for _, why, overlap, a, b in sorted((p for p in negatives_fp if not p[0]), key=lambda p: p[2]):
        print(f"- {why}, exact containment {overlap:.2f}: \"{a}\" / \"{b}\"")


if __name__ == "__main__":
    main()
