"""What the management dashboards show: each section is a list of tables (aggregates only, never a person's name),
some with a chart of the same figures. Every table can be downloaded as CSV or XLSX with exactly its rows.

Sections are listed once, in SECTIONS at the bottom: a new dashboard (for example reablement, issue 11) is one
more `Section(...)` entry with a function that returns its tables, or a `Section(url_name=...)` link to a page
that lives elsewhere.

Filters (DashboardFilters): the person's allocated team, age band and primary support reason, and a date range.
Not every table can honour every filter (PA checks are about PAs, not people); each section says which it uses.
"""

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from selfdirect.assessments.models import Assessment, SupportRequest
from selfdirect.core.models import CouncilSettings
from selfdirect.core.permissions import Action
from selfdirect.market.models import PaCheck
from selfdirect.payments.models import MonitoringFinding
from selfdirect.planning import report_selectors as planning_reports
from selfdirect.planning.models import Party, PlanDecision, SupportPlan
from selfdirect.reviews import selectors as review_selectors
from selfdirect.rules import pa_checks as pa_rules
from selfdirect.rules import reviews as review_rules
from selfdirect.workforce.models import Team

from . import measures
from .measures import PeopleFilter

# Filters a section can use (the page says which apply).
TEAM, AGE_BAND, PSR, DATES = "team", "age_band", "primary_support_reason", "dates"
PEOPLE_FILTERS = frozenset({TEAM, AGE_BAND, PSR})
ALL_FILTERS = PEOPLE_FILTERS | {DATES}
FILTER_LABELS = {TEAM: "team", AGE_BAND: "age band", PSR: "primary support reason", DATES: "date range"}
PA_CHECK_MONTHS_AHEAD = 6
NEVER_LAPSES = datetime.date.max
ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class DashboardFilters:
    people: PeopleFilter
    start: datetime.date
    end: datetime.date
    today: datetime.date

    @property
    def as_at(self) -> datetime.date:
        """The date point-in-time tables use: the end of the range, or today if the range runs on past it."""
        return min(self.end, self.today)


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Chart:
    """A chart of some of a table's columns: `kind` "line" (over the rows, in order) or "bar" (one group of bars
    per row). `label` is the index of the column naming each row; `series` the indexes of the plotted columns."""

    kind: str
    label: int
    series: tuple[int, ...]
    unit: str = ""
    maximum: Decimal | None = None


@dataclass
class Table:
    slug: str
    caption: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    summary: str
    build: Callable[[DashboardFilters], list[Table]] | None = None
    filters: frozenset = ALL_FILTERS
    # A section that is a page elsewhere: its URL name and the action needed to open it.
    url_name: str = ""
    action: str = Action.DASHBOARD_VIEW

    @property
    def is_link(self) -> bool:
        return bool(self.url_name)

    @property
    def filters_not_used(self) -> list[str]:
        return [FILTER_LABELS[f] for f in (TEAM, AGE_BAND, PSR, DATES) if f not in self.filters]


# --- Small helpers -------------------------------------------------------------------------------------------


def one_place(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def median_days(values: list[int]) -> Decimal | None:
    return one_place(statistics.median(values)) if values else None


def mean_days(values: list[int]) -> Decimal | None:
    return one_place(Decimal(sum(values)) / len(values)) if values else None


def month_label(day: datetime.date) -> str:
    return f"{day:%b %Y}"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_in(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [month_start(day) for day in measures.month_ends(start, end)]


def local_date(value: datetime.datetime | datetime.date) -> datetime.date:
    return timezone.localtime(value).date() if isinstance(value, datetime.datetime) else value


def people_q(filters: DashboardFilters, prefix: str, on: datetime.date | None = None) -> Q:
    """The people filters on a queryset reaching the person through `prefix`; the age band is age on `on`."""
    return filters.people.q(prefix) & filters.people.born_q(prefix, on or filters.as_at)


def any_people_filter(filters: DashboardFilters) -> bool:
    return filters.people != measures.EVERYONE


# --- ASCOF 3D ----------------------------------------------------------------------------------------------


def ascof_tables(filters: DashboardFilters) -> list[Table]:
    series = measures.measures_series(start=filters.start, end=filters.as_at, people=filters.people)
    trend = Table(
        slug="ascof-trend",
        caption="ASCOF 3D at each month end",
        columns=[
            Column("Month end"),
            Column("1a: self-directed support (%)", True),
            Column("2a: direct payments (%)", True),
            Column("People on self-directed support", True),
            Column("People on direct payments", True),
            Column("People in long-term community support", True),
            Column("1b: carers on self-directed support (%)", True),
            Column("Carers on self-directed support", True),
            Column("Carers with support direct to them", True),
        ],
        chart=Chart("line", 0, (1, 2, 6), unit="%", maximum=Decimal(100)),
        note="1b counts carers over the twelve months to each month end.",
    )
    for m in series:
        a, b, c = (m["ascof_3d"][k] for k in ("part_1a", "part_2a", "part_1b"))
        trend.rows.append(
            [
                f"{m['at']:%d %b %Y}",
                a["percent"],
                b["percent"],
                a["numerator"],
                b["numerator"],
                a["denominator"],
                c["percent"],
                c["numerator"],
                c["denominator"],
            ]
        )
    at = filters.as_at
    groups = Table(
        slug="ascof-groups",
        caption=f"ASCOF 3D by group on {at:%d %B %Y}",
        columns=[
            Column("Grouping"),
            Column("Group"),
            Column("1a: self-directed support (%)", True),
            Column("2a: direct payments (%)", True),
            Column("People in long-term community support", True),
        ],
        chart=Chart("bar", 1, (2, 3), unit="%", maximum=Decimal(100)),
    )
    for g in measures.ascof_by_group(at=at, people=filters.people):
        groups.rows.append(
            [g["grouping"], g["group"], g["part_1a"].percent, g["part_2a"].percent, g["part_1a"].denominator]
        )
    latest = series[-1] if series else measures.measures_at(at=at, people=filters.people)
    settings = Table(
        slug="support-settings",
        caption=f"People in long-term support by setting on {at:%d %B %Y} (each person once)",
        columns=[Column("Setting"), Column("People", True)],
        rows=[[name, count] for name, count in latest["long_term_support_by_setting"].items()],
        chart=Chart("bar", 0, (1,)),
    )
    lts = Table(
        slug="lts001b",
        caption=f"Long-term support on {at:%d %B %Y} by primary support reason, age band and setting (LTS001b)",
        columns=[Column("Primary support reason"), Column("Age band"), Column("Setting"), Column("People", True)],
        rows=[
            [r["primary_support_reason"], r["age_band"], r["support_setting"], r["people"]] for r in latest["lts001b"]
        ],
    )
    return [trend, groups, settings, lts]


# --- Waiting times -----------------------------------------------------------------------------------------


def _waits_by_month(events: list[tuple[datetime.date, int | None]], months: list[datetime.date]):
    """(month, count, days waited for those done, number still waiting) per month, from (start date, days or
    None while still waiting) pairs."""
    by_month: dict[datetime.date, list] = defaultdict(list)
    for started, days in events:
        by_month[month_start(started)].append(days)
    for month in months:
        values = by_month.get(month, [])
        done = [d for d in values if d is not None]
        yield month, len(values), done, len(values) - len(done)


def request_to_assessment(filters: DashboardFilters) -> Table:
    """Requests received in the range by month: how long until an assessment started (the first one linked to the
    request). Requests not yet matched to a person are counted only when no people filter is chosen."""
    requests = SupportRequest.objects.filter(received_on__gte=filters.start, received_on__lte=filters.end)
    if any_people_filter(filters):
        requests = requests.filter(people_q(filters, "person__"))
    firsts = dict(
        Assessment.objects.filter(request__in=requests)
        .exclude(status=Assessment.Status.CANCELLED)
        .values("request_id")
        .annotate(first=Min("started_on"))
        .values_list("request_id", "first")
    )
    events = []
    for pk, received, status in requests.values_list("pk", "received_on", "status"):
        first = firsts.get(pk)
        if first is not None:
            events.append((received, max(0, (first - received).days)))
        elif status == SupportRequest.Status.OPEN:
            events.append((received, None))
    table = Table(
        slug="request-to-assessment",
        caption="Requests for support to the start of an assessment, by month of request",
        columns=[
            Column("Month"),
            Column("Median days", True),
            Column("Average days", True),
            Column("Requests that led to an assessment", True),
            Column("Open requests still waiting", True),
        ],
        chart=Chart("line", 0, (1, 2), unit="days"),
        note="Requests closed without an assessment (information and advice, for example) are not counted.",
    )
    for month, _, done, waiting in _waits_by_month(events, months_in(filters.start, filters.end)):
        table.rows.append([month_label(month), median_days(done), mean_days(done), len(done), waiting])
    return table


PLAN_DECIDED = (SupportPlan.Status.APPROVED, SupportPlan.Status.AWAITING_FINANCE, SupportPlan.Status.SUPERSEDED)


def assessment_to_plan(filters: DashboardFilters) -> Table:
    """Needs assessments signed off in the range by month: how long until a support plan for it was approved."""
    assessments = Assessment.objects.filter(
        kind=Assessment.Kind.NEEDS,
        status=Assessment.Status.SIGNED_OFF,
        signed_off_at__date__gte=filters.start,
        signed_off_at__date__lte=filters.end,
    ).filter(people_q(filters, "person__"))
    approved = dict(
        SupportPlan.objects.filter(assessment__in=assessments, status__in=PLAN_DECIDED, decided_at__isnull=False)
        .values("assessment_id")
        .annotate(first=Min("decided_at"))
        .values_list("assessment_id", "first")
    )
    events = []
    for pk, signed_off in assessments.values_list("pk", "signed_off_at"):
        decided = approved.get(pk)
        start = local_date(signed_off)
        events.append((start, max(0, (local_date(decided) - start).days) if decided else None))
    table = Table(
        slug="assessment-to-plan",
        caption="Needs assessments signed off to an approved support plan, by month of sign-off",
        columns=[
            Column("Month"),
            Column("Median days", True),
            Column("Average days", True),
            Column("Assessments with an approved plan", True),
            Column("Assessments still without one", True),
        ],
        chart=Chart("line", 0, (1, 2), unit="days"),
    )
    for month, _, done, waiting in _waits_by_month(events, months_in(filters.start, filters.end)):
        table.rows.append([month_label(month), median_days(done), mean_days(done), len(done), waiting])
    return table


def waiting_tables(filters: DashboardFilters) -> list[Table]:
    return [request_to_assessment(filters), assessment_to_plan(filters)]


# --- Support-planning organisations ------------------------------------------------------------------------


def organisation_tables(filters: DashboardFilters) -> list[Table]:
    table = Table(
        slug="planning-organisations",
        caption=f"Support-planning organisations on {filters.today:%d %B %Y}: capacity, queue and waits",
        columns=[
            Column("Organisation"),
            Column("New referrals it can take a month", True),
            Column("Taken on this month", True),
            Column("Waiting in its queue", True),
            Column("Months a new referral waits", True),
            Column("Average actual wait (days, last 6 months)", True),
            Column("Referrals measured", True),
        ],
        chart=Chart("bar", 0, (1, 2, 3)),
    )
    for row in planning_reports.organisation_rows(today=filters.today, active_only=True):
        table.rows.append(
            [
                row.organisation.name,
                row.organisation.monthly_capacity,
                row.taken_this_month,
                row.queue_length,
                row.months_to_wait,
                row.average_wait_days,
                row.referrals_measured,
            ]
        )
    return [table]


# --- Panel decisions and where the time went ---------------------------------------------------------------


def panel_tables(filters: DashboardFilters) -> list[Table]:
    team = Team.objects.filter(pk=filters.people.team_id).first() if filters.people.team_id is not None else None
    rows = planning_reports.time_by_party(start=filters.start, end=filters.end, team=team)
    parties = list(Party)
    categories = list(PlanDecision.ReturnCategory)
    held: dict[datetime.date, Counter] = defaultdict(Counter)
    decided: dict[datetime.date, Counter] = defaultdict(Counter)
    for r in rows:
        for party in parties:
            held[r.month][party.value] += r.held[party.value].total_seconds()
        decided[r.month]["manager"] += r.manager_decisions
        decided[r.month]["panel"] += r.panel_decisions
        for c in categories:
            decided[r.month][c.value] += r.returns[c.value]
    months = months_in(filters.start, filters.end)
    time = Table(
        slug="where-the-time-went",
        caption="Where the time went: days support plans were held by each party, by month",
        columns=[Column("Month")] + [Column(p.label, True) for p in parties] + [Column("All", True)],
        chart=Chart("bar", 0, tuple(range(1, len(parties) + 1)), unit="days"),
    )
    for month in months:
        seconds = [held[month][p.value] for p in parties]
        time.rows.append(
            [month_label(month)]
            + [one_place(Decimal(s) / 86400) for s in seconds]
            + [one_place(Decimal(sum(seconds)) / 86400)]
        )
    decisions = Table(
        slug="panel-decisions",
        caption="Decisions on support plans and plans returned, by month",
        columns=[Column("Month"), Column("Manager decisions", True), Column("Panel decisions", True)]
        + [Column(f"Returned: {c.label.lower()}", True) for c in categories],
        chart=Chart("bar", 0, (1, 2)),
    )
    for month in months:
        counts = decided[month]
        decisions.rows.append(
            [month_label(month), counts["manager"], counts["panel"]] + [counts[c.value] for c in categories]
        )
    turnaround = Table(
        slug="decision-turnaround",
        caption="Average days from submission to decision, by team and month",
        columns=[
            Column("Team"),
            Column("Month"),
            Column("Manager decisions", True),
            Column("Average days to a manager's decision", True),
            Column("Panel decisions", True),
            Column("Average days to a panel decision", True),
        ],
    )
    for r in rows:
        if r.manager_decisions or r.panel_decisions:
            turnaround.rows.append(
                [
                    r.team_name,
                    month_label(r.month),
                    r.manager_decisions,
                    planning_reports.days(r.manager_turnaround),
                    r.panel_decisions,
                    planning_reports.days(r.panel_turnaround),
                ]
            )
    return [time, decisions, turnaround]


# --- Reviews -----------------------------------------------------------------------------------------------

OVERDUE_BANDS = [(1, 30), (31, 90), (91, 180), (181, 365), (366, None)]


def review_tables(filters: DashboardFilters) -> list[Table]:
    today = filters.today
    reviews = review_selectors.due_reviews(today=today).filter(people_q(filters, "person__", today))
    plans = review_selectors.never_reviewed_plans(today=today).filter(people_q(filters, "person__", today))
    by_team: dict[str, Counter] = defaultdict(Counter)
    oldest: dict[str, int] = defaultdict(int)
    bands = Counter()
    for team, due_on in reviews.values_list("person__allocated_team__name", "due_on"):
        name = team or review_selectors.NO_TEAM
        if due_on < today:
            late = review_rules.days_overdue(due_on, today)
            by_team[name]["overdue"] += 1
            oldest[name] = max(oldest[name], late)
            bands[next(b for b in OVERDUE_BANDS if late >= b[0] and (b[1] is None or late <= b[1]))] += 1
        else:
            by_team[name]["soon"] += 1
    for team in plans.values_list("person__allocated_team__name", flat=True):
        by_team[team or review_selectors.NO_TEAM]["never"] += 1
    teams = Table(
        slug="reviews-by-team",
        caption=f"Reviews overdue and due in the next {review_rules.DUE_SOON_DAYS} days on {today:%d %B %Y}, by team",
        columns=[
            Column("Team"),
            Column("Overdue", True),
            Column(f"Due in the next {review_rules.DUE_SOON_DAYS} days", True),
            Column("Longest overdue (days)", True),
            Column("Approved plans never reviewed", True),
        ],
        chart=Chart("bar", 0, (1, 2, 4)),
    )
    for name in sorted(by_team, key=lambda n: (-by_team[n]["overdue"], n)):
        c = by_team[name]
        teams.rows.append([name, c["overdue"], c["soon"], oldest.get(name, 0), c["never"]])
    overdue = Table(
        slug="reviews-overdue-by-length",
        caption="Overdue reviews by how long they are overdue",
        columns=[Column("Days overdue"), Column("Reviews", True)],
        chart=Chart("bar", 0, (1,)),
    )
    for band in OVERDUE_BANDS:
        label = f"{band[0]} to {band[1]} days" if band[1] else f"More than {band[0] - 1} days"
        overdue.rows.append([label, bands[band]])
    return [teams, overdue]


# --- PA checks ---------------------------------------------------------------------------------------------


def _last_days_by_kind(checks: list[pa_rules.Check], recheck_years: int) -> dict[str, datetime.date]:
    """For each kind of check a PA has: the last day the longest-lasting one counts. Kinds with a check that never
    lapses, and DBS certificates that never counted, are left out."""
    latest: dict[str, datetime.date] = {}
    for check in checks:
        if check.kind == pa_rules.DBS:
            until = pa_rules.dbs_current_until(check, recheck_years=recheck_years)
        else:
            until = check.expires_on or NEVER_LAPSES
        if until is not None:
            latest[check.kind] = max(latest.get(check.kind, until), until)
    return {kind: day for kind, day in latest.items() if day != NEVER_LAPSES}


def pa_check_tables(filters: DashboardFilters) -> list[Table]:
    today = filters.today
    settings = CouncilSettings.current()
    months = months_in(today, today + datetime.timedelta(days=31 * PA_CHECK_MONTHS_AHEAD))[:PA_CHECK_MONTHS_AHEAD]
    kinds = list(PaCheck.Kind)
    lapsed = "Already lapsed"
    counts: dict[str, Counter] = defaultdict(Counter)
    checks: dict[int, list[pa_rules.Check]] = defaultdict(list)
    for check in PaCheck.objects.filter(pa__is_active=True).only(
        "pa_id",
        "kind",
        "issued_on",
        "expires_on",
        "certificate_number",
        "adult_barred_list",
        "update_service",
        "update_service_checked_on",
    ):
        checks[check.pa_id].append(check.as_rule())
    for pa_checks in checks.values():
        for kind, last_day in _last_days_by_kind(pa_checks, settings.dbs_recheck_years).items():
            if last_day < today:
                counts[lapsed][kind] += 1
            elif month_start(last_day) in months:
                counts[month_label(month_start(last_day))][kind] += 1
    table = Table(
        slug="pa-check-expiries",
        caption=f"Checks on active personal assistants that have lapsed or lapse in the next {PA_CHECK_MONTHS_AHEAD} "
        "months",
        columns=[Column("When")] + [Column(k.label, True) for k in kinds] + [Column("All checks", True)],
        chart=Chart("bar", 0, (len(kinds) + 1,)),
        note="A check replaced by a newer one of the same kind is not counted; checks that never lapse are not shown.",
    )
    for label in [lapsed] + [month_label(m) for m in months]:
        row = [counts[label][k.value] for k in kinds]
        table.rows.append([label] + row + [sum(row)])
    return [table]


# --- Direct-payment surpluses and findings -----------------------------------------------------------------


def direct_payment_tables(filters: DashboardFilters) -> list[Table]:
    findings = MonitoringFinding.objects.filter(
        created_at__date__gte=filters.start, created_at__date__lte=filters.end
    ).filter(people_q(filters, "agreement__person__"))
    kinds = list(MonitoringFinding.Kind)
    surplus = MonitoringFinding.Kind.SURPLUS
    by_month: dict[datetime.date, Counter] = defaultdict(Counter)
    amounts: dict[datetime.date, Decimal] = defaultdict(Decimal)
    monthly = (
        findings.annotate(month=TruncMonth("created_at"))
        .values("month", "kind", "status")
        .annotate(n=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    for row in monthly:
        month = month_start(local_date(row["month"]))
        by_month[month][row["kind"]] += row["n"]
        by_month[month][row["status"]] += row["n"]
        if row["kind"] == surplus:
            amounts[month] += row["amount"] or Decimal(0)
    table = Table(
        slug="dp-findings",
        caption="Direct-payment monitoring findings raised, by month",
        columns=[Column("Month"), Column("Surplus above the limit (£)", True)]
        + [Column(_kind_label(k), True) for k in kinds]
        + [Column("Resolved", True), Column("Still open", True)],
        chart=Chart("bar", 0, tuple(range(2, 2 + len(kinds)))),
        note="Surplus: the total balance above the council's limit on the surplus findings raised that month.",
    )
    for month in months_in(filters.start, filters.end):
        c = by_month[month]
        table.rows.append(
            [month_label(month), amounts[month].quantize(Decimal("0.01"))]
            + [c[k.value] for k in kinds]
            + [c[MonitoringFinding.Status.RESOLVED], c[MonitoringFinding.Status.OPEN]]
        )
    return [table]


def _kind_label(kind) -> str:
    """The finding kind's short name (before the colon in its label)."""
    return kind.label.split(":")[0]


# --- The sections, in the order the index lists them ------------------------------------------------------

SECTIONS: list[Section] = [
    Section(
        "ascof",
        "Self-directed support and direct payments (ASCOF 3D)",
        "The share of people in long-term community support on self-directed support and on direct payments, "
        "over time and by group, and long-term support by setting (LTS001b).",
        ascof_tables,
    ),
    Section(
        "waiting-times",
        "Waiting times",
        "From a request for support to an assessment, and from a signed-off assessment to an approved plan.",
        waiting_tables,
    ),
    Section(
        "planning-organisations",
        "Support-planning organisations",
        "Each organisation's monthly capacity against its queue and how long referrals wait.",
        organisation_tables,
        filters=frozenset(),
    ),
    Section(
        "panel",
        "Panel decisions and where the time went",
        "Decisions by managers and the funding panel, plans returned by reason, and how long plans were with whom.",
        panel_tables,
        filters=frozenset({TEAM, DATES}),
    ),
    Section(
        "reviews",
        "Reviews due and overdue",
        "Reviews overdue and due soon by team, and how long the overdue ones have waited.",
        review_tables,
        filters=PEOPLE_FILTERS,
    ),
    Section(
        "pa-checks",
        "Personal assistant checks expiring",
        "DBS, references, right to work and training checks that have lapsed or lapse soon.",
        pa_check_tables,
        filters=frozenset(),
    ),
    Section(
        "direct-payments",
        "Direct-payment surpluses and monitoring findings",
        "Findings from direct-payment monitoring by month, with the surplus above the council's limit.",
        direct_payment_tables,
    ),
    Section(
        "ras-equity",
        "Resource allocation equity",
        "Whether the resource allocation system gives each group what it costs to meet their needs.",
        url_name="ras_equity",
        action=Action.CASELOAD_TEAMS,
    ),
    Section(
        "short-term",
        "Short-term support and reablement",
        "Requests by what followed them (STS001), reablement outcomes (STS002a/b), who was still at home 91 days "
        "after hospital, and the share of new requests resolved without long-term support.",
        url_name="short_term_report",
    ),
    Section(
        "where-the-time-went",
        "Where the time went, by team and month",
        "How long plans spent with the worker, the panel, the person and finance.",
        url_name="report_time",
        action=Action.PLAN_REPORTS,
    ),
    Section(
        "cld-return",
        "Client Level Data return",
        "Validate the quarterly return against the specification's mandatory-field rules, then download it.",
        url_name="cld_return",
        action=Action.CLD_RETURN,
    ),
]


def section_get(slug: str) -> Section | None:
    return next((s for s in SECTIONS if s.slug == slug and not s.is_link), None)


def table_get(section: Section, slug: str, filters: DashboardFilters) -> Table | None:
    return next((t for t in section.build(filters) if t.slug == slug), None)
