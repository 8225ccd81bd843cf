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

# Results go to docs/benchmarks.md with a description of the machine they were measured on.
report=docs/benchmarks.md
{
    echo "# Benchmarks"
    echo
    echo "Written by \`make bench\` on $(date -u +%Y-%m-%d). Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)),"
    echo "$(free -g | awk '/^Mem:/ {print $2}') GiB memory, $(. /etc/os-release && echo "$PRETTY_NAME"), Python $(.venv/bin/python -c 'import platform; print(platform.python_version())'),"
    echo "$("$PGBIN/postgres" --version). These machines are shared and noisy: compare ratios measured in the same run."
} >"$report"
failed=()
for bench in "${benches[@]}"; do
    step "$bench"
    { echo; echo "## $(basename "$bench" .py)"; echo; } >>"$report"
    .venv/bin/python "$bench" | tee -a "$report" || failed+=("$bench")
done
((${#failed[@]} == 0)) || die "failed: ${failed[*]}"
