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
    parser.add_argument(
        "--people", default="10000,100000", help="Comma-separated sizes, timed one after the other in this run"
    )
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
    from selfdirect.people.models import Allocation, CaseNote, Contact, Person, PersonEvent

    if connection.vendor == "postgresql":
        database = f"PostgreSQL {connection.pg_version // 10000}"
    else:
        database = f"{connection.vendor} {getattr(connection.Database, 'sqlite_version', '')}".strip()
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}"
    print(HEADER)
    per_person = {}
    for size in [int(n) for n in args.people.split(",")]:
        out = io.StringIO()
        started = time.perf_counter()
        call_command(
            "seed_council",
            people=size,
            seed=args.seed,
            reset=True,
            people_only=True,
            demo_database=True,
            stdout=out,
            stderr=sys.stderr,
        )
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
        rows = sum(model.objects.count() for model in (Person, Contact, CaseNote, Allocation, PersonEvent))
        per_person[size] = elapsed / size
        print(
            f"| {datetime.date.today()} | {database} | {size:,} | {rows:,} | {elapsed:.1f} s "
            f"| {size / elapsed:,.0f} | {peak_mb:,.0f} MB | {machine} |"
        )
    if len(per_person) > 1:
        small, large = min(per_person), max(per_person)
        ratio = per_person[large] / per_person[small]
        print(f"\nTime per person at {large:,} vs {small:,} people, same run: {ratio:.2f}x (1.00 = linear scaling).")
    if scratch is not None:
        connection.close()
        scratch.cleanup()


if __name__ == "__main__":
    main()
