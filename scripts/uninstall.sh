#!/bin/sh
# make uninstall: uninstall.sh DESTDIR PREFIX. Removes every file `make install` listed, then the folders
# it leaves empty. The config (/etc/ingestd) and the data (/var/lib/ingestd) stay.
set -eu
destdir=$1
prefix=$2
list="$destdir$prefix/share/ingestd/installed-files"
[ -f "$list" ] || { echo "uninstall: nothing installed under $destdir$prefix (no $list)" >&2; exit 1; }
count=0
while IFS= read -r path; do
    case "$path" in "$prefix"/*) ;; *) echo "uninstall: skipping $path (outside $prefix)" >&2; continue ;; esac
    if [ -e "$destdir$path" ]; then
        rm -f "$destdir$path"
        count=$((count + 1))
    fi
    # Folders that only held what was installed.
    dir=$(dirname "$destdir$path")
    while [ "$dir" != "$destdir$prefix" ] && rmdir "$dir" 2>/dev/null; do dir=$(dirname "$dir"); done
done <"$list"
echo "removed $count files from $destdir$prefix; the config in /etc/ingestd and the data in /var/lib/ingestd are kept"
