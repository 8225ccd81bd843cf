#!/usr/bin/env bash
# Runs every bench/bench_*.py against a throwaway, migrated PostgreSQL (`make bench`). Each script
# prints its own results; a failing script fails the run after the others have run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/pg.sh

shopt -s nullglob
benches=(bench/bench_*.py)
((${#benches[@]})) || { echo "no bench/bench_*.py to run" >&2; exit 0; }

scripts/ensure_system_packages.sh postgresql
"${MAKE:-make}" --no-print-directory venv-test
pg_start

# Production-like settings (DEBUG off records no queries), with a key that exists only for this run.
# PYTHONPATH: `python bench/x.py` puts bench/ on the path, not the project.
export DJANGO_SETTINGS_MODULE=selfdirect.settings DEBUG=0 HTTPS=0 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
SECRET_KEY="bench-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export SECRET_KEY
step "migrate"
.venv/bin/python manage.py migrate --noinput -v 0

failed=()
for bench in "${benches[@]}"; do
    step "$bench"
    .venv/bin/python "$bench" || failed+=("$bench")
done
((${#failed[@]} == 0)) || die "failed: ${failed[*]}"
