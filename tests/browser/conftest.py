"""Playwright browser tests: Debian's chromium (no browser download), auto-marked `browser`."""

import os
from pathlib import Path

import pytest

# live_server serves the app from a thread while Playwright's sync API keeps an event loop running in the
# test thread: without this, Django refuses database access there (SynchronousOnlyOperation). Set at
# import, before any test or fixture touches the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's chromium (scripts/ensure_system_packages.sh installs it) instead of a downloaded build.

    The flags keep it from reaching out to the network at start, which this machine's closed network refuses.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: run `make test` (or scripts/ensure_system_packages.sh chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def pytest_collection_modifyitems(config, items):
    # This hook sees every collected item, not only this directory's: mark only ours, so
    # `-m "not browser"` skips exactly the Playwright journeys.
    for item in items:
        if Path(item.path).is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _no_content_security_policy_violations(page):
    """Every journey also proves the pages need no inline script or style: a CSP violation fails the test."""
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    yield
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
