"""Every change to reviews (Care Act s27; DP regulations reg 7): the schedule an approved plan starts, unplanned
reviews, the record of a review and cancelling one. Each is one transaction with its audit record (and, for what a
worker does, the person's timeline event), and each review due has a Task for the worker who holds it.

A review must not be used to cut a personal budget: a reduction needs a reassessment showing the person's needs or
circumstances have changed (statutory guidance ch 13, as summarised by tri.x).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from selfdirect.assessments.models import Assessment
from selfdirect.core.audit import diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, can
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.money.budget_selectors import personal_budget_current
from selfdirect.people.models import Person, PersonEvent
from selfdirect.people.services import person_change_record
from selfdirect.planning.models import Management, SupportPlan
from selfdirect.rules import cld
from selfdirect.rules import reviews as rules
from selfdirect.rules.charging import pounds

from .models import Review, Task
from .task_services import task_close, task_open

K = Review.Kind
PLANNED_KINDS = (K.FIRST, K.ANNUAL)
# Reviews an approved plan schedules; a newer plan's approval replaces them.
SCHEDULED_KINDS = (K.FIRST, K.ANNUAL, K.DIRECT_PAYMENT)
UNPLANNED_REASONS = [r for r in cld.REVIEW_REASONS if r != cld.REVIEW_PLANNED]
LIVE_PLAN = (SupportPlan.Status.APPROVED, SupportPlan.Status.AWAITING_FINANCE)
TASK_TITLES = {
    K.FIRST: "First review of the new plan",
    K.ANNUAL: "Yearly review",
    K.DIRECT_PAYMENT: "Direct payment review",
    K.UNPLANNED: "Unplanned review",
}
AUDITED = [
    "status",
    "method",
    "participants",
    "outcomes_achieved",
    "what_changes",
    "event_outcome",
    "new_weekly_total",
    "reassessment",
    "started_on",
    "completed_on",
    "cancelled_reason",
]
TOO_LARGE = Decimal("10000000.00")


def task_source(review: Review) -> str:
    return f"review:{review.pk}"


def budget_task_source(review: Review) -> str:
    return f"review-budget:{review.pk}"


def _who(person: Person) -> str:
    """A restricted person's name stays off task titles (shared queues may not be allowed to see it)."""
    return person.council_id if person.is_restricted else person.full_name


def _text(value, *, label: str, field: str, limit: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"Enter {label}", field=field)
    if len(text) > limit:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {limit} characters or fewer", field=field)
    return text


def _weekly_amount(value) -> Decimal | None:
    if value is None or value == "":
        return None
    message = "Enter the weekly cost agreed at the review in pounds and pence, for example 250.00"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(message, field="new_weekly_total") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(message, field="new_weekly_total")
    if amount >= TOO_LARGE:
        raise DomainError(f"The weekly cost must be less than {pounds(TOO_LARGE)}", field="new_weekly_total")
    return amount.quantize(Decimal("0.01"))


def current_plan(person: Person) -> SupportPlan | None:
    """The person's approved plan (the newest, if there were ever two)."""
    return SupportPlan.objects.filter(person=person, status=SupportPlan.Status.APPROVED).order_by("-id").first()


def _has_direct_payment(plan: SupportPlan) -> bool:
    return plan.lines.filter(management=Management.DIRECT_PAYMENT).exists()


def _open_task(review: Review) -> Task:
    title = TASK_TITLES[review.kind]
    if review.kind == K.UNPLANNED:
        title += f" ({review.reason.removeprefix('Unplanned - ')})"
    return task_open(
        kind=Task.Kind.REVIEW,
        title=f"{title}: {_who(review.person)}",
        due_on=review.due_on,
        source=task_source(review),
        person=review.person,
        assignee=review.assigned_to,
        # Nobody allocated: the team manager's queue, so it is not lost.
        role=Role.TEAM_MANAGER,
        url=review.get_absolute_url(),
        detail=f"{review.get_kind_display()}, due {review.due_on:%-d %B %Y}",
    )


def _schedule(*, person, plan, kind, reason, due_on, actor, request=None, timeline: bool = False) -> Review:
    worker = person.allocated_worker
    review = Review.objects.create(
        person=person,
        plan=plan,
        kind=kind,
        reason=reason,
        due_on=due_on,
        assigned_to=worker if worker is not None and worker.is_active else None,
    )
    _open_task(review)
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=review,
        person=person,
        summary=f"{review.get_kind_display()} scheduled, due {due_on:%-d %B %Y}",
        changes={"kind": [None, kind], "reason": [None, reason], "due_on": [None, str(due_on)]},
        request=request,
        # A review is a review of the care and support plan (s27): it belongs with the plan on the timeline.
        event_type=PersonEvent.Type.REVIEW if timeline else "",
        title=f"{TASK_TITLES[kind]} booked" if timeline else "",
        detail=f"{reason}. Due by {due_on:%-d %B %Y}." if timeline else "",
    )
    return review


def _close(review: Review, *, status: str, reason: str, actor, request, timeline: bool) -> Review:
    before = snapshot(review, AUDITED)
    review.status = status
    review.cancelled_reason = reason
    review.save(update_fields=["status", "cancelled_reason"])
    task_close(source=task_source(review), actor=actor if getattr(actor, "pk", None) else None)
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=review,
        person=review.person,
        summary=f"{review.get_kind_display()} cancelled: {reason}",
        changes=diff(before, snapshot(review, AUDITED)),
        request=request,
        event_type=PersonEvent.Type.REVIEW if timeline else "",
        title=f"{TASK_TITLES[review.kind]} cancelled" if timeline else "",
        detail=reason if timeline else "",
    )
    return review


# --- The schedule an approved plan starts --------------------------------------------------------------------


@transaction.atomic
def reviews_schedule_for_plan(*, plan: SupportPlan, actor, request=None) -> list[Review]:
    """Called when a plan is approved. Cancels the person's scheduled planned reviews from an older plan, then
    schedules the first review (due 8 weeks after the plan starts) and, when the plan has direct-payment lines, the
    first direct payment review (due 6 months after it starts). Each is assigned to the person's allocated worker
    with a Task. Calling it again for the same plan schedules nothing twice. Returns the reviews it made."""
    plan = SupportPlan.objects.select_related("person__allocated_worker").get(pk=plan.pk)
    if plan.status not in LIVE_PLAN:
        raise DomainError(
            f"This plan is {plan.get_status_display().lower()}: reviews are scheduled once the plan is approved"
        )
    person = Person.objects.select_for_update(of=("self",)).select_related("allocated_worker").get(pk=plan.person_id)
    start = plan.start_date or (timezone.localdate(plan.decided_at) if plan.decided_at else timezone.localdate())
    older = (
        Review.objects.select_related("person")
        .filter(person=person, status=Review.Status.SCHEDULED, kind__in=SCHEDULED_KINDS)
        .exclude(plan=plan)
    )
    for review in older:
        _close(
            review,
            status=Review.Status.CANCELLED,
            reason=f"Replaced by the reviews of support plan {plan.pk}",
            actor=actor,
            request=request,
            timeline=False,
        )
    mine = Review.objects.filter(plan=plan).exclude(status=Review.Status.CANCELLED)
    made = []
    if not mine.filter(kind=K.FIRST).exists():
        made.append(
            _schedule(
                person=person,
                plan=plan,
                kind=K.FIRST,
                reason=cld.REVIEW_PLANNED,
                due_on=rules.first_review_due(start),
                actor=actor,
                request=request,
            )
        )
    if _has_direct_payment(plan) and not mine.filter(kind=K.DIRECT_PAYMENT).exists():
        # Reg 7 counts from the first payment. Payments are not recorded yet, so the plan's start date stands in
        # for it: the first payment is made when the support starts, never before, so the review is not late.
        made.append(
            _schedule(
                person=person,
                plan=plan,
                kind=K.DIRECT_PAYMENT,
                reason=cld.REVIEW_PLANNED,
                due_on=rules.first_dp_review_due(start),
                actor=actor,
                request=request,
            )
        )
    return made


# --- Unplanned reviews ---------------------------------------------------------------------------------------


@transaction.atomic
def reviews_dp_first_payment(*, plan: SupportPlan, first_payment_on: datetime.date, actor, request=None) -> Review:
    """Reg 7: the first direct payment review is due within 6 months of the first payment. Until a payment is made
    it was scheduled from the plan's start; the first payment moves it (and its task), or books it if there is none
    and none has been done."""
    due_on = rules.first_dp_review_due(first_payment_on)
    done = Review.objects.filter(plan=plan, kind=K.DIRECT_PAYMENT, status=Review.Status.DONE).exists()
    review = (
        Review.objects.select_for_update(of=("self",))
        .filter(plan=plan, kind=K.DIRECT_PAYMENT, status=Review.Status.SCHEDULED)
        .order_by("due_on")
        .first()
    )
    if review is None:
        if done:
            return None
        person = Person.objects.select_related("allocated_worker").get(pk=plan.person_id)
        return _schedule(
            person=person,
            plan=plan,
            kind=K.DIRECT_PAYMENT,
            reason=cld.REVIEW_PLANNED,
            due_on=due_on,
            actor=actor,
            request=request,
        )
    if review.due_on != due_on:
        before = review.due_on
        review.due_on = due_on
        review.save(update_fields=["due_on"])
        Task.objects.filter(source=task_source(review), done_at__isnull=True).update(due_on=due_on)
        person_change_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=review,
            person=review.person,
            summary=f"Direct payment review moved to 6 months after the first payment ({first_payment_on:%-d %B %Y})",
            changes={"due_on": [str(before), str(due_on)]},
            request=request,
        )
    return review


@transaction.atomic
def review_unplanned_book(
    *, person: Person, reason: str, due_on, actor, plan: SupportPlan | None = None, request=None
) -> Review:
    """Book an unplanned review (on a request, a hospital stay, a carer's change, a safeguarding concern, a provider
    failing...). While one is already booked for the person, that one is returned and nothing new is made."""
    if reason not in UNPLANNED_REASONS:
        raise DomainError("Choose why the unplanned review is needed", field="reason")
    if not isinstance(due_on, datetime.date):
        raise DomainError("Enter the date the review is due by", field="due_on")
    if due_on < timezone.localdate():
        raise DomainError("The date the review is due by must be today or in the future", field="due_on")
    person = Person.objects.select_for_update(of=("self",)).select_related("allocated_worker").get(pk=person.pk)
    if person.date_of_death:
        raise DomainError(f"{person.full_name} has died: no review can be booked")
    existing = Review.objects.filter(person=person, kind=K.UNPLANNED, status=Review.Status.SCHEDULED).first()
    if existing is not None:
        return existing
    if plan is not None and plan.person_id != person.pk:
        raise DomainError("That support plan is for someone else", field="plan")
    return _schedule(
        person=person,
        plan=plan or current_plan(person),
        kind=K.UNPLANNED,
        reason=reason,
        due_on=due_on,
        actor=actor,
        request=request,
        timeline=True,
    )


# --- Recording and cancelling --------------------------------------------------------------------------------


def _check_reduction(*, review: Review, new_weekly_total, reassessment) -> None:
    """A review must not cut a budget: a lower weekly cost needs a signed-off reassessment of the same person made
    after the current budget was set."""
    if reassessment is not None:
        if reassessment.person_id != review.person_id:
            raise DomainError("That assessment is for someone else", field="reassessment")
        if reassessment.status != Assessment.Status.SIGNED_OFF:
            raise DomainError("That assessment has not been signed off yet", field="reassessment")
    if new_weekly_total is None:
        return
    budget = personal_budget_current(person=review.person)
    if budget is None or new_weekly_total >= budget.weekly_total_cost:
        return
    message = (
        f"A review must not cut a personal budget without a reassessment showing that needs have changed. The "
        f"budget is {pounds(budget.weekly_total_cost)} a week and the review proposes "
        f"{pounds(new_weekly_total)}: choose a signed-off reassessment made after the budget was set on "
        f"{timezone.localdate(budget.created_at):%-d %B %Y}, or keep the weekly cost."
    )
    if reassessment is None:
        raise DomainError(message, field="new_weekly_total")
    if reassessment.signed_off_at is None or reassessment.signed_off_at <= budget.created_at:
        raise DomainError(message, field="reassessment")


def _schedule_next(review: Review, *, actor, request) -> Review | None:
    """After a review: the next planned one (12 months on, 6 for a high-risk plan) or, after a direct payment
    review, the next direct payment review (12 months on). Nothing when support has ended (an NFA outcome), when
    there is no approved plan, or when one is already booked (an unplanned review leaves the schedule as it is)."""
    if review.event_outcome.startswith("NFA") or review.person.date_of_death:
        return None
    plan = current_plan(review.person)
    if plan is None and review.plan is not None and review.plan.status in LIVE_PLAN:
        plan = review.plan
    if plan is None:
        return None
    booked = Review.objects.filter(person=review.person, status=Review.Status.SCHEDULED)
    held = review.completed_on
    if review.kind == K.DIRECT_PAYMENT:
        if not _has_direct_payment(plan) or booked.filter(kind=K.DIRECT_PAYMENT).exists():
            return None
        kind, due_on = K.DIRECT_PAYMENT, rules.next_dp_review_due(held)
    else:
        if booked.filter(kind__in=PLANNED_KINDS).exists():
            return None
        kind, due_on = K.ANNUAL, rules.next_annual_review(held, high_risk=plan.high_risk)
    return _schedule(
        person=review.person,
        plan=plan,
        kind=kind,
        reason=cld.REVIEW_PLANNED,
        due_on=due_on,
        actor=actor,
        request=request,
    )


@transaction.atomic
def review_record(
    *,
    review: Review,
    actor,
    method: str,
    participants: str,
    outcomes_achieved: str,
    what_changes: str,
    event_outcome: str,
    new_weekly_total=None,
    reassessment: Assessment | None = None,
    held_on: datetime.date | None = None,
    request=None,
) -> Review:
    """Record a review that took place (the CLD Review event). Method and outcome are mandatory; whether the
    outcomes were achieved is mandatory for a planned review. A lower weekly cost than the current budget is refused
    without a reassessment. Closes the review's task and schedules the next review (set on `review.next_review`);
    a changed cost opens a task for finance to change the budget."""
    if getattr(actor, "pk", None) and not can(actor, Action.REVIEW_WORK):
        raise DomainError("Your role does not allow recording reviews")
    review = Review.objects.select_for_update(of=("self",)).select_related("person", "plan").get(pk=review.pk)
    if review.status != Review.Status.SCHEDULED:
        raise DomainError(f"This review is {review.get_status_display().lower()}: it cannot be recorded again")
    today = timezone.localdate()
    held_on = held_on or today
    if held_on > today:
        raise DomainError("The date of the review must be today or in the past", field="held_on")
    if method not in cld.REVIEW_METHODS:
        raise DomainError("Choose how the review was carried out", field="method")
    participants = _text(
        participants, label="who took part in the review", field="participants", limit=2000, required=True
    )
    outcomes_achieved = (outcomes_achieved or "").strip()
    if outcomes_achieved and outcomes_achieved not in cld.REVIEW_OUTCOMES_ACHIEVED:
        raise DomainError("Choose whether the outcomes were achieved from the list", field="outcomes_achieved")
    if review.reason == cld.REVIEW_PLANNED and not outcomes_achieved:
        raise DomainError(
            "Choose whether the outcomes in the plan were achieved: it is required for a planned review",
            field="outcomes_achieved",
        )
    what_changes = _text(what_changes, label="what changes", field="what_changes", limit=5000)
    if event_outcome not in cld.EVENT_OUTCOMES:
        raise DomainError("Choose the outcome of the review", field="event_outcome")
    new_weekly_total = _weekly_amount(new_weekly_total)
    _check_reduction(review=review, new_weekly_total=new_weekly_total, reassessment=reassessment)

    before = snapshot(review, AUDITED)
    review.method, review.participants, review.outcomes_achieved = method, participants, outcomes_achieved
    review.what_changes, review.event_outcome = what_changes, event_outcome
    review.new_weekly_total, review.reassessment = new_weekly_total, reassessment
    review.started_on = review.completed_on = held_on
    review.completed_by = actor if getattr(actor, "pk", None) else None
    review.status = Review.Status.DONE
    review.save()
    task_close(source=task_source(review), actor=review.completed_by)
    budget = personal_budget_current(person=review.person)
    if new_weekly_total is not None and (budget is None or budget.weekly_total_cost != new_weekly_total):
        task_open(
            kind=Task.Kind.OTHER,
            title=f"Change the personal budget after a review: {_who(review.person)}",
            due_on=today + datetime.timedelta(days=7),
            source=budget_task_source(review),
            person=review.person,
            role=Role.FINANCE_OFFICER,
            url=review.get_absolute_url(),
            detail=f"The review agreed {pounds(new_weekly_total)} a week"
            + (f" (the budget is {pounds(budget.weekly_total_cost)})" if budget else ""),
        )
    outcome_text = f" Outcomes: {outcomes_achieved.lower()}." if outcomes_achieved else ""
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=review,
        person=review.person,
        summary=f"{review.get_kind_display()} recorded",
        changes=diff(before, snapshot(review, AUDITED)),
        request=request,
        event_type=PersonEvent.Type.REVIEW,
        title=f"{TASK_TITLES[review.kind]} done",
        detail=f"{method}, {held_on:%-d %B %Y}.{outcome_text} {event_outcome}. {what_changes}".strip(),
    )
    review.next_review = _schedule_next(review, actor=actor, request=request)
    return review


@transaction.atomic
def review_cancel(*, review: Review, actor, reason: str, request=None) -> Review:
    """Cancel a review that is due (for example the person has moved away, or it was booked twice)."""
    review = Review.objects.select_for_update(of=("self",)).select_related("person").get(pk=review.pk)
    if review.status != Review.Status.SCHEDULED:
        raise DomainError(f"This review is {review.get_status_display().lower()}: it cannot be cancelled")
    reason = _text(reason, label="why the review is cancelled", field="reason", limit=300, required=True)
    return _close(review, status=Review.Status.CANCELLED, reason=reason, actor=actor, request=request, timeline=True)
