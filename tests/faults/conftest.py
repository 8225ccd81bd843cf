"""Fixtures for the fault tests: they need PostgreSQL (a server to restart, a second session to kill)."""

import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.deploy.pgutil import have_postgres_binaries

ROOT = Path(__file__).resolve().parents[2]

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql" or not have_postgres_binaries(),
    reason="needs PostgreSQL (its own server to restart, real sessions to kill): run with DATABASE_URL=postgres://...",
)


def app_env(database_url: str, secret_key: str) -> dict[str, str]:
    """The environment of a real server or command process: production-like settings on `database_url`.
    PYTEST_VERSION keeps plain static files storage (no collectstatic in the checkout) and non-secure cookies."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "selfdirect.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "DEBUG": "0",
        "HTTPS": "0",
        "PYTEST_VERSION": "faults",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def get(url: str, cookie: str = "", timeout: float = 20) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310 - 127.0.0.1
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Gunicorn:
    """gunicorn serving the app on 127.0.0.1: one sync worker, so every request meets the same database connection."""

    def __init__(self, env: dict[str, str], port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.log = tempfile.TemporaryFile(prefix=f"selfdirect-faults-gunicorn-{port}-")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter running gunicorn
            [sys.executable, "-m", "gunicorn", "selfdirect.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 90  # a busy shared CI machine
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.output()}")
            try:
                if get(f"{self.base}/health/live/", timeout=2)[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        output = self.output()
        self.stop()
        raise RuntimeError(f"gunicorn did not start: {output}")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
