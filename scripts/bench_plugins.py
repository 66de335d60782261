#!/usr/bin/env python3
"""`make bench`: throughput through an exec plugin (docs/PLUGINS.md), as ratios in one run.

Writes a trivial pass-through plugin (Python, standard library: it parses each request and answers
`continue`) into a temp folder, then runs `ingestctl plugins bench`, which in one process:
- sends the articles through the plugin alone, from --concurrency tasks (articles in flight);
- runs the same articles through the built-in stages (clean, dedupe, extract, classify by default);
- runs them through the plugin followed by the same built-in stages.
The target: at least 10,000 articles/s through the plugin. Prints a Markdown paragraph for BENCHMARKS.md.
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

PASSTHROUGH = r'''import json, sys
out = sys.stdout
sys.stdin.readline()
out.write('{"hello":{"protocol":1}}\n')
out.flush()
for line in sys.stdin:
    message = json.loads(line)
    if "id" in message:
        out.write('{"id":%d,"action":"continue"}\n' % message["id"])
        out.flush()
'''

MANIFEST = '''name = "passthrough"
description = "answers continue to every article"
command = ["python3", "passthrough.py"]
max_in_flight = {in_flight}
timeout_ms = 30000
'''


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ingestctl", default=".build/release/ingestctl")
    parser.add_argument("--articles", type=int, default=30000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--words", type=int, default=120)
    parser.add_argument("--stages", default=None, help="built-in stages to compare with (default: all)")
    args = parser.parse_args()
    if not os.path.exists(args.ingestctl):
        sys.exit(f"{args.ingestctl} not found: build it first (make release)")
    if shutil.which("python3") is None:
        sys.exit("python3 is needed for the pass-through plugin")

    folder = tempfile.mkdtemp(prefix="bench-plugins-")
    try:
        plugin = os.path.join(folder, "passthrough")
        os.makedirs(plugin)
        with open(os.path.join(plugin, "plugin.toml"), "w") as f:
            f.write(MANIFEST.format(in_flight=args.concurrency))
        with open(os.path.join(plugin, "passthrough.py"), "w") as f:
            f.write(PASSTHROUGH)
        command = [args.ingestctl, "plugins", "bench", "--plugin", plugin, "--articles", str(args.articles),
                   "--concurrency", str(args.concurrency), "--words", str(args.words)]
        if args.stages:
            command += ["--stages", args.stages]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"ingestctl plugins bench failed:\n{run.stderr}")
        r = json.loads(run.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    stages = ", ".join(r["stages"])
    verdict = "meets" if r["plugin_alone_per_sec"] >= 10000 else "misses"
    print(f"""### Exec plugins: a pass-through plugin with articles in flight

`python3 scripts/bench_plugins.py --ingestctl {args.ingestctl} --articles {args.articles} --concurrency {args.concurrency}`
on {cpu_model()} ({os.cpu_count()} cores), {platform.system()} {platform.release()}, Python {platform.python_version()}:
{r["articles"]:,} articles of {r["words"]} words, {r["concurrency"]} in flight, through a Python plugin that parses
each request and answers `continue` (JSON lines over pipes, one process).

| pipeline | articles/s |
|---|---|
| the plugin alone | {r["plugin_alone_per_sec"]:,.0f} |
| {stages} | {r["stages_per_sec"]:,.0f} |
| plugin, then {stages} | {r["stages_with_plugin_per_sec"]:,.0f} |

The plugin alone {verdict} the target of 10,000 articles/s, at {r["host_cpu_us_per_article"]:.0f} µs of the host's CPU per
article (encoding the request, reading the answer, matching it to its article). Throughput with the plugin in front
of the built-in stages, divided by throughput without it: {r["ratio"]:.2f}. Plugin errors during the run: {r["errors"]};
articles answered: {r["plugin_completed"]:,}.
""")


if __name__ == "__main__":
    main()
