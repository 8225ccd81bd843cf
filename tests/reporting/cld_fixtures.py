"""A small council for the CLD return tests, written with the ORM (no services, so no audit rows): whose rows for
July to September 2026 are written out by hand in tests/reporting/test_cld_extract.py.

- Mary Smith (P9100001, NHS 9990000018): asked for support on 2 July (route: discharge from hospital), concluded
  6 July "Progress to Assessment"; needs assessment 7 July, signed off 20 July 2026 at 10:00, eligible; financial
  assessment completed 21 July, contribution £12.40 a week; home support with Moorside Home Care (CQC 1-101) from
  1 August 2026, 10 hours a week at £24.00, council-managed; planned review started and done 15 September.
  Her daughter Jane Smith is her unpaid carer (a contact only).
- Ned Nonumber (P9100002, no NHS number): asked for support on 1 September; still open.
- Outside the period: a request by Mary on 1 June 2026 concluded on 10 June, and a review scheduled for October.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from selfdirect.assessments.models import Assessment, SupportRequest
from selfdirect.market.models import Arrangement, Provider
from selfdirect.money.models import ChargingYear, FinancialAssessment
from selfdirect.planning.models import PlanLine, SupportPlan
from selfdirect.reviews.models import Review
from tests.factories import ContactFactory, PersonFactory, UserFactory
from tests.portal.bank import ensure_question_bank

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def small_council() -> dict:
    worker = UserFactory(username="cld.worker")
    mary = PersonFactory(
        council_id="P9100001",
        first_name="Mary",
        last_name="Smith",
        nhs_number="9990000018",
        date_of_birth=datetime.date(1948, 3, 14),
        gender="Female",
        ethnicity="White: Irish",
        primary_support_reason="Physical Support: Personal care support",
        postcode="NM1 2AB",
        accommodation_status="Owner occupier or shared ownership scheme",
        gp_practice_name="Moor Lane Surgery",
        gp_practice_code="N81001",
    )
    ned = PersonFactory(
        council_id="P9100002",
        first_name="Ned",
        last_name="Nonumber",
        nhs_number=None,
        date_of_birth=datetime.date(1990, 5, 5),
        gender="Male",
        ethnicity="No data: Refused",
        primary_support_reason="Learning Disability Support",
        postcode="NM2 3FG",
        accommodation_status="Tenant",
    )
    carer = ContactFactory(person=mary, name="Jane Smith", is_unpaid_carer=True)
    request_fields = {
        "requester": "self",
        "channel": "phone",
        "what_they_need": "Help at home",
        "recorded_by": worker,
    }
    old_request = SupportRequest.objects.create(
        person=mary,
        subject_first_name="Mary",
        subject_last_name="Smith",
        route_of_access="Community/Other route",
        received_on=datetime.date(2026, 6, 1),
        outcome="NFA - Information & Advice / Signposting only",
        outcome_on=datetime.date(2026, 6, 10),
        status=SupportRequest.Status.CLOSED,
        **request_fields,
    )
    request = SupportRequest.objects.create(
        person=mary,
        subject_first_name="Mary",
        subject_last_name="Smith",
        route_of_access="Discharge from Hospital",
        received_on=datetime.date(2026, 7, 2),
        outcome="Progress to Assessment",
        outcome_on=datetime.date(2026, 7, 6),
        status=SupportRequest.Status.CLOSED,
        **request_fields,
    )
    ned_request = SupportRequest.objects.create(
        person=ned,
        subject_first_name="Ned",
        subject_last_name="Nonumber",
        route_of_access="Community/Other route",
        received_on=datetime.date(2026, 9, 1),
        **request_fields,
    )
    assessment = Assessment.objects.create(
        person=mary,
        request=request,
        kind=Assessment.Kind.NEEDS,
        question_bank=ensure_question_bank(),
        status=Assessment.Status.SIGNED_OFF,
        assessment_type="Care Act Needs Assessment",
        method="Face to Face",
        decision_eligible=True,
        event_outcome="Progress to Support Planning / Services",
        started_on=datetime.date(2026, 7, 7),
        signed_off_at=at(datetime.date(2026, 7, 20)),
    )
    financial = FinancialAssessment.objects.create(
        person=mary,
        year=ChargingYear.objects.get_or_create(
            financial_year="2026-27", defaults={"effective_from": datetime.date(2026, 4, 6)}
        )[0],
        status=FinancialAssessment.Status.COMPLETE,
        setting="community",
        household="single",
        age=78,
        reached_pension_credit_age=True,
        capital=Decimal("0"),
        weekly_cost_of_care=Decimal("240.00"),
        weekly_contribution=Decimal("12.40"),
        full_cost=False,
        created_at=at(datetime.date(2026, 7, 21), 9),
        completed_at=at(datetime.date(2026, 7, 21), 11),
    )
    plan = SupportPlan.objects.create(
        person=mary, assessment=assessment, status=SupportPlan.Status.APPROVED, created_by=worker
    )
    provider = Provider.objects.create(name="Moorside Home Care", cqc_location_id="1-101", registration="registered")
    line = PlanLine.objects.create(
        plan=plan,
        description="Help to get up",
        support_kind=PlanLine.SupportKind.PROVIDER,
        provider=provider,
        service_component="Home Support",
        unit_type="Hourly",
        per_week=Decimal("10"),
        unit_rate=Decimal("24.00"),
        management="council_managed",
        weekly_cost=Decimal("240.00"),
    )
    arrangement = Arrangement.objects.create(
        plan_line=line,
        person=mary,
        provider=provider,
        start_date=datetime.date(2026, 8, 1),
        service_type="Long Term Support: Community",
        service_component="Home Support",
        delivery_mechanism="CASSR Managed Personal Budget",
        unit_cost=Decimal("24.00"),
        cost_frequency="Hourly",
        planned_units_per_week=Decimal("10.00"),
        weekly_cost=Decimal("240.00"),
        created_by=worker,
    )
    review = Review.objects.create(
        person=mary,
        plan=plan,
        kind=Review.Kind.FIRST,
        reason="Planned",
        status=Review.Status.DONE,
        due_on=datetime.date(2026, 9, 15),
        method="Face to Face",
        outcomes_achieved="Fully achieved",
        event_outcome="No change in package",
        started_on=datetime.date(2026, 9, 15),
        completed_on=datetime.date(2026, 9, 15),
    )
    Review.objects.create(
        person=mary, plan=plan, kind=Review.Kind.ANNUAL, reason="Planned", due_on=datetime.date(2026, 10, 20)
    )
    return {
        "worker": worker,
        "mary": mary,
        "ned": ned,
        "carer": carer,
        "old_request": old_request,
        "request": request,
        "ned_request": ned_request,
        "assessment": assessment,
        "financial": financial,
        "plan": plan,
        "arrangement": arrangement,
        "review": review,
    }
