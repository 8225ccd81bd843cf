"""What the engine-comparison benchmarks share: peak resident memory sampled while a step runs, and the best of
several timed runs. Not a benchmark itself (scripts/bench.sh runs bench/bench_*.py only)."""

import io
import os
import sys
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


class PeakMemory:
    """Peak resident memory above what the process held at the start, sampled every 2 ms (native allocations
    by Polars and DuckDB included, which tracemalloc would miss)."""

    def __enter__(self):
        self.baseline = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def added_mb(self) -> float:
        return (self.peak - self.baseline) / 2**20

    def _sample(self):
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, self._rss())

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE


def timed(fn, repeat: int = 3):
    """(best wall time, peak memory added, result) over `repeat` runs."""
    best, peak, result = None, 0.0, None
    for _ in range(repeat):
        with PeakMemory() as memory:
            started = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
        peak = max(peak, memory.added_mb)
    return best, peak, result


def seed_people(*, people: int, seed: int, **options) -> None:
    """`seed_council --people N --people-only --demo-database --reset`: the synthetic people a benchmark runs over
    (Django must be set up)."""
    from django.core.management import call_command

    call_command("seed_council", people=people, seed=seed, reset=True, people_only=True, demo_database=True,
                 stdout=io.StringIO(), stderr=sys.stderr, **options)  # fmt: skip
