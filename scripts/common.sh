# Shared helpers for scripts/*.sh. Source it; it defines functions only.

step() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root (CI, these machines), through sudo otherwise.
# sudo -n never prompts, so CI without a terminal fails fast instead of hanging.
as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        if [[ -t 0 ]]; then sudo "$@"; else sudo -n "$@"; fi
    else
        die "need root to run '$*' (not root and no sudo). Run as root, or install it yourself."
    fi
}
