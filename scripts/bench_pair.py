#!/usr/bin/env python3
"""Compares the CPU per document of two ingestd builds on the end-to-end benchmark's corpus, both running at
the same time.

    python3 scripts/bench_pair.py --a OLD_BUILD_DIR --b .build/release [--docs 5000] [--rounds 5]

Why at the same time: on a shared machine, runs of one build minutes apart differ by 15-20 % in CPU per
document, more than most changes are worth. Here both daemons run at once on the same files (moved into
their inboxes alternately, the first of each pair alternating by round), so a slow or fast spell of the
machine hits both. Running the same build as A and B gave ratios of 0.97-1.00 in four rounds.

Each build dir must hold `ingestd` and `ingestctl`. `--extra-a` / `--extra-b` append TOML to that daemon's
config (for comparing settings on one build). Prints each round's CPU ms per document and the median B/A.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_e2e as E  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", required=True, help="build dir of the baseline")
    ap.add_argument("--b", required=True, help="build dir of the candidate")
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--extra-a", default="")
    ap.add_argument("--extra-b", default="")
    ap.add_argument("--evalsets", default=os.path.join(E.ROOT, "..", "shared", "evalsets"))
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.evalsets, "bbc-news")):
        print(f"paired benchmark skipped: {args.evalsets}/bbc-news is not there")
        return 0
    train, test = E.read_bbc(args.evalsets)
    pages = E.read_pages(args.evalsets)
    docs, _ = E.build_corpus(args.docs, train, test, pages)
    work = tempfile.mkdtemp(prefix="bench-pair-")
    try:
        _, model = E.train_model(args.a, train, work)
        ratios = []
        for r in range(args.rounds):
            daemons = []
            for k, (build, extra) in enumerate(((args.a, args.extra_a), (args.b, args.extra_b))):
                d = E.Daemon(build, os.path.join(work, f"round{r}-{'ab'[k]}"), model)
                if extra:
                    with open(d.config, "a") as f:
                        f.write("\n" + extra.replace("\\n", "\n") + "\n")
                E.write_files(os.path.join(d.state, "staging"), docs)
                os.makedirs(d.inbox, exist_ok=True)
                d.start()
                daemons.append(d)
            cpu0 = [d.cpu_seconds() for d in daemons]
            order = daemons if r % 2 == 0 else daemons[::-1]
            for name, _ in docs:
                for d in order:
                    os.rename(os.path.join(d.state, "staging", name), os.path.join(d.inbox, name))
            for d in daemons:
                if not d.wait(len(docs), 900):
                    sys.exit(f"round {r}: {d.state} did not queue every document")
            cpu = [(d.cpu_seconds() - c) * 1000 / len(docs) for d, c in zip(daemons, cpu0)]
            for d in daemons:
                d.stop()
                shutil.rmtree(d.state, ignore_errors=True)
            ratios.append(cpu[1] / cpu[0])
            print(f"round {r}: A {cpu[0]:.3f}  B {cpu[1]:.3f} ms CPU/doc  B/A {ratios[-1]:.3f}", flush=True)
        print(f"{args.docs} documents, {args.rounds} rounds: median B/A CPU per document {statistics.median(ratios):.3f} "
              f"(min {min(ratios):.3f}, max {max(ratios):.3f})")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
