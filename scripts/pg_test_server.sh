#!/bin/sh
# A private PostgreSQL server for the tests and benchmarks, from Debian's postgresql package: its own data
# folder, listening on 127.0.0.1 only, trust authentication for one user, and durability settings off
# (fsync, synchronous commit): the tests kill ingestd, never the server, so nothing they check depends
# on surviving a power loss, and the server's own fsyncs would dominate their time on a shared disk.
#
#   sh scripts/pg_test_server.sh start   # prints the connection URL (idempotent: reuses a running server)
#   sh scripts/pg_test_server.sh stop
#
# PGTEST_DIR (default /tmp/ingestd-pgtest) and PGTEST_PORT (default 55432) move it. PostgreSQL refuses to
# run as root, so as root the server runs as the `postgres` user the package created.
set -eu

dir=${PGTEST_DIR:-/tmp/ingestd-pgtest}
port=${PGTEST_PORT:-55432}
user=ingestd
database=ingestd_test
url="postgresql://$user@127.0.0.1:$port/$database"

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
    echo "pg_test_server: PostgreSQL's server is not installed (apt-get install postgresql)" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "${1:-start}" in
start)
    if [ -f "$dir/data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        echo "$url"
        exit 0
    fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bindir/initdb" -D "$dir/data" -U "$user" -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB" \
        start >/dev/null || { tail -n 20 "$dir/server.log" >&2; exit 1; }
    if ! as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
        as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$database"
    fi
    echo "$url"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 64
    ;;
esac
