"""Production hardening: Django's deployment checks pass, and every page carries the security headers."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_under_production_settings():
    """`manage.py check --deploy --fail-level WARNING` passes with DEBUG off and a real secret key."""
    # As production runs it: none of the test run's own switches (the browser tests allow async-unsafe calls).
    test_only = ("DEBUG", "PYTEST_VERSION", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env |= {"SECRET_KEY": "x" * 30 + "a-long-random-production-key-0123456789", "ALLOWED_HOSTS": "care.example.gov.uk"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_carry_a_csp_without_unsafe_inline(client):
    """The Content-Security-Policy forbids inline script and style (browser journeys prove pages need none)."""
    response = client.get(reverse("accessibility"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_production_refuses_to_start_without_a_secret_key():
    """With DEBUG off and no SECRET_KEY, the settings refuse to load rather than use a known key."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "PYTEST_VERSION", "SECRET_KEY")}
    result = subprocess.run(
        [sys.executable, "-c", "import selfdirect.settings"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
