"""PostgreSQL helpers for the deployment and fault tests: the test database's URL, and a throwaway server of
our own (started the way scripts/pg.sh starts one) that a test may stop and restart."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))


def database_url(settings_dict: dict, name: str | None = None) -> str:
    """A postgres:// URL for Django connection settings (the test database's own NAME unless `name` is given)."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{auth}{host}:{port}/{name or settings_dict['NAME']}"


def _as_owner(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the postgres user (like scripts/pg.sh)."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayPostgres:
    """A PostgreSQL server in a temporary directory on a free loopback port, with role and database "app"."""

    def __init__(self):
        self.data = Path(tempfile.mkdtemp(prefix="selfdirect-faults-pg-"))
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
        subprocess.run(  # noqa: S603 - fixed PostgreSQL binaries, no shell
            _as_owner([str(PGBIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                       "--locale=C.UTF-8", "--no-sync"]),
            check=True, capture_output=True, cwd="/", timeout=60,
        )  # fmt: skip
        self.start()
        self.psql("CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB", "CREATE DATABASE app OWNER app")

    @property
    def url(self) -> str:
        return f"postgres://app:app@127.0.0.1:{self.port}/app"

    def settings(self, base: dict) -> dict:
        """Django connection settings like `base`, pointed at this server."""
        return {**base, "NAME": "app", "USER": "app", "PASSWORD": "app", "HOST": "127.0.0.1", "PORT": str(self.port)}

    def _ctl(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - fixed PostgreSQL binaries, no shell
            _as_owner([str(PGBIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "30", *args]),
            check=True, capture_output=True, cwd="/", timeout=60,
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
        self._ctl("-l", str(self.data / "log"), "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "stop")

    def psql(self, *commands: str, database: str = "postgres") -> str:
        args = [str(PGBIN / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"]
        args += ["-p", str(self.port), "-U", "postgres", "-d", database]
        for command in commands:
            args += ["-c", command]
        done = subprocess.run(args, check=True, capture_output=True, text=True, timeout=60)  # noqa: S603
        return done.stdout

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.data, ignore_errors=True)


def have_postgres_binaries() -> bool:
    return (PGBIN / "initdb").exists() and (PGBIN / "pg_dump").exists()
