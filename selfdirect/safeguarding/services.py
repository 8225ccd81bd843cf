"""Safeguarding: concerns (from anyone, including the public form), triage against the three s42(1) criteria,
enquiries that start from what the person wants (Making Safeguarding Personal), restricted records and
break-glass openings of them.

Every change runs in one transaction with its audit record (and, where a person is known, their timeline event).
Work for people is made with reviews.task_services.task_open under a source key, so it is made once:
"concern:<pk>" (triage, the safeguarding lead role), "enquiry:<pk>" (the enquiry lead), "breakglass:<pk>" (the
safeguarding lead role) and "financial:<concern pk>" (the finance officer role).
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.permissions import MATRIX, Action, can
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.people.models import Person, PersonEvent
from selfdirect.people.selectors import can_see_restricted
from selfdirect.people.services import person_change_record
from selfdirect.rules import cld
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode

from .models import AbuseType, BreakGlass, EnquiryAction, SafeguardingConcern, SafeguardingEnquiry

# Timeline events say only that something happened, and where: the details stay in the safeguarding records.
SAFEGUARDING_EVENT = PersonEvent.Type.SAFEGUARDING
LEAD_ROLE = Role.SAFEGUARDING_LEAD
FINANCE_ROLE = Role.FINANCE_OFFICER
BREAK_GLASS_MIN_REASON = 10
TEXT_LIMIT = 10_000

Concern = SafeguardingConcern
Enquiry = SafeguardingEnquiry


def _task_open(**kwargs):
    from selfdirect.reviews.task_services import task_open

    return task_open(**kwargs)


def _task_close(*, source: str, actor=None) -> int:
    from selfdirect.reviews.task_services import task_close

    return task_close(source=source, actor=actor if getattr(actor, "pk", None) else None)


def _text(value, *, label: str, field: str, required: bool = False, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"Enter {label}", field=field)
    if len(value) > limit:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer", field=field)
    return value


def enquiry_lead_roles() -> list[str]:
    """Roles whose members may lead a safeguarding enquiry."""
    return [role for role, actions in MATRIX.items() if Action.SAFEGUARDING_ENQUIRE in actions]


# --------------------------------------------------------------------------------------------------
# Restricted records
# --------------------------------------------------------------------------------------------------


def person_restrict(*, person: Person, actor, reason: str, request=None) -> bool:
    """Mark the person's record restricted (only safeguarding leads, the allocated worker, an enquiry lead, and
    break-glass openings may then open it). Returns False when it already was. The version is left alone: nothing
    a worker edits on the record changes, so an edit in progress still saves."""
    updated = Person.objects.filter(pk=person.pk, is_restricted=False).update(is_restricted=True)
    person.is_restricted = True
    if not updated:
        return False
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=person,
        person=person,
        summary=f"Record restricted: {reason}"[:300],
        changes={"is_restricted": [False, True]},
        request=request,
        event_type=SAFEGUARDING_EVENT,
        title="Record restricted",
        detail="Only safeguarding leads, the allocated worker and an enquiry lead can now open this record.",
    )
    return True


# --------------------------------------------------------------------------------------------------
# Concerns
# --------------------------------------------------------------------------------------------------


def has_direct_payment(person: Person) -> bool:
    """A current personal budget with a direct payment, or a direct-payment arrangement in place."""
    from selfdirect.market.models import Arrangement
    from selfdirect.money.models import PersonalBudget
    from selfdirect.payments.models import DirectPaymentAgreement

    if DirectPaymentAgreement.objects.filter(person=person).exclude(status="ended").exists():
        return True
    if PersonalBudget.objects.filter(person=person, is_current=True, weekly_direct_payment__gt=0).exists():
        return True
    return Arrangement.objects.filter(
        person=person, status=Arrangement.Status.ACTIVE, delivery_mechanism=cld.DELIVERY_DIRECT_PAYMENT
    ).exists()


def _financial_abuse_check(concern: Concern) -> None:
    """Financial abuse alleged about someone with a direct payment: finance checks the account."""
    if concern.person is None or not concern.alleges_financial_abuse or not has_direct_payment(concern.person):
        return
    _task_open(
        kind="financial_abuse",
        title=f"Check the direct-payment account: financial abuse alleged (concern {concern.reference})",
        detail=(
            "A safeguarding concern alleges financial or material abuse of someone who has a direct payment. "
            "Check the direct-payment account for payments that do not match the support plan, and tell the "
            "safeguarding lead what you find. Do not contact the person or their family about it first."
        ),
        due_on=timezone.localdate() + datetime.timedelta(days=2),
        source=f"financial:{concern.pk}",
        person=concern.person,
        role=FINANCE_ROLE,
    )
    # The account itself carries the flag, so whoever opens it in finance sees why it needs a look.
    from selfdirect.payments.models import DirectPaymentAgreement

    for agreement in DirectPaymentAgreement.objects.filter(person=concern.person).exclude(status="ended"):
        DirectPaymentAgreement.objects.filter(pk=agreement.pk).update(
            finance_flag=f"Financial abuse alleged: safeguarding concern {concern.reference}"
        )
        audit_record(actor=None, action=AuditEvent.Action.UPDATE, obj=agreement, person_id=concern.person_id,
                     summary=f"Account flagged for finance: safeguarding concern {concern.reference}")  # fmt: skip


def _on_person_known(concern: Concern, *, actor, request, how: str) -> None:
    """Once a concern is about a known person: the record is restricted, and finance is told if needed."""
    person_restrict(person=concern.person, actor=actor, reason=f"safeguarding concern {concern.reference}",
                    request=request)  # fmt: skip
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=concern,
        person=concern.person,
        summary=f"Safeguarding concern {concern.reference} {how}",
        request=request,
        event_type=SAFEGUARDING_EVENT,
        title="Safeguarding concern raised",
        detail=f"Reference {concern.reference}. The details are in the safeguarding record.",
    )
    _financial_abuse_check(concern)


@transaction.atomic
def concern_raise(
    *,
    what_happened: str,
    raised_by: str,
    actor=None,
    person: Person | None = None,
    subject_name: str = "",
    subject_address: str = "",
    subject_postcode: str = "",
    raised_by_name: str = "",
    raised_by_contact: str = "",
    from_public_form: bool = False,
    when_happened: str = "",
    abuse_types=(),
    immediate_risk: bool = False,
    persons_views: str = "",
    person_aware: bool | None = None,
    alleged_source: str = "",
    alleged_pa=None,
    alleged_provider=None,
    request=None,
) -> SafeguardingConcern:
    """Record a concern that an adult is experiencing, or at risk of, abuse or neglect.

    Staff raise them (actor, usually with the person's record); the public form raises them with no actor and no
    person (matched at triage). Sets the triage deadline from the council's settings and opens a triage task for
    the safeguarding leads. With a person: their record is restricted, and a financial-abuse allegation about
    someone with a direct payment makes a task for finance. Naming a PA suspends them (every plan line using them
    is flagged) in the same transaction.
    """
    if raised_by not in Concern.RaisedBy.values:
        raise DomainError("Choose who is raising the concern", field="raised_by")
    if from_public_form and raised_by == Concern.RaisedBy.WORKER:
        raise DomainError("Choose who you are", field="raised_by")
    if person is None:
        subject_name = _text(subject_name, label="the name of the adult at risk", field="subject_name",
                             required=True, limit=200)  # fmt: skip
    else:
        subject_name = _text(subject_name, label="the name of the adult at risk", field="subject_name", limit=200)
        subject_name = subject_name or person.full_name
    what_happened = _text(what_happened, label="what happened", field="what_happened", required=True)
    subject_address = _text(subject_address, label="where they live", field="subject_address", limit=300)
    subject_postcode = (subject_postcode or "").strip()
    if subject_postcode:
        if not is_valid_postcode(subject_postcode):
            raise DomainError("Enter a real postcode, like NM1 2AB, or leave it blank", field="subject_postcode")
        subject_postcode = normalise_postcode(subject_postcode)
    types = list(dict.fromkeys(abuse_types or ()))
    unknown = [t for t in types if t not in AbuseType.values]
    if unknown:
        raise DomainError(f"Unknown type of abuse: {', '.join(unknown)}", field="abuse_types")
    if alleged_pa is not None and alleged_provider is not None:
        raise DomainError("Choose a personal assistant or a provider as causing harm, not both", field="alleged_pa")
    if from_public_form and (alleged_pa is not None or alleged_provider is not None):
        raise DomainError("The public form cannot name a personal assistant or provider from the register")
    if person_aware not in (True, False, None):
        raise DomainError("Say whether the person knows about this concern", field="person_aware")

    received = timezone.now()
    settings = CouncilSettings.current()
    staff = actor if getattr(actor, "pk", None) else None
    concern = Concern.objects.create(
        person=person,
        subject_name=subject_name,
        subject_address=subject_address,
        subject_postcode=subject_postcode,
        raised_by=raised_by,
        raised_by_name=_text(raised_by_name, label="your name", field="raised_by_name", limit=200),
        raised_by_contact=_text(raised_by_contact, label="how to contact you", field="raised_by_contact", limit=200),
        raised_by_user=staff,
        from_public_form=from_public_form,
        what_happened=what_happened,
        when_happened=_text(when_happened, label="when it happened", field="when_happened", limit=200),
        abuse_types=types,
        immediate_risk=bool(immediate_risk),
        persons_views=_text(persons_views, label="what the person thinks", field="persons_views"),
        person_aware=person_aware,
        alleged_source=_text(alleged_source, label="who is thought to cause harm", field="alleged_source", limit=300),
        alleged_pa=alleged_pa,
        alleged_provider=alleged_provider,
        received_at=received,
        triage_due_at=received + datetime.timedelta(days=settings.safeguarding_triage_days),
    )
    audit_record(
        actor=staff,
        action=AuditEvent.Action.CREATE,
        obj=concern,
        person_id=getattr(person, "pk", None),
        summary=f"Safeguarding concern {concern.reference} raised"
        + (" on the public form" if from_public_form else "")
        + (": immediate risk" if concern.immediate_risk else ""),
        request=request,
    )
    _task_open(
        kind="triage",
        title=f"Triage safeguarding concern {concern.reference}" + (" (immediate risk)" if immediate_risk else ""),
        detail="Decide against the three s42(1) criteria whether an enquiry is needed.",
        due_on=timezone.localdate(concern.triage_due_at),
        source=f"concern:{concern.pk}",
        person=person,
        role=LEAD_ROLE,
        url=concern.get_absolute_url(),
    )
    if person is not None:
        _on_person_known(concern, actor=staff, request=request, how="raised")
    if alleged_pa is not None and not alleged_pa.is_suspended:
        from selfdirect.market.services import pa_suspend

        pa_suspend(pa=alleged_pa, actor=staff, reason=f"Safeguarding concern {concern.pk}", request=request)
    return concern


@transaction.atomic
def concern_match_person(*, concern: Concern, person: Person, actor, request=None) -> SafeguardingConcern:
    """Link a concern (usually from the public form) to the person's record it is about."""
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.status != Concern.Status.NEW:
        raise DomainError("This concern has been triaged: it can no longer be matched to a different record")
    if concern.person_id is not None:
        if concern.person_id == person.pk:
            raise DomainError(f"This concern is already matched to {person.full_name}")
        raise DomainError("This concern is already matched to someone's record")
    concern.person = person
    concern.save(update_fields=["person"])
    from selfdirect.reviews.models import Task

    Task.objects.filter(source=f"concern:{concern.pk}", done_at__isnull=True).update(person=person)
    _on_person_known(concern, actor=actor, request=request, how=f"matched to {person.council_id}")
    return concern


@transaction.atomic
def concern_name_alleged(*, concern: Concern, actor, alleged_pa=None, alleged_provider=None, request=None):
    """At triage, name the personal assistant or provider on the register that the concern is about (a public
    concern can only describe them in words). Naming a PA suspends them, as when staff raise a concern."""
    concern = Concern.objects.select_for_update(of=("self",)).get(pk=concern.pk)
    if concern.status != Concern.Status.NEW:
        raise DomainError("This concern has been triaged: name them on the enquiry instead")
    if (alleged_pa is None) == (alleged_provider is None):
        raise DomainError("Choose one personal assistant or one provider", field="alleged_pa")
    if concern.alleged_pa_id or concern.alleged_provider_id:
        raise DomainError("This concern already names who is thought to cause harm")
    concern.alleged_pa, concern.alleged_provider = alleged_pa, alleged_provider
    concern.save(update_fields=["alleged_pa", "alleged_provider"])
    named = alleged_pa.full_name if alleged_pa is not None else alleged_provider.name
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=concern,
        person_id=concern.person_id,
        summary=f"Safeguarding concern {concern.reference}: {named} named as thought to cause harm",
        changes={"alleged_pa" if alleged_pa is not None else "alleged_provider": [None, named]},
        request=request,
    )
    if alleged_pa is not None and not alleged_pa.is_suspended:
        from selfdirect.market.services import pa_suspend

        pa_suspend(pa=alleged_pa, actor=actor, reason=f"Safeguarding concern {concern.pk}", request=request)
    return concern


def _yes_no(value, *, label: str, field: str) -> bool:
    if value not in (True, False):
        raise DomainError(f"Say whether the person {label}", field=field)
    return value


@transaction.atomic
def concern_triage(
    *,
    concern: Concern,
    actor,
    has_care_needs,
    experiencing_abuse,
    cannot_protect_self,
    decision: str,
    reasons: str,
    lead=None,
    desired_outcomes: str = "",
    needs_advocate: bool = False,
    advocate_arranged: str = "",
    request=None,
) -> SafeguardingConcern:
    """Record the three s42(1) criteria and the decision, with reasons. A section 42 enquiry only when all three
    are met; an enquiry (s42 or other) opens at once, led by `lead`, starting from the person's desired outcomes.
    Closes the triage task; no further action closes the concern."""
    concern = Concern.objects.select_for_update(of=("self",)).select_related("person").get(pk=concern.pk)
    if concern.status != Concern.Status.NEW:
        raise DomainError("This concern has already been triaged")
    criteria = {
        "has_care_needs": _yes_no(has_care_needs, label="has needs for care and support", field="has_care_needs"),
        "experiencing_abuse": _yes_no(
            experiencing_abuse, label="is experiencing, or at risk of, abuse or neglect", field="experiencing_abuse"
        ),  # fmt: skip
        "cannot_protect_self": _yes_no(
            cannot_protect_self, label="cannot protect themselves because of their needs", field="cannot_protect_self"
        ),  # fmt: skip
    }
    if decision not in Concern.Decision.values:
        raise DomainError("Choose the decision", field="decision")
    reasons = _text(reasons, label="the reasons for the decision", field="decision_reasons", required=True)
    if decision == Concern.Decision.S42 and not all(criteria.values()):
        unmet = [str(Concern._meta.get_field(name).verbose_name) for name, met in criteria.items() if not met]
        raise DomainError(
            "A section 42 enquiry needs all three criteria to be met, and these are not: "
            + "; ".join(unmet)
            + ". Choose another safeguarding enquiry or no further action instead",
            field="decision",
        )
    if decision != Concern.Decision.NFA and concern.person is None:
        raise DomainError("Match the concern to the person's record before opening an enquiry", field="decision")
    for name, value in criteria.items():
        setattr(concern, name, value)
    concern.decision, concern.decision_reasons = decision, reasons
    concern.triaged_by, concern.triaged_at = actor, timezone.now()
    concern.status = Concern.Status.CLOSED if decision == Concern.Decision.NFA else Concern.Status.ENQUIRY
    concern.save()
    label = Concern.Decision(decision).label
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=concern,
        person=concern.person,
        summary=f"Safeguarding concern {concern.reference} triaged: {label}",
        changes={name: [None, value] for name, value in criteria.items()} | {"decision": ["", decision]},
        request=request,
        event_type=SAFEGUARDING_EVENT,
        title=f"Safeguarding concern triaged: {label}",
        detail=f"Reference {concern.reference}.",
    )
    _task_close(source=f"concern:{concern.pk}", actor=actor)
    if decision != Concern.Decision.NFA:
        enquiry_open(concern=concern, actor=actor, lead=lead, desired_outcomes=desired_outcomes,
                     needs_advocate=needs_advocate, advocate_arranged=advocate_arranged, request=request)  # fmt: skip
    return concern


# --------------------------------------------------------------------------------------------------
# Enquiries
# --------------------------------------------------------------------------------------------------


def _check_lead(lead) -> None:
    if lead is None:
        raise DomainError("Choose who will lead the enquiry", field="lead")
    if not lead.is_active or not can(lead, Action.SAFEGUARDING_ENQUIRE):
        raise DomainError(f"{lead} cannot lead safeguarding enquiries: choose someone who can", field="lead")


@transaction.atomic
def enquiry_open(
    *,
    concern: Concern,
    actor,
    lead,
    desired_outcomes: str,
    needs_advocate: bool = False,
    advocate_arranged: str = "",
    request=None,
) -> SafeguardingEnquiry:
    """Open the enquiry a triage decided on: its lead, the person's desired outcomes (asked at the start), whether
    an independent advocate is needed (s68) and the due date from the council's settings. The lead gets a task."""
    if concern.decision not in (Concern.Decision.S42, Concern.Decision.OTHER):
        raise DomainError("Only a concern triaged for an enquiry can have one")
    if concern.person_id is None:
        raise DomainError("Match the concern to the person's record before opening an enquiry")
    if Enquiry.objects.filter(concern=concern).exists():
        raise DomainError("This concern already has an enquiry")
    _check_lead(lead)
    desired_outcomes = _text(
        desired_outcomes, label="what the person wants to happen", field="desired_outcomes", required=True
    )
    advocate_arranged = _text(advocate_arranged, label="the advocate arranged", field="advocate_arranged", limit=200)
    opened = timezone.now()
    enquiry = Enquiry.objects.create(
        concern=concern,
        person=concern.person,
        kind=concern.decision,
        lead=lead,
        desired_outcomes=desired_outcomes,
        needs_advocate=bool(needs_advocate),
        advocate_arranged=advocate_arranged,
        opened_at=opened,
        due_at=opened + datetime.timedelta(days=CouncilSettings.current().safeguarding_enquiry_days),
    )
    person_restrict(person=concern.person, actor=actor, reason=f"safeguarding enquiry for {concern.reference}",
                    request=request)  # fmt: skip
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=enquiry,
        person=concern.person,
        summary=f"{enquiry.get_kind_display()} opened for concern {concern.reference}, led by {lead}",
        request=request,
        event_type=SAFEGUARDING_EVENT,
        title=f"{enquiry.get_kind_display()} opened",
        detail=f"Led by {lead}.",
    )
    _task_open(
        kind="enquiry",
        title=f"Complete the safeguarding enquiry for concern {concern.reference}",
        detail="Complete the enquiry, with the person's desired outcomes in mind, by the date due.",
        due_on=timezone.localdate(enquiry.due_at),
        source=f"enquiry:{enquiry.pk}",
        person=concern.person,
        assignee=lead,
        url=enquiry.get_absolute_url(),
    )
    return enquiry


def _open_enquiry(enquiry: Enquiry) -> Enquiry:
    enquiry = (
        Enquiry.objects.select_for_update(of=("self",)).select_related("concern", "person", "lead").get(pk=enquiry.pk)
    )
    if enquiry.closed_at is not None:
        raise DomainError("This enquiry is closed: it can no longer be changed")
    return enquiry


@transaction.atomic
def enquiry_stage_set(*, enquiry: Enquiry, actor, stage: str, request=None) -> SafeguardingEnquiry:
    """Move an open enquiry to another stage (closing has its own step, which asks for the outcomes)."""
    enquiry = _open_enquiry(enquiry)
    if stage not in Enquiry.Stage.values:
        raise DomainError("Choose the stage", field="stage")
    if stage == Enquiry.Stage.CLOSED:
        raise DomainError("Close the enquiry with its outcome instead", field="stage")
    if stage == Enquiry.Stage.PLAN and not enquiry.safeguarding_plan.strip():
        raise DomainError("Write the safeguarding plan before moving to this stage", field="stage")
    if stage == enquiry.stage:
        return enquiry
    old = enquiry.stage
    enquiry.stage = stage
    enquiry.save(update_fields=["stage"])
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=enquiry,
        person=enquiry.person,
        summary=f"Safeguarding enquiry {enquiry.pk}: {enquiry.get_stage_display()}",
        changes={"stage": [old, stage]},
        request=request,
    )
    return enquiry


@transaction.atomic
def enquiry_update(
    *, enquiry: Enquiry, actor, safeguarding_plan: str, needs_advocate: bool, advocate_arranged: str, request=None
) -> SafeguardingEnquiry:
    """Record the safeguarding plan and the independent advocacy (s68) for an open enquiry."""
    enquiry = _open_enquiry(enquiry)
    before = {
        "safeguarding_plan": enquiry.safeguarding_plan,
        "needs_advocate": enquiry.needs_advocate,
        "advocate_arranged": enquiry.advocate_arranged,
    }
    enquiry.safeguarding_plan = _text(safeguarding_plan, label="the safeguarding plan", field="safeguarding_plan")
    if needs_advocate not in (True, False):
        raise DomainError("Say whether an independent advocate is needed", field="needs_advocate")
    enquiry.needs_advocate = needs_advocate
    enquiry.advocate_arranged = _text(advocate_arranged, label="the advocate arranged", field="advocate_arranged",
                                      limit=200)  # fmt: skip
    if enquiry.stage == Enquiry.Stage.PLAN and not enquiry.safeguarding_plan:
        raise DomainError("The enquiry has a safeguarding plan in place: it cannot be blank", field="safeguarding_plan")
    after = {name: getattr(enquiry, name) for name in before}
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if not changes:
        return enquiry
    enquiry.save(update_fields=list(changes))
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=enquiry,
        person=enquiry.person,
        summary=f"Safeguarding enquiry {enquiry.pk}: changed {', '.join(sorted(changes))}",
        changes={name: ["…", "…"] if name == "safeguarding_plan" else value for name, value in changes.items()},
        request=request,
    )
    return enquiry


@transaction.atomic
def enquiry_action_add(*, enquiry: Enquiry, actor, action: str, owner: str, due_on, request=None) -> EnquiryAction:
    """An action in the enquiry or its plan, with who will do it and by when."""
    enquiry = _open_enquiry(enquiry)
    action = _text(action, label="the action", field="action", required=True, limit=300)
    owner = _text(owner, label="who will do it", field="owner", required=True, limit=200)
    if due_on is None:
        raise DomainError("Enter the date it is due", field="due_on")
    if due_on < timezone.localdate(enquiry.opened_at):
        raise DomainError("The date due cannot be before the enquiry opened", field="due_on")
    item = EnquiryAction.objects.create(enquiry=enquiry, action=action, owner=owner, due_on=due_on)
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=item,
        person=enquiry.person,
        summary=f"Safeguarding enquiry {enquiry.pk}: action for {owner} due {due_on:%-d %B %Y}",
        request=request,
    )
    return item


@transaction.atomic
def enquiry_action_done(*, item: EnquiryAction, actor, done_on=None, request=None) -> EnquiryAction:
    enquiry = _open_enquiry(item.enquiry)
    item = EnquiryAction.objects.select_for_update().get(pk=item.pk, enquiry=enquiry)
    if item.done_on is not None:
        raise DomainError("This action is already done")
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise DomainError("The date done cannot be in the future", field="done_on")
    item.done_on = done_on
    item.save(update_fields=["done_on"])
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=item,
        person=enquiry.person,
        summary=f"Safeguarding enquiry {enquiry.pk}: action done",
        changes={"done_on": [None, str(done_on)]},
        request=request,
    )
    return item


@transaction.atomic
def enquiry_close(
    *, enquiry: Enquiry, actor, outcome: str, outcomes_achieved: str, request=None
) -> SafeguardingEnquiry:
    """Close an enquiry with its outcome and whether the person's desired outcomes were achieved (Making
    Safeguarding Personal). An advocate found to be needed (s68) must have been arranged first."""
    enquiry = _open_enquiry(enquiry)
    if outcome not in Enquiry.Outcome.values:
        raise DomainError("Choose the outcome of the enquiry", field="outcome")
    if outcomes_achieved not in Enquiry.Achieved.values:
        raise DomainError("Say whether the outcomes the person wanted were achieved", field="outcomes_achieved")
    if enquiry.needs_advocate and not enquiry.advocate_arranged.strip():
        raise DomainError(
            "The person needs an independent advocate (Care Act s68): record the advocate arranged before closing"
        )
    enquiry.outcome, enquiry.outcomes_achieved = outcome, outcomes_achieved
    enquiry.stage, enquiry.closed_at = Enquiry.Stage.CLOSED, timezone.now()
    enquiry.save(update_fields=["outcome", "outcomes_achieved", "stage", "closed_at"])
    Concern.objects.filter(pk=enquiry.concern_id).update(status=Concern.Status.CLOSED)
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=enquiry,
        person=enquiry.person,
        summary=f"Safeguarding enquiry {enquiry.pk} closed: {enquiry.get_outcome_display()}; desired outcomes "
        f"{enquiry.get_outcomes_achieved_display().lower()}",
        changes={"outcome": ["", outcome], "outcomes_achieved": ["", outcomes_achieved]},
        request=request,
        event_type=SAFEGUARDING_EVENT,
        title="Safeguarding enquiry closed",
        detail=f"Desired outcomes: {enquiry.get_outcomes_achieved_display().lower()}.",
    )
    _task_close(source=f"enquiry:{enquiry.pk}", actor=actor)
    return enquiry


# --------------------------------------------------------------------------------------------------
# Break glass
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def break_glass_open(*, user, person: Person, reason: str, request=None) -> BreakGlass:
    """Open a restricted record the user has no right to, giving a reason: recorded, audited, time-limited (the
    council's break_glass_minutes) and reported to the safeguarding leads, who review it."""
    if not can(user, Action.PERSON_VIEW):
        raise DomainError("Your role does not allow opening person records")
    reason = (reason or "").strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise DomainError(
            f"Enter why you need to open this record now, in at least {BREAK_GLASS_MIN_REASON} characters",
            field="reason",
        )
    if len(reason) > 1000:
        raise DomainError("The reason must be 1,000 characters or fewer", field="reason")
    leads_enquiry = Enquiry.objects.filter(person=person, lead_id=user.pk).exists()
    if not person.is_restricted or can_see_restricted(user=user, person=person) or leads_enquiry:
        raise DomainError("You can already open this record: there is no need to break the glass")
    opened = timezone.now()
    minutes = CouncilSettings.current().break_glass_minutes
    glass = BreakGlass.objects.create(
        user=user,
        person=person,
        reason=reason,
        opened_at=opened,
        expires_at=opened + datetime.timedelta(minutes=minutes),
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.VIEW,
        obj=glass,
        person_id=person.pk,
        summary=f"Break glass: {reason}",
        request=request,
    )
    _task_open(
        kind="break_glass",
        title=f"Review: {user} opened a restricted record (break glass)",
        detail=f"Reason given: {reason}",
        due_on=timezone.localdate() + datetime.timedelta(days=1),
        source=f"breakglass:{glass.pk}",
        person=person,
        role=LEAD_ROLE,
        url=reverse("break_glass_report"),
    )
    return glass


@transaction.atomic
def break_glass_review(*, glass: BreakGlass, actor, note: str, request=None) -> BreakGlass:
    """A safeguarding lead marks a break-glass opening reviewed, with a note (for example: justified, or raised
    with the worker's manager)."""
    glass = BreakGlass.objects.select_for_update(of=("self",)).select_related("user").get(pk=glass.pk)
    if glass.reviewed_at is not None:
        raise DomainError("This opening has already been reviewed")
    if glass.user_id == getattr(actor, "pk", None):
        raise DomainError("Someone else must review your own break-glass opening")
    note = _text(note, label="a note on your review", field="note", required=True, limit=1000)
    glass.reviewed_by, glass.reviewed_at, glass.review_note = actor, timezone.now(), note
    glass.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=glass,
        person_id=glass.person_id,
        summary=f"Break-glass opening by {glass.user} reviewed: {note}"[:300],
        request=request,
    )
    _task_close(source=f"breakglass:{glass.pk}", actor=actor)
    return glass
