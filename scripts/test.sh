#!/usr/bin/env bash
# The whole test run, as CI does it (`make test` and .ci/run call this): system packages, Python and npm
# dependencies, built assets, lint, then pytest against a throwaway PostgreSQL that is removed afterwards.
# Arguments go to pytest: scripts/test.sh tests/browser -x
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/pg.sh

step "system packages (chromium for browser tests, PostgreSQL 15)"
scripts/ensure_system_packages.sh chromium postgresql

step "Python test venv, npm packages, built assets (make; reused when up to date)"
"${MAKE:-make}" --no-print-directory venv-test assets

step "ruff check"
.venv/bin/ruff check .

pg_start

step "pytest $*"
# live_server runs the app in a thread; Playwright's sync API runs an event loop in the test thread.
export DJANGO_ALLOW_ASYNC_UNSAFE=true
status=0
.venv/bin/python -m pytest "$@" || status=$?
case $status in
    0) echo "==> tests passed" >&2 ;;
    5) echo "==> FAILED: pytest collected no tests (exit 5): check the paths and -k/-m filters" >&2 ;;
    *) echo "==> FAILED: pytest exit code $status" >&2 ;;
esac
exit "$status"
