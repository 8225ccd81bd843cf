"""Factories for the care market tests. Like tests/factories.py they write rows directly (no audit records), so
use them to arrange a test and call the services when the service is under test.

Support plans are made with the ORM too (status approved unless asked otherwise): the planning services are
not needed to put a line in place."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from selfdirect.assessments.models import Assessment, QuestionBank
from selfdirect.core.roles import Role
from selfdirect.market.models import EmployerInsurance, PaCheck, PersonalAssistant, Provider, Rate
from selfdirect.planning.models import PlanLine, SupportPlan
from selfdirect.rules import pa_checks as pa_rules
from tests.factories import PersonFactory, UserFactory


class ProviderFactory(DjangoModelFactory):
    """A registered home care agency in NM1 and NM2 with vacancies."""

    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Moorside Home Care {n}")
    cqc_location_id = factory.Sequence(lambda n: f"1-{100000000 + n}")
    registration = Provider.Registration.REGISTERED
    rating = Provider.Rating.GOOD
    regulated_activities = factory.LazyFunction(lambda: ["Personal care"])
    service_components = factory.LazyFunction(lambda: ["Home Support"])
    areas = factory.LazyFunction(lambda: ["NM1", "NM2"])
    vacancies = 10
    vacancies_updated_on = factory.LazyFunction(timezone.localdate)


class RateFactory(DjangoModelFactory):
    class Meta:
        model = Rate

    provider = factory.SubFactory(ProviderFactory)
    service_component = "Home Support"
    unit_type = "Hourly"
    amount = Decimal("24.00")
    effective_from = datetime.date(2025, 4, 1)


class PaFactory(DjangoModelFactory):
    """A personal assistant in NM1 and NM2 offering home support, with hours free (no checks: see with_checks)."""

    class Meta:
        model = PersonalAssistant

    first_name = factory.Sequence(lambda n: f"Alex{'abcdefghij'[n % 10]}")
    last_name = factory.Sequence(lambda n: f"Carer{'abcdefghij'[n % 10]}")
    areas = factory.LazyFunction(lambda: ["NM1", "NM2"])
    service_components = factory.LazyFunction(lambda: ["Home Support"])
    hourly_rate = Decimal("15.50")
    hours_available = 10


def with_checks(pa, *, recorder=None, on=None, dbs_issued=None, skip=(), **dbs):
    """Give `pa` a full set of checks, current on `on` (today): an enhanced DBS with the barred list issued a year
    before (or `dbs_issued`), two references, right to work and the Care Certificate. `skip` leaves kinds out."""
    on = on or timezone.localdate()
    recorder = recorder or UserFactory(role=Role.COMMISSIONER)
    issued = on - datetime.timedelta(days=365)
    rows = [
        {"kind": pa_rules.DBS, "certificate_number": "001234567890", "adult_barred_list": True,
         "issued_on": dbs_issued or issued, **dbs},
        dict(kind=pa_rules.REFERENCE, detail="Former employer", issued_on=issued),
        dict(kind=pa_rules.REFERENCE, detail="Character reference", issued_on=issued),
        dict(kind=pa_rules.RIGHT_TO_WORK, detail="British passport", issued_on=issued),
        dict(kind=pa_rules.TRAINING, detail="Care Certificate", issued_on=issued),
    ]  # fmt: skip
    for row in rows:
        if row["kind"] not in skip:
            PaCheck.objects.create(pa=pa, recorded_by=recorder, **row)
    return pa


def approved_line(
    *,
    person=None,
    status=SupportPlan.Status.APPROVED,
    assessment_kind=Assessment.Kind.NEEDS,
    created_by=None,
    **line_fields,
) -> PlanLine:
    """A plan line on a support plan (approved unless `status` says otherwise) for `person` (a new one in NM1).
    The line is 10 hours a week of home support at £24.00, council-managed, unless `line_fields` say otherwise."""
    person = person or PersonFactory(postcode="NM1 2AB")
    created_by = created_by or UserFactory(role=Role.SOCIAL_WORKER)
    assessment = Assessment.objects.create(
        person=person,
        kind=assessment_kind,
        question_bank=QuestionBank.objects.filter(published_at__isnull=False).first() or QuestionBank.objects.first(),
        status=Assessment.Status.SIGNED_OFF,
        assessment_type="Care Act Needs Assessment",
        method="Face to Face",
    )
    plan = SupportPlan.objects.create(
        person=person, assessment=assessment, status=status, created_by=created_by, start_date=timezone.localdate()
    )
    fields = {
        "description": "Help to get up, washed and dressed each morning",
        "support_kind": PlanLine.SupportKind.PROVIDER,
        "service_component": "Home Support",
        "unit_type": "Hourly",
        "units": Decimal("1"),
        "per_week": Decimal("10"),
        "unit_rate": Decimal("24.00"),
        "management": "council_managed",
        "weekly_cost": Decimal("240.00"),
    }
    fields.update(line_fields)
    return PlanLine.objects.create(plan=plan, **fields)


def insure(person, *, starts_on=None, expires_on=None, recorder=None) -> EmployerInsurance:
    today = timezone.localdate()
    return EmployerInsurance.objects.create(
        person=person,
        insurer="Northmoor Mutual",
        policy_number="EL-12345",
        starts_on=starts_on or today - datetime.timedelta(days=30),
        expires_on=expires_on or today + datetime.timedelta(days=335),
        recorded_by=recorder or UserFactory(role=Role.SUPPORT_PLANNER),
    )
