"""Reads for short-term support, the individual budget statement and the reports. Access rules are applied
here: a record is fetched only after the user's action is checked, and a person only through
people.selectors.person_get_for_user (restricted records stay hidden)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from selfdirect.core.permissions import Action, require
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_get_for_user
from selfdirect.rules import joint_funding, plan_costs, short_term
from selfdirect.workforce.models import Team

from .models import FollowUp91, Goal, JointFunding, OtherFunding, ShortTermEpisode, SignpostingReferral

ZERO = Decimal("0.00")


# --- episodes ------------------------------------------------------------------------------------------------


def teams_for(*, user) -> QuerySet[Team]:
    """The teams to choose from: the user's own first, then the rest."""
    return Team.objects.order_by("name")


def default_team(*, user) -> Team | None:
    own = getattr(user, "teams", None)
    return own.order_by("name").first() if own is not None else None


def episodes_for_team(*, team: Team | None, status: str = ShortTermEpisode.Status.OPEN) -> QuerySet[ShortTermEpisode]:
    """A team's episodes (or those with no team, when `team` is None), soonest planned end first when open."""
    episodes = ShortTermEpisode.objects.filter(status=status).select_related("person", "worker", "team")
    episodes = episodes.filter(team=team) if team is not None else episodes.filter(team__isnull=True)
    order = ["planned_end", "id"] if status == ShortTermEpisode.Status.OPEN else ["-actual_end", "-id"]
    return episodes.exclude(person__is_restricted=True).order_by(*order)


def episode_get_for_user(*, user, pk) -> ShortTermEpisode:
    """An episode, if the user runs short-term support and may open the person's record."""
    require(user, Action.SHORT_TERM_WORK)
    episode = get_object_or_404(ShortTermEpisode.objects.select_related("team", "worker", "support_request"), pk=pk)
    episode.person = person_get_for_user(user=user, pk=episode.person_id)
    return episode


def goal_get_for_user(*, user, episode_pk, pk) -> Goal:
    episode = episode_get_for_user(user=user, pk=episode_pk)
    goal = get_object_or_404(Goal, pk=pk, episode=episode)
    goal.episode = episode
    return goal


def episodes_for_person(*, person: Person) -> QuerySet[ShortTermEpisode]:
    return ShortTermEpisode.objects.filter(person=person).select_related("worker", "team")


def open_requests_for(*, person: Person):
    from selfdirect.assessments.models import SupportRequest

    return SupportRequest.objects.filter(person=person, status=SupportRequest.Status.OPEN).order_by("-received_on")


# --- follow-ups ----------------------------------------------------------------------------------------------


def follow_ups_due(*, on: datetime.date, within_days: int = 14) -> QuerySet[FollowUp91]:
    """Follow-ups not yet recorded that are due by `within_days` from `on` (overdue ones first)."""
    return (
        FollowUp91.objects.filter(outcome="", due_on__lte=on + datetime.timedelta(days=within_days))
        .exclude(person__is_restricted=True)
        .select_related("person", "episode")
        .order_by("due_on", "id")
    )


def follow_ups_done(*, limit: int = 20) -> QuerySet[FollowUp91]:
    return (
        FollowUp91.objects.exclude(outcome="")
        .exclude(person__is_restricted=True)
        .select_related("person")
        .order_by("-recorded_on", "-id")[:limit]
    )


def follow_up_get_for_user(*, user, pk) -> FollowUp91:
    require(user, Action.SHORT_TERM_WORK)
    follow_up = get_object_or_404(FollowUp91.objects.select_related("episode"), pk=pk)
    follow_up.person = person_get_for_user(user=user, pk=follow_up.person_id)
    return follow_up


# --- joint funding: the council's share ---------------------------------------------------------------------


def joint_funding_for_plan(*, plan, on: datetime.date | None = None) -> list[JointFunding]:
    on = on or timezone.localdate()
    return [j for j in JointFunding.objects.filter(plan=plan).order_by("start_date", "id") if j.covers(on)]


def council_share(*, weekly_cost: Decimal, plan=None, arrangement=None, on: datetime.date | None = None) -> Decimal:
    """The council's part of a weekly cost on a jointly funded plan (the whole cost when nobody else pays).

    For an arrangement (a CLD Service event), pass it: its plan is found through its plan line, and the share of
    the arrangement's cost is the same split as the plan's (a percentage of it; a fixed amount in proportion to
    the arrangement's part of the plan). The Client Level Data return should report this as the cost."""
    if arrangement is not None:
        plan = arrangement.plan_line.plan
    if plan is None:
        return weekly_cost
    shares = [j.share() for j in joint_funding_for_plan(plan=plan, on=on)]
    if not shares:
        return weekly_cost
    if weekly_cost == plan.weekly_total or not plan.weekly_total:
        return joint_funding.council_share(weekly_cost, shares)
    # A part of the plan: the council's share of the whole, in proportion (exact to the penny).
    whole = joint_funding.council_share(plan.weekly_total, shares)
    return (weekly_cost * whole / plan.weekly_total).quantize(joint_funding.PENNY)


def council_share_ratios(*, plan_ids, on: datetime.date | None = None) -> dict[int, Decimal]:
    """For a batch (the CLD return): {plan id: the council's share of the plan's cost as a fraction}, only for
    jointly funded plans (any other plan is all the council's: 1). Multiply an arrangement's unit cost by it and
    round to the penny to report the council's cost."""
    from selfdirect.planning.models import SupportPlan

    on = on or timezone.localdate()
    rows: dict[int, list[JointFunding]] = {}
    for row in JointFunding.objects.filter(plan_id__in=set(plan_ids)).order_by("start_date", "id"):
        if row.covers(on):
            rows.setdefault(row.plan_id, []).append(row)
    totals = dict(SupportPlan.objects.filter(pk__in=rows).values_list("pk", "weekly_total"))
    ratios = {}
    for plan_id, shares in rows.items():
        total = totals.get(plan_id)
        if total:
            ratios[plan_id] = joint_funding.council_share(total, [j.share() for j in shares]) / total
    return ratios


# --- the individual budget statement -------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingLine:
    source: str
    description: str
    amount: Decimal
    period: str
    weekly: Decimal | None  # None for one-off amounts
    start_date: datetime.date
    end_date: datetime.date | None


@dataclass
class IndividualBudget:
    person: Person
    on: datetime.date
    budget: object | None  # the current PersonalBudget
    plan: object | None
    plan_weekly_total: Decimal | None
    joint: list[tuple[str, Decimal]] = field(default_factory=list)  # (funder, weekly share)
    council_share: Decimal | None = None
    other: list[FundingLine] = field(default_factory=list)
    one_off: list[FundingLine] = field(default_factory=list)
    ended: list[FundingLine] = field(default_factory=list)

    @property
    def weekly_other_public_money(self) -> Decimal:
        return sum((line.weekly for line in self.other), ZERO) + sum((share for _, share in self.joint), ZERO)

    @property
    def weekly_all_public_money(self) -> Decimal:
        council = self.budget.weekly_council_amount if self.budget is not None else ZERO
        return council + self.weekly_other_public_money


def weekly_equivalent(amount: Decimal, period: str) -> Decimal | None:
    """An amount a week (DHSC factors, rules/plan_costs), to the penny; None for one-off amounts."""
    if period == OtherFunding.Period.ONE_OFF:
        return None
    return plan_costs.line_weekly_cost(unit_type=period, unit_rate=amount, units=Decimal(1), per_week=Decimal(1))


def individual_budget_statement(*, person: Person, on: datetime.date | None = None) -> IndividualBudget:
    """The personal budget beside the other public money the person gets for their support (s26(3)), with the
    council's share of a jointly funded plan."""
    from selfdirect.money.models import PersonalBudget
    from selfdirect.planning.models import SupportPlan

    on = on or timezone.localdate()
    budget = PersonalBudget.objects.filter(person=person, is_current=True).first()
    plan = SupportPlan.objects.filter(person=person, status=SupportPlan.Status.APPROVED).order_by("-decided_at").first()
    statement = IndividualBudget(
        person=person, on=on, budget=budget, plan=plan, plan_weekly_total=plan.weekly_total if plan else None
    )
    if plan is not None:
        rows = joint_funding_for_plan(plan=plan, on=on)
        if rows:
            parts = joint_funding.split(plan.weekly_total, [j.share() for j in rows])
            statement.joint = [(j.funder, parts[j.funder]) for j in rows]
            statement.council_share = parts[joint_funding.COUNCIL]
    for funding in OtherFunding.objects.filter(person=person).order_by("start_date", "id"):
        line = FundingLine(
            source=funding.get_source_display(),
            description=funding.description,
            amount=funding.amount,
            period=funding.get_period_display(),
            weekly=weekly_equivalent(funding.amount, funding.period),
            start_date=funding.start_date,
            end_date=funding.end_date,
        )
        if line.weekly is None:
            statement.one_off.append(line)
        elif funding.start_date <= on and (funding.end_date is None or on <= funding.end_date):
            statement.other.append(line)
        elif funding.end_date is not None and funding.end_date < on:
            statement.ended.append(line)
        else:
            statement.other.append(line)  # starting soon: shown, counted from its start
    return statement


# --- reports -------------------------------------------------------------------------------------------------

# What each kind of episode, and each long-term setting, counts as when it follows a request (STS001).
EPISODE_STS001 = {
    short_term.ST_MAX: short_term.STS001_ST_MAX,
    short_term.ONGOING_LOW_LEVEL: short_term.STS001_ONGOING_LOW_LEVEL,
    short_term.OTHER_SHORT_TERM: short_term.STS001_OTHER_SHORT_TERM,
}
SETTING_STS001 = {
    "Long Term Support: Nursing Care": short_term.STS001_LTS_NURSING,
    "Long Term Support: Residential Care": short_term.STS001_LTS_RESIDENTIAL,
    "Long Term Support: Community": short_term.STS001_LTS_COMMUNITY,
    "Long Term Support: Prison": short_term.STS001_LTS_PRISON,
}


def request_rows(*, start: datetime.date, end: datetime.date) -> list[short_term.RequestRow]:
    """Requests received in the period (linked to a person), with what followed each person (episodes and
    long-term arrangements) and whether they were a new client when the request came in."""
    from selfdirect.assessments.models import SupportRequest
    from selfdirect.market.models import Arrangement

    requests = list(
        SupportRequest.objects.filter(person__isnull=False, received_on__range=(start, end)).values(
            "person_id", "received_on", "outcome"
        )
    )
    people = {r["person_id"] for r in requests}
    followed: dict[int, list[short_term.Followed]] = {pk: [] for pk in people}
    long_term: dict[int, list[tuple[datetime.date, datetime.date | None]]] = {pk: [] for pk in people}
    for person_id, service_type, started in ShortTermEpisode.objects.filter(person_id__in=people).values_list(
        "person_id", "service_type", "start_date"
    ):
        followed[person_id].append(short_term.Followed(EPISODE_STS001[service_type], started))
    arrangements = Arrangement.objects.filter(person_id__in=people, service_type__startswith="Long Term")
    for person_id, service_type, started, ended in arrangements.values_list(
        "person_id", "service_type", "start_date", "end_date"
    ):
        followed[person_id].append(short_term.Followed(SETTING_STS001[service_type], started))
        long_term[person_id].append((started, ended))

    def new_client(person_id, on):
        return not any(s < on and (e is None or e >= on) for s, e in long_term[person_id])

    return [
        short_term.RequestRow(
            person_id=r["person_id"],
            received_on=r["received_on"],
            new_client=new_client(r["person_id"], r["received_on"]),
            outcome=r["outcome"],
            followed=tuple(followed[r["person_id"]]),
        )
        for r in requests
    ]


def episode_rows(*, start: datetime.date, end: datetime.date) -> list[short_term.EpisodeRow]:
    """Episodes that ended in the period."""
    return [
        short_term.EpisodeRow(episode_type=t, existing_client=e, sequel_code=s)
        for t, e, s in ShortTermEpisode.objects.filter(
            status=ShortTermEpisode.Status.CLOSED, actual_end__range=(start, end)
        ).values_list("service_type", "existing_client", "sequel")
    ]


def follow_up_rows(*, start: datetime.date, end: datetime.date) -> list[short_term.FollowUpRow]:
    """Follow-ups that fell due in the period."""
    return [
        short_term.FollowUpRow(due_on=d, outcome=o)
        for d, o in FollowUp91.objects.filter(due_on__range=(start, end)).values_list("due_on", "outcome")
    ]


@dataclass
class ShortTermReport:
    start: datetime.date
    end: datetime.date
    sts001: list[tuple[str, int]]
    sts001_total: int
    sts002: list[tuple[str, int, int]]  # (sequel, new clients, existing clients)
    sts002_totals: tuple[int, int]
    still_at_home: short_term.StillAtHome
    follow_up_outcomes: list[tuple[str, int]]
    resolved: short_term.ResolvedWithoutLongTerm
    signposted: list[tuple[str, int]]


def short_term_report(*, start: datetime.date, end: datetime.date) -> ShortTermReport:
    """STS001, STS002a/b, the 91-day measure and requests resolved without long-term support, for a period."""
    requests = request_rows(start=start, end=end)
    table = short_term.sts001(requests)
    parts = short_term.sts002(episode_rows(start=start, end=end))
    at_home = short_term.still_at_home(follow_up_rows(start=start, end=end))
    signposted: dict[str, int] = {}
    for kind, service in SignpostingReferral.objects.filter(made_on__range=(start, end)).values_list("kind", "service"):
        key = service or short_term.ADVICE_KINDS[kind]
        signposted[key] = signposted.get(key, 0) + 1
    return ShortTermReport(
        start=start,
        end=end,
        sts001=list(table.items()),
        sts001_total=sum(table.values()),
        sts002=[(name, parts["a"][name], parts["b"][name]) for name in short_term.STS002_SEQUELS],
        sts002_totals=(sum(parts["a"].values()), sum(parts["b"].values())),
        still_at_home=at_home,
        follow_up_outcomes=[(label, at_home.by_outcome[code]) for code, label in short_term.FOLLOW_UP_OUTCOMES.items()],
        resolved=short_term.resolved_without_long_term(requests),
        signposted=sorted(signposted.items()),
    )


def financial_year(on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The financial year (1 April to 31 March) that contains `on`."""
    first = on.year if on.month >= 4 else on.year - 1
    return datetime.date(first, 4, 1), datetime.date(first + 1, 3, 31)
