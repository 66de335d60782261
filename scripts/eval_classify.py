#!/usr/bin/env python3
"""Evaluates the classify stage on ../shared/evalsets/bbc-news (make eval-classify).

1. 5-fold cross-validation with `ingestctl classify evaluate` (exact duplicates removed first, by the command),
   for the default model and, with --compare, for every algorithm and n-gram setting; target: accuracy >= 97 %.
2. Training time on 2,000 deduplicated documents with `ingestctl classify train`; target: under 10 s.
3. A sanity figure for the default rules (no model): how often the top rule label is the bbc topic, with the
   five bbc topics mapped to taxonomy labels. The rules are meant for routing, not to match a corpus, so this
   is reported, not gated.

The evaluation data is read where it lies and never copied into the repository; the 2,000-document training
file goes to a temporary folder that is removed afterwards. Skips, saying so, when the data is absent.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "evalsets", "bbc-news"))
LABELS = ["business", "entertainment", "politics", "sport", "tech"]
# bbc topic -> default taxonomy label.
RULE_LABEL = {
    "business": "economy-business",
    "entertainment": "arts-culture-entertainment",
    "politics": "politics",
    "sport": "sport",
    "tech": "science-technology",
}


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr}")
    return proc.stdout


def load_deduplicated(data):
    """The bbc documents in folder and file order, byte-identical copies dropped (the first kept)."""
    seen, docs = set(), []
    for label in LABELS:
        folder = os.path.join(data, label)
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as f:
                raw = f.read()
            if raw in seen:
                continue
            seen.add(raw)
            docs.append((label, raw.decode("utf-8", errors="replace"), os.path.join(folder, name)))
    return docs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ingestctl", default=".build/release/ingestctl")
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--compare", action="store_true", help="also evaluate logreg, nb, word pairs, more buckets")
    ap.add_argument("--seeds", type=int, default=1, help="repeat with fold-split seeds 1..N and report the mean")
    args = ap.parse_args()

    if not os.path.isdir(args.data):
        print(f"eval-classify: skipped, no evaluation data at {args.data}")
        return 0

    configs = [("svm (default)", [])]
    if args.compare:
        configs += [
            ("logreg", ["--algorithm", "logreg"]),
            ("nb", ["--algorithm", "nb"]),
            ("svm, words and word pairs", ["--ngrams", "2"]),
            ("logreg, words and word pairs", ["--algorithm", "logreg", "--ngrams", "2"]),
            ("svm, 2^20 buckets", ["--bucket-bits", "20"]),
        ]
    print(f"# classify on {args.data}, {args.folds}-fold cross-validation\n")
    print(f"command: {args.ingestctl} classify evaluate --data {args.data} --folds {args.folds} [options]\n")
    print("| model | options | docs | duplicates removed | accuracy (seed 1) | macro-F1 (seed 1) "
          f"| mean accuracy, seeds 1-{args.seeds} | min | train s/fold (mean) |")
    print("|---|---|---|---|---|---|---|---|---|")
    failed = False
    for name, options in configs:
        accuracies = []
        for seed in range(1, args.seeds + 1):
            out = run([args.ingestctl, "classify", "evaluate", "--data", args.data, "--folds", str(args.folds),
                       "--seed", str(seed), "--json"] + options)
            result = json.loads(out)
            accuracies.append(result["report"]["accuracy"])
            if seed == 1:
                first = result
        report = first["report"]
        mean_train = sum(report["trainSeconds"]) / len(report["trainSeconds"])
        mean = sum(accuracies) / len(accuracies)
        print(f"| {name} | {' '.join(options) or '-'} | {report['documents']} | {first['duplicatesRemoved']} "
              f"| {report['accuracy'] * 100:.2f} % | {report['macroF1'] * 100:.2f} % | {mean * 100:.2f} % "
              f"| {min(accuracies) * 100:.2f} % | {mean_train:.2f} |")
        if not options:
            default_report = report
            failed |= min(accuracies) < 0.97

    print("\nper label (default model):\n")
    print("| label | precision | recall | F1 | support |")
    print("|---|---|---|---|---|")
    for m in default_report["perLabel"]:
        print(f"| {m['label']} | {m['precision'] * 100:.2f} % | {m['recall'] * 100:.2f} % | {m['f1'] * 100:.2f} % "
              f"| {m['support']} |")
    print("\nconfusion (rows: true, columns: predicted): " + ", ".join(default_report["labels"]))
    for label, row in zip(default_report["labels"], default_report["confusion"]):
        print(f"    {label:14} {row}")

    docs = load_deduplicated(args.data)
    with tempfile.TemporaryDirectory(prefix="eval-classify-") as tmp:
        subset = os.path.join(tmp, "train-2000.jsonl")
        # Every 2000/len-th document, so all five topics are in the subset.
        step = len(docs) / 2000
        picked = [docs[int(i * step)] for i in range(2000)]
        with open(subset, "w") as f:
            for label, text, _ in picked:
                f.write(json.dumps({"text": text, "label": label}) + "\n")
        start = time.monotonic()
        out = run([args.ingestctl, "classify", "train", "--data", subset, "--out", os.path.join(tmp, "m.model")])
        wall = time.monotonic() - start
        print(f"\ntraining on 2,000 documents: {wall:.2f} s wall for the whole command "
              f"(target < 10 s)\n    {out.strip().replace(os.linesep, os.linesep + '    ')}")
        failed |= wall >= 10

        # The default rules alone on every deduplicated document.
        texts = os.path.join(tmp, "texts.jsonl")
        with open(texts, "w") as f:
            for label, text, _ in docs:
                f.write(json.dumps({"text": text}) + "\n")
        out = run([args.ingestctl, "classify", "label", "--jsonl", texts])
        agree = none = 0
        for (label, _, _), line in zip(docs, out.splitlines()):
            labels = json.loads(line)["labels"]
            if not labels:
                none += 1
            elif labels[0]["name"] == RULE_LABEL[label]:
                agree += 1
        print(f"\ndefault rules, no model: top label = the bbc topic for {agree}/{len(docs)} "
              f"({agree / len(docs) * 100:.1f} %); no label for {none}")

    print("\n" + ("FAIL: a target was missed" if failed else "targets met: accuracy >= 97 %, training < 10 s"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
