# Throwaway PostgreSQL for tests and benchmarks. Source it, then call pg_start: it starts a server in a
# fresh temporary data dir on a free loopback port, creates role and database "app", exports
# DATABASE_URL, and installs an EXIT trap that stops the server and deletes the data dir, whatever
# happens after (test failures, errors, Ctrl-C).
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PG_DATA_DIR=""

# PostgreSQL refuses to run as root: as root run it as the postgres user; otherwise as ourselves.
_pg_as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_stop() {
    [[ -n $PG_DATA_DIR ]] || return 0
    echo "==> stopping throwaway PostgreSQL and removing $PG_DATA_DIR" >&2
    _pg_as_owner "$PGBIN/pg_ctl" -D "$PG_DATA_DIR" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DATA_DIR"
    PG_DATA_DIR=""
}

pg_start() {
    [[ -x $PGBIN/initdb ]] || die "no PostgreSQL at $PGBIN (run scripts/ensure_system_packages.sh postgresql)"
    PG_DATA_DIR=$(mktemp -d -t selfdirect-pg.XXXXXX)
    # Registered before anything can fail, so a half-started server is cleaned up too. INT/TERM turn
    # into a normal exit so the EXIT trap runs on Ctrl-C and on CI's kill as well.
    trap pg_stop EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    [[ $(id -u) -ne 0 ]] || chown postgres: "$PG_DATA_DIR"

    step "starting throwaway PostgreSQL ($("$PGBIN/postgres" --version | awk '{print $3}')) in $PG_DATA_DIR"
    # cd /: the postgres user may not be able to read the caller's working directory.
    (cd / && _pg_as_owner "$PGBIN/initdb" -D "$PG_DATA_DIR" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$PG_DATA_DIR.initdb.log" 2>&1) \
        || { cat "$PG_DATA_DIR.initdb.log" >&2; rm -f "$PG_DATA_DIR.initdb.log"; die "initdb failed"; }
    rm -f "$PG_DATA_DIR.initdb.log"

    # A free port can be taken between asking and binding (other runs in parallel): retry a few times.
    local attempt port=""
    for attempt in 1 2 3 4 5; do
        port=$(_pg_free_port)
        # fsync off: the data is thrown away, durability buys nothing. Socket in the data dir so parallel
        # servers never share /var/run/postgresql.
        if (cd / && _pg_as_owner "$PGBIN/pg_ctl" -D "$PG_DATA_DIR" -l "$PG_DATA_DIR/log" -w -t 30 \
            -o "-p $port -k $PG_DATA_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null); then
            break
        fi
        echo "PostgreSQL did not start on port $port (attempt $attempt); log:" >&2
        tail -n 5 "$PG_DATA_DIR/log" >&2 || true
        port=""
    done
    [[ -n $port ]] || die "could not start PostgreSQL"

    # CREATEDB: pytest-django creates and drops its own test_app database.
    "$PGBIN/psql" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app" >/dev/null
    export DATABASE_URL="postgres://app:app@127.0.0.1:$port/app"
    echo "    DATABASE_URL=$DATABASE_URL" >&2
}
