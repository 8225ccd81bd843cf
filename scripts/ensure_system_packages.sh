#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: nothing is kept on a fresh machine,
# so the project's own files must install it. Usage: ensure_system_packages.sh [chromium] [postgresql]
# (default: both). Present packages cost nothing; apt-get update runs once, only if something is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Each package is "present" when the file the tests actually use exists.
declare -A marker=(
    [chromium]=/usr/bin/chromium
    [postgresql]=/usr/lib/postgresql/15/bin/initdb
)

(($#)) || set -- chromium postgresql
missing=()
for pkg in "$@"; do
    [[ -n ${marker[$pkg]:-} ]] || die "unknown package '$pkg' (known: ${!marker[*]})"
    [[ -x ${marker[$pkg]} ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
    echo "system packages present: $*" >&2
    exit 0
fi

step "installing system packages: ${missing[*]}"
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
