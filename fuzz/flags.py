#!/usr/bin/env python3
"""Prints the swiftc flags that import the main package's release modules (module maps, include paths),
read from SwiftPM's description.json in the scratch folder given as the first argument."""
import json
import os
import sys

scratch = sys.argv[1]
with open(os.path.join(scratch, "release", "description.json")) as f:
    commands = json.load(f)["swiftCommands"]
args = next(v["otherArguments"] for k, v in commands.items() if k.startswith("C.IngestDaemon-"))
keep = []
i = 0
while i < len(args):
    a = args[i]
    if a == "-Xcc" and i + 1 < len(args) and args[i + 1] == "-I":
        keep += args[i:i + 4]
        i += 4
        continue
    if a == "-Xcc" and args[i + 1].startswith("-fmodule-map-file="):
        keep += args[i:i + 2]
        i += 2
        continue
    if a.startswith("-I"):
        keep.append(a)
    i += 1
keep += ["-I", os.path.join(scratch, "release", "Modules")]
print(" ".join(keep))
