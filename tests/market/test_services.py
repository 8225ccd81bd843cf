"""Care market services: providers, rates from a date, the PA register and checks, suspension flagging plan
lines, employer's liability insurance, and every guard on putting a plan line in place (arrangement_make),
with the CLD Service event it records and the audit records written."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.market import services
from selfdirect.market.models import Arrangement, PaCheck, Provider, Rate
from selfdirect.market.selectors import cld_service_event, rate_in_force
from selfdirect.people.models import PersonEvent
from selfdirect.planning.models import PlanLine, SupportPlan
from tests.factories import PersonFactory

from .factories import PaFactory, ProviderFactory, RateFactory, approved_line, insure, with_checks

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def broker(user_of_role):
    return user_of_role(Role.SUPPORT_PLANNER, first_name="Dan", last_name="Hughes")


@pytest.fixture
def commissioner(user_of_role):
    return user_of_role(Role.COMMISSIONER, first_name="Gareth", last_name="Lloyd")


def set_policy(policy):
    settings = CouncilSettings.current()
    settings.pa_checks_policy = policy
    settings.save()


def lapsed_pa(recorder):
    """A PA whose DBS was issued 4 years ago (the council re-checks after 3), not on the Update Service."""
    return with_checks(PaFactory(first_name="Dana", last_name="Lapsed"), recorder=recorder,
                       dbs_issued=TODAY - datetime.timedelta(days=4 * 365))  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Providers and rates
# --------------------------------------------------------------------------------------------------


def test_provider_create_and_update_are_audited(commissioner):
    """Adding and changing a provider each write an audit record with old -> new values; areas are kept upper
    case and vacancies are dated when they change."""
    provider = services.provider_create(
        actor=commissioner,
        name="Heatherbank Home Care",
        cqc_location_id="1-123456789",
        registration=Provider.Registration.REGISTERED,
        rating=Provider.Rating.GOOD,
        service_components=["Home Support"],
        areas=["nm1", " NM2 "],
    )
    assert provider.areas == ["NM1", "NM2"]
    created = AuditEvent.objects.get(object_type="market.provider", action=AuditEvent.Action.CREATE)
    assert created.changes["name"] == [None, "Heatherbank Home Care"]
    services.provider_update(provider=provider, actor=commissioner, vacancies=12, rating=Provider.Rating.OUTSTANDING)
    provider.refresh_from_db()
    assert provider.vacancies_updated_on == TODAY
    updated = AuditEvent.objects.get(object_type="market.provider", action=AuditEvent.Action.UPDATE)
    assert updated.changes["rating"] == ["Good", "Outstanding"] and updated.changes["vacancies"] == [None, 12]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"name": " "}, "name", "Enter the provider's name"),
        ({"cqc_location_id": "ABC"}, "cqc_location_id", "1-1234567890"),
        ({"cqc_location_id": ""}, "cqc_location_id", "every provider registered with CQC has one"),
        ({"registration": "not_registered", "cqc_location_id": ""}, "rating", "Only a provider registered"),
        ({"service_components": ["Hairdressing"]}, "service_components", "Choose service components"),
    ],
)
def test_provider_refusals(commissioner, fields, field, words):
    base = {"name": "Fernley Care", "cqc_location_id": "1-123456789", "registration": "registered", "rating": "Good"}
    with pytest.raises(DomainError, match=words) as error:
        services.provider_create(actor=commissioner, **(base | fields))
    assert error.value.field == field


def test_rate_add_and_duplicates(commissioner):
    """A rate from a date is added and audited; the same provider, component, unit, note and date again is refused
    with a message saying what to do; a note tells two rates apart."""
    provider = ProviderFactory()
    args = dict(provider=provider, service_component="Home Support", unit_type="Hourly", effective_from=TODAY)
    rate = services.rate_add(actor=commissioner, amount="24.50", **args)
    assert rate.amount == Decimal("24.50")
    assert AuditEvent.objects.filter(object_type="market.rate", object_id=str(rate.pk)).exists()
    with pytest.raises(DomainError, match="already has a home support rate hourly from") as error:
        services.rate_add(actor=commissioner, amount="25.00", **args)
    assert error.value.field == "effective_from"
    night = services.rate_add(actor=commissioner, amount="21.72", note="night waking", **args)
    assert night.note == "night waking"
    services.rate_add(actor=commissioner, amount="23.92", **(args | {"provider": None}))
    with pytest.raises(DomainError, match="council's standard rates already have"):
        services.rate_add(actor=commissioner, amount="1", **(args | {"provider": None}))


@pytest.mark.parametrize(
    ("amount", "words"),
    [("abc", "pounds and pence"), ("-1", "less than £0"), ("1.234", "nearest penny"), ("100000", "less than"),
     ("NaN", "pounds and pence"), ("", "pounds and pence")],
)  # fmt: skip
def test_rate_amount_refusals(commissioner, amount, words):
    with pytest.raises(DomainError, match=words):
        services.rate_add(actor=commissioner, provider=None, service_component="Home Support", unit_type="Hourly",
                          amount=amount, effective_from=TODAY)  # fmt: skip
    assert not Rate.objects.exists()


def test_rate_in_force_by_date():
    """The provider's rate in force on the day (the latest that started by then); before its first rate, or
    without one, the council's standard rate on that day; None when neither exists."""
    provider = ProviderFactory()
    RateFactory(provider=provider, amount=Decimal("24.00"), effective_from=datetime.date(2025, 4, 1))
    RateFactory(provider=provider, amount=Decimal("25.00"), effective_from=datetime.date(2026, 4, 1))
    RateFactory(provider=None, amount=Decimal("23.92"), effective_from=datetime.date(2024, 4, 1))
    RateFactory(provider=None, amount=Decimal("21.72"), effective_from=datetime.date(2024, 4, 1), note="night waking")

    def amount(on, who=provider, **kw):
        rate = rate_in_force(provider=who, service_component="Home Support", unit_type="Hourly", on=on, **kw)
        return rate and rate.amount

    assert amount(datetime.date(2026, 3, 31)) == Decimal("24.00")
    assert amount(datetime.date(2026, 4, 1)) == Decimal("25.00")  # the first day of the new rate
    assert amount(datetime.date(2025, 3, 31)) == Decimal("23.92")  # before the provider's first rate
    assert amount(datetime.date(2026, 4, 1), who=ProviderFactory()) == Decimal("23.92")
    assert amount(datetime.date(2026, 4, 1), who=None) == Decimal("23.92")
    assert amount(datetime.date(2026, 4, 1), note="night waking") == Decimal("21.72")
    assert amount(datetime.date(2024, 3, 31)) is None
    assert rate_in_force(provider=provider, service_component="Day Support", unit_type="Hourly", on=TODAY) is None


# --------------------------------------------------------------------------------------------------
# Personal assistants and checks
# --------------------------------------------------------------------------------------------------


def test_pa_register_update_and_checks_are_audited(broker):
    pa = services.pa_register(actor=broker, first_name="Priya", last_name="Current", areas=["nm3"],
                              service_components=["Home Support"], hourly_rate="16.00")  # fmt: skip
    assert pa.areas == ["NM3"] and pa.hourly_rate == Decimal("16.00")
    services.pa_update(pa=pa, actor=broker, hours_available=12)
    check = services.pa_check_record(
        pa=pa, actor=broker, kind=PaCheck.Kind.DBS, certificate_number="0012 3456 7890", adult_barred_list=True,
        issued_on=TODAY - datetime.timedelta(days=30), update_service=False,
    )  # fmt: skip
    assert check.certificate_number == "001234567890" and check.recorded_by == broker
    kinds = list(AuditEvent.objects.filter(actor=broker).values_list("object_type", "action").order_by("id"))
    assert kinds == [
        ("market.personalassistant", "create"),
        ("market.personalassistant", "update"),
        ("market.pacheck", "create"),
    ]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"certificate_number": "12345"}, "certificate_number", "12 digits"),
        ({"certificate_number": "00123456789X"}, "certificate_number", "12 digits"),
        ({"issued_on": None}, "issued_on", "date the DBS certificate was issued"),
        ({"issued_on": TODAY + datetime.timedelta(days=1)}, "issued_on", "today or in the past"),
        ({"update_service": True}, "update_service_checked_on", "last checked"),
        ({"update_service": True, "update_service_checked_on": TODAY + datetime.timedelta(days=2)},
         "update_service_checked_on", "today or in the past"),
        ({"update_service": True, "update_service_checked_on": datetime.date(2020, 1, 1)},
         "update_service_checked_on", "before the certificate was issued"),
    ],
)  # fmt: skip
def test_dbs_check_refusals(broker, fields, field, words):
    base = {"kind": "dbs", "certificate_number": "001234567890", "adult_barred_list": True,
            "issued_on": datetime.date(2025, 1, 1)}  # fmt: skip
    with pytest.raises(DomainError, match=words) as error:
        services.pa_check_record(pa=PaFactory(), actor=broker, **(base | fields))
    assert error.value.field == field


def test_other_checks_need_their_detail(broker):
    pa = PaFactory()
    for kind, words in [("reference", "who gave"), ("right_to_work", "document seen"), ("training", "course")]:
        with pytest.raises(DomainError, match=words):
            services.pa_check_record(pa=pa, actor=broker, kind=kind, detail="")
    services.pa_check_record(pa=pa, actor=broker, kind="training", detail="Care Certificate", issued_on=TODAY)
    with pytest.raises(DomainError, match="after the date issued"):
        services.pa_check_record(pa=pa, actor=broker, kind="right_to_work", detail="Visa", issued_on=TODAY,
                                 expires_on=TODAY - datetime.timedelta(days=1))  # fmt: skip


def test_pa_suspend_flags_every_plan_line_using_the_pa(broker, commissioner):
    """Suspending a PA flags, saying why, every plan line naming them or put in place with them (and no other),
    with an audit record on the PA and one on each person's record; lifting it clears those flags only."""
    set_policy("mandatory")
    pa = with_checks(PaFactory(first_name="Sam", last_name="Jones"), recorder=commissioner)
    named = approved_line(pa=pa, support_kind="pa")
    arranged = approved_line(support_kind="pa", management="council_managed")
    services.arrangement_make(line=arranged, actor=broker, start_date=TODAY, pa=pa)
    other = approved_line(pa=PaFactory(), support_kind="pa")
    services.pa_suspend(pa=pa, actor=commissioner, reason="An allegation of harm is being looked into")
    pa.refresh_from_db()
    assert pa.is_suspended and pa.suspended_reason == "An allegation of harm is being looked into"
    for line in (named, arranged):
        line.refresh_from_db()
        assert line.flagged.startswith("Personal assistant Sam Jones was suspended on ")
        assert line.flagged.endswith(": An allegation of harm is being looked into")
        assert AuditEvent.objects.filter(object_type="planning.planline", object_id=str(line.pk),
                                         person_id=line.plan.person_id).exists()  # fmt: skip
    other.refresh_from_db()
    assert other.flagged == ""
    flagged_on = PersonEvent.objects.filter(type=PersonEvent.Type.PLAN, title__contains="suspended: plan line flagged")
    assert set(flagged_on.values_list("person_id", flat=True)) == {named.plan.person_id, arranged.plan.person_id}
    assert AuditEvent.objects.filter(object_type="market.personalassistant", summary__startswith="Suspended").exists()
    with pytest.raises(DomainError, match="already suspended"):
        services.pa_suspend(pa=pa, actor=commissioner, reason="Again")

    PlanLine.objects.filter(pk=named.pk).update(flagged="Check the hours with the family")
    services.pa_reinstate(pa=pa, actor=commissioner, reason="Concern not upheld")
    named.refresh_from_db()
    arranged.refresh_from_db()
    assert named.flagged == "Check the hours with the family" and arranged.flagged == ""
    assert not PlanLine.objects.get(pk=arranged.pk).flagged


def test_pa_suspend_needs_a_reason(commissioner):
    with pytest.raises(DomainError, match="Enter why"):
        services.pa_suspend(pa=PaFactory(), actor=commissioner, reason="  ")


def test_employer_insurance_record(broker):
    person = PersonFactory()
    policy = services.employer_insurance_record(person=person, actor=broker, insurer="Northmoor Mutual",
                                                policy_number="EL-1", starts_on=TODAY,
                                                expires_on=TODAY + datetime.timedelta(days=364))  # fmt: skip
    assert policy.covers(TODAY)
    assert AuditEvent.objects.filter(object_type="market.employerinsurance", person_id=person.pk).exists()
    with pytest.raises(DomainError, match="after the date it starts"):
        services.employer_insurance_record(person=person, actor=broker, insurer="X", policy_number="1",
                                           starts_on=TODAY, expires_on=TODAY - datetime.timedelta(days=1))  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Arrangements: every guard
# --------------------------------------------------------------------------------------------------


def test_a_provider_arrangement_is_a_cld_service_event(broker):
    """An approved, council-managed line put in place with a registered provider: the arrangement carries the CLD
    Service event fields from the line, is audited on the person's record, and reads back with the CLD columns."""
    provider = ProviderFactory(name="Oakwood Home Care", cqc_location_id="1-1234567890")
    line = approved_line(units=Decimal("0.75"), per_week=Decimal("14"), weekly_cost=Decimal("251.16"))
    arrangement = services.arrangement_make(line=line, actor=broker, start_date=TODAY, provider=provider)
    assert arrangement.person == line.plan.person and arrangement.status == Arrangement.Status.ACTIVE
    assert cld_service_event(arrangement) == {
        "Event Type": "Service",
        "Event Start Date": TODAY,
        "Event End Date": None,
        "Service Type": "Long Term Support: Community",
        "Service Component": "Home Support",
        "Delivery Mechanism": "CASSR Managed Personal Budget",
        "Provider CQC Location ID": "1-1234567890",
        "Provider CQC Location Name": "Oakwood Home Care",
        "Unit Cost": Decimal("24.00"),
        "Cost Frequency (Unit Type)": "Hourly",
        "Planned units per week": Decimal("10.50"),
    }
    audit = AuditEvent.objects.get(object_type="market.arrangement", action=AuditEvent.Action.CREATE)
    assert audit.person_id == line.plan.person_id and audit.actor == broker
    assert audit.changes["service_type"] == [None, "Long Term Support: Community"]
    event = PersonEvent.objects.get(person=line.plan.person)
    assert event.type == PersonEvent.Type.ARRANGEMENT and event.actor == broker
    assert event.title == "Support arranged: Home Support with Oakwood Home Care"


@pytest.mark.parametrize(
    ("component", "unit", "kind", "management", "service_type", "mechanism", "units"),
    [
        ("Long Term Residential Care", "Weekly", "needs", "council_managed", "Long Term Support: Residential Care",
         "CASSR Managed Personal Budget", Decimal("1.00")),
        ("Long Term Nursing Care", "Weekly", "needs", "council_managed", "Long Term Support: Nursing Care",
         "CASSR Managed Personal Budget", Decimal("1.00")),
        ("Carer Respite", "Monthly", "carer", "direct_payment", "Carer Support: Direct to Carer", "Direct Payment",
         Decimal("0.23")),
        ("Day Support", "Per session", "needs", "individual_service_fund", "Long Term Support: Community",
         "CASSR Managed Personal Budget", Decimal("10.00")),
    ],
)  # fmt: skip
def test_service_type_and_delivery_mechanism(broker, component, unit, kind, management, service_type, mechanism, units):
    provider = ProviderFactory(service_components=[component])
    line = approved_line(service_component=component, unit_type=unit, management=management, assessment_kind=kind)
    arrangement = services.arrangement_make(line=line, actor=broker, start_date=TODAY, provider=provider)
    assert arrangement.service_type == service_type
    assert arrangement.delivery_mechanism == mechanism
    assert arrangement.cost_frequency == unit
    assert arrangement.planned_units_per_week == units


def test_a_plan_that_is_not_approved_is_refused(broker):
    for status in (SupportPlan.Status.DRAFT, SupportPlan.Status.WITH_MANAGER, SupportPlan.Status.AWAITING_FINANCE):
        line = approved_line(status=status)
        with pytest.raises(DomainError, match="not approved"):
            services.arrangement_make(line=line, actor=broker, start_date=TODAY, provider=ProviderFactory())
    assert not Arrangement.objects.exists()


def test_an_unpaid_line_is_not_arranged(broker):
    line = approved_line(management="none", support_kind="unpaid", who_name="Her daughter")
    with pytest.raises(DomainError, match="nobody pays for"):
        services.arrangement_make(line=line, actor=broker, start_date=TODAY, provider=ProviderFactory())


def test_exactly_one_of_provider_or_pa(broker):
    line = approved_line()
    with pytest.raises(DomainError, match="not both"):
        services.arrangement_make(line=line, actor=broker, start_date=TODAY, provider=ProviderFactory(), pa=PaFactory())
    with pytest.raises(DomainError, match="Choose who"):
        services.arrangement_make(line=line, actor=broker, start_date=TODAY)


def test_a_line_already_in_place_is_refused_until_ended(broker):
    line = approved_line()
    first = services.arrangement_make(line=line, actor=broker, start_date=TODAY, provider=ProviderFactory(name="A"))
    with pytest.raises(DomainError, match="already in place with A"):
        services.arrangement_make(line=line, actor=broker, start_date=TODAY, provider=ProviderFactory())
    services.arrangement_end(arrangement=first, actor=broker, end_date=TODAY, reason="The agency gave notice")
    second = services.arrangement_make(line=line, actor=broker, start_date=TODAY, provider=ProviderFactory(name="B"))
    assert second.provider.name == "B"


def test_a_suspended_pa_never_starts(broker, commissioner):
    """Not even with an informed choice under the recommended policy."""
    set_policy("recommended")
    pa = with_checks(PaFactory(is_suspended=True, suspended_reason="Allegation"), recorder=commissioner)
    line = approved_line(support_kind="pa")
    with pytest.raises(DomainError, match="suspended") as error:
        services.arrangement_make(line=line, actor=broker, start_date=TODAY, pa=pa, informed_choice="We accept")
    assert error.value.field == "choice"


def test_lapsed_dbs_refused_under_mandatory_with_what_is_missing(broker, commissioner):
    set_policy("mandatory")
    line = approved_line(support_kind="pa")
    with pytest.raises(DomainError, match="The DBS check has lapsed") as error:
        services.arrangement_make(line=line, actor=broker, start_date=TODAY, pa=lapsed_pa(commissioner),
                                  informed_choice="They know and want to go ahead")  # fmt: skip
    assert (
        "Dana Lapsed cannot start yet" in error.value.message and "every check must be current" in error.value.message
    )


def test_lapsed_dbs_accepted_with_informed_choice_under_recommended(broker, commissioner):
    set_policy("recommended")
    line = approved_line(support_kind="pa")
    pa = lapsed_pa(commissioner)
    with pytest.raises(DomainError, match="informed choice"):
        services.arrangement_make(line=line, actor=broker, start_date=TODAY, pa=pa, informed_choice="   ")
    arrangement = services.arrangement_make(
        line=line,
        actor=broker,
        start_date=TODAY,
        pa=pa,
        informed_choice="Mrs Smith knows the DBS is out of date and chooses Dana",
    )
    assert arrangement.pa == pa and arrangement.informed_choice.startswith("Mrs Smith")  # fmt: skip


def test_checks_are_judged_on_the_start_date(broker, commissioner):
    """A DBS current today but lapsed on a later start date is refused for that start date."""
    set_policy("mandatory")
    pa = with_checks(PaFactory(), recorder=commissioner, dbs_issued=TODAY - datetime.timedelta(days=3 * 365 - 20))
    line = approved_line(support_kind="pa")
    with pytest.raises(DomainError, match="lapsed"):
        services.arrangement_make(line=line, actor=broker, start_date=TODAY + datetime.timedelta(days=60), pa=pa)
    assert services.arrangement_make(line=line, actor=broker, start_date=TODAY, pa=pa)


def test_a_pa_on_a_direct_payment_needs_employers_liability_insurance(broker, commissioner):
    """Mandatory: refused without cover on the start date, whatever the informed choice; accepted with it.
    Recommended: also accepted without cover when the informed choice is recorded."""
    set_policy("mandatory")
    pa = with_checks(PaFactory(), recorder=commissioner)
    line = approved_line(support_kind="pa", management="direct_payment")
    person = line.plan.person
    insure(person, starts_on=TODAY - datetime.timedelta(days=400), expires_on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="employer's liability insurance covering") as error:
        services.arrangement_make(line=line, actor=broker, start_date=TODAY, pa=pa, informed_choice="We accept")
    assert "informed choice" not in error.value.message
    insure(person, starts_on=TODAY)
    arrangement = services.arrangement_make(line=line, actor=broker, start_date=TODAY, pa=pa)
    assert arrangement.delivery_mechanism == "Direct Payment"

    set_policy("recommended")
    other = approved_line(support_kind="pa", management="direct_payment")
    with pytest.raises(DomainError, match="or record the employer's informed choice"):
        services.arrangement_make(line=other, actor=broker, start_date=TODAY, pa=pa)
    assert services.arrangement_make(line=other, actor=broker, start_date=TODAY, pa=pa,
                                     informed_choice="Insurance is being arranged; chooses to start now")  # fmt: skip


def test_a_pa_not_on_a_direct_payment_needs_no_employers_insurance(broker, commissioner):
    set_policy("mandatory")
    pa = with_checks(PaFactory(), recorder=commissioner)
    line = approved_line(support_kind="pa", management="individual_service_fund")
    assert services.arrangement_make(line=line, actor=broker, start_date=TODAY, pa=pa)


@pytest.mark.parametrize("registration", ["not_registered", "deregistered", "applied", "not_required"])
def test_an_unregistered_provider_for_personal_care_needs_acknowledgement(broker, registration):
    provider = ProviderFactory(name="Marsh End Care", registration=registration, cqc_location_id="", rating="")
    line = approved_line()
    with pytest.raises(DomainError, match="Marsh End Care .* Home Support includes personal care") as error:
        services.arrangement_make(line=line, actor=broker, start_date=TODAY, provider=provider)
    assert error.value.field == "acknowledge_unregistered"
    arrangement = services.arrangement_make(
        line=line, actor=broker, start_date=TODAY, provider=provider, acknowledge_unregistered=True
    )
    assert arrangement.unregistered_warning_acknowledged
    assert cld_service_event(arrangement)["Provider CQC Location ID"] == ""


def test_an_unregistered_provider_without_personal_care_needs_nothing(broker):
    provider = ProviderFactory(registration="not_required", cqc_location_id="", rating="",
                               service_components=["Day Support"])  # fmt: skip
    line = approved_line(service_component="Day Support", unit_type="Per session")
    arrangement = services.arrangement_make(line=line, actor=broker, start_date=TODAY, provider=provider)
    assert not arrangement.unregistered_warning_acknowledged


def test_arrangement_end(broker):
    line = approved_line()
    arrangement = services.arrangement_make(line=line, actor=broker, start_date=TODAY, provider=ProviderFactory())
    with pytest.raises(DomainError, match="cannot be before"):
        services.arrangement_end(arrangement=arrangement, actor=broker, end_date=TODAY - datetime.timedelta(days=1),
                                 reason="Moved")  # fmt: skip
    with pytest.raises(DomainError, match="Enter why"):
        services.arrangement_end(arrangement=arrangement, actor=broker, end_date=TODAY, reason="")
    ended = services.arrangement_end(arrangement=arrangement, actor=broker, end_date=TODAY, reason="Moved away")
    assert ended.status == Arrangement.Status.ENDED and cld_service_event(ended)["Event End Date"] == TODAY
    audit = AuditEvent.objects.get(object_type="market.arrangement", action=AuditEvent.Action.UPDATE)
    assert audit.changes["status"] == ["active", "ended"] and audit.person_id == line.plan.person_id
    with pytest.raises(DomainError, match="already ended"):
        services.arrangement_end(arrangement=ended, actor=broker, end_date=TODAY, reason="Again")
