#!/usr/bin/env python3
"""ingestd exec plugin: redacts e-mail addresses and phone numbers in an article's title and text.

Protocol 1 (docs/PLUGINS.md): JSON lines on stdin and stdout. Standard library only.
Settings ([stages.redact] in ingestd.toml), all optional:
  email_mask = "[email]"   phone_mask = "[phone]"
"""
import json
import re
import sys

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# International (+44 20 7946 0958), national with separators ((020) 7946-0958, 555-123-4567); at least
# eight digits in all, so dates, years and prices are left alone.
PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,5}){1,4}(?!\w)")


def redact_phones(text, mask):
    def repl(match):
        digits = sum(ch.isdigit() for ch in match.group(0))
        return mask if digits >= 8 else match.group(0)
    return PHONE.sub(repl, text)


def redact(text, settings):
    text = EMAIL.sub(settings.get("email_mask", "[email]"), text)
    return redact_phones(text, settings.get("phone_mask", "[phone]"))


def send(message):
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main():
    hello = json.loads(sys.stdin.readline())["hello"]
    if 1 not in hello.get("protocols", []):
        print(f"redact: the host offers protocols {hello.get('protocols')}, I speak 1", file=sys.stderr)
        return 1
    settings = hello.get("settings", {})
    send({"hello": {"protocol": 1, "capabilities": []}})
    for line in sys.stdin:
        message = json.loads(line)
        if "id" not in message:
            continue  # {"cancel": N} and anything newer: nothing to do
        article = message["article"]
        changes = {}
        for field in ("title", "text"):
            value = article.get(field)
            if value:
                clean = redact(value, settings)
                if clean != value:
                    changes[field] = clean
        answer = {"id": message["id"], "action": "continue"}
        if changes:
            answer["changes"] = changes
        send(answer)
    return 0  # stdin closed: ingestd is stopping


if __name__ == "__main__":
    sys.exit(main())
