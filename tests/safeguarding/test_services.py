"""Safeguarding services: raising concerns, triage against the s42(1) criteria, enquiries, break glass, and the links
to money (financial abuse of a direct payment) and the market (suspending a personal assistant). Every guard."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.market.models import Arrangement
from selfdirect.money.budget_services import personal_budget_set
from selfdirect.people.models import Person, PersonEvent
from selfdirect.planning.models import PlanLine
from selfdirect.reviews.models import Task
from selfdirect.safeguarding import services
from selfdirect.safeguarding.models import BreakGlass, SafeguardingConcern, SafeguardingEnquiry
from tests.factories import PersonFactory
from tests.market.factories import PaFactory, ProviderFactory, approved_line, with_checks

Concern = SafeguardingConcern
Enquiry = SafeguardingEnquiry


def open_task(source):
    return Task.objects.filter(source=source, done_at__isnull=True).first()


# --------------------------------------------------------------------------------------------------
# Raising a concern
# --------------------------------------------------------------------------------------------------


def test_raising_a_concern_sets_the_triage_deadline_opens_a_task_and_restricts_the_record(
    raise_concern, allocated, social_worker
):
    """A concern about a known person: triage due after the council's triage days, a triage task on the
    safeguarding lead role's queue (source concern:<pk>), the person's record restricted, and audit records."""
    settings = CouncilSettings.current()
    settings.safeguarding_triage_days = 3
    settings.save()
    before = timezone.now()
    concern = raise_concern(allocated)
    assert concern.status == Concern.Status.NEW and concern.raised_by_user == social_worker
    assert concern.triage_due_at - concern.received_at == datetime.timedelta(days=3)
    assert concern.received_at >= before
    task = open_task(f"concern:{concern.pk}")
    assert task.kind == "triage" and task.role == "safeguarding_lead" and task.assignee is None
    assert task.person == allocated and task.due_on == timezone.localdate(concern.triage_due_at)
    allocated.refresh_from_db()
    assert allocated.is_restricted
    summaries = list(AuditEvent.objects.filter(person_id=allocated.pk).values_list("summary", flat=True))
    assert any(s.startswith(f"Safeguarding concern {concern.reference} raised") for s in summaries)
    assert any(s.startswith("Record restricted") for s in summaries)
    event = PersonEvent.objects.get(
        person=allocated, type=PersonEvent.Type.SAFEGUARDING, title__startswith="Safeguarding"
    )
    assert event.title == "Safeguarding concern raised" and "Bruises" not in event.detail


def test_a_public_concern_has_no_person_and_no_actor(raise_concern):
    concern = raise_concern(what_happened="Shouting at night", raised_by_contact="07700 900123")
    assert concern.person is None and concern.raised_by_user is None and concern.from_public_form
    assert open_task(f"concern:{concern.pk}").person is None
    assert concern.reference == f"SG{concern.pk:06d}"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"what_happened": "   "}, "Enter what happened"),
        ({"raised_by": "robot"}, "Choose who is raising the concern"),
        ({"subject_name": ""}, "Enter the name of the adult at risk"),
        ({"subject_postcode": "NOT A POSTCODE"}, "Enter a real postcode"),
        ({"abuse_types": ["physical", "bad"]}, "Unknown type of abuse: bad"),
        ({"what_happened": "x" * 10_001}, "10,000 characters or fewer"),
        ({"raised_by": "worker"}, "Choose who you are"),
        ({"person_aware": "maybe"}, "Say whether the person knows"),
    ],
)
def test_concern_raise_guards(raise_concern, fields, message):
    with pytest.raises(DomainError, match=message):
        raise_concern(**fields)
    assert not Concern.objects.exists()


def test_a_public_concern_cannot_name_someone_from_the_register(raise_concern):
    with pytest.raises(DomainError, match="cannot name a personal assistant"):
        raise_concern(alleged_pa=PaFactory())


def test_a_pa_and_a_provider_cannot_both_be_named(raise_concern, allocated):
    with pytest.raises(DomainError, match="not both"):
        raise_concern(allocated, alleged_pa=PaFactory(), alleged_provider=ProviderFactory())


def test_a_staff_concern_about_a_person_uses_their_name(raise_concern, allocated):
    concern = raise_concern(allocated, subject_name="")
    assert concern.subject_name == "Mary Smith"


def test_naming_a_pa_suspends_them_and_flags_every_plan_line_using_them(raise_concern, allocated, social_worker):
    """The PA cascade: naming a PA from the register suspends them in the same transaction (reason
    "Safeguarding concern <pk>") and flags every plan line naming them, or arranged with them."""
    pa = with_checks(PaFactory(first_name="Sam", last_name="Jones"))
    named = approved_line(pa=pa, support_kind="pa")
    arranged = approved_line(support_kind="pa", management="council_managed")
    Arrangement.objects.create(plan_line=arranged, person=arranged.plan.person, pa=pa, start_date=timezone.localdate(),
                               service_type="Long Term Support", service_component="Home Support",
                               unit_cost=Decimal("15.50"), cost_frequency="Hourly",
                               planned_units_per_week=Decimal("10"), weekly_cost=Decimal("155.00"),
                               created_by=social_worker)  # fmt: skip
    untouched = approved_line(pa=PaFactory(), support_kind="pa")
    concern = raise_concern(allocated, alleged_pa=pa, alleged_source="Sam Jones, PA")
    pa.refresh_from_db()
    assert pa.is_suspended and pa.suspended_reason == f"Safeguarding concern {concern.pk}"
    for line in (named, arranged):
        line.refresh_from_db()
        assert line.flagged.startswith("Personal assistant Sam Jones was suspended on ")
        assert line.flagged.endswith(f"Safeguarding concern {concern.pk}")
    untouched.refresh_from_db()
    assert untouched.flagged == ""
    # A second concern about a PA already suspended is still recorded.
    again = raise_concern(PersonFactory(), alleged_pa=pa)
    assert again.alleged_pa == pa


def test_a_failing_suspension_rolls_the_concern_back(raise_concern, allocated, monkeypatch):
    """The concern and the suspension are one transaction: if suspending fails, nothing is saved."""
    from selfdirect.market import services as market_services

    def broken(**kwargs):
        raise DomainError("Suspension failed")

    monkeypatch.setattr(market_services, "pa_suspend", broken)
    with pytest.raises(DomainError, match="Suspension failed"):
        raise_concern(allocated, alleged_pa=PaFactory())
    assert not Concern.objects.exists() and not Task.objects.exists()
    assert not Person.objects.get(pk=allocated.pk).is_restricted


def _dp_budget(person, finance):
    personal_budget_set(person=person, actor=finance, weekly_total_cost=Decimal("200.00"),
                        weekly_person_contribution=Decimal("0.00"), split={"weekly_direct_payment": Decimal("200.00")},
                        effective_from=datetime.date(2026, 4, 6), reason="Plan agreed")  # fmt: skip


def test_financial_abuse_of_someone_with_a_direct_payment_makes_a_task_for_finance(raise_concern, allocated, finance):
    _dp_budget(allocated, finance)
    concern = raise_concern(allocated, abuse_types=["financial"])
    task = open_task(f"financial:{concern.pk}")
    assert task.kind == "financial_abuse" and task.role == "finance_officer" and task.person == allocated
    assert "direct-payment account" in task.title


def test_a_direct_payment_arrangement_counts_as_a_direct_payment(raise_concern, allocated, social_worker):
    line = approved_line(person=allocated)
    Arrangement.objects.create(plan_line=line, person=allocated, provider=ProviderFactory(),
                               start_date=timezone.localdate(), service_type="Long Term Support",
                               service_component="Home Support", delivery_mechanism="Direct Payment",
                               unit_cost=Decimal("24.00"), cost_frequency="Hourly",
                               planned_units_per_week=Decimal("10"), weekly_cost=Decimal("240.00"),
                               created_by=social_worker)  # fmt: skip
    concern = raise_concern(allocated, abuse_types=["financial", "neglect"])
    assert open_task(f"financial:{concern.pk}") is not None


def test_no_finance_task_without_a_direct_payment_or_without_financial_abuse(raise_concern, allocated, finance):
    concern = raise_concern(allocated, abuse_types=["financial"])
    assert open_task(f"financial:{concern.pk}") is None
    other = PersonFactory()
    _dp_budget(other, finance)
    concern = raise_concern(other, abuse_types=["physical"])
    assert open_task(f"financial:{concern.pk}") is None


# --------------------------------------------------------------------------------------------------
# Matching a public concern to a record
# --------------------------------------------------------------------------------------------------


def test_matching_a_public_concern_restricts_the_record_and_checks_for_a_direct_payment(
    raise_concern, allocated, lead, finance
):
    _dp_budget(allocated, finance)
    concern = raise_concern(abuse_types=["financial"])
    assert open_task(f"financial:{concern.pk}") is None
    services.concern_match_person(concern=concern, person=allocated, actor=lead)
    concern.refresh_from_db()
    assert concern.person == allocated
    assert Person.objects.get(pk=allocated.pk).is_restricted
    assert open_task(f"concern:{concern.pk}").person == allocated
    assert open_task(f"financial:{concern.pk}") is not None
    with pytest.raises(DomainError, match="already matched to Mary Smith"):
        services.concern_match_person(concern=concern, person=allocated, actor=lead)
    with pytest.raises(DomainError, match="already matched to someone"):
        services.concern_match_person(concern=concern, person=PersonFactory(), actor=lead)


def test_a_triaged_concern_cannot_be_matched(raise_concern, lead):
    concern = raise_concern()
    services.concern_triage(concern=concern, actor=lead, has_care_needs=False, experiencing_abuse=False,
                            cannot_protect_self=False, decision="nfa", reasons="Not an adult at risk")  # fmt: skip
    with pytest.raises(DomainError, match="has been triaged"):
        services.concern_match_person(concern=concern, person=PersonFactory(), actor=lead)


# --------------------------------------------------------------------------------------------------
# Triage
# --------------------------------------------------------------------------------------------------


def test_s42_needs_all_three_criteria(raise_concern, allocated, lead):
    """A section 42 enquiry is refused unless all three s42(1) criteria are met, naming the unmet ones."""
    concern = raise_concern(allocated)
    with pytest.raises(DomainError, match=r"all three criteria.*\(c\) because of those needs") as refused:
        services.concern_triage(concern=concern, actor=lead, has_care_needs=True, experiencing_abuse=True,
                                cannot_protect_self=False, decision="s42", reasons="r", lead=lead,
                                desired_outcomes="Safe")  # fmt: skip
    assert refused.value.field == "decision"
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW and concern.decision == ""


def test_other_enquiry_is_allowed_without_all_three(raise_concern, allocated, lead, s42):
    enquiry = s42(raise_concern(allocated), decision="other", cannot_protect_self=False)
    assert enquiry.kind == "other"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"has_care_needs": None}, "Say whether the person has needs"),
        ({"experiencing_abuse": "yes"}, "Say whether the person is experiencing"),
        ({"cannot_protect_self": None}, "Say whether the person cannot protect"),
        ({"decision": "maybe"}, "Choose the decision"),
        ({"reasons": " "}, "Enter the reasons for the decision"),
        ({"lead": None}, "Choose who will lead the enquiry"),
        ({"desired_outcomes": ""}, "Enter what the person wants to happen"),
    ],
)
def test_triage_guards(raise_concern, allocated, s42, fields, message):
    concern = raise_concern(allocated)
    with pytest.raises(DomainError, match=message):
        s42(concern, **fields)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW and not Enquiry.objects.exists()
    assert open_task(f"concern:{concern.pk}") is not None


def test_the_enquiry_lead_must_be_able_to_lead_enquiries(raise_concern, allocated, s42, user_of_role):
    with pytest.raises(DomainError, match="cannot lead safeguarding enquiries"):
        s42(raise_concern(allocated), enquiry_lead=user_of_role(Role.ASSESSOR))
    inactive = user_of_role(Role.SOCIAL_WORKER, is_active=False)
    with pytest.raises(DomainError, match="cannot lead"):
        s42(raise_concern(PersonFactory()), enquiry_lead=inactive)


def test_an_enquiry_needs_a_matched_person(raise_concern, s42):
    with pytest.raises(DomainError, match="Match the concern"):
        s42(raise_concern())


def test_a_concern_is_triaged_once(raise_concern, allocated, s42):
    concern = raise_concern(allocated)
    s42(concern)
    with pytest.raises(DomainError, match="already been triaged"):
        s42(concern)


def test_no_further_action_closes_the_concern_and_the_task(raise_concern, lead):
    concern = raise_concern()
    services.concern_triage(concern=concern, actor=lead, has_care_needs=True, experiencing_abuse=False,
                            cannot_protect_self=False, decision="nfa", reasons="No abuse or neglect")  # fmt: skip
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED and concern.triaged_by == lead
    task = Task.objects.get(source=f"concern:{concern.pk}")
    assert task.done_at is not None and task.done_by == lead


def test_an_s42_enquiry_opens_with_its_lead_task_and_due_date(raise_concern, allocated, s42, social_worker, lead):
    settings = CouncilSettings.current()
    settings.safeguarding_enquiry_days = 20
    settings.save()
    concern = raise_concern(allocated)
    enquiry = s42(concern, enquiry_lead=social_worker, needs_advocate=True)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ENQUIRY and concern.decision == "s42"
    assert enquiry.kind == "s42" and enquiry.lead == social_worker and enquiry.person == allocated
    assert enquiry.due_at - enquiry.opened_at == datetime.timedelta(days=20)
    assert enquiry.desired_outcomes == "To feel safe at home." and enquiry.needs_advocate
    assert Task.objects.get(source=f"concern:{concern.pk}").done_at is not None
    task = open_task(f"enquiry:{enquiry.pk}")
    assert task.kind == "enquiry" and task.assignee == social_worker and task.role == ""
    assert task.due_on == timezone.localdate(enquiry.due_at)


def test_enquiry_open_guards(raise_concern, allocated, lead, s42):
    concern = raise_concern(allocated)
    with pytest.raises(DomainError, match="Only a concern triaged for an enquiry"):
        services.enquiry_open(concern=concern, actor=lead, lead=lead, desired_outcomes="Safe")
    enquiry = s42(concern)
    with pytest.raises(DomainError, match="already has an enquiry"):
        services.enquiry_open(concern=enquiry.concern, actor=lead, lead=lead, desired_outcomes="Safe")


# --------------------------------------------------------------------------------------------------
# Enquiries: stages, actions, plan, closing
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def enquiry(raise_concern, allocated, s42):
    return s42(raise_concern(allocated))


def test_stages(enquiry, lead):
    services.enquiry_stage_set(enquiry=enquiry, actor=lead, stage="gathering")
    enquiry.refresh_from_db()
    assert enquiry.stage == "gathering"
    with pytest.raises(DomainError, match="Choose the stage"):
        services.enquiry_stage_set(enquiry=enquiry, actor=lead, stage="done")
    with pytest.raises(DomainError, match="Close the enquiry with its outcome"):
        services.enquiry_stage_set(enquiry=enquiry, actor=lead, stage="closed")
    with pytest.raises(DomainError, match="Write the safeguarding plan"):
        services.enquiry_stage_set(enquiry=enquiry, actor=lead, stage="plan")
    services.enquiry_update(enquiry=enquiry, actor=lead, safeguarding_plan="Daily calls", needs_advocate=False,
                            advocate_arranged="")  # fmt: skip
    services.enquiry_stage_set(enquiry=enquiry, actor=lead, stage="plan")
    with pytest.raises(DomainError, match="cannot be blank"):
        services.enquiry_update(enquiry=enquiry, actor=lead, safeguarding_plan="", needs_advocate=False,
                                advocate_arranged="")  # fmt: skip


def test_actions_with_owners_and_due_dates(enquiry, lead):
    today = timezone.localdate()
    item = services.enquiry_action_add(enquiry=enquiry, actor=lead, action="Speak to the GP", owner="Aisha",
                                       due_on=today + datetime.timedelta(days=3))  # fmt: skip
    assert not item.is_overdue
    for fields, message in [
        ({"action": ""}, "Enter the action"),
        ({"owner": " "}, "Enter who will do it"),
        ({"due_on": None}, "Enter the date it is due"),
        ({"due_on": today - datetime.timedelta(days=30)}, "cannot be before the enquiry opened"),
    ]:
        args = {"action": "Call", "owner": "Aisha", "due_on": today} | fields
        with pytest.raises(DomainError, match=message):
            services.enquiry_action_add(enquiry=enquiry, actor=lead, **args)
    with pytest.raises(DomainError, match="cannot be in the future"):
        services.enquiry_action_done(item=item, actor=lead, done_on=today + datetime.timedelta(days=1))
    services.enquiry_action_done(item=item, actor=lead)
    item.refresh_from_db()
    assert item.done_on == today
    with pytest.raises(DomainError, match="already done"):
        services.enquiry_action_done(item=item, actor=lead)


def test_closing_needs_the_outcome_and_whether_the_desired_outcomes_were_achieved(enquiry, lead):
    with pytest.raises(DomainError, match="Choose the outcome"):
        services.enquiry_close(enquiry=enquiry, actor=lead, outcome="", outcomes_achieved="fully")
    with pytest.raises(DomainError, match="desired|outcomes the person wanted"):
        services.enquiry_close(enquiry=enquiry, actor=lead, outcome="substantiated", outcomes_achieved="")
    services.enquiry_close(enquiry=enquiry, actor=lead, outcome="substantiated", outcomes_achieved="fully")
    enquiry.refresh_from_db()
    assert enquiry.stage == "closed" and enquiry.closed_at and not enquiry.is_open
    assert enquiry.concern.status == Concern.Status.CLOSED
    assert Task.objects.get(source=f"enquiry:{enquiry.pk}").done_at is not None
    with pytest.raises(DomainError, match="closed"):
        services.enquiry_close(enquiry=enquiry, actor=lead, outcome="not", outcomes_achieved="not")
    with pytest.raises(DomainError, match="closed"):
        services.enquiry_stage_set(enquiry=enquiry, actor=lead, stage="gathering")
    with pytest.raises(DomainError, match="closed"):
        services.enquiry_action_add(enquiry=enquiry, actor=lead, action="a", owner="b", due_on=timezone.localdate())


def test_an_advocate_found_needed_must_be_arranged_before_closing(raise_concern, allocated, s42, lead):
    """s68: needs_advocate means advocate_arranged is required before the enquiry can close."""
    enquiry = s42(raise_concern(allocated), needs_advocate=True)
    with pytest.raises(DomainError, match="independent advocate"):
        services.enquiry_close(enquiry=enquiry, actor=lead, outcome="partly", outcomes_achieved="partly")
    with pytest.raises(DomainError, match="Say whether an independent advocate is needed"):
        services.enquiry_update(enquiry=enquiry, actor=lead, safeguarding_plan="", needs_advocate=None,
                                advocate_arranged="")  # fmt: skip
    services.enquiry_update(enquiry=enquiry, actor=lead, safeguarding_plan="", needs_advocate=True,
                            advocate_arranged="Jo Bright, Northmoor Advocacy")  # fmt: skip
    services.enquiry_close(enquiry=enquiry, actor=lead, outcome="partly", outcomes_achieved="partly")


# --------------------------------------------------------------------------------------------------
# Break glass
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def restricted(allocated):
    Person.objects.filter(pk=allocated.pk).update(is_restricted=True)
    allocated.refresh_from_db()
    return allocated


def test_break_glass_is_recorded_audited_time_limited_and_reported(restricted, other_worker):
    settings = CouncilSettings.current()
    settings.break_glass_minutes = 30
    settings.save()
    glass = services.break_glass_open(user=other_worker, person=restricted, reason="  Duty call from the GP  ")
    assert glass.reason == "Duty call from the GP" and glass.is_active
    assert glass.expires_at - glass.opened_at == datetime.timedelta(minutes=30)
    event = AuditEvent.objects.get(object_type="safeguarding.breakglass", object_id=str(glass.pk))
    assert event.action == AuditEvent.Action.VIEW and event.summary == "Break glass: Duty call from the GP"
    assert event.person_id == restricted.pk and event.actor == other_worker
    task = open_task(f"breakglass:{glass.pk}")
    assert task.kind == "break_glass" and task.role == "safeguarding_lead" and task.person == restricted


@pytest.mark.parametrize("reason", ["", "too short", " " * 20 + "short"])
def test_break_glass_needs_a_reason_of_at_least_ten_characters(restricted, other_worker, reason):
    with pytest.raises(DomainError, match="at least 10 characters"):
        services.break_glass_open(user=other_worker, person=restricted, reason=reason)
    assert not BreakGlass.objects.exists()


def test_break_glass_is_refused_when_not_needed_or_not_allowed(restricted, social_worker, user_of_role, lead):
    with pytest.raises(DomainError, match="already open"):
        services.break_glass_open(user=social_worker, person=restricted, reason="I am the allocated worker")
    with pytest.raises(DomainError, match="already open"):
        services.break_glass_open(user=lead, person=restricted, reason="I am the safeguarding lead")
    with pytest.raises(DomainError, match="already open"):
        services.break_glass_open(user=lead, person=PersonFactory(), reason="It is not restricted at all")
    with pytest.raises(DomainError, match="does not allow"):
        services.break_glass_open(user=user_of_role(Role.COMMISSIONER), person=restricted, reason="Just curious")


def test_break_glass_review(restricted, other_worker, lead, user_of_role):
    glass = services.break_glass_open(user=other_worker, person=restricted, reason="Out-of-hours call")
    with pytest.raises(DomainError, match="Enter a note"):
        services.break_glass_review(glass=glass, actor=lead, note=" ")
    services.break_glass_review(glass=glass, actor=lead, note="Justified")
    glass.refresh_from_db()
    assert glass.reviewed_by == lead and glass.review_note == "Justified" and glass.reviewed_at
    assert Task.objects.get(source=f"breakglass:{glass.pk}").done_at is not None
    with pytest.raises(DomainError, match="already been reviewed"):
        services.break_glass_review(glass=glass, actor=lead, note="Again")


def test_nobody_reviews_their_own_break_glass(allocated, user_of_role, lead):
    other_lead = user_of_role(Role.SAFEGUARDING_LEAD)
    # A lead would not need to break the glass; make the row directly to test the guard.
    glass = BreakGlass.objects.create(user=other_lead, person=allocated, reason="Testing the guard",
                                      expires_at=timezone.now())  # fmt: skip
    with pytest.raises(DomainError, match="Someone else must review"):
        services.break_glass_review(glass=glass, actor=other_lead, note="Fine")


def test_person_restrict_is_idempotent(allocated, lead):
    assert services.person_restrict(person=allocated, actor=lead, reason="test") is True
    assert services.person_restrict(person=allocated, actor=lead, reason="test") is False
    assert AuditEvent.objects.filter(person_id=allocated.pk, summary__startswith="Record restricted").count() == 1


def test_flagged_plan_lines_are_left_for_the_market_to_clear(raise_concern, allocated):
    """Suspending through a concern leaves the flags for pa_reinstate to clear (the market owns them)."""
    pa = PaFactory()
    line = approved_line(pa=pa, support_kind="pa")
    raise_concern(allocated, alleged_pa=pa)
    assert PlanLine.objects.get(pk=line.pk).flagged


# --- Naming who is thought to cause harm at triage ---------------------------------------------------------------


def test_a_public_concern_names_a_pa_at_triage_and_the_pa_is_suspended(raise_concern, lead):
    """The public form can only describe the PA in words; the safeguarding lead names them from the register,
    which suspends them as a staff concern would, and the naming is audited."""
    pa = with_checks(PaFactory(first_name="Sam", last_name="Jones"))
    concern = raise_concern(what_happened="Her carer Sam shouts at her", alleged_source="Sam, her PA")
    services.concern_name_alleged(concern=concern, actor=lead, alleged_pa=pa)
    concern.refresh_from_db()
    pa.refresh_from_db()
    assert concern.alleged_pa == pa and pa.is_suspended
    assert pa.suspended_reason == f"Safeguarding concern {concern.pk}"
    assert AuditEvent.objects.filter(summary__contains="Sam Jones named as thought to cause harm").count() == 1


@pytest.mark.parametrize(
    "named, message",
    [
        ({}, "Choose one personal assistant or one provider"),
        ({"both": True}, "Choose one personal assistant or one provider"),
    ],
)
def test_naming_needs_exactly_one(raise_concern, lead, named, message):
    concern = raise_concern(what_happened="Shouting")
    args = {"alleged_pa": PaFactory(), "alleged_provider": ProviderFactory()} if named else {}
    with pytest.raises(DomainError, match=message):
        services.concern_name_alleged(concern=concern, actor=lead, **args)
    concern.refresh_from_db()
    assert concern.alleged_pa is None and concern.alleged_provider is None


def test_naming_is_refused_after_triage_or_when_someone_is_named(raise_concern, allocated, lead):
    provider = ProviderFactory()
    concern = raise_concern(allocated, alleged_provider=provider)
    with pytest.raises(DomainError, match="already names"):
        services.concern_name_alleged(concern=concern, actor=lead, alleged_pa=PaFactory())
    triaged = raise_concern(what_happened="Shouting")
    services.concern_triage(concern=triaged, actor=lead, has_care_needs=False, experiencing_abuse=False,
                            cannot_protect_self=False, decision="nfa", reasons="Not a safeguarding matter")  # fmt: skip
    with pytest.raises(DomainError, match="has been triaged"):
        services.concern_name_alleged(concern=triaged, actor=lead, alleged_provider=provider)


def test_the_naming_page(raise_concern, lead, client_as, social_worker):
    pa = with_checks(PaFactory(first_name="Sam", last_name="Jones"))
    concern = raise_concern(what_happened="Shouting", alleged_source="Sam, her PA")
    url = reverse("concern_name_alleged", args=[concern.pk])
    client = client_as(lead)
    page = client.get(url).content.decode()
    assert "The concern says: Sam, her PA" in page
    empty = client.post(url, {})
    assert empty.status_code == 200 and "Choose a personal assistant or a provider" in empty.content.decode()
    assert client.post(url, {"alleged_pa": pa.pk}).status_code == 302
    pa.refresh_from_db()
    assert pa.is_suspended
    assert client_as(social_worker).get(url).status_code == 403
