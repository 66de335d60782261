#!/usr/bin/env python3
"""`make bench`, dedupe: the stage's time per article with 10 k, 100 k and 1 M fingerprints stored.

`ingestctl bench-dedupe` fills one database with synthetic originals (news-sized texts of random words,
fingerprinted by the stage itself and committed as the daemon commits) up to each size, then runs 2,000 new
articles through the stage against it: nine in ten unrelated (the miss path), one in ten a stored text with a
word changed (the hit path). The stage looks each one up through the store's indexes (one per exact key, one
on the LSH bands), so the time per article must not grow with the number stored. Space per fingerprint is
read from SQLite's dbstat table: the two dedupe tables and their indexes, nothing of the articles.

Nothing is loaded at start: the index is the database's, so "loading the index" costs nothing whatever its
size; the stage keeps in memory only the originals still in the pipeline.
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def dedupe_bytes(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        try:
            rows = c.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
        except sqlite3.Error:
            return None
    return sum(size for name, size in rows if "dedupe" in name.lower())


def daemon_start_secs(build_dir, db):
    """Seconds from starting ingestd on `db` until its control socket answers `GET /v1/version` (not
    `status`, whose queue counts read the whole queue table)."""
    import socket
    state = os.path.dirname(db)
    config = os.path.join(state, "ingestd.toml")
    sock_path = os.path.join(state, "control.sock")
    with open(config, "w") as f:
        f.write(f'[daemon]\nstate_dir = "{state}"\nlog_level = "warning"\n[store]\npath = "{db}"\n'
                '[[sources.folders]]\nname = "inbox"\npath = "inbox"\n')
    start = time.time()
    proc = subprocess.Popen([os.path.join(build_dir, "ingestd"), "--config", config],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.time() - start < 120:
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                    s.connect(sock_path)
                    s.sendall(b"GET /v1/version HTTP/1.1\r\nHost: x\r\n\r\n")
                    if s.recv(64).startswith(b"HTTP/1.1 200"):
                        return time.time() - start
            except OSError:
                pass
            time.sleep(0.01)
        return None
    finally:
        proc.terminate()
        proc.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ingestctl", default=os.path.join(ROOT, ".build", "release", "ingestctl"))
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    db = os.path.join(ROOT, "var", "bench", "dedupe", "ingestd.db")
    os.makedirs(os.path.dirname(db), exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        r = subprocess.run([args.ingestctl, "bench-dedupe", "--db", db, "--fingerprints", str(size), "--probes", "2000"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"bench-dedupe failed: {r.stderr}")
        result = json.loads(r.stdout)
        per_fp = dedupe_bytes(db)
        rows.append((size, result, per_fp / result["fingerprints"] if per_fp else None))
    base = rows[0][1]["microsPerArticle"]
    out = ["| fingerprints stored | µs per article (wall) | CPU µs per article | vs 10 k | duplicates found of 200 planted | dedupe tables, bytes per fingerprint | fill time | peak RSS |",
           "|---|---|---|---|---|---|---|---|"]
    for size, r, per_fp in rows:
        out.append(f"| {size:,} | {r['microsPerArticle']:.0f} | {r['cpuMicrosPerArticle']:.0f} | "
                   f"{r['microsPerArticle'] / base:.2f}× | {r['duplicatesFound']} | "
                   f"{per_fp:.0f} | {r['fillSecs']:.0f} s | {r['maxRSSMB']:.0f} MiB |" if per_fp else "n/a")
    started = daemon_start_secs(os.path.dirname(args.ingestctl), db)
    out.append("")
    out.append(f"ingestd start to ready on the database with {rows[-1][1]['fingerprints']:,} fingerprints: "
               + (f"{started:.2f} s (nothing is loaded: the index is the database's)" if started else "did not start"))
    report = "\n".join(out)
    print(report)
    with open(os.path.join(ROOT, "var", "bench", "dedupe.md"), "w") as f:
        f.write(report + "\n")


if __name__ == "__main__":
    main()
