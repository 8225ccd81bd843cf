"""The synthetic council's safeguarding work, made through the real services (so audit records, tasks, restricted
records and the PA suspension cascade are what real use leaves), then moved back in time where a story needs it:

- two concerns from the public form, not yet matched to a record;
- two concerns overdue for triage, one naming a personal assistant from the register (who is suspended, and every
  plan line using them flagged);
- a financial-abuse concern about someone with a direct payment (a task for finance to check the account);
- a concern triaged as needing no further action;
- three enquiries: one finding out what happened, one overdue and waiting for an advocate, one closed with the
  person's desired outcomes achieved;
- one break-glass opening by a team manager, not yet reviewed.

Runs after people, money, the market and plans. Skipped when concerns already exist, so `make demo` can run again.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from selfdirect.core.roles import Role
from selfdirect.people.models import Person

from . import services
from .models import AbuseType, BreakGlass, EnquiryAction, SafeguardingConcern, SafeguardingEnquiry

Concern = SafeguardingConcern
Enquiry = SafeguardingEnquiry
TASK_SOURCES = ("concern:", "enquiry:", "breakglass:", "financial:")
DEMO_PAS = [("Dana", "Lapsed"), ("Priya", "Current")]

PUBLIC = [
    {
        "subject_name": "Edna Marsh",
        "subject_address": "Flat 3, Ryecroft Court",
        "what_happened": "I live below Edna. For two weeks I have heard shouting late at night and this morning she "
        "had a bruise on her arm. She said she fell but she seemed frightened of her grandson, who has moved in.",
        "when_happened": "The last two weeks, most nights",
        "abuse_types": [AbuseType.PHYSICAL, AbuseType.PSYCHOLOGICAL],
        "raised_by": Concern.RaisedBy.NEIGHBOUR,
        "raised_by_name": "",
        "alleged_source": "Her grandson, who has moved in with her",
        "person_aware": None,
    },
    {
        "subject_name": "Stanley Oduya",
        "subject_address": "12 Beck Side",
        "what_happened": "My uncle's house is very cold, there is no food in the fridge and he has not been "
        "washing. He will not let the carers in any more. I live two hours away and I am worried.",
        "when_happened": "Since his wife died in the spring",
        "abuse_types": [AbuseType.SELF_NEGLECT],
        "raised_by": Concern.RaisedBy.FAMILY,
        "raised_by_name": "Grace Oduya",
        "raised_by_contact": "07700 900123",
        "persons_views": "He says he is fine and wants to be left alone.",
        "person_aware": True,
    },
]


def _staff(role):
    return get_user_model().objects.filter(role=role, is_active=True).order_by("pk").first()


def _people_with_direct_payments():
    from selfdirect.market.models import Arrangement
    from selfdirect.money.models import PersonalBudget
    from selfdirect.rules import cld

    budget = PersonalBudget.objects.filter(is_current=True, weekly_direct_payment__gt=0).values("person_id")
    arranged = Arrangement.objects.filter(
        status=Arrangement.Status.ACTIVE, delivery_mechanism=cld.DELIVERY_DIRECT_PAYMENT
    ).values("person_id")
    return Person.objects.filter(Q(pk__in=budget) | Q(pk__in=arranged), date_of_death__isnull=True).order_by("pk")


def _pa_in_work():
    """A personal assistant on the register, not suspended, preferably one with people relying on them."""
    from selfdirect.market.models import Arrangement, PersonalAssistant
    from selfdirect.planning.models import PlanLine

    pas = PersonalAssistant.objects.filter(is_active=True, is_suspended=False)
    for first_name, last_name in DEMO_PAS:  # kept as they are for the market's own demo and journeys
        pas = pas.exclude(first_name=first_name, last_name=last_name)
    working = pas.filter(arrangements__status=Arrangement.Status.ACTIVE).distinct().order_by("pk").first()
    named = pas.filter(pk__in=PlanLine.objects.filter(pa__isnull=False).values("pa_id")).order_by("pk").first()
    return working or named or pas.order_by("pk").first()


def _backdate_concern(concern: Concern, days_ago: int) -> None:
    """Received `days_ago` days ago, with the triage deadline (and its task) moved back with it."""
    from selfdirect.core.models import CouncilSettings
    from selfdirect.reviews.models import Task

    received = timezone.now() - datetime.timedelta(days=days_ago, hours=3)
    due = received + datetime.timedelta(days=CouncilSettings.current().safeguarding_triage_days)
    Concern.objects.filter(pk=concern.pk).update(received_at=received, triage_due_at=due)
    Task.objects.filter(source=f"concern:{concern.pk}").update(due_on=timezone.localdate(due), created_at=received)


def _backdate_enquiry(enquiry: Enquiry, days_ago: int) -> None:
    from selfdirect.core.models import CouncilSettings
    from selfdirect.reviews.models import Task

    opened = timezone.now() - datetime.timedelta(days=days_ago)
    due = opened + datetime.timedelta(days=CouncilSettings.current().safeguarding_enquiry_days)
    Enquiry.objects.filter(pk=enquiry.pk).update(opened_at=opened, due_at=due)
    Task.objects.filter(source=f"enquiry:{enquiry.pk}").update(due_on=timezone.localdate(due), created_at=opened)
    Concern.objects.filter(pk=enquiry.concern_id).update(
        received_at=opened - datetime.timedelta(days=2), triage_due_at=opened, triaged_at=opened
    )


def _raise(person, raiser, rng, **fields):
    worker = person.allocated_worker if person.allocated_worker_id else raiser
    defaults = {
        "raised_by": Concern.RaisedBy.WORKER,
        "raised_by_name": worker.get_full_name(),
        "immediate_risk": False,
        "person_aware": rng.choice([True, False]),
    }
    return services.concern_raise(actor=worker, person=person, **(defaults | fields))


def _triage(concern, lead, *, decision=Concern.Decision.S42, enquiry_lead=None, **enquiry):
    criteria = decision == Concern.Decision.S42
    return services.concern_triage(
        concern=concern,
        actor=lead,
        has_care_needs=True,
        experiencing_abuse=True,
        cannot_protect_self=criteria,
        decision=decision,
        reasons=enquiry.pop("reasons", "Reasonable cause to suspect all three s42(1) criteria are met."),
        lead=enquiry_lead or lead,
        **enquiry,
    )


def seed_safeguarding(*, seed: int = 1) -> dict:
    """About eight concerns at every step, three enquiries and a break-glass opening to review. Returns counts
    (empty when concerns already exist, or there is no safeguarding lead or social worker to do the work)."""
    if Concern.objects.exists():
        return {}
    lead, worker = _staff(Role.SAFEGUARDING_LEAD), _staff(Role.SOCIAL_WORKER)
    manager = _staff(Role.TEAM_MANAGER)
    if lead is None or worker is None:
        return {}
    rng = random.Random(seed * 65_537)
    with transaction.atomic():
        return _seed(rng, lead=lead, worker=worker, manager=manager)


def _seed(rng, *, lead, worker, manager) -> dict:
    counts = {"safeguarding concerns": 0, "safeguarding enquiries": 0}
    dp_people = list(_people_with_direct_payments()[:20])
    dp_person = rng.choice(dp_people) if dp_people else None
    candidates = list(
        Person.objects.filter(date_of_death__isnull=True, is_restricted=False, allocated_worker__isnull=False)
        .exclude(pk=getattr(dp_person, "pk", None))
        .select_related("allocated_worker")
        .order_by("pk")[:400]
    )
    rng.shuffle(candidates)

    def person():
        return candidates.pop() if candidates else None

    for fields in PUBLIC:
        services.concern_raise(from_public_form=True, immediate_risk=False, **fields)
        counts["safeguarding concerns"] += 1

    # Two overdue for triage: one naming a PA from the register, who is suspended at once.
    first = person()
    if first is not None:
        concern = _raise(first, worker, rng, what_happened="At a home visit the person had not eaten for two days "
                         "and the heating was off. Post was piled up unopened.", abuse_types=[AbuseType.NEGLECT],
                         when_happened="Found at a visit on Monday")  # fmt: skip
        _backdate_concern(concern, days_ago=5)
        counts["safeguarding concerns"] += 1
    pa = _pa_in_work()
    second = person()
    if second is not None and pa is not None:
        concern = _raise(second, worker, rng, what_happened=f"The person told their daughter that {pa.full_name}, "
                         "their personal assistant, shouted at them and pulled their arm while helping them dress.",
                         abuse_types=[AbuseType.PHYSICAL, AbuseType.PSYCHOLOGICAL], alleged_pa=pa,
                         alleged_source=f"{pa.full_name}, personal assistant", persons_views="Wants a different "
                         "personal assistant, and does not want the police involved.")  # fmt: skip
        _backdate_concern(concern, days_ago=4)
        counts["safeguarding concerns"] += 1
        counts["personal assistants suspended"] = 1

    # Financial abuse of someone with a direct payment: finance is asked to check the account.
    if dp_person is not None:
        _raise(dp_person, worker, rng, what_happened="The direct-payment account has been emptied twice this month "
               "and the PA's wages were not paid. A relative has been 'helping' with the bank card.",
               abuse_types=[AbuseType.FINANCIAL], alleged_source="A relative who holds the bank card")  # fmt: skip
        counts["safeguarding concerns"] += 1
        counts["financial abuse checks for finance"] = 1

    # No further action.
    nfa = person()
    if nfa is not None:
        concern = _raise(nfa, worker, rng, what_happened="A neighbour reported raised voices. At the visit the "
                         "person explained it was a family argument; they are safe and have support.",
                         abuse_types=[AbuseType.PSYCHOLOGICAL])  # fmt: skip
        _triage(concern, lead, decision=Concern.Decision.NFA, reasons="The person has capacity, is not at risk and "
                "can protect themselves: information about support given.")  # fmt: skip
        counts["safeguarding concerns"] += 1

    # Three enquiries.
    gathering = person()
    if gathering is not None:
        concern = _raise(gathering, worker, rng, what_happened="Unexplained bruising on both forearms noticed by "
                         "the day centre.", abuse_types=[AbuseType.PHYSICAL])  # fmt: skip
        _triage(concern, lead, enquiry_lead=worker, desired_outcomes="To feel safe at home and to keep going to "
                "the day centre.")  # fmt: skip
        enquiry = concern.enquiry
        services.enquiry_stage_set(enquiry=enquiry, actor=worker, stage=Enquiry.Stage.GATHERING)
        today = timezone.localdate()
        services.enquiry_action_add(enquiry=enquiry, actor=worker, action="Speak to the day centre manager",
                                    owner=str(worker), due_on=today + datetime.timedelta(days=3))  # fmt: skip
        services.enquiry_action_add(enquiry=enquiry, actor=worker, action="Ask the GP to see the person",
                                    owner=str(worker), due_on=today + datetime.timedelta(days=7))  # fmt: skip
        _backdate_enquiry(enquiry, days_ago=6)
        counts["safeguarding concerns"] += 1
        counts["safeguarding enquiries"] += 1

    overdue = person()
    if overdue is not None:
        concern = _raise(overdue, worker, rng, what_happened="The care home reports another resident repeatedly "
                         "entering the person's room at night.", abuse_types=[AbuseType.ORGANISATIONAL])  # fmt: skip
        _triage(concern, lead, desired_outcomes="To sleep without being disturbed.", needs_advocate=True)
        services.enquiry_stage_set(enquiry=concern.enquiry, actor=lead, stage=Enquiry.Stage.DECIDING)
        _backdate_enquiry(concern.enquiry, days_ago=35)
        counts["safeguarding concerns"] += 1
        counts["safeguarding enquiries"] += 1

    closed = person()
    if closed is not None:
        concern = _raise(closed, worker, rng, what_happened="A doorstep trader took £2,000 for roof repairs that "
                         "were never done.", abuse_types=[AbuseType.FINANCIAL])  # fmt: skip
        _triage(concern, lead, desired_outcomes="To get the money back if possible, and to feel confident "
                "saying no at the door.")  # fmt: skip
        enquiry = concern.enquiry
        services.enquiry_update(enquiry=enquiry, actor=lead, safeguarding_plan="Trading Standards told; a "
                                "'no cold callers' sticker and a door camera; the bank to flag large payments.",
                                needs_advocate=False, advocate_arranged="")  # fmt: skip
        services.enquiry_stage_set(enquiry=enquiry, actor=lead, stage=Enquiry.Stage.PLAN)
        services.enquiry_close(enquiry=enquiry, actor=lead, outcome=Enquiry.Outcome.SUBSTANTIATED,
                               outcomes_achieved=Enquiry.Achieved.FULLY)  # fmt: skip
        _backdate_enquiry(enquiry, days_ago=40)
        Enquiry.objects.filter(pk=enquiry.pk).update(closed_at=timezone.now() - datetime.timedelta(days=12))
        counts["safeguarding concerns"] += 1
        counts["safeguarding enquiries"] += 1

    # A team manager opens a restricted record they have no right to: for the lead to review.
    restricted = first or gathering
    if manager is not None and restricted is not None:
        restricted.refresh_from_db()
        if restricted.allocated_worker_id != manager.pk:
            services.break_glass_open(user=manager, person=restricted, reason="Duty manager: the person's daughter "
                                      "rang the out-of-hours line and I needed the GP's details.")  # fmt: skip
            counts["break-glass openings to review"] = 1
    return counts


def reset_safeguarding() -> None:
    """Remove seeded safeguarding records and their open tasks (before people are reset: they refer to people)."""
    from selfdirect.reviews.models import Task

    query = Q()
    for prefix in TASK_SOURCES:
        query |= Q(source__startswith=prefix)
    Task.objects.filter(query).delete()
    BreakGlass.objects.all().delete()
    EnquiryAction.objects.all().delete()
    Enquiry.objects.all().delete()
    Concern.objects.all().delete()
