"""Each worker's inbox: everything they have to do, with its due date, in one list.

Two sources make it up:
- stored Tasks (reviews/models.py Task) assigned to the worker by name, or to their role's shared queue;
- work the pathway already knows about but that is not stored as a Task: reviews assigned to the worker that are
  due, assessments waiting for an advocate, plans returned to the worker, and (for brokers and commissioners)
  personal assistants' checks lapsing. An item is derived only where no open Task has the same source, so nothing
  is counted twice when another part of the pathway opens Tasks for the same work.

People's names are shown only to those who may see them: a restricted record the user cannot open reads
"Restricted record" (and the item's own title is replaced by its kind, in case the title names the person).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from selfdirect.core.permissions import Action, can
from selfdirect.core.roles import Role
from selfdirect.people.selectors import can_see_restricted
from selfdirect.rules import pa_checks as pa_rules

from .models import Review, Task

Kind = Task.Kind
RESTRICTED = "Restricted record"

# Local choices, not national rules: how long a worker has before a derived item counts as overdue.
ADVOCACY_CHASE_DAYS = 7  # chase a referral when no advocate is arranged within a week
RETURNED_PLAN_DAYS = 7  # rework a returned plan within a week of its return
# Roles that keep the register of personal assistants and see their checks lapsing.
PA_CHECK_ROLES = {Role.SUPPORT_PLANNER, Role.COMMISSIONER}


@dataclass
class InboxItem:
    kind: str
    title: str
    due_on: datetime.date
    url: str
    source: str
    person: object = None  # the Person, or None
    task: Task | None = None  # a stored Task (can be marked done), or None for a derived item
    overdue: bool = False
    person_label: str = ""  # the name, "Restricted record", the council ID (roles that do not see records), or ""
    person_ref: str = ""  # the council ID or "Restricted record": for emails, never a name

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label if self.kind in Kind.values else self.kind

    @property
    def stored(self) -> bool:
        return self.task is not None


def _url(name: str, *args, fallback: str = "") -> str:
    """A page's address; another part of the pathway may not have its page yet (fallback then)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _person_url(person) -> str:
    return person.get_absolute_url() if person is not None else ""


def tasks_for_user(user):
    """Open stored Tasks for the user: named, or in their role's shared queue."""
    mine = Q(assignee=user)
    if user.role:
        mine |= Q(assignee__isnull=True, role=user.role)
    return Task.objects.filter(mine, done_at__isnull=True).select_related("person", "assignee").order_by("due_on", "id")


def task_get_for_user(*, user, pk) -> Task | None:
    """An open or done Task the user may act on (theirs or their role's queue), or None."""
    mine = Q(assignee=user)
    if user.role:
        mine |= Q(assignee__isnull=True, role=user.role)
    return Task.objects.filter(mine, pk=pk).select_related("person").first()


def _derived_reviews(user):
    for review in Review.objects.filter(assigned_to=user, status=Review.Status.SCHEDULED).select_related("person"):
        yield InboxItem(
            kind=Kind.REVIEW,
            title=review.get_kind_display(),
            due_on=review.due_on,
            url=_url("review_detail", review.pk, fallback=_person_url(review.person)),
            source=f"review:{review.pk}",
            person=review.person,
        )


def _derived_advocacy(user):
    from selfdirect.assessments.models import AdvocacyReferral, Assessment

    referrals = AdvocacyReferral.objects.filter(
        status=AdvocacyReferral.Status.REQUESTED,
        assessment__allocated_worker=user,
        assessment__status__in=[Assessment.Status.DRAFT, Assessment.Status.SUBMITTED, Assessment.Status.IN_PROGRESS],
    ).select_related("assessment__person")
    for referral in referrals:
        yield InboxItem(
            kind=Kind.ADVOCACY,
            title=f"Waiting for an independent advocate (referred to {referral.organisation})",
            due_on=referral.referred_on + datetime.timedelta(days=ADVOCACY_CHASE_DAYS),
            url=_url("assessment_detail", referral.assessment_id),
            source=f"advocacy:{referral.pk}",
            person=referral.assessment.person,
        )


def _derived_returned_plans(user):
    from selfdirect.planning.models import SupportPlan

    plans = (
        SupportPlan.objects.filter(status=SupportPlan.Status.RETURNED)
        .filter(Q(created_by=user) | Q(person__allocated_worker=user))
        .select_related("person")
        .distinct()
    )
    for plan in plans:
        returned = timezone.localdate(plan.decided_at) if plan.decided_at else timezone.localdate(plan.updated_at)
        yield InboxItem(
            kind=Kind.RETURNED_PLAN,
            title="Support plan returned for changes",
            due_on=returned + datetime.timedelta(days=RETURNED_PLAN_DAYS),
            url=plan.get_absolute_url(),
            source=f"returned_plan:{plan.pk}",
            person=plan.person,
        )


def _check_last_days(pa, kind: str, recheck_years: int) -> list[datetime.date]:
    days = []
    for check in pa.rule_checks():
        if check.kind != kind:
            continue
        last = (
            pa_rules.dbs_current_until(check, recheck_years=recheck_years) if kind == pa_rules.DBS else check.expires_on
        )
        if last is not None:
            days.append(last)
    return days


def pa_check_items(*, on: datetime.date, alerts=None) -> list[InboxItem]:
    """PA checks lapsing within the council's alert window, or lapsed: one item per alert. A lapsed check was due
    the day after its last day (so it shows as overdue); one lapsing is due on its last day."""
    from selfdirect.core.models import CouncilSettings
    from selfdirect.market.selectors import check_alerts

    alerts = alerts if alerts is not None else check_alerts(on=on)
    recheck_years = CouncilSettings.current().dbs_recheck_years
    items = []
    for n, alert in enumerate(alerts.pas):
        kind = next((k for k, label in pa_rules.KINDS.items() if alert.message.startswith(label)), None)
        kind = kind or _kind_from_message(alert.message)
        days = _check_last_days(alert.pa, kind, recheck_years) if kind else []
        if alert.lapsed:
            before = [d for d in days if d < on]
            due = max(before) + datetime.timedelta(days=1) if before else on
        else:
            ahead = [d for d in days if on <= d < alerts.horizon]
            due = min(ahead) if ahead else on
        items.append(
            InboxItem(
                kind=Kind.PA_CHECK,
                title=f"{alert.pa.full_name}: {alert.message}",
                due_on=due,
                url=alert.pa.get_absolute_url(),
                source=f"pa_check:{alert.pa.pk}:{kind or n}:{due.isoformat()}",
            )
        )
    return items


def _kind_from_message(message: str) -> str | None:
    """The check kind of a lapsed-check message (pa_rules.problems words them without the kind's label)."""
    lowered = message.lower()
    for kind, words in ((pa_rules.DBS, "dbs"), (pa_rules.REFERENCE, "reference"),
                        (pa_rules.RIGHT_TO_WORK, "right to work"), (pa_rules.TRAINING, "training")):  # fmt: skip
        if words in lowered:
            return kind
    return None


def _label(user, item: InboxItem, see_records: bool) -> None:
    person = item.person
    if person is None:
        return
    hidden = person.is_restricted and not can_see_restricted(user=user, person=person)
    item.person_ref = RESTRICTED if hidden else person.council_id
    if hidden:
        item.person_label = RESTRICTED
        item.title = item.kind_label  # a stored title may name the person
    elif see_records:
        item.person_label = person.full_name
    else:
        item.person_label = person.council_id


def inbox_for_user(
    *,
    user,
    on: datetime.date | None = None,
    kind: str = "",
    overdue_only: bool = False,
    due_by: datetime.date | None = None,
    pa_alerts=None,
) -> list[InboxItem]:
    """Everything due for `user`, soonest first: stored Tasks and the derived items no open Task stands for.
    Filters: one kind, overdue only, due on or before `due_by`. `pa_alerts` (market.selectors.check_alerts) can be
    passed in when many inboxes are built at once."""
    on = on or timezone.localdate()
    items = [
        InboxItem(
            kind=task.kind,
            title=task.title,
            due_on=task.due_on,
            url=task.url or _person_url(task.person),
            source=task.source,
            person=task.person,
            task=task,
        )
        for task in tasks_for_user(user)
    ]
    derived = [*_derived_reviews(user), *_derived_advocacy(user), *_derived_returned_plans(user)]
    if user.role in PA_CHECK_ROLES:
        derived += pa_check_items(on=on, alerts=pa_alerts)
    if derived:
        open_sources = set(
            Task.objects.filter(done_at__isnull=True, source__in=[d.source for d in derived]).values_list(
                "source", flat=True
            )
        )
        items += [d for d in derived if d.source not in open_sources]
    see_records = can(user, Action.PERSON_VIEW)
    selected = []
    for item in items:
        item.overdue = item.due_on < on
        if kind and item.kind != kind:
            continue
        if overdue_only and not item.overdue:
            continue
        if due_by is not None and item.due_on > due_by:
            continue
        _label(user, item, see_records)
        selected.append(item)
    selected.sort(key=lambda i: (i.due_on, i.kind, i.title, i.source))
    return selected


def end_of_week(day: datetime.date) -> datetime.date:
    """The Sunday of `day`'s week."""
    return day + datetime.timedelta(days=6 - day.weekday())
