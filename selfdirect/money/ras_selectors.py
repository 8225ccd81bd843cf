"""Reads for the resource allocation system: the table in use, an assessment's answers for the engine, the
indicative budget of an assessment, and the calibration and equity report that both `manage.py
ras_calibrate` and the /ras/equity/ page show."""

import math
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
from django.db.models import Prefetch
from django.utils import timezone

from selfdirect.rules import allocation
from selfdirect.rules.cld import PRIMARY_SUPPORT_REASONS

from .models import IndicativeBudget, PersonalBudget, RasPrice, RasTable

# A group is flagged when the RAS gives it, at the median, less than 90% of what was approved after
# planning, and there are enough cases to say so.
UNDER_FUNDED_RATIO = 0.9
MIN_GROUP_SIZE = 5
UNKNOWN_REASON = "Unknown"


def latest_published_table() -> RasTable | None:
    return RasTable.objects.filter(published_at__isnull=False).order_by("-version").first()


def table_spec(table: RasTable) -> allocation.TableSpec:
    """The engine's view of a stored table (two queries)."""
    return allocation.TableSpec(
        rules={rule.key: rule.points for rule in table.rules.all()},
        prices=tuple(
            allocation.PriceSpec(
                age_band=p.age_band,
                client_group=p.client_group,
                min_points=p.min_points,
                max_points=p.max_points,
                price_per_point=p.price_per_point,
                weekly_amount=p.weekly_amount,
            )
            for p in table.prices.all()
        ),
        exceptional_points=table.exceptional_points,
        method=table.method,
        version=table.version,
    )


def _age_on(date_of_birth, day) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def answers_from_assessment(assessment, *, on) -> allocation.Answers:
    """What the engine needs from a needs assessment: outcomes unable (with limbs, frequency, unpaid carer),
    supervision, night support, the person's age on `on` and the primary support reason."""
    return allocation.Answers(
        outcomes=tuple(
            allocation.OutcomeNeed(
                code=a.code,
                reasons=tuple(a.unable_reasons),
                frequency=a.frequency,
                met_by_unpaid_carer=a.met_by_unpaid_carer,
            )
            for a in assessment.outcome_answers.all()
            if a.unable_reasons
        ),
        age=_age_on(assessment.person.date_of_birth, on),
        supervision=assessment.supervision or "",
        night_support=assessment.night_support or "",
        primary_support_reason=assessment.primary_support_reason or "",
    )


def indicative_budget_for(assessment) -> IndicativeBudget | None:
    """The assessment's indicative budget, if one was worked out (pages show it from the assessment alone)."""
    if assessment is None or getattr(assessment, "pk", None) is None:
        return None
    return IndicativeBudget.objects.filter(assessment_id=assessment.pk).select_related("table").first()


# --- Calibration and equity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """Least squares through the origin: approved weekly cost ≈ price per point x points."""

    n: int
    price_per_point: Decimal
    r_squared: float | None  # centred R² (1 - SSres/SStot); can be below 0 for a fit through the origin
    residual_sd: Decimal  # £ a week
    residual_q25: Decimal
    residual_q75: Decimal


@dataclass(frozen=True)
class GroupRow:
    primary_support_reason: str
    age_band: str
    n: int
    median_ratio: float
    q25_ratio: float
    q75_ratio: float
    under_funded: bool
    enough_cases: bool

    @property
    def label(self) -> str:
        return f"{self.primary_support_reason}, {self.age_band}"


@dataclass(frozen=True)
class EquityReport:
    table: RasTable
    cases: int  # people with a current approved budget and an indicative budget
    rescored: int  # of those, scored again with this table's rules (their budget used another version)
    excluded: int  # approved budget of £0 (no ratio)
    fit: Fit | None
    groups: list[GroupRow]

    @property
    def flagged(self) -> list[GroupRow]:
        return [g for g in self.groups if g.under_funded]


def _pounds(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


CASE_SCHEMA = {
    "person_id": pl.Int64,
    "primary_support_reason": pl.Utf8,
    "age_band": pl.Utf8,
    "points": pl.Float64,
    "indicative": pl.Float64,
    "approved": pl.Float64,
}


def calibration_cases(*, table: RasTable, progress=None) -> tuple[pl.DataFrame, int]:
    """One row per person with a current approved personal budget and at least one indicative budget:
    the points and indicative amount under `table`, and the approved weekly total cost.

    The person's latest indicative budget is used. Where it was worked out with another version of the table,
    its assessment is scored again with `table`, so a draft can be tried on real cases before it is published.
    `progress(total)`, if given, returns a context manager with `advance()` (core.progress.Progress).
    Returns (frame, how many were scored again)."""
    approved = dict(PersonalBudget.objects.filter(is_current=True).values_list("person_id", "weekly_total_cost"))
    if not approved:
        return pl.DataFrame(schema=CASE_SCHEMA), 0
    latest: dict[int, IndicativeBudget] = {}
    budgets = (
        IndicativeBudget.objects.filter(
            person_id__in=PersonalBudget.objects.filter(is_current=True).values("person_id")
        )
        .select_related("assessment", "person")
        .order_by("person_id", "-computed_at", "-id")
        .only(
            "person_id",
            "table_id",
            "points",
            "weekly_amount",
            "computed_at",
            "assessment__id",
            "assessment__primary_support_reason",
            "assessment__supervision",
            "assessment__night_support",
            "person__date_of_birth",
        )
    )
    for budget in budgets.iterator(chunk_size=2000):
        latest.setdefault(budget.person_id, budget)
    spec = table_spec(table)
    other = [b for b in latest.values() if b.table_id != table.pk]
    by_id = {}
    if other:
        from selfdirect.assessments.models import Assessment, OutcomeAnswer

        ids = [b.assessment_id for b in other]
        for start in range(0, len(ids), 5000):  # stay under every database's limit on query parameters
            assessments = Assessment.objects.filter(pk__in=ids[start : start + 5000]).prefetch_related(
                Prefetch("outcome_answers", queryset=OutcomeAnswer.objects.order_by("code"))
            )
            by_id.update((a.pk, a) for a in assessments)
    rows = []
    with progress(len(latest)) if progress else nullcontext() as bar:
        for budget in latest.values():
            rows.append(_case_row(budget, table=table, spec=spec, by_id=by_id, approved=approved))
            if bar is not None:
                bar.advance()
    return pl.DataFrame(rows, schema=CASE_SCHEMA), len(other)


def _case_row(budget, *, table, spec, by_id, approved) -> dict:
    """One case: points and indicative amount under `table`, approved cost, group and age band."""
    day = timezone.localdate(budget.computed_at)
    band = allocation.age_band(_age_on(budget.person.date_of_birth, day))
    reason = budget.assessment.primary_support_reason or UNKNOWN_REASON
    if budget.table_id == table.pk:
        points, indicative = budget.points, budget.weekly_amount
    else:
        assessment = by_id[budget.assessment_id]
        assessment.person = budget.person
        result = allocation.allocate(answers_from_assessment(assessment, on=day), spec)
        points, indicative = result.points, result.weekly_amount
    return {
        "person_id": budget.person_id,
        "primary_support_reason": reason,
        "age_band": band,
        "points": float(points),
        "indicative": float(indicative),
        "approved": float(approved[budget.person_id]),
    }


def fit_price_per_point(cases: pl.DataFrame) -> Fit | None:
    """Least squares through the origin (documented in docs/ras.md): price = Σ points·approved / Σ points²."""
    if cases.height == 0:
        return None
    sums = cases.select(
        (pl.col("points") * pl.col("approved")).sum().alias("xy"),
        (pl.col("points") ** 2).sum().alias("xx"),
    ).row(0, named=True)
    if not sums["xx"]:
        return None
    price = sums["xy"] / sums["xx"]
    fitted = cases.with_columns(residual=pl.col("approved") - pl.col("points") * price)
    stats = fitted.select(
        (pl.col("residual") ** 2).sum().alias("ss_res"),
        ((pl.col("approved") - pl.col("approved").mean()) ** 2).sum().alias("ss_tot"),
        pl.col("residual").quantile(0.25, interpolation="linear").alias("q25"),
        pl.col("residual").quantile(0.75, interpolation="linear").alias("q75"),
    ).row(0, named=True)
    n = cases.height
    r_squared = 1 - stats["ss_res"] / stats["ss_tot"] if stats["ss_tot"] else None
    residual_sd = math.sqrt(stats["ss_res"] / (n - 1)) if n > 1 else 0.0
    return Fit(
        n=n,
        price_per_point=_pounds(price),
        r_squared=r_squared,
        residual_sd=_pounds(residual_sd),
        residual_q25=_pounds(stats["q25"]),
        residual_q75=_pounds(stats["q75"]),
    )


def equity_groups(cases: pl.DataFrame) -> list[GroupRow]:
    """Median and interquartile range of indicative ÷ approved for each primary support reason × age band."""
    if cases.height == 0:
        return []
    grouped = (
        cases.with_columns(ratio=pl.col("indicative") / pl.col("approved"))
        .group_by(["primary_support_reason", "age_band"])
        .agg(
            pl.len().alias("n"),
            pl.col("ratio").median().alias("median"),
            pl.col("ratio").quantile(0.25, interpolation="linear").alias("q25"),
            pl.col("ratio").quantile(0.75, interpolation="linear").alias("q75"),
        )
    )
    order = {reason: i for i, reason in enumerate(PRIMARY_SUPPORT_REASONS)}
    rows = sorted(
        grouped.iter_rows(named=True),
        key=lambda r: (order.get(r["primary_support_reason"], len(order)), r["age_band"]),
    )
    return [
        GroupRow(
            primary_support_reason=r["primary_support_reason"],
            age_band=r["age_band"],
            n=r["n"],
            median_ratio=r["median"],
            q25_ratio=r["q25"],
            q75_ratio=r["q75"],
            enough_cases=r["n"] >= MIN_GROUP_SIZE,
            under_funded=r["n"] >= MIN_GROUP_SIZE and r["median"] < UNDER_FUNDED_RATIO,
        )
        for r in rows
    ]


def ras_equity(*, table: RasTable | None = None, progress=None) -> EquityReport | None:
    """The calibration fit and the equity table for `table` (default: the latest published). None if there is
    no table at all."""
    table = table or latest_published_table()
    if table is None:
        return None
    table = RasTable.objects.prefetch_related("rules", Prefetch("prices", queryset=RasPrice.objects.all())).get(
        pk=table.pk
    )
    cases, rescored = calibration_cases(table=table, progress=progress)
    usable = cases.filter(pl.col("approved") > 0)
    return EquityReport(
        table=table,
        cases=cases.height,
        rescored=rescored,
        excluded=cases.height - usable.height,
        fit=fit_price_per_point(usable),
        groups=equity_groups(usable),
    )
