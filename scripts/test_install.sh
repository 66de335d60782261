#!/bin/sh
# make test-install: `make install DESTDIR=<temp>` as a package build would run it, then checks that the
# installed binaries run on a host without the Swift toolchain, that the unit points at them and passes
# systemd-analyze, and that `make uninstall` removes what was installed but keeps the config.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test-install: FAIL: $*" >&2; exit 1; }

make --no-print-directory install DESTDIR="$tmp" PREFIX=/usr >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "make install"; }
for f in /usr/bin/ingestd /usr/bin/ingestctl /usr/lib/systemd/system/ingestd.service /usr/lib/sysusers.d/ingestd.conf \
    /usr/lib/tmpfiles.d/ingestd.conf /usr/share/man/man1/ingestctl.1 /usr/share/man/man1/ingestd.1 \
    /usr/share/bash-completion/completions/ingestctl /usr/share/zsh/site-functions/_ingestctl \
    /usr/share/fish/vendor_completions.d/ingestctl.fish /usr/share/doc/ingestd/stages/classify/README.md \
    /etc/ingestd/ingestd.toml; do
    [ -f "$tmp$f" ] || fail "$f was not installed"
done
echo "test-install: $(wc -l <"$tmp/usr/share/ingestd/installed-files") files installed"

# No Swift runtime from the toolchain: ldd lists no libswift*/libFoundation* and nothing missing.
for tool in ingestd ingestctl; do
    libs=$(ldd "$tmp/usr/bin/$tool")
    if echo "$libs" | grep -E 'libswift|libFoundation|libdispatch|not found'; then
        fail "$tool needs the toolchain's libraries"
    fi
done
echo "test-install: ldd shows no Swift runtime library"

# Run them with a bare environment: no LD_LIBRARY_PATH, a PATH without the toolchain.
env -i PATH=/usr/bin:/bin "$tmp/usr/bin/ingestctl" --version >/dev/null || fail "ingestctl --version"
sed -e "s#/var/lib/ingestd#$tmp/state#" -e "s#/run/ingestd#$tmp/run#" "$tmp/etc/ingestd/ingestd.toml" >"$tmp/check.toml"
mkdir -p "$tmp/state" "$tmp/run"
env -i PATH=/usr/bin:/bin "$tmp/usr/bin/ingestd" --check-config --config "$tmp/check.toml" >"$tmp/check.log" 2>&1 \
    || { cat "$tmp/check.log"; fail "ingestd --check-config on the installed config"; }
echo "test-install: the installed binaries run without the toolchain; the installed config checks"

# The installed unit runs the installed binary.
grep -q "^ExecStart=/usr/bin/ingestd " "$tmp/usr/lib/systemd/system/ingestd.service" || fail "unit ExecStart"
if command -v systemd-analyze >/dev/null; then
    out=$(systemd-analyze security --offline=true "$tmp/usr/lib/systemd/system/ingestd.service" 2>&1 | tail -1)
    echo "test-install: installed unit: $out"
fi

# A second install keeps an edited config.
echo "# edited" >>"$tmp/etc/ingestd/ingestd.toml"
make --no-print-directory install DESTDIR="$tmp" PREFIX=/usr >"$tmp/install2.log" 2>&1 || fail "second make install"
grep -q "^# edited" "$tmp/etc/ingestd/ingestd.toml" || fail "a second install replaced the operator's config"

make --no-print-directory uninstall DESTDIR="$tmp" PREFIX=/usr >"$tmp/uninstall.log" 2>&1 || { cat "$tmp/uninstall.log"; fail "make uninstall"; }
left=$(find "$tmp/usr" -type f | wc -l)
[ "$left" -eq 0 ] || { find "$tmp/usr" -type f; fail "$left files left after uninstall"; }
[ -f "$tmp/etc/ingestd/ingestd.toml" ] || fail "uninstall removed the config"
echo "test-install: OK (uninstall removed every installed file and kept the config)"
