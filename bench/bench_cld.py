"""Benchmark: the Client Level Data extract (and the ASCOF measures) for a council of 50,000 people with about
1,000,000 events, on the database DATABASE_URL names (`make bench` gives a throwaway PostgreSQL).

    .venv/bin/python bench/bench_cld.py                              # a throwaway SQLite file
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_cld.py [--people 50000] [--events 1000000]

With DATABASE_URL set, that database is migrated and its people are REPLACED: point it at a scratch database.
People come from `seed_council --people N --people-only --demo-database`, events from
selfdirect.reporting.seeding_volume (bulk_create in batches). Times the extract written to CSV (rows/s and the peak
memory it added), the extract with its validation, and `measures.measures_at` if that module is there. Prints a
markdown table (target: the extract under 30 s at 1,000,000 events).
"""

import argparse
import datetime
import io
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("step", "database", "people", "rows", "wall time", "rows/s", "peak memory added", "machine")
HEADER = "| " + " | ".join(COLUMNS) + " |\n" + "|---" * len(COLUMNS) + "|"
AS_OF = datetime.date(2026, 3, 31)  # the end of a financial year: the events fall in the year before it
TARGET_SECONDS = 30


PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """The process's resident memory now (the lifetime peak, ru_maxrss, would hide a later step's use)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 1_048_576


class Timer:
    """Wall time, and the most resident memory the block added over what the process held when it began (sampled
    every 20 ms from another thread)."""

    def __enter__(self):
        self.base = self.peak = rss_mb()
        self._running = True
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        self.started = time.perf_counter()
        return self

    def _sample(self) -> None:
        while self._running:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self._running = False
        self._sampler.join()
        self.added_mb = max(self.peak, rss_mb()) - self.base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    scratch = None
    if not os.environ.get("DATABASE_URL"):
        scratch = tempfile.TemporaryDirectory(prefix="bench-cld-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfdirect.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    sys.path.insert(0, str(ROOT))

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
    with Timer() as t:
        call_command(
            "seed_council",
            people=args.people,
            seed=args.seed,
            reset=True,
            people_only=True,
            demo_database=True,
            as_of=AS_OF,
            stdout=io.StringIO(),
            stderr=sys.stderr,
        )
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
            rows = cld_extract.write_csv_file(cld_extract.CldExtract(start=start, end=end).rows(), out)
        lines.append(line("CLD extract to CSV", rows, t))
        extract_seconds = t.seconds
        size_mb = out.stat().st_size / 1_048_576
        with Timer() as t:
            report = cld_extract.Report(keep=100)
            rows = cld_extract.write_csv_file(cld_extract.CldExtract(start=start, end=end).rows(), out, report=report)
        lines.append(line("CLD extract to CSV + validation", rows, t))

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
        f"{'met' if extract_seconds < TARGET_SECONDS else 'NOT met'}."
        f" Validation found {report.total:,} problems."
    )
    if measures_note:
        print(measures_note)
    if scratch is not None:
        connection.close()
        scratch.cleanup()


if __name__ == "__main__":
    main()
