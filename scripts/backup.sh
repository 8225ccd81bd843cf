#!/usr/bin/env bash
# Back up the selfdirect database: a pg_dump custom-format archive of DATABASE_URL.
#
#   DATABASE_URL=postgres://user:pass@host:5432/selfdirect scripts/backup.sh [FILE]
#
# FILE defaults to backups/selfdirect-YYYYMMDDTHHMMSSZ.dump. The archive is written to a temporary name and
# checked with pg_restore --list before it is renamed, so a backup that exists is a complete one. Readable by
# its owner only: it holds every person's record. Restore it with scripts/restore.sh. docs/deployment.md says
# how to schedule and keep backups.
set -euo pipefail

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

[[ -n ${DATABASE_URL:-} ]] || die "set DATABASE_URL to the database to back up (postgres://...)"
[[ $DATABASE_URL == postgres://* || $DATABASE_URL == postgresql://* ]] || die "DATABASE_URL is not PostgreSQL"
# pg_dump from PATH, else Debian's PostgreSQL 15 (the server's major version or newer is needed).
PGBIN=${PGBIN:-$(dirname "$(command -v pg_dump || echo /usr/lib/postgresql/15/bin/pg_dump)")}
[[ -x $PGBIN/pg_dump ]] || die "no pg_dump in $PGBIN: install postgresql-client (15 or newer) or set PGBIN"

out=${1:-backups/selfdirect-$(date -u +%Y%m%dT%H%M%SZ).dump}
mkdir -p "$(dirname "$out")"
umask 077
partial="$out.partial"
trap 'rm -f "$partial"' EXIT

# --format=custom: compressed, and pg_restore can restore it in parallel or in part.
"$PGBIN/pg_dump" --format=custom --compress=6 --file="$partial" --dbname="$DATABASE_URL"
"$PGBIN/pg_restore" --list "$partial" >/dev/null || die "the dump in $partial cannot be read back"
mv "$partial" "$out"
trap - EXIT
echo "backed up to $out ($(du -h "$out" | cut -f1))"
