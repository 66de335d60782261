#!/usr/bin/env python3
"""The reliability suite (`make reliability`, `make reliability-short`): faults done to the real release
binaries in temporary folders, each followed by checks on the inbox, the folders and the SQLite queue.

  crash       kill -9 at random moments during an ingest, restart, repeat; then let it finish
  disk full   the database and the inbox on a small tmpfs that is filled up (or, when mounting is not
              permitted, under `prlimit --fsize`); then the space is given back
  contention  a consumer holds the write lock, another a long read, while files are dropped
  faults      misbehaving feeds and exec plugins at the same time, under a load of dropped files
  fuzzing     the feed parser, the HTML cleaner, the config loader and the control API's request parser,
              with libFuzzer (fuzz/run.sh builds and runs the targets)

Writes a Markdown table (fault, what was done, what was checked, result) to var/reliability/report.md and to
stdout; exits 1 when any check failed.

  python3 scripts/reliability.py [--short] [--bin-dir .build/release] [--only crash,disk,contention,faults,fuzz]
"""

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# MARK: the daemon


class Daemon:
    """One ingestd in its own folder: config, state, log. Started and stopped (or killed) many times."""

    def __init__(self, bin_dir, base, state_dir=None, extra=""):
        self.bin_dir = bin_dir
        self.base = base
        self.state = state_dir or os.path.join(base, "state")
        self.inbox = os.path.join(self.state, "inbox")
        self.db = os.path.join(self.state, "ingestd.db")
        self.config = os.path.join(base, "ingestd.toml")
        self.log_path = os.path.join(base, "ingestd.log")
        self.proc = None
        self.starts = 0
        os.makedirs(self.inbox, exist_ok=True)
        with open(self.config, "w") as f:
            f.write(
                f'[daemon]\nstate_dir = "{self.state}"\ncontrol_socket = "{os.path.join(base, "control.sock")}"\n'
                f'log_level = "info"\n\n[[sources.folders]]\nname = "inbox"\npath = "inbox"\n\n{extra}\n')

    def start(self, wait=True, timeout=30):
        log = open(self.log_path, "a")
        log.write(f"--- start {self.starts + 1} at {time.time():.3f}\n")
        log.flush()
        self.proc = subprocess.Popen(
            [os.path.join(self.bin_dir, "ingestd"), "--config", self.config], stdout=log, stderr=log,
            stdin=subprocess.DEVNULL)
        log.close()
        self.starts += 1
        if wait:
            return self.wait_ready(timeout)
        return True

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            r = self.ctl(["status", "--json"], timeout=5)
            if r.returncode == 0 and '"pid"' in r.stdout:
                return True
            time.sleep(0.1)
        return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
        if self.proc:
            self.proc.wait()

    def stop(self, timeout=60):
        """SIGTERM and wait; returns the exit status."""
        if not self.proc:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return -9
        return self.proc.returncode

    def ctl(self, args, timeout=30):
        try:
            return subprocess.run(
                [os.path.join(self.bin_dir, "ingestctl")] + args + ["--config", self.config],
                capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            return subprocess.CompletedProcess(e.cmd, 124, "", "timed out")

    def status(self):
        r = self.ctl(["status", "--json"], timeout=10)
        try:
            return json.loads(r.stdout)
        except ValueError:
            return None

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def inbox_files(inbox):
    """Names waiting at the top of the inbox (not folders, not dotfiles)."""
    try:
        return [n for n in os.listdir(inbox) if not n.startswith(".") and os.path.isfile(os.path.join(inbox, n))]
    except OSError:
        return []


def listing(folder):
    try:
        return os.listdir(folder)
    except OSError:
        return []


def queued_by_file(db):
    """File name → queue row ids of its queued articles, and the dropped articles (name, stage, reason)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        rows = con.execute(
            "SELECT a.location, q.id FROM article a JOIN queueItem q ON q.articleId = a.id "
            "WHERE a.status = 'queued' ORDER BY q.id").fetchall()
        dropped = con.execute("SELECT location, dropStage, dropReason FROM article WHERE status = 'dropped'").fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM article a LEFT JOIN queueItem q ON q.articleId = a.id "
            "WHERE a.status = 'queued' AND q.id IS NULL").fetchone()[0]
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    result = {}
    for location, qid in rows:
        result.setdefault(os.path.basename(location), []).append(qid)
    return result, [(os.path.basename(l), s, r) for l, s, r in dropped], orphans, integrity


def queue_total(db):
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT count(*) FROM queueItem").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return -1


def wait_until(predicate, timeout, step=0.25):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


# MARK: inputs


class Corpus:
    """Distinct small inputs: dedupe must not see two of them as the same story, and clean must keep each."""

    SYLLABLES = ["ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "pi", "nex", "qua", "bri", "ost", "ula", "fen",
                 "gar", "hol", "ith", "jun", "mor", "nal", "pex", "rud", "sim", "tor", "vam", "wic", "yel", "zan"]

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.words = sorted({"".join(self.rng.choice(self.SYLLABLES) for _ in range(self.rng.randint(2, 4)))
                             for _ in range(20000)})

    def sentence(self, n):
        return " ".join(self.rng.choice(self.words) for _ in range(n)).capitalize() + "."

    def good(self, n):
        """(name, bytes) of the n-th good input: text or HTML."""
        title = f"Dispatch {n} " + " ".join(self.rng.choice(self.words) for _ in range(4))
        paragraphs = [" ".join(self.sentence(self.rng.randint(8, 14)) for _ in range(4)) for _ in range(3)]
        if n % 3 == 0:
            body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
            html = (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
                    f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>\n{body}</article>"
                    f"<footer>Footer</footer></body></html>\n")
            return f"g{n:05d}.html", html.encode()
        return f"g{n:05d}.txt", (title + "\n\n" + "\n\n".join(paragraphs) + "\n").encode()

    def bad(self, n):
        """(name, bytes) of the n-th bad input: binary, another extension, empty, broken JSON."""
        kind = n % 4
        if kind == 0:
            return f"b{n:05d}.txt", bytes([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, n % 256]) + os.urandom(64)
        if kind == 1:
            return f"b{n:05d}.pdf", b"%PDF-1.4 not really " + str(n).encode()
        if kind == 2:
            return f"b{n:05d}.txt", b""
        return f"b{n:05d}.json", b'{"title": broken ' + str(n).encode()

    def inputs(self, count, bad_every=33):
        """count inputs, one in `bad_every` bad, shuffled a little: (name, bytes, good)."""
        items = []
        for n in range(count):
            if n % bad_every == bad_every - 1:
                name, data = self.bad(n)
                items.append((name, data, False))
            else:
                name, data = self.good(n)
                items.append((name, data, True))
        return items


def drop(inbox, staging, name, data, rename):
    """Writes a file into the inbox, either in place or renamed in from a staging folder."""
    if rename:
        tmp = os.path.join(staging, name)
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(inbox, name))
    else:
        with open(os.path.join(inbox, name), "wb") as f:
            f.write(data)


def check_placement(inbox, items, allow_inbox=False):
    """Every input in exactly one of inbox/done/failed; failed ones with their reason file. Returns problems."""
    top = set(inbox_files(inbox))
    done = set(listing(os.path.join(inbox, "done")))
    failed_all = set(listing(os.path.join(inbox, "failed")))
    reports = {n[: -len(".error.json")] for n in failed_all if n.endswith(".error.json")}
    failed = {n for n in failed_all if not n.endswith(".error.json")}
    problems = []
    names = {name for name, _, _ in items}
    for name, _, good in items:
        places = [p for p, s in (("inbox", top), ("done", done), ("failed", failed)) if name in s]
        if len(places) != 1:
            problems.append(f"{name} in {places or 'nowhere'}")
        elif places == ["inbox"] and not allow_inbox:
            problems.append(f"{name} still in the inbox")
        elif places == ["failed"] and good:
            problems.append(f"good file {name} in failed/")
        elif places == ["done"] and not good:
            problems.append(f"bad file {name} in done/")
        if name in failed and name not in reports:
            problems.append(f"{name} in failed/ without {name}.error.json")
    extra = (top | done | failed) - names
    if extra:
        problems.append(f"unexpected files: {sorted(extra)[:5]}")
    return problems


def check_queue(db, items):
    """Every good input's article exactly once in the queue, no bad one. Returns problems and counts."""
    by_file, dropped, orphans, integrity = queued_by_file(db)
    problems = []
    if integrity != "ok":
        problems.append(f"integrity_check: {integrity}")
    for name, _, good in items:
        ids = by_file.get(name, [])
        if good and len(ids) != 1:
            problems.append(f"{name}: {len(ids)} queue rows")
        if not good and ids:
            problems.append(f"bad file {name} queued")
    for name, stage, reason in dropped[:5]:
        problems.append(f"{name} dropped by {stage}: {reason}")
    if orphans:
        problems.append(f"{orphans} queued articles without a queue row")
    return problems, sum(len(v) for v in by_file.values())


def summarize(problems, limit=4):
    if not problems:
        return "pass"
    more = f" (+{len(problems) - limit} more)" if len(problems) > limit else ""
    return "FAIL: " + "; ".join(problems[:limit]) + more


# MARK: crash


def crash(args, report):
    rounds, count = (3, 1000) if args.short else (20, 5000)
    base = tempfile.mkdtemp(prefix="rel-crash-", dir=args.tmp)
    daemon = Daemon(args.bin_dir, base)
    staging = os.path.join(base, "staging")
    os.makedirs(staging)
    rng = random.Random(args.seed)
    items = Corpus(args.seed).inputs(count)
    chunks = [items[i * len(items) // rounds:(i + 1) * len(items) // rounds] for i in range(rounds)]
    kills = []
    started = time.time()
    problems = []
    for r, chunk in enumerate(chunks):
        before = max(0, queue_total(daemon.db))
        # A dropper writes this round's files (some in place, some renamed in) while the daemon runs; the kill
        # comes at a random moment: sometimes before the daemon is ready, mostly while it is busy.
        def dropper(chunk=chunk):
            for name, data, _ in chunk:
                drop(daemon.inbox, staging, name, data, rename=rng.random() < 0.5)
                if rng.random() < 0.05:
                    time.sleep(0.01)
        thread = threading.Thread(target=dropper)
        daemon.start(wait=False)
        thread.start()
        # The moment: mostly when the queue has grown by a random part of this round's files (mid-ingest,
        # commits and moves in flight), sometimes a random instant of the start-up.
        begun = time.time()
        if rng.random() < 0.15:
            time.sleep(rng.uniform(0.02, 0.4))
        else:
            target = before + int(rng.uniform(0.05, 0.95) * sum(1 for _, _, g in chunk if g))
            wait_until(lambda: queue_total(daemon.db) >= target, timeout=30, step=0.01)
        delay = time.time() - begun
        queued = queue_total(daemon.db)
        alive = daemon.alive()
        daemon.kill9()
        thread.join()
        kills.append((round(delay, 2), queued))
        if not alive:
            problems.append(f"round {r + 1}: ingestd had exited before the kill:\n{daemon.log()[-1500:]}")
    # The last run goes to the end.
    good = sum(1 for _, _, g in items if g)
    if not daemon.start():
        problems.append("ingestd did not start after the last kill")
    finished = wait_until(lambda: not inbox_files(daemon.inbox) and queue_total(daemon.db) >= good, timeout=600)
    time.sleep(1.0)
    exit_status = daemon.stop()
    elapsed = time.time() - started
    if not finished:
        problems.append(f"not finished: {len(inbox_files(daemon.inbox))} files left in the inbox, "
                        f"{queue_total(daemon.db)} queued of {good}")
    if exit_status != 0:
        problems.append(f"SIGTERM exit status {exit_status}")
    problems += check_placement(daemon.inbox, items)
    queue_problems, queued = check_queue(daemon.db, items)
    problems += queue_problems
    kills_moments = ", ".join(f"{d}s/{q}" for d, q in kills[:6]) + (" …" if len(kills) > 6 else "")
    report.add(
        "crash (kill -9)",
        f"{count} files ({count - good} bad: binary, .pdf, empty, broken JSON) dropped in {rounds} parts, half "
        f"renamed in; `kill -9` at a random moment of each part (seconds after start/rows queued: {kills_moments}), restart; "
        f"then run to the end ({elapsed:.0f} s)",
        f"every good file's article exactly once in `queueItem` ({queued} rows for {good} good files), no "
        "article dropped, every file in exactly one of inbox/done/failed, each failed one with NAME.error.json, "
        "`PRAGMA integrity_check`, SIGTERM exits 0",
        summarize(problems), problems)
    keep_or_remove(args, base, problems)


def keep_or_remove(args, base, problems):
    if problems and not args.keep_going_clean:
        print(f"  kept for inspection: {base}", file=sys.stderr)
    else:
        shutil.rmtree(base, ignore_errors=True)


# MARK: disk full


def fill(path, chunk=1 << 16):
    """Writes zeros to `path` until the file system says it is full; returns the bytes written."""
    written = 0
    block = b"\0" * chunk
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                written += f.write(block)
            except OSError:
                if chunk > 512:
                    chunk //= 8
                    block = b"\0" * chunk
                    continue
                break
    return written


def disk_full(args, report):
    base = tempfile.mkdtemp(prefix="rel-disk-", dir=args.tmp)
    mountpoint = os.path.join(base, "small")
    os.makedirs(mountpoint)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m,mode=0755", "tmpfs", mountpoint],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        report.add("disk full", "tmpfs of 24 MiB for the database and the inbox",
                   "-", f"SKIPPED: mount not permitted ({mounted.stderr.strip()})", [])
        shutil.rmtree(base, ignore_errors=True)
        return
    problems = []
    try:
        problems = disk_full_run(args, report, base, mountpoint)
    finally:
        subprocess.run(["umount", "-l", mountpoint])
    keep_or_remove(args, base, problems)


def disk_full_run(args, report, base, mountpoint):
    count = 300 if args.short else 1000
    full_secs = 25 if args.short else 60
    state = os.path.join(mountpoint, "state")
    daemon = Daemon(args.bin_dir, base, state_dir=state)
    corpus = Corpus(args.seed + 1)
    warm = [corpus.good(100000 + n) + (True,) for n in range(30)]
    items = [corpus.good(n) + (True,) for n in range(count)]
    bad = [corpus.bad(200000 + n) + (False,) for n in range(8)]
    problems = []
    started = time.time()
    daemon.start()
    for name, data, _ in warm:
        drop(daemon.inbox, None, name, data, rename=False)
    if not wait_until(lambda: not inbox_files(daemon.inbox) and queue_total(daemon.db) >= len(warm), 60):
        problems.append("warm-up files not ingested")
    # Intake held while the files are written, then the rest of the file system filled: the daemon meets a
    # full disk on its first commit.
    daemon.ctl(["pause"])
    for name, data, _ in bad + items:
        drop(daemon.inbox, None, name, data, rename=False)
    filler = os.path.join(mountpoint, "filler")
    filled = fill(filler)
    daemon.ctl(["resume"])
    time.sleep(full_secs)
    alive = daemon.alive()
    status = daemon.status() or {}
    store_error = find_key(status, "lastStoreError")
    intake = json.dumps(status)[:4000]
    good_names = {name for name, _, _ in items}
    failed_now = [n for n in listing(os.path.join(daemon.inbox, "failed")) if n in good_names]
    bad_problems = [p for p in check_placement(daemon.inbox, bad, allow_inbox=True) if "without" in p]
    queued_full = queue_total(daemon.db)
    left_full = len(inbox_files(daemon.inbox))
    log = daemon.log()
    errors_while_full = sum(1 for line in log.splitlines() if "error" in line.lower())
    if not alive:
        problems.append(f"ingestd exited while the disk was full:\n{log[-1500:]}")
    if not store_error or "waiting on the store" not in store_error:
        problems.append(f"status does not say intake is waiting on the store: {store_error}")
    if failed_now:
        problems.append(f"{len(failed_now)} files moved to failed/ while the disk was full: {failed_now[:3]}")
    problems += [p + " (while the disk was full)" for p in bad_problems]
    if left_full == 0:
        problems.append("every file left the inbox while the disk was full (the disk was not full?)")
    # Space comes back.
    os.remove(filler)
    if not alive:
        daemon.start()
    finished = wait_until(lambda: not inbox_files(daemon.inbox) and queue_total(daemon.db) >= count + len(warm),
                          timeout=300)
    time.sleep(1.0)
    store_error_after = find_key(daemon.status() or {}, "lastStoreError")
    if store_error_after and "waiting" in store_error_after:
        problems.append(f"status still says waiting after the space came back: {store_error_after}")
    time.sleep(0.5)
    exit_status = daemon.stop()
    elapsed = time.time() - started
    if not finished:
        problems.append(f"not finished after space came back: {len(inbox_files(daemon.inbox))} left in the inbox, "
                        f"{queue_total(daemon.db)} queued")
    if exit_status != 0:
        problems.append(f"SIGTERM exit status {exit_status}")
    problems += check_placement(daemon.inbox, items + warm + bad)
    queue_problems, queued = check_queue(daemon.db, items + warm + bad)
    problems += queue_problems
    report.add(
        "disk full",
        f"database and inbox on a 24 MiB tmpfs; {len(warm)} files ingested, then intake paused, {count} files "
        f"dropped with {len(bad)} bad ones, the rest of the tmpfs filled ({filled >> 10} KiB), intake resumed and left {full_secs} s on a "
        f"full disk; then the filler removed ({elapsed:.0f} s in all)",
        f"while full: ingestd up, `ingestctl status` says intake waits on the store (`{(store_error or 'none')[:150]}`), nothing in "
        f"failed/ but bad files, each with its reason ({left_full} still in the inbox, {queued_full} queued, {errors_while_full} error log lines); "
        f"after: status no longer says waiting, inbox empty, every good file exactly once in the queue ({queued} rows) and in done/, bad ones in failed/ with "
        "NAME.error.json, SIGTERM exits 0",
        summarize(problems), problems)
    if args.verbose:
        print(intake, file=sys.stderr)
    return problems


def find_key(value, key):
    """The first value of `key` anywhere in a JSON value."""
    if isinstance(value, dict):
        if value.get(key):
            return value[key]
        for v in value.values():
            found = find_key(v, key)
            if found:
                return found
    elif isinstance(value, list):
        for v in value:
            found = find_key(v, key)
            if found:
                return found
    return None


# MARK: contention


def contention(args, report):
    base = tempfile.mkdtemp(prefix="rel-busy-", dir=args.tmp)
    hold = 12 if args.short else 25
    count = 200 if args.short else 600
    daemon = Daemon(args.bin_dir, base)
    corpus = Corpus(args.seed + 2)
    items = [corpus.good(n) + (True,) for n in range(count)]
    # JSON Lines files: the daemon keeps one document's articles in order (one commit, ids increasing).
    lines_files = []
    for n in range(10):
        records = [{"title": f"Line {k} of batch {n} " + corpus.sentence(3), "text": corpus.sentence(60)}
                   for k in range(5)]
        name = f"l{n:03d}.jsonl"
        lines_files.append((name, "".join(json.dumps(r) + "\n" for r in records).encode(), True))
    problems = []
    started = time.time()
    daemon.start()
    drop(daemon.inbox, None, "first.txt", corpus.good(99999)[1], rename=False)
    wait_until(lambda: queue_total(daemon.db) >= 1, 30)
    log_before = len(daemon.log())

    locked = threading.Event()
    release = threading.Event()

    def writer():
        con = sqlite3.connect(daemon.db, timeout=30, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE queueItem SET updatedAt = updatedAt WHERE id = (SELECT min(id) FROM queueItem)")
        locked.set()
        release.wait(hold)
        con.execute("COMMIT")
        con.close()

    def reader():
        con = sqlite3.connect(daemon.db, timeout=30, isolation_level=None)
        con.execute("BEGIN")
        con.execute("SELECT count(*) FROM article").fetchone()
        time.sleep(hold * 2)
        con.execute("COMMIT")
        con.close()

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    locked.wait(10)
    for n, (name, data, _) in enumerate(items):
        drop(daemon.inbox, None, name, data, rename=False)
        if n % 50 == 0:
            time.sleep(0.2)
    for name, data, _ in lines_files:
        drop(daemon.inbox, None, name, data, rename=False)
    for t in threads:
        t.join()
    total = count + len(lines_files) * 5 + 1
    finished = wait_until(lambda: not inbox_files(daemon.inbox) and queue_total(daemon.db) >= total, 300)
    elapsed = time.time() - started
    time.sleep(0.5)
    exit_status = daemon.stop()
    log = daemon.log()[log_before:]
    busy_lines = [l for l in log.splitlines() if "busy" in l.lower() or "locked" in l.lower()]
    failed = [n for n in listing(os.path.join(daemon.inbox, "failed"))]
    if not finished:
        problems.append(f"not finished: {len(inbox_files(daemon.inbox))} left, {queue_total(daemon.db)} queued")
    if exit_status != 0:
        problems.append(f"SIGTERM exit status {exit_status}")
    if failed:
        problems.append(f"{len(failed)} files in failed/: {failed[:3]}")
    if len(busy_lines) > 10:
        problems.append(f"{len(busy_lines)} busy/locked log lines (an error storm): {busy_lines[0][:200]}")
    problems += check_placement(daemon.inbox, items + lines_files + [("first.txt", b"", True)])
    by_file, dropped, _, _ = queued_by_file(daemon.db)
    for name, _, _ in items:
        if len(by_file.get(name, [])) != 1:
            problems.append(f"{name}: {len(by_file.get(name, []))} queue rows")
    con = sqlite3.connect(f"file:{daemon.db}?mode=ro", uri=True)
    out_of_order = 0
    for name, _, _ in lines_files:
        rows = con.execute(
            "SELECT a.title FROM article a JOIN queueItem q ON q.articleId = a.id WHERE a.location LIKE ? "
            "ORDER BY q.id", ("%/" + name,)).fetchall()
        order = [int(t.split()[1]) for (t,) in rows]
        if order != sorted(order) or len(order) != 5:
            out_of_order += 1
            problems.append(f"{name}: lines queued in order {order}")
    # Files have no promised order (workers run in parallel); how far the queue follows the drop order is
    # reported, not checked.
    ids = [by_file[name][0] for name, _, _ in items if len(by_file.get(name, [])) == 1]
    inversions = sum(1 for a, b in zip(ids, ids[1:]) if b < a)
    con.close()
    for name, stage, reason in dropped[:3]:
        problems.append(f"{name} dropped by {stage}: {reason}")
    report.add(
        "database contention",
        f"a consumer holds `BEGIN IMMEDIATE` (the write lock) for {hold} s and another a read transaction for "
        f"{hold * 2} s while {count} files and 10 JSON Lines files (5 articles each) are dropped ({elapsed:.0f} s)",
        f"no file failed or lost (all in done/, each once in the queue), the lines of each JSON Lines file "
        f"queued in order, at most 10 busy/locked log lines ({len(busy_lines)}); drop order kept for files: "
        f"{len(ids) - 1 - inversions} of {len(ids) - 1} neighbours (not promised)",
        summarize(problems), problems)
    keep_or_remove(args, base, problems)


# MARK: fuzzing


FUZZ_TARGETS = [
    ("feed parser", "FeedParserFuzz", "RSS, Atom and JSON Feed documents through `FeedParser.parse`"),
    ("HTML cleaner", "CleanFuzz", "pages and fragments through the clean stage's extraction and normalisation"),
    ("config loader", "ConfigFuzz", "TOML through `ConfigLoader` into `IngestConfiguration` and validation"),
    ("control API requests", "RequestFuzz", "bytes through the Unix socket server's HTTP/1.1 request parser"),
    ("input decoding", "DecodeFuzz", "bytes through charset decoding, the binary check, the HTML reader (against the "
     "scalar reader it replaced) and SHA-256"),
]


def fuzz(args, report):
    seconds = args.fuzz_seconds or (20 if args.short else 300)
    script = os.path.join(ROOT, "fuzz", "run.sh")
    # The harnesses link against the objects of the build that made the binaries (<scratch>/release).
    env = dict(os.environ, SCRATCH=os.path.dirname(os.path.normpath(args.bin_dir)))
    build = subprocess.run(["sh", script, "build"], capture_output=True, text=True, cwd=ROOT, env=env)
    if build.returncode != 0:
        report.add("fuzzing", "build the libFuzzer targets (fuzz/run.sh build)", "-",
                   "FAIL: build failed: " + build.stderr.strip()[-300:], [build.stderr[-3000:]])
        return
    for title, target, what in FUZZ_TARGETS:
        started = time.time()
        run = subprocess.run(["sh", script, "run", target, str(seconds)], capture_output=True, text=True, cwd=ROOT,
                             env=env)
        elapsed = time.time() - started
        out = run.stdout + run.stderr
        execs = ""
        for line in reversed(out.splitlines()):
            if "stat::number_of_executed_units" in line:
                execs = line.split(":")[-1].strip()
                break
        cov = ""
        for line in reversed(out.splitlines()):
            if line.startswith("#") and " cov: " in line:
                cov = line.split(" cov: ")[1].split()[0]
                break
        leaks = ", no leak" if target != "ConfigFuzz" else " (leaks not checked: TOMLKit leaks each string)"
        problems = []
        if run.returncode != 0:
            lines = [l for l in out.splitlines() if "Cannot export local symbol" not in l]
            crash_line = next((l for l in lines if "ERROR" in l or "Fatal" in l), "")
            artifact = next((l for l in lines if "Test unit written to" in l), "")
            problems.append(f"exit {run.returncode}: {crash_line[:200]} {artifact[-80:]}")
        report.add(
            f"fuzzing: {title}",
            f"libFuzzer with AddressSanitizer on `{target}`: {what}, {elapsed:.0f} s from the seed corpus "
            f"in fuzz/corpus/{target}",
            f"no crash, no timeout (>10 s), no out-of-memory (>2 GB){leaks}; {execs or '?'} inputs run, "
            f"coverage {cov or '?'}",
            summarize(problems), problems)


# MARK: feed and plugin faults under load

FEEDSERVER = os.path.join(ROOT, "Tests", "IngestIntegrationTests", "FeedServer", "feedserver.py")

# Feeds that misbehave in every way the feed issue names, and two that do not.
BAD_FEEDS = [("laughs", "/billion-laughs.xml"), ("unavailable", "/status/503"),
             ("loop", "/redirect/loop"), ("to-file", "/redirect/file"), ("drip", "/drip"), ("huge", "/big"),
             ("bomb", "/gzip-bomb"), ("missing", "/status/404")]
GOOD_FEEDS = [("good", "/feed.xml", ["First item", "Second item"]), ("atom", "/atom.xml", ["Atom one"])]

# `flaky` (on_error = skip) crashes on "crash-me", hangs on "hang-me", writes garbage for "garble-me";
# `strict` (on_error = fail) gives its verdict `fail` on "poison": that file must end in failed/.
PLUGIN_PRELUDE = """import json, sys, time
def send(m):
    sys.stdout.write(json.dumps(m) + "\\n")
    sys.stdout.flush()
json.loads(sys.stdin.readline())
send({"hello": {"protocol": 1}})
for line in sys.stdin:
    message = json.loads(line)
    if "id" not in message:
        continue
    text = message["article"]["text"]
"""
FLAKY = PLUGIN_PRELUDE + """    if "crash-me" in text:
        sys.exit(3)
    if "hang-me" in text:
        time.sleep(3600)
    if "garble-me" in text:
        print("<html>not an answer</html>", flush=True)
        continue
    send({"id": message["id"], "action": "continue", "changes": {"fields": {"flaky": "seen"}}})
"""
STRICT = PLUGIN_PRELUDE + """    if "poison" in text:
        send({"id": message["id"], "action": "fail", "reason": "poison found"})
        continue
    send({"id": message["id"], "action": "continue"})
"""


def faults(args, report):
    count = 600 if args.short else 3000
    base = tempfile.mkdtemp(prefix="rel-faults-", dir=args.tmp)
    # The server exits when its stdin closes: it stays open until the end.
    server = subprocess.Popen([sys.executable, FEEDSERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    problems = []
    try:
        port = int(server.stdout.readline().strip())
        url = lambda path: f"http://127.0.0.1:{port}{path}"
        plugins = os.path.join(base, "plugins")
        for name, script, on_error in (("flaky", FLAKY, "skip"), ("strict", STRICT, "fail")):
            os.makedirs(os.path.join(plugins, name))
            with open(os.path.join(plugins, name, "plugin.py"), "w") as f:
                f.write(script)
            with open(os.path.join(plugins, name, "plugin.toml"), "w") as f:
                f.write(f'name = "{name}"\ncommand = ["python3", "plugin.py"]\non_error = "{on_error}"\n'
                        'timeout_ms = 1000\n')
        feeds = "".join(f'[[sources.feeds]]\nname = "{n}"\nurl = "{url(p)}"\n\n'
                        for n, p in BAD_FEEDS + [(n, p) for n, p, _ in GOOD_FEEDS])
        extra = (f'[plugins]\ndirectories = ["{plugins}"]\n\n'
                 '[pipeline]\nstages = ["clean", "dedupe", "flaky", "extract", "classify", "strict"]\n\n'
                 f'[feeds]\ntimeout_secs = 3\nmax_body_bytes = 1048576\n\n{feeds}')
        daemon = Daemon(args.bin_dir, base, extra=extra)
        corpus = Corpus(args.seed + 3)
        items, marked = [], {}
        for n in range(count):
            if n % 33 == 32:
                name, data = corpus.bad(n)
                items.append((name, data, False))
                continue
            name, data = corpus.good(n)
            mark = next((m for every, m in ((47, "crash-me"), (61, "hang-me"), (53, "garble-me"), (71, "poison"))
                         if n % every == every - 1), None)
            if mark:
                # In the body, which is the text plugins see (a text file's first line is its title).
                data = data.replace(b"<p>", f"<p>{mark} ".encode(), 1) if name.endswith(".html") else \
                    data.replace(b"\n\n", f"\n\n{mark} ".encode(), 1)
                marked[name] = mark
            items.append((name, data, mark != "poison"))
        staging = os.path.join(base, "staging")
        os.makedirs(staging)
        started = time.time()
        if not daemon.start():
            problems.append(f"ingestd did not start:\n{daemon.log()[-1500:]}")
            report.add("feed and plugin faults under load", "start ingestd with faulty feeds and plugins", "-",
                       summarize(problems), problems)
            keep_or_remove(args, base, problems)
            return
        stop = threading.Event()
        deaths, polls = [], [0]

        def watch():
            # The daemon must stay up through all of it; feeds are polled on demand every two seconds (the
            # daemon's own schedule waits a minute or more between polls).
            while not stop.is_set():
                if not daemon.alive():
                    deaths.append(time.time() - started)
                    return
                daemon.ctl(["feeds", "poll"] + [n for n, _ in BAD_FEEDS] + [n for n, _, _ in GOOD_FEEDS], timeout=60)
                polls[0] += 1
                stop.wait(2.0)

        watcher = threading.Thread(target=watch)
        watcher.start()
        rng = random.Random(args.seed)
        for name, data, _ in items:
            drop(daemon.inbox, staging, name, data, rename=rng.random() < 0.5)
        expected = sum(1 for _, _, good in items if good) + sum(len(t) for _, _, t in GOOD_FEEDS)
        finished = wait_until(lambda: not inbox_files(daemon.inbox) and queue_total(daemon.db) >= expected,
                              timeout=900, step=0.5)
        elapsed = time.time() - started
        time.sleep(2.0)
        stop.set()
        watcher.join()
        if deaths:
            problems.append(f"ingestd exited at {deaths[0]:.0f} s:\n{daemon.log()[-1500:]}")
        if not finished:
            problems.append(f"not finished: {len(inbox_files(daemon.inbox))} files in the inbox, "
                            f"{queue_total(daemon.db)} queued of {expected}")

        # Feeds: each bad one shows its error and is still scheduled; each good item is queued once.
        listing = daemon.ctl(["feeds", "list", "--json"])
        feeds_by_name = {}
        for line in listing.stdout.splitlines():
            try:
                entry = json.loads(line)
                feeds_by_name[entry["name"]] = entry
            except (ValueError, KeyError):
                pass
        for name, _ in BAD_FEEDS:
            entry = feeds_by_name.get(name)
            if entry is None:
                problems.append(f"feed {name} not listed")
                continue
            if name == "laughs":
                # Well-formed once its entity is not expanded: polled fine, its empty item rejected with a reason.
                if not (entry.get("counts") or {}).get("rejected"):
                    problems.append(f"feed laughs: no rejected item counted: {entry}")
                continue
            if not entry.get("lastError") or entry.get("consecutiveErrors", 0) < 2 or not entry.get("nextPollAt"):
                problems.append(f"feed {name}: error not shown or not rescheduled: "
                                f"{ {k: entry.get(k) for k in ('health', 'lastError', 'consecutiveErrors', 'nextPollAt')} }")
        con = sqlite3.connect(f"file:{daemon.db}?mode=ro", uri=True, timeout=30)
        feed_titles = [t for (t,) in con.execute(
            "SELECT a.title FROM article a JOIN queueItem q ON q.articleId = a.id WHERE a.originKind = 'feed'")]
        traces = dict(con.execute("SELECT location, trace FROM article WHERE originKind = 'folder'").fetchall())
        fields = dict(con.execute("SELECT location, fields FROM article WHERE originKind = 'folder'").fetchall())
        con.close()
        for name, _, titles in GOOD_FEEDS:
            for title in titles:
                if feed_titles.count(title) != 1:
                    problems.append(f"feed {name}: '{title}' queued {feed_titles.count(title)} times after {polls[0]} polls")

        # Plugins: the faults counted and shown; each faulty article went on (skip) with the reason in its
        # trace, each poisoned file failed with the plugin's reason.
        plugins_list = daemon.ctl(["plugins", "list", "--json"])
        states = {}
        for line in plugins_list.stdout.splitlines():
            try:
                entry = json.loads(line)
                states[entry["name"]] = entry
            except (ValueError, KeyError):
                pass
        flaky = states.get("flaky", {})
        counts = flaky.get("counts") or {}
        if (flaky.get("restarts") or 0) < 1 or counts.get("timeouts", 0) < 1 or counts.get("bad_lines", 0) < 1:
            problems.append(f"flaky plugin's faults not counted: restarts {flaky.get('restarts')}, counts {counts}")
        if flaky.get("state") != "running" or states.get("strict", {}).get("state") != "running":
            problems.append(f"plugins not running at the end: {[(n, e.get('state')) for n, e in states.items()]}")
        skipped_collateral = 0
        by_name = {os.path.basename(loc): loc for loc in traces}
        for name, data, good in items:
            if not good or name not in by_name:
                continue
            loc = by_name[name]
            skipped = "skipped: plugin flaky" in traces[loc]
            if name in marked and not skipped:
                problems.append(f"{name} ({marked[name]}): no skip in its trace")
            elif name not in marked and not skipped and '"flaky":"seen"' not in fields[loc].replace(" ", ""):
                problems.append(f"{name}: neither through flaky nor skipped")
            elif name not in marked and skipped:
                skipped_collateral += 1
        failed_dir = os.path.join(daemon.inbox, "failed")
        for name, mark in marked.items():
            if mark != "poison":
                continue
            try:
                with open(os.path.join(failed_dir, name + ".error.json")) as f:
                    reason = json.load(f).get("reason", "")
            except (OSError, ValueError):
                reason = ""
            if "strict" not in reason or "poison found" not in reason:
                problems.append(f"{name}: failed without the plugin's reason: {reason!r}")
        exit_status = daemon.stop()
        if exit_status != 0:
            problems.append(f"SIGTERM exit status {exit_status}")
        problems += check_placement(daemon.inbox, items)
        queue_problems, queued = check_queue(daemon.db, items)
        problems += queue_problems
        kinds = {m: sum(1 for v in marked.values() if v == m) for m in ("crash-me", "hang-me", "garble-me", "poison")}
        report.add(
            "feed and plugin faults under load",
            f"{count} files dropped at once ({count // 33} bad; {kinds['crash-me']} make plugin `flaky` crash, "
            f"{kinds['hang-me']} hang it, {kinds['garble-me']} make it write garbage; {kinds['poison']} are failed by "
            f"plugin `strict`) while {len(BAD_FEEDS)} bad feeds (entity bomb, 503, redirect loop, "
            f"redirect to file://, 1 byte/s, 100 MiB, gzip bomb, 404) and {len(GOOD_FEEDS)} good ones are polled "
            f"every 2 s ({polls[0]} rounds); {elapsed:.0f} s, {count / max(elapsed, 0.001):.0f} files/s",
            "ingestd never exits and stops with 0; every good file's article exactly once in the queue and each "
            "faulty one with `skipped: plugin flaky` in its trace "
            f"({skipped_collateral} other articles in flight at a crash or hang skipped too); each poisoned file "
            "in failed/ with the plugin's reason; every file in one of inbox/done/failed; each bad feed's error in "
            "`feeds list` and still scheduled; each good feed item queued once; `plugins list` counts the "
            "restarts, timeouts and bad lines",
            summarize(problems), problems)
        keep_or_remove(args, base, problems)
    finally:
        server.kill()
        server.wait()


# MARK: report


class Report:
    def __init__(self):
        self.rows = []

    def add(self, fault, done, checked, result, problems):
        self.rows.append((fault, done, checked, result))
        print(f"[{fault}] {result}", file=sys.stderr, flush=True)
        for p in problems[4:12]:
            print(f"    {p}", file=sys.stderr)

    def failed(self):
        return any(r[3].startswith("FAIL") for r in self.rows)

    def markdown(self, header):
        cell = lambda s: s.replace("|", "\\|").replace("\n", " ")
        lines = [header, "", "| fault | what was done | what was checked | result |", "|---|---|---|---|"]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in self.rows]
        return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--short", action="store_true", help="the CI version: fewer rounds and files, 20 s fuzzing")
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, ".build/release"),
                        help="the folder holding the ingestd and ingestctl binaries")
    parser.add_argument("--only", default="crash,disk,contention,faults,fuzz", help="comma-separated: which faults")
    parser.add_argument("--fuzz-seconds", type=int, default=0, help="seconds per fuzz target (default 20/300)")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--out", default=os.path.join(ROOT, "var/reliability/report.md"))
    parser.add_argument("--tmp", default=None, help="where the temporary folders go")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    args.bin_dir = os.path.abspath(args.bin_dir)
    args.keep_going_clean = False
    for exe in ("ingestd", "ingestctl"):
        if not os.access(os.path.join(args.bin_dir, exe), os.X_OK):
            sys.exit(f"reliability: no {exe} in {args.bin_dir} (swift build -c release first, or --bin-dir)")
    report = Report()
    started = time.time()
    steps = {"crash": crash, "disk": disk_full, "contention": contention, "faults": faults, "fuzz": fuzz}
    for name in args.only.split(","):
        steps[name.strip()](args, report)
    mode = "short" if args.short else "full"
    header = (f"## Reliability ({mode} mode, seed {args.seed}, {time.time() - started:.0f} s, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})")
    text = report.markdown(header)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)
    sys.exit(1 if report.failed() else 0)


if __name__ == "__main__":
    main()
