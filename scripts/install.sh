#!/bin/sh
# make install: install.sh DESTDIR PREFIX SYSCONFDIR. Expects `make release` done.
#
# Layout (PREFIX=/usr/local by default; systemd searches /usr/local/lib/systemd/system, sysusers.d and
# tmpfiles.d alike):
#   PREFIX/bin/ingestd, ingestctl               release binaries, the Swift runtime linked in
#   PREFIX/lib/systemd/system/ingestd.service   the unit, its paths pointing at PREFIX/bin
#   PREFIX/lib/sysusers.d/ingestd.conf          user and group ingestd
#   PREFIX/lib/tmpfiles.d/ingestd.conf          /var/lib/ingestd and its inbox
#   PREFIX/lib/ingestd/plugins/<name>/          the example exec plugins (found by the daemon, used only
#                                               when a pipeline names them)
#   PREFIX/share/doc/ingestd/stages/<name>/     each built-in stage's README and sample config
#   PREFIX/share/man/man1/, completions         from the commands' own help (scripts/manpage.py)
#   SYSCONFDIR/ingestd/ingestd.toml             the config, only when there is none
#   PREFIX/share/ingestd/installed-files        every path above but the config: what uninstall removes
set -eu
destdir=$1
prefix=$2
sysconfdir=$3
root="$destdir$prefix"
list="$root/share/ingestd/installed-files"
bin=.build/release

[ -x "$bin/ingestd" ] && [ -x "$bin/ingestctl" ] || { echo "install: run 'make release' first" >&2; exit 1; }
mkdir -p "$root/share/ingestd"
: >"$list.tmp"

# put MODE SOURCE TARGET: installs one file and records it (TARGET without DESTDIR).
put() {
    install -D -m "$1" "$2" "$destdir$3"
    echo "$3" >>"$list.tmp"
}

put 755 "$bin/ingestd" "$prefix/bin/ingestd"
put 755 "$bin/ingestctl" "$prefix/bin/ingestctl"

# The unit names /usr/bin; point it at this prefix and at this config folder.
unit=$(mktemp)
sed -e "s#/usr/bin/ingestd#$prefix/bin/ingestd#g" -e "s#/etc/ingestd/#$sysconfdir/ingestd/#g" \
    systemd/ingestd.service >"$unit"
put 644 "$unit" "$prefix/lib/systemd/system/ingestd.service"
rm -f "$unit"
put 644 systemd/ingestd.sysusers "$prefix/lib/sysusers.d/ingestd.conf"
put 644 systemd/ingestd.tmpfiles "$prefix/lib/tmpfiles.d/ingestd.conf"

for dir in plugins/examples/*/; do
    [ -f "$dir/plugin.toml" ] || continue
    name=$(basename "$dir")
    for file in "$dir"*; do
        [ -f "$file" ] || continue
        mode=644
        [ -x "$file" ] && mode=755
        put "$mode" "$file" "$prefix/lib/ingestd/plugins/$name/$(basename "$file")"
    done
done
for dir in plugins/*/; do
    name=$(basename "$dir")
    [ "$name" = all ] || [ "$name" = examples ] && continue
    for file in "$dir"README.md "$dir"*.toml; do
        [ -f "$file" ] && put 644 "$file" "$prefix/share/doc/ingestd/stages/$name/$(basename "$file")"
    done
done
for doc in PLUGINS CLI METRICS; do
    if [ -f "docs/$doc.md" ]; then put 644 "docs/$doc.md" "$prefix/share/doc/ingestd/$doc.md"; fi
done

# Man pages and completions come from the commands' own help, so they cannot drift from them.
completions=$(mktemp -d)
for tool in ingestd ingestctl; do
    python3 scripts/manpage.py "$bin/$tool" 1 "$completions/$tool.1"
    put 644 "$completions/$tool.1" "$prefix/share/man/man1/$tool.1"
    "$bin/$tool" --generate-completion-script bash >"$completions/$tool.bash"
    "$bin/$tool" --generate-completion-script zsh >"$completions/_$tool"
    "$bin/$tool" --generate-completion-script fish >"$completions/$tool.fish"
    put 644 "$completions/$tool.bash" "$prefix/share/bash-completion/completions/$tool"
    put 644 "$completions/_$tool" "$prefix/share/zsh/site-functions/_$tool"
    put 644 "$completions/$tool.fish" "$prefix/share/fish/vendor_completions.d/$tool.fish"
done
rm -rf "$completions"

# The config is the operator's once installed: never overwritten, never uninstalled.
if [ ! -e "$destdir$sysconfdir/ingestd/ingestd.toml" ]; then
    install -D -m 640 etc/ingestd.toml "$destdir$sysconfdir/ingestd/ingestd.toml"
    echo "installed $sysconfdir/ingestd/ingestd.toml"
else
    echo "kept $sysconfdir/ingestd/ingestd.toml (etc/ingestd.toml has the defaults of this version)"
fi
mkdir -p "$destdir$sysconfdir/ingestd/ingestd.d" "$destdir$sysconfdir/ingestd/plugins.d"

echo "$prefix/share/ingestd/installed-files" >>"$list.tmp"
mv "$list.tmp" "$list"
echo "installed $(wc -l <"$list") files under $root (list: $prefix/share/ingestd/installed-files)"
if [ -z "$destdir" ]; then
    echo "next: systemd-sysusers; systemd-tmpfiles --create; systemctl daemon-reload; systemctl enable --now ingestd"
fi
