"""Benchmark: `manage.py uprate --to-year 2025-26` end to end for 100,000 people, on the database DATABASE_URL names.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_uprate.py [--people 100000]

Seeds a synthetic council (seed_council --people-only --reset), gives everyone a complete 2021-22 financial
assessment and a personal budget in bulk (money.seeding.seed_money_bulk), then times the uprating: a refused run
(2025-26 as shipped has unconfirmed figures people need), the real run, and a second run that must change nothing.
Its people and money are REPLACED: point it at a scratch database (`make bench` gives it a throwaway PostgreSQL).

BENCHMARK-ONLY: so that the run can happen, the unconfirmed 2025-26 figures (and the 2021-22 personal expenses
allowance, which seeding care home residents on 2021-22 needs) are confirmed in this scratch database with
placeholder amounts that are NOT real figures, and the benefit rises file holds illustrative rises. Prints a
markdown table for docs/benchmarks.md.
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
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._support import seed_people  # noqa: E402

COLUMNS = ("date", "database", "step", "people", "wall time", "people/s", "peak memory")
HEADER = "| " + " | ".join(COLUMNS) + " |\n" + "|---" * len(COLUMNS) + "|"
# ILLUSTRATIVE benefit rises for the benchmark (not taken from the reference).
RISES = """# BENCHMARK-ONLY, illustrative rises
income_type,current_amount,new_amount,percent
state_pension,179.60,230.25,
state_pension,,,4.1
attendance_allowance,60.00,73.90,
attendance_allowance,89.60,110.40,
pip_daily_living,60.00,73.90,
pip_daily_living,89.60,110.40,
pip_mobility,,,1.7
dla_care,,,1.7
dla_mobility,,,1.7
employment_support_allowance,,,1.7
universal_credit,,,1.7
occupational_pension,,,1.7
pension_credit,,,4.1
"""
# BENCHMARK-ONLY placeholders: the 2021-22 amount plus 20%, or a round amount where 2021-22 has none.
PLACEHOLDER_RISE = Decimal("1.20")
PLACEHOLDER_DEFAULT = Decimal("50.00")


def restore_shipped_figures() -> None:
    """Every shipped year's figures exactly as shipped (confirmed or not), whatever an earlier run changed."""
    from selfdirect.money.models import ChargingFigure
    from selfdirect.rules.charging_figures import FIGURES

    for year_name, figures in FIGURES.items():
        for f in figures:
            ChargingFigure.objects.filter(year__financial_year=year_name, key=f.key).update(
                amount=f.amount, confirmed=f.confirmed, source=f.source
            )


def confirm_placeholders(year_name: str, basis: dict) -> list[str]:
    """Confirm every unconfirmed figure of `year_name` with a placeholder amount; returns what was set."""
    from selfdirect.money.models import ChargingFigure

    done = []
    for figure in ChargingFigure.objects.filter(year__financial_year=year_name, confirmed=False).order_by("key"):
        amount = figure.amount
        if amount is None:
            base = basis.get(figure.key)
            amount = (base * PLACEHOLDER_RISE).quantize(Decimal("0.01")) if base is not None else PLACEHOLDER_DEFAULT
        figure.amount, figure.confirmed = amount, True
        figure.source = "BENCHMARK-ONLY placeholder, not a real figure"
        figure.save()
        done.append(f"{year_name} {figure.key} = £{amount}")
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    scratch = None
    if not os.environ.get("DATABASE_URL"):
        scratch = tempfile.TemporaryDirectory(prefix="bench-uprate-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selfdirect.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.db import connection

    from selfdirect.money.models import ChargingYear, ContributionLetter, FinancialAssessment, PersonalBudget
    from selfdirect.money.seeding import reset_money, seed_money_bulk

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        database = f"PostgreSQL {connection.pg_version // 10000}"
    else:
        database = f"{connection.vendor} {getattr(connection.Database, 'sqlite_version', '')}".strip()
    today = datetime.date.today()

    def line(step: str, people: int, seconds: float) -> str:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate = f"{people / seconds:,.0f}" if people else "–"
        return f"| {today} | {database} | {step} | {people:,} | {seconds:.1f} s | {rate} | {peak:,.0f} MB |"

    rows = []
    reset_money()
    restore_shipped_figures()
    started = time.perf_counter()
    seed_people(people=args.people, seed=args.seed)
    seeded = time.perf_counter() - started

    basis = ChargingYear.objects.get(financial_year="2021-22").figures()
    placeholders = confirm_placeholders("2021-22", {})
    started = time.perf_counter()
    counts = seed_money_bulk(seed=args.seed, year="2021-22", progress_stream=sys.stderr)
    money_seeded = time.perf_counter() - started
    people = counts["financial_assessments"]
    rows.append(line("seed_council --people-only (set-up, not part of the uprating)", args.people, seeded))
    rows.append(line("bulk financial assessments + personal budgets (2021-22)", people, money_seeded))

    rises = Path(tempfile.mkdtemp(prefix="bench-rises-")) / "rises.csv"
    rises.write_text(RISES, encoding="utf-8")
    before = FinancialAssessment.objects.count()
    started = time.perf_counter()
    try:
        call_command("uprate", to_year="2025-26", benefit_rises=str(rises), stdout=io.StringIO(), stderr=sys.stderr)
        refused = "NOT refused (unexpected)"
    except CommandError as exc:
        refused = exc.args[0]
    refusal_time = time.perf_counter() - started
    assert FinancialAssessment.objects.count() == before, "the refused run wrote something"
    rows.append(line("uprate, refused: 2025-26 figures unconfirmed (nothing written)", people, refusal_time))

    placeholders += confirm_placeholders("2025-26", basis)
    out = io.StringIO()
    started = time.perf_counter()
    call_command("uprate", to_year="2025-26", benefit_rises=str(rises), stdout=out, stderr=sys.stderr)
    uprate_time = time.perf_counter() - started
    rows.append(line("**uprate --to-year 2025-26** (one transaction)", people, uprate_time))

    again = io.StringIO()
    started = time.perf_counter()
    call_command("uprate", to_year="2025-26", benefit_rises=str(rises), stdout=again, stderr=sys.stderr)
    rows.append(line("uprate again: nothing to do", 0, time.perf_counter() - started))

    print(HEADER)
    print("\n".join(rows))
    print()
    target = "met" if uprate_time < 60 else "NOT met"
    print(
        f"Target: uprate {people:,} people in under a minute: {target} ({uprate_time:.1f} s, "
        f"{uprate_time / people * 1e6:,.0f} µs a person, {os.cpu_count()} cores, Python {platform.python_version()})."
    )
    written = (
        f"{FinancialAssessment.objects.filter(year__financial_year='2025-26').count():,} new assessments, "
        f"{PersonalBudget.objects.filter(reason='Uprating to 2025-26').count():,} new budget versions, "
        f"{ContributionLetter.objects.count():,} letters"
    )
    print(f"Written in the one transaction: {written}.")
    print(
        f"{people:,} of the {args.people:,} seeded people have a 2021-22 assessment: those who have died, and those "
        "under 18 on 6 April 2021, have none."
    )
    print("The run's own report:\n\n```\n" + out.getvalue().strip() + "\n" + again.getvalue().strip() + "\n```\n")
    print("The refused run said:\n\n```\n" + refused.strip() + "\n```\n")
    print(
        "BENCHMARK-ONLY: to let the run happen, these unconfirmed figures were confirmed in the scratch database "
        "with placeholder amounts that are not real figures (2025-26: the 2021-22 amount plus 20%, or £50.00; "
        "2021-22: the shipped best-known amount): " + "; ".join(placeholders) + ". The benefit rises are "
        "illustrative too."
    )
    if scratch is not None:
        connection.close()
        scratch.cleanup()


if __name__ == "__main__":
    main()
