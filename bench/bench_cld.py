"""Benchmark: the Client Level Data extract (and the ASCOF measures) for a council of 50,000 people with about
1,000,000 events, on the database DATABASE_URL names (`make bench` gives a throwaway PostgreSQL).

    .venv/bin/python bench/bench_cld.py                              # a throwaway SQLite file
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_cld.py [--people 50000] [--events 1000000]

With DATABASE_URL set, that database is migrated and its people are REPLACED (unless --reuse): point it at a
scratch database. People come from `seed_council --people N --people-only --demo-database`, events from
selfdirect.reporting.seeding_volume (bulk_create in batches). Times the extract written to CSV (rows/s and the peak
memory it added), the same rows read into Python side by side (the ratio says what the database writing the file
saves), the validation report, and `measures.measures_at`. Prints a markdown table (target: the extract under 30 s
at 1,000,000 events).
"""

import argparse
import datetime
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._support import PeakMemory, seed_people  # noqa: E402

COLUMNS = ("step", "database", "people", "rows", "wall time", "rows/s", "peak memory added", "machine")
HEADER = "| " + " | ".join(COLUMNS) + " |\n" + "|---" * len(COLUMNS) + "|"
AS_OF = datetime.date(2026, 3, 31)  # the end of a financial year: the events fall in the year before it
TARGET_SECONDS = 30


class Timer:
    """Wall time and the peak resident memory the block added (bench/_support.PeakMemory)."""

    def __enter__(self):
        self.memory = PeakMemory().__enter__()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.memory.__exit__(*exc)
        self.added_mb = self.memory.added_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reuse", action="store_true", help="Time the extract over the people and events already in the database"
    )
    args = parser.parse_args()

    scratch = None
    if not os.environ.get("DATABASE_URL"):
        scratch = tempfile.TemporaryDirectory(prefix="bench-cld-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfdirect.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from selfdirect.reporting import cld_extract
    from selfdirect.reporting.seeding_volume import seed_cld_volume

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        database = f"PostgreSQL {connection.pg_version // 10000}"
    else:
        database = f"{connection.vendor} {getattr(connection.Database, 'sqlite_version', '')}".strip()
    machine = f"{os.cpu_count()} cores, Python {platform.python_version()}"

    def line(step: str, rows: int, timer: Timer) -> str:
        return (
            f"| {step} | {database} | {args.people:,} | {rows:,} | {timer.seconds:.1f} s "
            f"| {rows / timer.seconds:,.0f} | {timer.added_mb:,.0f} MB | {machine} |"
        )

    lines = []
    if not args.reuse:
        with Timer() as t:
            seed_people(people=args.people, seed=args.seed, as_of=AS_OF)
        lines.append(line("seed people (seed_council --people-only)", args.people, t))
        with Timer() as t:
            made = seed_cld_volume(events=args.events, seed=args.seed, as_of=AS_OF, progress_stream=sys.stderr)
        events = made["requests"] + made["assessments"] + made["services"] + made["reviews"]
        lines.append(line("seed events (seeding_volume, bulk_create)", events + made["plans"], t))
    connection.close()  # start the timed steps on a fresh connection

    start, end = AS_OF - datetime.timedelta(days=364), AS_OF
    with tempfile.TemporaryDirectory(prefix="bench-cld-out-") as out_dir:
        out = Path(out_dir) / "cld.csv"
        with Timer() as t:
            rows = cld_extract.write_csv_file(cld_extract.CldExtract(start=start, end=end), out)
        lines.append(
            line(f"CLD extract to CSV ({'COPY' if connection.vendor == 'postgresql' else 'csv.writer'})", rows, t)
        )
        extract_seconds = t.seconds
        size_mb = out.stat().st_size / 1_048_576
    # The same rows read one by one into Python, as the validation (and the SQLite demo's file) reads them.
    with Timer() as t:
        read = sum(1 for _ in cld_extract.CldExtract(start=start, end=end).rows())
    lines.append(line("the same rows read in Python (rows())", read, t))
    read_seconds = t.seconds
    with Timer() as t:
        report = cld_extract.validate(cld_extract.CldExtract(start=start, end=end).rows(), keep=100)
    lines.append(line("validation report (rows() + every rule)", report.rows, t))

    try:
        from selfdirect.reporting.measures import measures_at
    except ImportError:
        measures_note = "selfdirect.reporting.measures is not there: ASCOF measures not timed."
    else:
        with Timer() as t:
            measures_at(at=AS_OF)
        lines.append(line("ASCOF measures_at (one date)", args.people, t))
        measures_note = ""

    print(HEADER)
    for text in lines:
        print(text)
    print(
        f"\nExtract: {rows:,} rows ({size_mb:,.0f} MB of CSV) for {start:%-d %b %Y} to {end:%-d %b %Y} in "
        f"{extract_seconds:.1f} s; target under {TARGET_SECONDS} s: "
        f"{'met' if extract_seconds < TARGET_SECONDS else 'NOT met'}. Reading the same rows into Python took "
        f"{read_seconds / extract_seconds:.1f} times as long as writing the file. Validation found "
        f"{report.total:,} problems."
    )
    if measures_note:
        print(measures_note)
    if scratch is not None:
        connection.close()
        scratch.cleanup()


if __name__ == "__main__":
    main()
