#!/usr/bin/env python3
"""`make bench`, shared store (issue 11): ingestd instances on one PostgreSQL database, next to one instance
on SQLite, on this machine; and the claim rate of 8 concurrent consumers on either store.

Throughput: N text files (distinct made-up stories, every tenth a copy of the one before, 1 KB each) are
written to staging folders, split across the instances' inboxes, and renamed in at once; the figure is the
articles queued per second from the first rename to the last queue row's createdAt. Each instance runs the
default pipeline (clean, dedupe, extract, classify). All instances share this machine's cores, so more
instances only help where the store, not the CPU, is the limit: the store-bound figures (pipeline
["dedupe"] only) show that part.

Claims: `ingestctl bench claim` fills a queue of its own and runs 8 consumer threads claiming 10 rows and
acking them until it is empty (one process: the figure is the store's, not process start-up).

The PostgreSQL server is the tests' private one (scripts/pg_test_server.sh, durability settings off), each
run in a schema of its own. Skipped, saying so, when PostgreSQL is not installed.

    python3 scripts/bench_shared.py --build-dir .build/release [--docs 6000]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench import Daemon, machine, write_report  # noqa: E402
import made_up_words  # noqa: E402



def story(n, words=150):
    """A made-up story of its own (scripts/made_up_words.py), 1 KB."""
    return f"Story {n}\n\nStory {n} " + made_up_words.words(n, words) + ".\n"


def psql(url, sql):
    r = subprocess.run(["psql", url, "-tAqc", sql], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return r.stdout.strip()


class Instance(Daemon):
    """bench.py's daemon with a [store] section and a pipeline of our choosing."""

    def __init__(self, build_dir, state, store_toml, pipeline):
        super().__init__(build_dir, state)
        with open(self.config, "a") as f:
            f.write("\n" + store_toml + f"\n[pipeline]\nstages = {json.dumps(pipeline)}\n")


def run(build_dir, work, docs, instances, backend, url, pipeline):
    """Returns articles/s into the queue and the number queued."""
    schema = "bench_" + uuid.uuid4().hex[:10]
    daemons = []
    for i in range(instances):
        if backend == "postgres":
            store = (f'[store]\nbackend = "postgres"\nurl = "{url}?options=-csearch_path%3D{schema}"\n'
                     f'instance = "bench-{i}"\n')
        else:
            store = ""
        daemons.append(Instance(build_dir, os.path.join(work, f"{backend}-{instances}-{i}"), store, pipeline))
    if backend == "postgres":
        psql(url, f"CREATE SCHEMA {schema}")
    staging = os.path.join(work, "staging")
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    names = []
    for i in range(docs):
        n = i - 1 if i % 10 == 9 else i
        name = f"s{i}.txt"
        with open(os.path.join(staging, name), "w") as f:
            f.write(story(n))
        names.append(name)
    for d in daemons:
        d.start()
    expected = docs - docs // 10

    def queued():
        if backend == "postgres":
            return int(psql(url, f"SELECT count(*) FROM {schema}.queueItem") or 0)
        return daemons[0].queued()

    t0 = time.time()
    for i, name in enumerate(names):
        os.rename(os.path.join(staging, name), os.path.join(daemons[i % instances].inbox, name))
    deadline = time.time() + 1800
    while queued() < expected and time.time() < deadline:
        time.sleep(0.2)
    got = queued()
    if backend == "postgres":
        last = float(psql(url, f"SELECT max(createdAt) FROM {schema}.queueItem"))
    else:
        import sqlite3
        with sqlite3.connect(f"file:{daemons[0].db}?mode=ro", uri=True) as c:
            last = c.execute("SELECT max(createdAt) FROM queueItem").fetchone()[0]
    for d in daemons:
        d.stop()
    if backend == "postgres":
        psql(url, f"DROP SCHEMA {schema} CASCADE")
    return got / (last - t0), got, expected


def claim(build_dir, work, backend, url, fill):
    schema = "claim_" + uuid.uuid4().hex[:10]
    state = os.path.join(work, f"claim-{backend}")
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(state)
    config = os.path.join(state, "ingestd.toml")
    with open(config, "w") as f:
        f.write(f'[daemon]\nstate_dir = "{state}"\n')
        if backend == "postgres":
            psql(url, f"CREATE SCHEMA {schema}")
            f.write(f'[store]\nbackend = "postgres"\nurl = "{url}?options=-csearch_path%3D{schema}"\n')
    r = subprocess.run([os.path.join(build_dir, "ingestctl"), "bench", "claim", "--config", config,
                        "--fill", str(fill), "--consumers", "8", "--batch", "10"], capture_output=True, text=True)
    if backend == "postgres":
        psql(url, f"DROP SCHEMA {schema} CASCADE")
    if r.returncode != 0:
        sys.exit("bench claim failed: " + r.stderr)
    return json.loads(r.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default=os.path.join(ROOT, ".build/release"))
    parser.add_argument("--docs", type=int, default=6000)
    parser.add_argument("--claim-fill", type=int, default=20000)
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    if not os.path.exists("/usr/bin/psql") or not subprocess.run(
            ["sh", "-c", "ls -d /usr/lib/postgresql/*/bin"], capture_output=True).stdout:
        print("bench_shared: skipped, PostgreSQL is not installed (apt-get install postgresql)")
        return
    url = subprocess.run(["sh", os.path.join(HERE, "pg_test_server.sh"), "start"], capture_output=True, text=True,
                         check=True).stdout.strip()
    work = os.path.join(ROOT, "var/bench/shared")
    os.makedirs(work, exist_ok=True)
    lines = [f"Machine: {machine()}", f"Load average at start: {os.getloadavg()[0]:.1f}", "",
             f"{args.docs} files, 1 KB each, one in ten a copy; articles queued per second:", "",
             "| store | instances | default pipeline | dedupe only |", "|---|---:|---:|---:|"]
    for backend, counts in (("sqlite", [1]), ("postgres", [1, 2, 3])):
        for n in counts:
            full, got_full, expected = run(build_dir, work, args.docs, n, backend, url,
                                           ["clean", "dedupe", "extract", "classify"])
            bare, got_bare, _ = run(build_dir, work, args.docs, n, backend, url, ["dedupe"])
            note = "" if got_full == expected and got_bare == expected else f" (queued {got_full}/{got_bare} of {expected})"
            lines.append(f"| {backend} | {n} | {full:,.0f} | {bare:,.0f}{note} |")
            print(lines[-1], flush=True)
    lines += ["", f"Claim and ack, 8 consumer threads, batches of 10, {args.claim_fill} rows:", "",
              "| store | acked/s | claims/s | delivered twice |", "|---|---:|---:|---:|"]
    for backend in ("sqlite", "postgres"):
        r = claim(build_dir, work, backend, url, args.claim_fill)
        lines.append(f"| {backend} | {r['ackedPerSec']:,.0f} | {r['claimsPerSec']:,.0f} | {r['deliveredTwice']} |")
        print(lines[-1], flush=True)
    print()
    write_report(lines, os.path.join(ROOT, "var/bench/shared.md"))


if __name__ == "__main__":
    main()
