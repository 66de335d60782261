#!/bin/sh
# ingestd exec plugin, protocol 1 (docs/PLUGINS.md), in POSIX shell with no other program.
# Drops every article whose request line contains $SCREEN_WORD; answers the others with a field
# "screened": "passed". Requests start with {"id":N, which is all this plugin needs to parse.
word="${SCREEN_WORD:-advertorial}"

# The host's hello comes first; this plugin wants no capability.
IFS= read -r hello || exit 0
printf '%s\n' '{"hello":{"protocol":1,"capabilities":[]}}'

while IFS= read -r line; do
    case "$line" in
        '{"id":'*) ;;
        *) continue ;;  # {"cancel": N} and anything newer
    esac
    id="${line#\{\"id\":}"
    id="${id%%,*}"
    case "$line" in
        *"$word"*) printf '{"id":%s,"action":"drop","reason":"mentions %s"}\n' "$id" "$word" ;;
        *) printf '{"id":%s,"action":"continue","changes":{"fields":{"screened":"passed"}}}\n' "$id" ;;
    esac
done
