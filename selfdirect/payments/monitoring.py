"""Proportionate monitoring of direct-payment accounts: a short list of things worth a friendly check, never an
automatic block. Each finding becomes a task for a named worker (the person's allocated worker, or else the
finance officers' shared queue) with a due date.

What is looked for, on a run for `today` (the council's settings give the numbers):

- SURPLUS: the account holds more than `dp_surplus_weeks` weeks of the direct payment (the direct-payment part of
  the personal budget in force). The finding proposes a recoupment agreed with the person; resolving it can post
  the agreed amount back to the council (`finding_resolve`). Period: the current month.
- NO_PA_WAGES: the plan pays for a personal assistant and no PA wages have gone out for `dp_no_wages_weeks` weeks,
  up to the latest statement line held (a possible failed arrangement: check in). Period: from the day after the
  last wages (or the first payment) to the latest statement line, so the same gap is raised once.
- CONTRIBUTION_MISSING: in the previous complete month, more than a week's contribution short of what the person
  was expected to pay into the account. Which agreements expect contributions in the account follows the
  payment rules in rules/dp_schedule.py: a NET direct payment is paid less the contribution, which the person
  pays into the account (the part taken from the direct-payment part of the budget); a GROSS one is paid in full
  and the council collects the contribution separately, so nothing is expected in the account.
  Only judged once statements cover the whole month.
- OUTSIDE_PLAN: money out in a category the plan's direct-payment lines do not cover (PLAN_COVERS) in the
  previous or the current month: a question to ask, never a block. Unclassified ("other") lines are not raised:
  a finance officer classifies them first.
- CASH: cash taken out in the previous or current month where the plan does not say cash is agreed.

Findings are idempotent: one per agreement, kind and period start, and none while one of the same kind is still
open for the agreement, so a nightly run does not make a wall of duplicates.

`findings_due` is the rule, on an `AccountFacts` summary (no database); `account_facts` gathers it for one
agreement; `dp_monitor` records the findings and tasks. `monitor_frame` applies the same rules to millions of
statement lines at once with Polars (bench/bench_dp_monitoring.py; tests check it agrees with `findings_due`).
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
DAY = datetime.timedelta(days=1)

SURPLUS = "surplus"
NO_PA_WAGES = "no_pa_wages"
CONTRIBUTION_MISSING = "contribution_missing"
OUTSIDE_PLAN = "outside_plan"
CASH = "cash"

# Money-out categories a plan can cover (cash is its own question; "other" is not yet classified).
SPENDING_CATEGORIES = (
    "pa_wages",
    "tax_pension",
    "payroll_service",
    "agency_care",
    "insurance",
    "equipment",
    "activities",
    "transport",
)
# What each kind of plan line pays for. Employing a personal assistant brings wages, PAYE and pension, a payroll
# service and employer's liability insurance with it.
PA_COVERS = frozenset({"pa_wages", "tax_pension", "payroll_service", "insurance"})
PROVIDER_COVERS = frozenset({"agency_care"})
COMPONENT_COVERS = {
    "Transport": frozenset({"transport"}),
    "Equipment": frozenset({"equipment"}),
    "Day Support": frozenset({"activities"}),
    "Learning/Education/Employment Support": frozenset({"activities"}),
}
# Days until each finding's task is due: a possible failed arrangement is urgent, a surplus can wait for a chat.
DUE_DAYS = {NO_PA_WAGES: 5, CONTRIBUTION_MISSING: 14, CASH: 28, OUTSIDE_PLAN: 28, SURPLUS: 28}
# The order findings are listed in (most urgent first).
KIND_ORDER = (NO_PA_WAGES, CONTRIBUTION_MISSING, SURPLUS, CASH, OUTSIDE_PLAN)


def plan_covers(lines: Iterable) -> frozenset[str]:
    """The spending categories a plan's lines (objects with support_kind and service_component) cover."""
    covered: set[str] = set()
    for line in lines:
        if line.support_kind == "pa":
            covered |= PA_COVERS
        elif line.support_kind == "provider":
            covered |= PROVIDER_COVERS
        covered |= COMPONENT_COVERS.get(line.service_component or "", frozenset())
    return frozenset(covered)


def to_penny(value) -> Decimal:
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    end = month_start(day) - DAY
    return month_start(end), end


def months_checked(today: datetime.date) -> tuple[tuple[datetime.date, datetime.date], ...]:
    """The previous complete month and the current month to date."""
    return previous_month(today), (month_start(today), today)


@dataclass(frozen=True)
class MonthFacts:
    start: datetime.date
    end: datetime.date
    contributions: Decimal = ZERO  # contributions paid into the account (less any paid back)
    spending: Mapping[str, Decimal] = field(default_factory=dict)  # money out by category, as positive amounts


@dataclass(frozen=True)
class AccountFacts:
    balance: Decimal
    weekly_amount: Decimal  # the direct-payment part of the budget: what the account is for each week
    weekly_contribution: Decimal  # expected into the account each week (0 when none is expected)
    started_on: datetime.date
    has_pa: bool
    cash_agreed: bool
    covered: frozenset[str]
    last_pa_wages_on: datetime.date | None
    known_through: datetime.date | None  # the latest statement line held
    months: tuple[MonthFacts, ...]


@dataclass(frozen=True)
class Proposal:
    kind: str
    period_start: datetime.date
    period_end: datetime.date
    amount: Decimal | None
    info: dict = field(default_factory=dict, compare=False)


def findings_due(
    facts: AccountFacts, *, today: datetime.date, surplus_weeks: int, no_wages_weeks: int
) -> list[Proposal]:
    """What is worth a check on this account today (see the module docstring), before de-duplication."""
    found = []
    if facts.weekly_amount > 0:
        limit = to_penny(facts.weekly_amount * surplus_weeks)
        if facts.balance > limit:
            found.append(
                Proposal(
                    SURPLUS,
                    month_start(today),
                    today,
                    facts.balance - limit,
                    {"balance": facts.balance, "limit": limit, "weekly": facts.weekly_amount, "weeks": surplus_weeks},
                )
            )
    if facts.has_pa and facts.known_through is not None:
        gap_start = facts.started_on
        if facts.last_pa_wages_on is not None:
            gap_start = max(gap_start, facts.last_pa_wages_on + DAY)
        if gap_start <= facts.known_through and (facts.known_through - gap_start).days + 1 >= 7 * no_wages_weeks:
            found.append(
                Proposal(
                    NO_PA_WAGES,
                    gap_start,
                    facts.known_through,
                    None,
                    {"last": facts.last_pa_wages_on, "weeks": no_wages_weeks},
                )
            )
    previous = previous_month(today)
    for month in facts.months:
        if (month.start, month.end) != previous or facts.weekly_contribution <= 0:
            continue
        if facts.started_on > month.start or facts.known_through is None or facts.known_through < month.end:
            continue
        days = (month.end - month.start).days + 1
        expected = to_penny(facts.weekly_contribution * days / 7)
        short = expected - month.contributions
        if short > facts.weekly_contribution:
            found.append(
                Proposal(
                    CONTRIBUTION_MISSING,
                    month.start,
                    month.end,
                    short,
                    {"paid": month.contributions, "expected": expected, "weekly": facts.weekly_contribution},
                )
            )
    for month in facts.months:
        outside = {
            category: month.spending[category]
            for category in SPENDING_CATEGORIES
            if category not in facts.covered and month.spending.get(category, ZERO) > 0
        }
        if outside:
            found.append(Proposal(OUTSIDE_PLAN, month.start, month.end, sum(outside.values(), ZERO), outside))
    if not facts.cash_agreed:
        for month in facts.months:
            cash = month.spending.get("cash", ZERO)
            if cash > 0:
                found.append(Proposal(CASH, month.start, month.end, cash, {}))
    return found


# --------------------------------------------------------------------------------------------------
# Wording (friendly, for the finance page and the worker's task)
# --------------------------------------------------------------------------------------------------


def _pounds(value: Decimal) -> str:
    return f"£{value:,.2f}"


def _month(day: datetime.date) -> str:
    return f"{day:%B %Y}"


def _date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def finding_title(kind: str, name: str) -> str:
    title = {
        SURPLUS: f"{name}'s direct payment has built up: agree what to do with the extra",
        NO_PA_WAGES: f"Check in with {name}: no personal assistant wages paid recently",
        CONTRIBUTION_MISSING: f"Check with {name}: contributions not paid in",
        OUTSIDE_PLAN: f"Ask {name} about spending the plan does not mention",
        CASH: f"Ask {name} about cash taken out",
    }[kind]
    return title[0].upper() + title[1:]


def finding_detail(proposal: Proposal, name: str) -> str:
    info = proposal.info
    if proposal.kind == SURPLUS:
        return (
            f"The account holds {_pounds(info['balance'])}, which is {_pounds(proposal.amount)} more than "
            f"{info['weeks']} weeks of the direct payment ({_pounds(info['weekly'])} a week). Talk with {name} about "
            "why it has built up and agree whether some should come back to the council."
        )
    if proposal.kind == NO_PA_WAGES:
        since = (
            f"since {_date(info['last'])}"
            if info.get("last")
            else f"since the direct payment started on {_date(proposal.period_start)}"
        )
        return (
            f"No personal assistant wages have been paid {since} (statements checked up to "
            f"{_date(proposal.period_end)}), although the plan includes a personal assistant. Check in with {name}: "
            "is the support still happening? This may be a failed arrangement."
        )
    if proposal.kind == CONTRIBUTION_MISSING:
        return (
            f"{_pounds(info['paid'])} was paid into the account as contributions in {_month(proposal.period_start)}, "
            f"against {_pounds(info['expected'])} expected ({_pounds(info['weekly'])} a week). Check with {name} "
            "whether something has changed, for example their income."
        )
    if proposal.kind == OUTSIDE_PLAN:
        from .models import Category

        parts = ", ".join(f"{_pounds(v)} on {Category(k).label.lower()}" for k, v in info.items())
        return (
            f"In {_month(proposal.period_start)} the account spent {parts}, which the plan does not mention. Ask "
            f"{name} what it was for: it may well be fine, and the plan can be updated."
        )
    return (
        f"{_pounds(proposal.amount)} was taken out in cash in {_month(proposal.period_start)}, and the plan does not "
        f"say cash is agreed. Ask {name} what it was for: cash can be agreed in the plan where it helps."
    )


# --------------------------------------------------------------------------------------------------
# From the database
# --------------------------------------------------------------------------------------------------


def _money(value) -> Decimal:
    # SQLite sums decimals as floating point: back to pence.
    return Decimal(value if value is not None else 0).quantize(PENNY)


def weekly_amounts(agreement, on: datetime.date) -> tuple[Decimal, Decimal]:
    """(the direct-payment part of the budget a week, the contribution expected into the account a week) under the
    personal budget versions in force on `on` (the plan's figure when the person has no budget yet)."""
    from selfdirect.money.models import PersonalBudget
    from selfdirect.rules import dp_schedule

    budgets = list(PersonalBudget.objects.filter(person_id=agreement.person_id).order_by("version"))
    if not budgets:
        return _money(agreement.plan.weekly_direct_payment), ZERO

    def versions(attribute):
        return [dp_schedule.BudgetVersion(b.effective_from, getattr(b, attribute)) for b in budgets]

    direct_payment = dp_schedule.weekly_on(versions("weekly_direct_payment"), on)
    contribution = dp_schedule.weekly_on(versions("weekly_person_contribution"), on)
    if not agreement.net_of_contribution:
        return _money(direct_payment), ZERO
    paid = dp_schedule.dp_weekly_amount(direct_payment=direct_payment, contribution=contribution, net=True)
    return _money(direct_payment), _money(direct_payment - paid)


def agreement_plan_lines(agreement) -> list:
    lines = list(agreement.plan_lines.all())
    if lines:
        return lines
    from selfdirect.planning.models import Management, PlanLine

    return list(PlanLine.objects.filter(plan_id=agreement.plan_id, management=Management.DIRECT_PAYMENT))


def account_facts(agreement, *, today: datetime.date) -> AccountFacts:
    from django.db.models import Max, Q, Sum

    from .models import Category, StatementLine
    from .selectors import balance

    weekly, contribution = weekly_amounts(agreement, today)
    lines = agreement_plan_lines(agreement)
    held = StatementLine.objects.filter(agreement=agreement, occurred_on__lte=today)
    dates = held.aggregate(
        known=Max("occurred_on"),
        wages=Max("occurred_on", filter=Q(category=Category.PA_WAGES, amount__lt=0)),
    )
    months = []
    for start, end in months_checked(today):
        rows = (
            held.filter(occurred_on__range=(start, end))
            .values("category")
            .annotate(out=Sum("amount", filter=Q(amount__lt=0)), total=Sum("amount"))
        )
        spending, contributions = {}, ZERO
        for row in rows:
            if row["out"] is not None:
                spending[row["category"]] = -_money(row["out"])
            if row["category"] == Category.CONTRIBUTION:
                contributions = _money(row["total"])
        months.append(MonthFacts(start, end, contributions, spending))
    return AccountFacts(
        balance=balance(agreement=agreement, on=today),
        weekly_amount=weekly,
        weekly_contribution=contribution,
        started_on=agreement.first_payment_on or agreement.start_date,
        has_pa=any(line.support_kind == "pa" for line in lines),
        cash_agreed=agreement.cash_agreed,
        covered=plan_covers(lines),
        last_pa_wages_on=dates["wages"],
        known_through=dates["known"],
        months=tuple(months),
    )


def account_facts_from_lines(
    lines: Iterable[tuple[datetime.date, Decimal, str]],
    *,
    today: datetime.date,
    opening_balance: Decimal,
    weekly_amount: Decimal,
    weekly_contribution: Decimal,
    started_on: datetime.date,
    has_pa: bool,
    cash_agreed: bool,
    covered: frozenset[str],
) -> AccountFacts:
    """The same summary `account_facts` reads from the database, from classified lines (date, amount, category)
    and an opening balance: what `monitor_frame` works from, one account at a time (used to check it)."""
    months = months_checked(today)
    total, known, wages = ZERO, None, None
    contributions = [ZERO for _ in months]
    spending: list[dict[str, Decimal]] = [{} for _ in months]
    for day, amount, category in lines:
        if day > today:
            continue
        total += amount
        known = day if known is None or day > known else known
        if category == "pa_wages" and amount < 0 and (wages is None or day > wages):
            wages = day
        for i, (start, end) in enumerate(months):
            if start <= day <= end:
                if category == "contribution":
                    contributions[i] += amount
                if amount < 0:
                    spending[i][category] = spending[i].get(category, ZERO) - amount
    return AccountFacts(
        balance=opening_balance + total,
        weekly_amount=weekly_amount,
        weekly_contribution=weekly_contribution,
        started_on=started_on,
        has_pa=has_pa,
        cash_agreed=cash_agreed,
        covered=covered,
        last_pa_wages_on=wages,
        known_through=known,
        months=tuple(MonthFacts(s, e, c, sp) for (s, e), c, sp in zip(months, contributions, spending, strict=True)),
    )


def _task_for(finding, *, name: str):
    from django.urls import reverse
    from django.utils import timezone

    from selfdirect.core.roles import Role
    from selfdirect.reviews.models import Task
    from selfdirect.reviews.task_services import task_open

    person = finding.agreement.person
    worker = person.allocated_worker if person.allocated_worker and person.allocated_worker.is_active else None
    return task_open(
        kind=Task.Kind.DP_FINDING,
        title=finding_title(finding.kind, name),
        due_on=timezone.localdate(finding.created_at) + datetime.timedelta(days=DUE_DAYS[finding.kind]),
        source=f"finding:{finding.pk}",
        person=person,
        assignee=worker,
        role="" if worker else Role.FINANCE_OFFICER,
        url=reverse("finding_detail", args=[finding.pk]),
        detail=finding.detail,
    )


@dataclass
class MonitorResult:
    agreements: int = 0
    created: list = field(default_factory=list)
    already_open: int = 0
    already_raised: int = 0


def dp_monitor(*, agreement=None, today: datetime.date, progress=None) -> MonitorResult:
    """Look over one agreement, or every paying one (active or suspended), and record new findings, each with its
    task. Running it again the same day (or while a finding of the same kind is open) adds nothing."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from selfdirect.core.audit import audit_record
    from selfdirect.core.models import AuditEvent, CouncilSettings

    from .models import DirectPaymentAgreement, MonitoringFinding

    settings = CouncilSettings.current()
    if agreement is not None:
        agreements = [agreement]
    else:
        agreements = (
            DirectPaymentAgreement.objects.filter(
                status__in=(DirectPaymentAgreement.Status.ACTIVE, DirectPaymentAgreement.Status.SUSPENDED)
            )
            .select_related("person__allocated_worker", "plan")
            .order_by("pk")
        )
    result = MonitorResult()
    for current in agreements.iterator(chunk_size=500) if hasattr(agreements, "iterator") else agreements:
        result.agreements += 1
        proposals = findings_due(
            account_facts(current, today=today),
            today=today,
            surplus_weeks=settings.dp_surplus_weeks,
            no_wages_weeks=settings.dp_no_wages_weeks,
        )
        if proposals:
            existing = list(
                MonitoringFinding.objects.filter(agreement=current).values_list("kind", "status", "period_start")
            )
            open_kinds = {kind for kind, status, _ in existing if status == MonitoringFinding.Status.OPEN}
            raised = {(kind, start) for kind, _, start in existing}
            for proposal in proposals:
                if proposal.kind in open_kinds:
                    result.already_open += 1
                    continue
                if (proposal.kind, proposal.period_start) in raised:
                    result.already_raised += 1
                    continue
                name = current.person.full_name
                try:
                    with transaction.atomic():
                        finding = MonitoringFinding.objects.create(
                            agreement=current,
                            kind=proposal.kind,
                            period_start=proposal.period_start,
                            period_end=proposal.period_end,
                            amount=proposal.amount,
                            detail=finding_detail(proposal, current.person.known_as),
                            created_at=timezone.now(),
                        )
                        _task_for(finding, name=name)
                        audit_record(
                            actor=None,
                            action=AuditEvent.Action.CREATE,
                            obj=finding,
                            person_id=current.person_id,
                            summary=f"Direct payment finding: {finding.get_kind_display()}",
                        )
                except IntegrityError:  # raised by another run at the same moment
                    result.already_raised += 1
                    continue
                open_kinds.add(proposal.kind)
                raised.add((proposal.kind, proposal.period_start))
                result.created.append(finding)
        if progress is not None:
            progress.advance(1)
    return result


def finding_resolve(*, finding, actor, resolution: str, recoup_amount=None, today=None, request=None):
    """Close a finding with what was found or agreed. For a surplus, `recoup_amount` (agreed with the person) posts
    a recoupment to the ledger: the holder's account -amount, returned to the council +amount. The task closes."""
    from django.db import transaction
    from django.utils import timezone

    from selfdirect.core.models import AuditEvent
    from selfdirect.core.permissions import Action, can
    from selfdirect.core.services import DomainError
    from selfdirect.people.models import PersonEvent
    from selfdirect.people.services import person_change_record
    from selfdirect.reviews.task_services import task_close

    from .models import LedgerAccount, LedgerTransaction, MonitoringFinding
    from .selectors import balance
    from .services import ledger_post

    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError("Enter what was found or agreed", field="resolution")
    if len(resolution) > 2000:
        raise DomainError("What was found or agreed must be 2,000 characters or fewer", field="resolution")
    today = today or timezone.localdate()
    with transaction.atomic():
        finding = MonitoringFinding.objects.select_for_update().select_related("agreement__person").get(pk=finding.pk)
        if finding.status != MonitoringFinding.Status.OPEN:
            raise DomainError("This finding has already been resolved")
        agreement = finding.agreement
        recoupment = None
        if recoup_amount not in (None, ""):
            if finding.kind != MonitoringFinding.Kind.SURPLUS:
                raise DomainError("A recoupment is agreed for a surplus only", field="recoup_amount")
            if not can(actor, Action.PAYMENTS_MANAGE):
                raise DomainError("Only a finance officer can record a recoupment", field="recoup_amount")
            amount = Decimal(recoup_amount)
            if amount <= 0 or amount != amount.quantize(PENNY):
                raise DomainError("Enter the amount to recoup in pounds and pence, more than £0", field="recoup_amount")
            held = balance(agreement=agreement)
            if amount > held:
                raise DomainError(
                    f"The account holds {_pounds(held)}: the recoupment cannot be more than that", field="recoup_amount"
                )
            recoupment = ledger_post(
                agreement=agreement,
                kind=LedgerTransaction.Kind.RECOUPMENT,
                occurred_on=today,
                description=f"Recoupment agreed with {agreement.person.full_name} (finding {finding.pk})",
                entries={LedgerAccount.Kind.HOLDER: -amount, LedgerAccount.Kind.RECOUPMENT: amount},
                actor=actor,
                request=request,
            )
        finding.status = MonitoringFinding.Status.RESOLVED
        finding.resolution = resolution
        finding.resolved_by = actor
        finding.resolved_at = timezone.now()
        finding.recoupment = recoupment
        finding.save(update_fields=["status", "resolution", "resolved_by", "resolved_at", "recoupment"])
        task_close(source=f"finding:{finding.pk}", actor=actor)
        recouped = f" Recoupment of {_pounds(Decimal(recoup_amount))} agreed." if recoupment else ""
        person_change_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=finding,
            person=agreement.person,
            summary=f"Direct payment finding resolved: {finding.get_kind_display()}",
            changes={"status": ["open", "resolved"], "resolution": ["", resolution]},
            event_type=PersonEvent.Type.ARRANGEMENT,
            title="Direct payment check resolved",
            detail=f"{finding.get_kind_display()}. {resolution}{recouped}",
            request=request,
        )
    return finding


# --------------------------------------------------------------------------------------------------
# Many accounts at once (Polars)
# --------------------------------------------------------------------------------------------------


def monitor_frame(lines, accounts, *, today: datetime.date, surplus_weeks: int, no_wages_weeks: int):
    """Findings for many accounts at once: the same rules as `findings_due`, in Polars, in whole pence.

    lines: account_id (int), occurred_on (date), amount (int pence, + in / - out), category (str) — classified
    already (classification.classify_frame); only lines on or before `today` count.
    accounts: account_id, opening_balance, weekly_amount, weekly_contribution (int pence), started_on (date),
    has_pa, cash_agreed (bool), covered (list of str).
    Returns one row per finding: account_id, kind, period_start, period_end, amount (int pence, null when none),
    sorted by account_id, kind, period_start."""
    import polars as pl

    (prev_start, prev_end), (cur_start, _) = months_checked(today)
    # Lazy, and only the columns needed: the five parts share one scan of the lines and run in parallel.
    lines = (
        lines.lazy().select("account_id", "occurred_on", "amount", "category").filter(pl.col("occurred_on") <= today)
    )
    accounts = accounts.lazy()
    amount, category, day = pl.col("amount"), pl.col("category"), pl.col("occurred_on")
    per_account = lines.group_by("account_id").agg(
        total=amount.sum(),
        known_through=day.max(),
        last_wages=day.filter((category == "pa_wages") & (amount < 0)).max(),
    )
    facts = accounts.join(per_account, on="account_id", how="left").with_columns(
        balance=pl.col("opening_balance") + pl.col("total").fill_null(0)
    )
    schema = {
        "account_id": pl.Int64,
        "kind": pl.String,
        "period_start": pl.Date,
        "period_end": pl.Date,
        "amount": pl.Int64,
    }
    results = []

    # SURPLUS: the limit is weeks x the weekly amount, in pence (already whole).
    limit = pl.col("weekly_amount") * surplus_weeks
    results.append(
        facts.filter((pl.col("weekly_amount") > 0) & (pl.col("balance") > limit)).select(
            "account_id",
            kind=pl.lit(SURPLUS),
            period_start=pl.lit(cur_start),
            period_end=pl.lit(today),
            amount=pl.col("balance") - limit,
        )
    )

    # NO_PA_WAGES: a gap of at least N weeks from the day after the last wages (or the start) to the latest line.
    gap_start = (
        pl.when(pl.col("last_wages").is_not_null())
        .then(pl.max_horizontal(pl.col("started_on"), pl.col("last_wages") + pl.duration(days=1)))
        .otherwise(pl.col("started_on"))
    )
    gaps = facts.filter(pl.col("has_pa") & pl.col("known_through").is_not_null()).with_columns(gap_start=gap_start)
    results.append(
        gaps.filter(
            (pl.col("gap_start") <= pl.col("known_through"))
            & ((pl.col("known_through") - pl.col("gap_start")).dt.total_days() + 1 >= 7 * no_wages_weeks)
        ).select(
            "account_id",
            kind=pl.lit(NO_PA_WAGES),
            period_start=pl.col("gap_start"),
            period_end=pl.col("known_through"),
            amount=pl.lit(None, dtype=pl.Int64),
        )
    )

    # CONTRIBUTION_MISSING: the previous month, expected = weekly x days / 7 rounded half up to the penny.
    days = (prev_end - prev_start).days + 1
    paid = (
        lines.filter((category == "contribution") & day.is_between(prev_start, prev_end))
        .group_by("account_id")
        .agg(paid=amount.sum())
    )
    expected = (pl.col("weekly_contribution") * days * 2 + 7) // 14
    contrib = (
        facts.join(paid, on="account_id", how="left")
        .with_columns(paid=pl.col("paid").fill_null(0), expected=expected)
        .filter(
            (pl.col("weekly_contribution") > 0)
            & (pl.col("started_on") <= prev_start)
            & pl.col("known_through").is_not_null()
            & (pl.col("known_through") >= prev_end)
            & (pl.col("expected") - pl.col("paid") > pl.col("weekly_contribution"))
        )
    )
    results.append(
        contrib.select(
            "account_id",
            kind=pl.lit(CONTRIBUTION_MISSING),
            period_start=pl.lit(prev_start),
            period_end=pl.lit(prev_end),
            amount=pl.col("expected") - pl.col("paid"),
        )
    )

    # OUTSIDE_PLAN and CASH: money out by account, month and category in the two months checked.
    month = pl.when(day >= cur_start).then(pl.lit(cur_start)).otherwise(pl.lit(prev_start))
    spent = (
        lines.filter((amount < 0) & day.is_between(prev_start, today))
        .with_columns(month=month)
        .group_by("account_id", "month", "category")
        .agg(out=-amount.sum())
        .join(accounts.select("account_id", "covered", "cash_agreed"), on="account_id", how="inner")
    )
    month_end = pl.when(pl.col("month") == cur_start).then(pl.lit(today)).otherwise(pl.lit(prev_end))
    outside = spent.filter(
        category.is_in(list(SPENDING_CATEGORIES)) & ~pl.col("covered").list.contains(category) & (pl.col("out") > 0)
    )
    results.append(
        outside.group_by("account_id", "month")
        .agg(amount=pl.col("out").sum())
        .select(
            "account_id",
            kind=pl.lit(OUTSIDE_PLAN),
            period_start=pl.col("month"),
            period_end=month_end,
            amount=pl.col("amount"),
        )
    )
    results.append(
        spent.filter((category == "cash") & ~pl.col("cash_agreed") & (pl.col("out") > 0)).select(
            "account_id",
            kind=pl.lit(CASH),
            period_start=pl.col("month"),
            period_end=month_end,
            amount=pl.col("out"),
        )
    )
    combined = pl.concat([r.select(list(schema)).cast(schema) for r in results])
    return combined.sort("account_id", "kind", "period_start").collect()
