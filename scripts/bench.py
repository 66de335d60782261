#!/usr/bin/env python3
"""`make bench`: measures a running ingestd (release build) on this machine.

- drop-to-queue latency on an idle daemon: files renamed into the inbox one at a time, 20 per second; the
  latency of each is its queue row's createdAt minus the moment of the rename (same clock, no polling);
- throughput: 10,000 small text files renamed into the inbox at once, until the last is in the queue;
- the floor: the same files read and inserted into SQLite by one C process (scripts/floor.c), nothing else;
- idle CPU over 10 s and RSS at rest; peak RSS and CPU seconds per article during the burst.

Ratios in one run, not absolute times, are what compare across machines. Prints a Markdown report and
writes it to var/bench/results.md.
"""
import argparse
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TICKS = os.sysconf("SC_CLK_TCK")


def story(n):
    return (f"Harbour story number {n} reopens after the storm\n\n"
            f"Ships sailed again on Friday after three days in port, officials said of vessel {n}. "
            "The council will meet next week to discuss repairs to the sea wall and the ferry terminal.\n")


def libxml2_flags():
    """The compiler flags of libxml2, which scripts/floor.c includes for its --parse-html mode."""
    return subprocess.run(["pkg-config", "--cflags", "--libs", "libxml-2.0"], capture_output=True, text=True,
                          check=True).stdout.split()


class Daemon:
    def __init__(self, build_dir, state):
        self.build_dir, self.state = build_dir, state
        shutil.rmtree(state, ignore_errors=True)
        os.makedirs(state)
        self.config = os.path.join(state, "ingestd.toml")
        with open(self.config, "w") as f:
            f.write(f'[daemon]\nstate_dir = "{state}"\nlog_level = "warning"\n\n'
                    '[[sources.folders]]\nname = "inbox"\npath = "inbox"\n')
        self.inbox = os.path.join(state, "inbox")
        self.db = os.path.join(state, "ingestd.db")
        self.proc = None

    def start(self):
        log = open(os.path.join(self.state, "ingestd.log"), "a")
        self.proc = subprocess.Popen([os.path.join(self.build_dir, "ingestd"), "--config", self.config],
                                     stdout=log, stderr=log)
        deadline = time.time() + 30
        while time.time() < deadline:
            r = subprocess.run([os.path.join(self.build_dir, "ingestctl"), "status", "--json", "--config", self.config],
                               capture_output=True, text=True)
            if r.returncode == 0 and '"pid"' in r.stdout:
                return
            time.sleep(0.1)
        sys.exit("ingestd did not start; see " + os.path.join(self.state, "ingestd.log"))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime

    def status_kib(self, key):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0

    def queued(self):
        try:
            with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5) as c:
                return c.execute("SELECT count(*) FROM queueItem").fetchone()[0]
        except sqlite3.Error:
            return 0

    def wait_queued(self, n, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.queued() >= n:
                return True
            time.sleep(0.05)
        return False


def burst(d, count, prefix, staging, timeout):
    """Writes `count` files to `staging`, starts `d`, renames them all into its inbox at once and waits
    until every one is queued. Returns the CPU seconds used, the first rename time and the last commit."""
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    names = [f"{prefix}{i}.txt" for i in range(count)]
    for i, name in enumerate(names):
        with open(os.path.join(staging, name), "w") as f:
            f.write(story(i))
    d.start()
    cpu0 = d.cpu_seconds()
    t_start = time.time()
    for name in names:
        os.rename(os.path.join(staging, name), os.path.join(d.inbox, name))
    if not d.wait_queued(count, timeout):
        sys.exit(f"burst of {count}: only {d.queued()} reached the queue")
    with sqlite3.connect(f"file:{d.db}?mode=ro", uri=True) as c:
        t_end = c.execute("SELECT max(createdAt) FROM queueItem").fetchone()[0]
    return names, d.cpu_seconds() - cpu0, t_start, t_end


def percentile(values, p):
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


def write_report(lines, path):
    """Prints the report and writes it to `path` (its folder made when missing)."""
    report = "\n".join(lines)
    print(report)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(report + "\n")


def machine():
    model = "unknown cpu"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({model}), {mem:.0f} GiB, {swift[0] if swift else 'swift ?'}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", default=os.path.join(ROOT, ".build/release"))
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--latency-files", type=int, default=300)
    ap.add_argument("--burst", type=int, default=100_000, help="files in the bounded-memory burst (0: skip)")
    args = ap.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    work = os.path.join(ROOT, "var/bench")
    staging = os.path.join(work, "staging")
    results = []

    # 1. Latency on an idle daemon, RSS at rest, idle CPU.
    d = Daemon(build_dir, os.path.join(work, "latency"))
    d.start()
    time.sleep(2)
    rss_rest = d.status_kib("VmRSS")
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    dropped_at = {}
    for i in range(args.latency_files):
        name = f"lat{i}.txt"
        with open(os.path.join(staging, name), "w") as f:
            f.write(story(i))
        t0 = time.time()
        os.rename(os.path.join(staging, name), os.path.join(d.inbox, name))
        dropped_at[name] = t0
        time.sleep(0.05)
    if not d.wait_queued(args.latency_files, 60):
        sys.exit("latency run: not every file reached the queue")
    with sqlite3.connect(f"file:{d.db}?mode=ro", uri=True) as c:
        rows = c.execute("SELECT a.location, q.createdAt FROM queueItem q JOIN article a ON a.id = q.articleId").fetchall()
    latencies = [(created - dropped_at[os.path.basename(loc)]) * 1000 for loc, created in rows]
    time.sleep(1)
    cpu0 = d.cpu_seconds()
    time.sleep(10)
    idle_cpu = d.cpu_seconds() - cpu0
    rss_after_latency = d.status_kib("VmRSS")
    d.stop()

    # 2. Throughput: a burst of small text files.
    d = Daemon(build_dir, os.path.join(work, "throughput"))
    names, cpu_burst, t_start, t_end = burst(d, args.files, "t", staging, 600)
    peak_rss = d.status_kib("VmHWM")
    time.sleep(2)
    rss_after_burst = d.status_kib("VmRSS")
    d.stop()
    throughput = args.files / (t_end - t_start)

    # 3. The floor: the same files, read and inserted by one C process.
    floor_bin = os.path.join(work, "floor")
    subprocess.run(["cc", "-O2", "-o", floor_bin, os.path.join(ROOT, "scripts/floor.c"), *libxml2_flags(), "-lsqlite3"], check=True)
    done_dir = os.path.join(d.inbox, "done")
    listing = "\n".join(os.path.join(done_dir, n) for n in names) + "\n"
    floor_db = os.path.join(work, "floor.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(floor_db + suffix):
            os.remove(floor_db + suffix)
    out = subprocess.run([floor_bin, floor_db], input=listing, capture_output=True, text=True, check=True).stdout.split()
    floor_rows, floor_secs = int(out[0]), float(out[1])
    floor_throughput = floor_rows / floor_secs

    # 4. Bounded memory: a much larger burst must not need much more memory.
    burst_line = ""
    if args.burst:
        d = Daemon(build_dir, os.path.join(work, "burst"))
        _, _, t0, t_end = burst(d, args.burst, "b", staging, 1800)
        burst_peak = d.status_kib("VmHWM")
        d.stop()
        burst_line = (f"| burst of {args.burst:,} files dropped at once | {args.burst / (t_end - t0):,.0f} files/s, "
                      f"peak RSS {burst_peak / 1024:.1f} MiB (vs {peak_rss / 1024:.1f} MiB for {args.files:,}) |\n")
        shutil.rmtree(d.state, ignore_errors=True)

    report = f"""## Foundation benchmark

Command: `make bench` (release build; `python3 scripts/bench.py`). Machine: {machine()}. Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.
Default pipeline of this build (decode only; no built-in stages yet).

| measure | value |
|---|---|
| drop-to-queue latency, idle daemon, {len(latencies)} files at 20/s | p50 {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, max {max(latencies):.1f} ms |
| throughput, {args.files:,} small text files dropped at once | {throughput:,.0f} files/s |
| floor: same files read + inserted into SQLite by one C process | {floor_throughput:,.0f} files/s |
| ingestd / floor | {throughput / floor_throughput:.2f} |
| CPU per article during the burst | {cpu_burst / args.files * 1e6:.0f} µs |
| idle CPU over 10 s | {idle_cpu:.2f} s |
| RSS at rest (after start) | {rss_rest / 1024:.1f} MiB |
| RSS at rest after {len(latencies)} files / after the {args.files:,}-file burst | {rss_after_latency / 1024:.1f} MiB / {rss_after_burst / 1024:.1f} MiB |
| peak RSS during the burst | {peak_rss / 1024:.1f} MiB |
{burst_line}"""
    print(report)
    with open(os.path.join(work, "results.md"), "w") as f:
        f.write(report)


if __name__ == "__main__":
    main()
