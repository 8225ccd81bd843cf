#!/usr/bin/env bash
# Restore a scripts/backup.sh archive into a FRESH database (never over a database that has tables in it).
#
#   scripts/restore.sh [--create] FILE TARGET_DATABASE_URL
#
# --create  create the target database first (connecting to the "postgres" database on the same server; the
#           user needs CREATEDB). Without it the target must exist and be empty.
# Objects are owned by the target URL's user (--no-owner) and grants are not restored (--no-acl): the new
# server's roles need not match the old one's. One transaction: a failed restore leaves the target empty.
# Afterwards point DATABASE_URL at the target and run `python manage.py migrate` (a no-op for a dump of the same
# release; it brings an older dump up to date).
set -euo pipefail

die() { printf 'error: %s\n' "$*" >&2; exit 1; }
usage() { die "usage: scripts/restore.sh [--create] FILE TARGET_DATABASE_URL"; }

create=0
if [[ ${1:-} == --create ]]; then create=1; shift; fi
[[ $# -eq 2 ]] || usage
file=$1 target=$2
[[ -r $file ]] || die "cannot read $file"
[[ $target == postgres://* || $target == postgresql://* ]] || die "the target is not a postgres:// URL"
PGBIN=${PGBIN:-$(dirname "$(command -v pg_restore || echo /usr/lib/postgresql/15/bin/pg_restore)")}
[[ -x $PGBIN/pg_restore && -x $PGBIN/psql ]] || die "no pg_restore/psql in $PGBIN: install postgresql-client or set PGBIN"

if ((create)); then
    # The database name and the same server's maintenance database, from the URL (python: no URL parsing in bash).
    read -r name maintenance < <(python3 - "$target" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit
url = urlsplit(sys.argv[1])
print(url.path.lstrip("/"), urlunsplit(url._replace(path="/postgres")))
PY
)
    [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "database name '$name' must be letters, digits and underscores"
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$maintenance" -c "CREATE DATABASE \"$name\"" >/dev/null
    echo "created database $name"
fi

tables=$("$PGBIN/psql" -X -A -t -v ON_ERROR_STOP=1 -d "$target" \
    -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
[[ $tables == 0 ]] || die "the target database already has $tables tables: restore into a fresh database"

"$PGBIN/pg_restore" --no-owner --no-acl --exit-on-error --single-transaction --dbname="$target" "$file"
echo "restored $file into $(python3 -c 'import sys; from urllib.parse import urlsplit; u = urlsplit(sys.argv[1]); print(f"{u.hostname}:{u.port or 5432}{u.path}")' "$target")"
