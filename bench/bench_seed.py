"""Benchmark: seed_council --people 100000 --reset, timed, on the database DATABASE_URL names.

    .venv/bin/python bench/bench_seed.py                 # a throwaway SQLite file (db.sqlite3 is untouched)
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_seed.py --people 100000

With DATABASE_URL set, that database is migrated and its people are REPLACED (--reset): point it at a
scratch database. Prints a markdown table row for docs/.
"""

import argparse
import datetime
import io
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("date", "database", "people", "rows written", "wall time", "people/s", "peak memory", "machine")
HEADER = "| " + " | ".join(COLUMNS) + " |\n" + "|---" * len(COLUMNS) + "|"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    scratch = None
    if not os.environ.get("DATABASE_URL"):
        scratch = tempfile.TemporaryDirectory(prefix="bench-seed-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfdirect.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    out = io.StringIO()
    started = time.perf_counter()
    call_command(
        "seed_council",
        people=args.people,
        seed=args.seed,
        reset=True,
        people_only=True,
        demo_database=True,
        stdout=out,
        stderr=sys.stderr,
    )
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux

    from selfdirect.people.models import Allocation, CaseNote, Contact, Person, PersonEvent

    rows = sum(model.objects.count() for model in (Person, Contact, CaseNote, Allocation, PersonEvent))
    if connection.vendor == "postgresql":
        database = f"PostgreSQL {connection.pg_version // 10000}"
    else:
        database = f"{connection.vendor} {getattr(connection.Database, 'sqlite_version', '')}".strip()
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}"
    print(out.getvalue().split("\n\n")[0], file=sys.stderr)
    print(HEADER)
    print(
        f"| {datetime.date.today()} | {database} | {args.people:,} | {rows:,} | {elapsed:.1f} s "
        f"| {args.people / elapsed:,.0f} | {peak_mb:,.0f} MB | {machine} |"
    )
    if scratch is not None:
        connection.close()
        scratch.cleanup()


if __name__ == "__main__":
    main()
