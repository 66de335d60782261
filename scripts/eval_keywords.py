#!/usr/bin/env python3
"""Measures keyword quality without gold keywords, over ../shared/evalsets/bbc-news (2,225 BBC articles,
line 1 = headline, folder = topic). The headline is withheld: keywords come from the body alone.

Two proxies, for each method (`ingestctl extract keywords --drop-first-line --limit 10`):
  A. title recall: the share of the headline's content words (lowercased, crudely stemmed, stop words and
     numbers left out) found among the words of the body's top keywords. A headline names what the story
     is about, so good key phrases should contain its words. Reported twice: over the top-10 phrases, and
     over their first 10 words (so a method is not rewarded just for longer phrases).
  B. topic prediction: 5-fold cross-validated accuracy of a multinomial naive Bayes that sees only the
     words of the top-10 keywords and predicts the folder (business, entertainment, politics, sport, tech).
     Keywords that capture what an article is about predict its topic.

Methods: yake (the default); tfidf-loo, TF-IDF against document frequencies of the whole collection with
each article left out of its own (the steady state of a daemon that has seen many articles); tfidf-online,
TF-IDF learning from the articles as they come (a cold start, in a fixed shuffled order); tf, term frequency
alone (TF-IDF with an empty background), as a floor.

Byte-identical duplicates are dropped first. The data is read where it lies; the temporary background model
is written to a temporary folder and removed. Skips, saying so, when the data is absent.
Usage: scripts/eval_keywords.py [--ingestctl .build/release/ingestctl] [--data DIR]
"""
import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "evalsets", "bbc-news"))
LABELS = ["business", "entertainment", "politics", "sport", "tech"]
# Headline words that carry no topic (the measure's own short list).
STOP = set("""a an the and or but of to in on at for from by with as is are was were be been it its this that
these those he she they we you i his her their our your not no new says say said after over up out into off
about than more most how why what who will would can could may might has have had do does did s""".split())


def crude_stem(word):
    """Lowercase and strip common English endings, the same for headline and keyword words."""
    w = word.lower().replace("\u2019", "'")
    w = re.sub(r"'s$", "", w)
    for suffix in ("ings", "ing", "ies", "ied", "es", "ed", "ers", "er", "ly", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)]
    return w


def words(text):
    return [w for w in re.findall(r"[^\W\d_][\w'\u2019-]*", text)]


def load(data):
    seen, docs = set(), []
    for label in LABELS:
        folder = os.path.join(data, label)
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                raw = f.read()
            if raw in seen:
                continue
            seen.add(raw)
            title = raw.decode("utf-8", "replace").split("\n", 1)[0]
            docs.append({"path": path, "label": label, "title": title})
    return docs


def run_keywords(ingestctl, paths, extra):
    cmd = [ingestctl, "extract", "keywords", "--drop-first-line", "--json", "--limit", "10", "--language", "en"]
    proc = subprocess.run(cmd + extra + paths, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd + extra)} …\n{proc.stderr}")
    out = {}
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        out[row["file"]] = [k["phrase"] for k in row["keywords"]]
    return out


def title_recall(docs, keywords):
    found_phrases = found_words = total = 0
    phrase_words = 0
    for d in docs:
        target = {crude_stem(w) for w in words(d["title"]) if w.lower() not in STOP}
        if not target:
            continue
        kw = keywords[d["path"]]
        kw_words = [crude_stem(w) for phrase in kw for w in words(phrase)]
        phrase_words += len(kw_words)
        total += len(target)
        found_phrases += len(target & set(kw_words))
        found_words += len(target & set(kw_words[:10]))
    return found_phrases / total, found_words / total, phrase_words / len(docs)


def topic_accuracy(docs, keywords, folds=5, seed=1):
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    bags = [[crude_stem(w) for phrase in keywords[d["path"]] for w in words(phrase)] for d in docs]
    right = 0
    for fold in range(folds):
        test = set(order[fold::folds])
        counts = {label: {} for label in LABELS}
        totals = {label: 0 for label in LABELS}
        priors = {label: 0 for label in LABELS}
        vocab = set()
        for i, d in enumerate(docs):
            if i in test:
                continue
            priors[d["label"]] += 1
            for w in bags[i]:
                counts[d["label"]][w] = counts[d["label"]].get(w, 0) + 1
                totals[d["label"]] += 1
                vocab.add(w)
        v = len(vocab) + 1
        for i in test:
            best, best_score = None, -math.inf
            for label in LABELS:
                score = math.log(priors[label] + 1)
                for w in bags[i]:
                    score += math.log((counts[label].get(w, 0) + 1) / (totals[label] + v))
                if score > best_score:
                    best, best_score = label, score
            right += best == docs[i]["label"]
    return right / len(docs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ingestctl", default=".build/release/ingestctl")
    ap.add_argument("--data", default=DEFAULT_DATA)
    args = ap.parse_args()
    if not os.path.isdir(args.data):
        print(f"skipped: evaluation data not found at {args.data}")
        return
    if not os.access(args.ingestctl, os.X_OK):
        sys.exit(f"{args.ingestctl} not found: build it first (swift build -c release)")
    docs = load(args.data)
    paths = [d["path"] for d in docs]
    shuffled = paths[:]
    random.Random(7).shuffle(shuffled)
    print(f"bbc-news: {len(docs)} articles after dropping byte-identical copies; headline withheld\n")
    with tempfile.TemporaryDirectory() as tmp:
        background = os.path.join(tmp, "background.tsv")
        body_dir = os.path.join(tmp, "bodies")
        os.mkdir(body_dir)
        # The background counts bodies only, as the keywords see them.
        bodies = []
        for i, p in enumerate(paths):
            with open(p, encoding="utf-8", errors="replace") as f:
                body = f.read().split("\n", 1)[-1]
            bp = os.path.join(body_dir, f"{i}.txt")
            with open(bp, "w", encoding="utf-8") as f:
                f.write(body)
            bodies.append(bp)
        subprocess.run([args.ingestctl, "extract", "background", "--language", "en", "--out", background] + bodies,
                       check=True, capture_output=True)
        empty = os.path.join(tmp, "empty.tsv")
        with open(empty, "w") as f:
            f.write("ingestd-background 1\t0\n")
        methods = [
            ("yake", ["--method", "yake"], paths),
            ("tfidf-loo", ["--method", "tfidf", "--background", background, "--leave-one-out"], paths),
            ("tfidf-online", ["--method", "tfidf"], shuffled),
            ("tf", ["--method", "tfidf", "--background", empty], paths),
        ]
        print(f"{'method':14} {'title recall@10 phrases':>24} {'@10 words':>10} {'words/10 phrases':>17} "
              f"{'topic accuracy (NB, 5-fold)':>28}")
        for name, extra, order in methods:
            keywords = run_keywords(args.ingestctl, order, extra)
            r_phrases, r_words, mean_words = title_recall(docs, keywords)
            acc = topic_accuracy(docs, keywords)
            print(f"{name:14} {r_phrases:24.1%} {r_words:10.1%} {mean_words:17.1f} {acc:28.1%}")
    print(f"\ncommand: {args.ingestctl} extract keywords --drop-first-line --json --limit 10 --language en "
          "--method M [--background FILE --leave-one-out] FILE…")


if __name__ == "__main__":
    main()
