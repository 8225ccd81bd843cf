"""The short-term support report (STS001, STS002a/b, the 91-day measure, requests resolved without long-term
support, signposting) from a small council worked out by hand, in 2025-26 (1 April 2025 to 31 March 2026).

- P1 (new, 80): request 1 May 2025 -> reablement from hospital (left 1 May, started 2 May), closed 10 June "no
  further support"; follow-up due 31 July 2025 (1 May + 91): at home.
- P2 (new): request 1 June 2025, signposted to the memory café.
- P3 (existing: long-term support at home since 1 January 2024): request 1 July 2025 -> reablement 2 July, closed
  1 August, long-term support at home. Aged 60: no follow-up.
- P4 (new): request 1 August 2025 -> assessment -> long-term support at home from 20 August.
- P5 (new, 70): reablement from hospital (left 1 December 2025), still open; follow-up due 2 March 2026, not done.
- P6 (new, 90): reablement from hospital (left 1 November 2025), ended early 1 December (back in hospital);
  follow-up due 31 January 2026: in hospital.
- A request from 1 March 2025 is outside the year.

So STS001 (new clients' requests): ST-Max 1 (P1), universal/signposted 1 (P2), long-term community 1 (P4); P3 is
an existing client. Resolved without long-term support: 2 of 3 = 66.7%. STS002a: no services 1 (P1), early
cessation not leading to LTS 1 (P6); STS002b: long-term support 1 (P3). 91 days: 3 due, 2 known, 1 at home = 50.0%.
"""

import datetime
from decimal import Decimal

import pytest

from selfdirect.core.roles import Role
from selfdirect.market.models import Arrangement
from selfdirect.reablement import selectors, services
from selfdirect.reablement.models import SignpostingReferral
from selfdirect.rules import short_term
from tests.factories import PersonFactory, UserFactory
from tests.planning.plans import ready_plan

from .factories import hospital_episode, support_request

pytestmark = pytest.mark.django_db
day = datetime.date
YEAR = (day(2025, 4, 1), day(2026, 3, 31))


def long_term_at_home(person, worker, start):
    plan = ready_plan(worker, person, rate="1.00")
    return Arrangement.objects.create(
        plan_line=plan.lines.first(),
        person=person,
        start_date=start,
        service_type="Long Term Support: Community",
        service_component="Home Support",
        unit_cost=Decimal("1.00"),
        cost_frequency="Hourly",
        planned_units_per_week=Decimal("7"),
        weekly_cost=Decimal("7.00"),
        created_by=worker,
    )


def close(episode, worker, sequel, on):
    return services.episode_close(episode=episode, actor=worker, sequel=sequel, actual_end=on)


@pytest.fixture
def council(worker):
    p1 = PersonFactory(date_of_birth=day(1945, 1, 1))
    p2 = PersonFactory(date_of_birth=day(1950, 1, 1))
    p3 = PersonFactory(date_of_birth=day(1965, 1, 1))
    p4 = PersonFactory(date_of_birth=day(1955, 1, 1))
    p5 = PersonFactory(date_of_birth=day(1955, 6, 1))
    p6 = PersonFactory(date_of_birth=day(1935, 1, 1))

    support_request(p1, received_on=day(2025, 5, 1), outcome="Progress to Reablement/ST-Max")
    e1 = hospital_episode(p1, worker, discharged_on=day(2025, 5, 1), start_date=day(2025, 5, 2))
    close(e1, worker, "no_further_support", day(2025, 6, 10))
    services.follow_up_record(follow_up=e1.follow_up, actor=worker, outcome="at_home", recorded_on=day(2025, 7, 31))

    r2 = support_request(p2, received_on=day(2025, 6, 1), outcome=short_term.SIGNPOSTING_OUTCOME)
    SignpostingReferral.objects.create(
        support_request=r2, person=p2, kind="signposting", service="Memory café", made_by=worker, made_on=r2.received_on
    )

    long_term_at_home(p3, worker, day(2024, 1, 1))
    support_request(p3, received_on=day(2025, 7, 1), outcome="Progress to Reablement/ST-Max")
    e3 = hospital_episode(p3, worker, discharged_on=day(2025, 7, 2))
    close(e3, worker, "lts_community", day(2025, 8, 1))

    support_request(p4, received_on=day(2025, 8, 1), outcome="Progress to Assessment")
    long_term_at_home(p4, worker, day(2025, 8, 20))

    hospital_episode(p5, worker, discharged_on=day(2025, 12, 1))

    e6 = hospital_episode(p6, worker, discharged_on=day(2025, 11, 1))
    close(e6, worker, "ended_early_hospital", day(2025, 12, 1))
    services.follow_up_record(follow_up=e6.follow_up, actor=worker, outcome="hospital", recorded_on=day(2026, 2, 2))

    support_request(p6, received_on=day(2025, 3, 1), outcome="NFA - Support declined")  # the year before
    return {"e1": e1, "e3": e3}


def nonzero(pairs):
    return {name: n for name, n in pairs if n}


def test_the_report_counts_what_was_worked_out_by_hand(council):
    assert council["e3"].existing_client and not council["e1"].existing_client
    report = selectors.short_term_report(start=YEAR[0], end=YEAR[1])
    assert nonzero(report.sts001) == {
        "ST-Max": 1,
        "Universal Services/Signposted": 1,
        "Long Term Support: Community": 1,
    }
    assert report.sts001_total == 3
    assert (report.resolved.new_requests, report.resolved.without_long_term) == (3, 2)
    assert report.resolved.percent == Decimal("66.7")
    assert {name: (a, b) for name, a, b in report.sts002 if a or b} == {
        "No services – other / No identified needs": (1, 0),
        "Early cessation (not leading to LTS)": (1, 0),
        "Long Term Support (any setting)": (0, 1),
    }
    assert report.sts002_totals == (2, 1)
    home = report.still_at_home
    assert (home.eligible, home.recorded, home.at_home, home.awaiting, home.percent) == (3, 2, 1, 1, Decimal("50.0"))
    assert report.signposted == [("Memory café", 1)]


def test_the_year_before_is_empty(council):
    report = selectors.short_term_report(start=day(2024, 4, 1), end=day(2025, 3, 31))
    # Only P6's declined request (a new client then): "No Services Provided – other reason".
    assert nonzero(report.sts001) == {"No Services Provided – other reason": 1}
    assert report.sts002_totals == (0, 0) and report.still_at_home.eligible == 0


def test_the_report_page_shows_the_tables(council, client_as):
    analyst = UserFactory(role=Role.PERFORMANCE_ANALYST)
    page = client_as(analyst).get("/reports/short-term/", {"year": "2025"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 April 2025" in html and "31 March 2026" in html
    assert "66.7%" in html and "50.0%" in html
    assert "Requests from new clients, by what followed (STS001)" in html
    assert "Memory café" in html


@pytest.mark.parametrize("year", ["abc", "1999", "2025.5", "-1"])
def test_the_report_page_never_fails_on_bad_input(year, client_as):
    page = client_as(UserFactory(role=Role.COMMISSIONER)).get("/reports/short-term/", {"year": year})
    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()


def test_financial_year():
    assert selectors.financial_year(day(2026, 3, 31)) == (day(2025, 4, 1), day(2026, 3, 31))
    assert selectors.financial_year(day(2026, 4, 1)) == (day(2026, 4, 1), day(2027, 3, 31))
