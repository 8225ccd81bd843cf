"""Where the time went: hours each party held plans per team and calendar month, from crafted clock segments
(split at month boundaries, in London time; open segments counted up to now), decision turnaround and returns by
category, one plan's clock, and the report page and its CSV."""

import csv
import datetime
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.planning.models import Party, PlanClockSegment, PlanDecision, SupportPlan
from selfdirect.planning.report_selectors import days, hours, plan_clock_summary, time_by_party
from tests.factories import PersonFactory, TeamFactory, UserFactory
from tests.planning.factories_panel import draft_plan, meeting

pytestmark = pytest.mark.django_db
S = SupportPlan.Status
H = timedelta(hours=1)
D = datetime.date


def at(year, month, day, hour=0, minute=0) -> datetime.datetime:
    """A London wall-clock time."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def crafted_plan(worker, team=None) -> SupportPlan:
    """A plan whose clock is set by the test alone."""
    plan = draft_plan(worker, PersonFactory(allocated_team=team))
    PlanClockSegment.objects.filter(plan=plan).delete()
    return plan


def segment(plan, party, start, end=None, status=S.DRAFT):
    return PlanClockSegment.objects.create(plan=plan, party=party, status=status, started_at=start, ended_at=end)


def decision(plan, who, when, *, route="panel", outcome="approve", category="", panel_meeting=None):
    return PlanDecision.objects.create(
        plan=plan,
        route=route,
        meeting=panel_meeting,
        outcome=outcome,
        return_category=category,
        reasons="Reasons",
        decided_by=who,
        decided_at=when,
    )


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team])


@pytest.fixture
def crafted(worker, team):
    """Team "Older people north":
    - plan A: worker 31 Jan 18:00 to 1 Feb 06:00 (6 h each side of midnight), then the person 1 to 3 Feb 06:00
      (48 h), then the organisation from 3 Feb 06:00, still open;
    - plan C: at panel from 10 Feb 09:00, returned (cost) 12 Feb 09:00; at panel again from 20 Feb 09:00, approved
      21 Feb 09:00 (panel turnaround 2 days and 1 day);
    - plan D: with a manager from 1 Feb 12:00, returned (missing information) 2 Feb 00:00 (12 h).
    No team: plan B with the panel 10 Jan 00:00 to 11 Jan 00:00 (24 h)."""
    a = crafted_plan(worker, team)
    segment(a, Party.WORKER, at(2026, 1, 31, 18), at(2026, 2, 1, 6))
    segment(a, Party.PERSON, at(2026, 2, 1, 6), at(2026, 2, 3, 6))
    segment(a, Party.ORGANISATION, at(2026, 2, 3, 6))
    b = crafted_plan(worker)
    segment(b, Party.PANEL, at(2026, 1, 10), at(2026, 1, 11), status=S.AT_PANEL)
    c = crafted_plan(worker, team)
    chair = UserFactory(role=Role.PANEL_MEMBER)
    panel_meeting = meeting(members=[chair], attendees=[chair], quorum=1, meets_at=at(2026, 2, 12, 9))
    segment(c, Party.PANEL, at(2026, 2, 10, 9), at(2026, 2, 12, 9), status=S.AT_PANEL)
    segment(c, Party.WORKER, at(2026, 2, 12, 9), at(2026, 2, 20, 9), status=S.RETURNED)
    segment(c, Party.PANEL, at(2026, 2, 20, 9), at(2026, 2, 21, 9), status=S.AT_PANEL)
    decision(c, chair, at(2026, 2, 12, 9), outcome="return", category="cost", panel_meeting=panel_meeting)
    decision(c, chair, at(2026, 2, 21, 9), panel_meeting=panel_meeting)
    d = crafted_plan(worker, team)
    segment(d, Party.PANEL, at(2026, 2, 1, 12), at(2026, 2, 2), status=S.WITH_MANAGER)
    segment(d, Party.WORKER, at(2026, 2, 2), at(2026, 2, 2, 1), status=S.RETURNED)
    manager = UserFactory(role=Role.TEAM_MANAGER, teams=[team])
    decision(d, manager, at(2026, 2, 2), route="manager", outcome="return", category="missing_information")
    return {"a": a, "b": b, "c": c, "d": d}


NOW = at(2026, 2, 5, 6)  # plan A's organisation segment has been open 48 hours


def held(row) -> dict:
    return {party: value for party, value in row.held.items() if value}


def test_hours_by_party_team_and_month_split_at_the_month_boundary(crafted, team):
    rows = time_by_party(start=D(2026, 1, 1), end=D(2026, 2, 28), now=NOW)
    assert [(r.team_name, r.month) for r in rows] == [
        ("Older people north", D(2026, 1, 1)),
        ("Older people north", D(2026, 2, 1)),
        ("No team", D(2026, 1, 1)),
    ]
    jan, feb, no_team = rows
    assert held(jan) == {Party.WORKER: 6 * H}
    assert held(feb) == {
        Party.WORKER: 6 * H + 8 * 24 * H + 1 * H,  # A after midnight, C returned 8 days, D returned 1 hour
        Party.PERSON: 48 * H,
        Party.ORGANISATION: 48 * H,  # open, counted up to now
        Party.PANEL: 48 * H + 24 * H + 12 * H,  # C twice, D with the manager
    }
    assert held(no_team) == {Party.PANEL: 24 * H}
    assert feb.total_held == (6 + 192 + 1 + 48 + 48 + 84) * H
    assert (feb.panel_decisions, feb.panel_turnaround) == (2, timedelta(days=1.5))
    assert (feb.manager_decisions, feb.manager_turnaround) == (1, 12 * H)
    assert feb.returns == {"missing_information": 1, "cost": 1, "alternative": 0, "clerical": 0}
    assert (jan.panel_decisions, jan.manager_decisions, jan.total_returns) == (0, 0, 0)


def test_the_window_clips_segments_and_a_team_can_be_chosen(crafted, team):
    """From 1 February only February counts (6 of plan A's 12 worker hours); one team leaves out the others."""
    rows = time_by_party(start=D(2026, 2, 1), end=D(2026, 2, 28), now=NOW, team=team)
    assert len(rows) == 1 and rows[0].month == D(2026, 2, 1)
    assert rows[0].held[Party.WORKER] == (6 + 192 + 1) * H
    other = TeamFactory(name="Learning disability east")
    assert time_by_party(start=D(2026, 1, 1), end=D(2026, 2, 28), now=NOW, team=other) == []
    # Only to 2 February: the open segment and later stretches are cut at midnight on 3 February.
    short = time_by_party(start=D(2026, 2, 1), end=D(2026, 2, 2), now=NOW, team=team)[0]
    assert short.held[Party.PERSON] == 42 * H and short.held[Party.ORGANISATION] == timedelta(0)  # to 3 Feb 00:00
    assert short.held[Party.PANEL] == 12 * H and short.manager_decisions == 1 and short.panel_decisions == 0


def test_an_open_segment_grows_with_now(crafted):
    later = time_by_party(start=D(2026, 2, 1), end=D(2026, 3, 31), now=at(2026, 3, 2, 6))
    feb, mar = [r for r in later if r.team_name == "Older people north"]
    assert feb.held[Party.ORGANISATION] == (26 * 24 - 6) * H  # 3 Feb 06:00 to 1 March 00:00
    assert mar.held == {**{p.value: timedelta(0) for p in Party}, Party.ORGANISATION: 30 * H}


def test_a_month_boundary_in_summer_time_is_at_london_midnight(worker, team):
    """31 March 23:00 to 1 April 01:00 British Summer Time: one hour in each month."""
    plan = crafted_plan(worker, team)
    segment(plan, Party.PERSON, at(2026, 3, 31, 23), at(2026, 4, 1, 1))
    march, april = time_by_party(start=D(2026, 3, 1), end=D(2026, 4, 30), now=NOW)
    assert (march.month, march.held[Party.PERSON]) == (D(2026, 3, 1), H)
    assert (april.month, april.held[Party.PERSON]) == (D(2026, 4, 1), H)


def test_a_plans_clock_summary_lists_every_party(crafted):
    summary = plan_clock_summary(plan=crafted["a"], now=NOW)
    assert list(summary) == [p.value for p in Party]
    assert summary == {
        Party.WORKER: 12 * H,
        Party.PERSON: 48 * H,
        Party.ORGANISATION: 48 * H,
        Party.PANEL: timedelta(0),
        Party.FINANCE: timedelta(0),
    }


def test_days_and_hours_to_one_decimal_place():
    assert str(days(timedelta(hours=36))) == "1.5"
    assert str(hours(timedelta(minutes=90))) == "1.5"
    assert days(None) is None and str(days(timedelta(0))) == "0.0"


# --- The page and the CSV ------------------------------------------------------------------------------------

QUERY = {"start": "2026-01", "end": "2026-02"}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PERFORMANCE_ANALYST, 200),
        (Role.TEAM_MANAGER, 200),
        (Role.SOCIAL_WORKER, 403),
        (Role.PANEL_MEMBER, 403),
        (Role.COMMISSIONER, 403),
    ],
)
def test_the_report_is_for_managers_and_analysts(role, status, user_of_role, client_as):
    client = client_as(user_of_role(role))
    assert client.get(reverse("report_time")).status_code == status
    assert client.get(reverse("report_time_csv"), QUERY).status_code == status


def test_the_report_page_shows_the_numbers_in_a_table(crafted, user_of_role, client_as):
    client = client_as(user_of_role(Role.PERFORMANCE_ANALYST))
    page = client.get(reverse("report_time"), QUERY).content.decode()
    assert "<table" in page and "Older people north" in page and "February 2026" in page
    assert "1.5" in page  # the panel's average turnaround in days
    assert "Download these numbers (CSV)" in page and "start=2026-01" in page


def test_the_csv_has_the_same_numbers(crafted, user_of_role, client_as):
    analyst = user_of_role(Role.PERFORMANCE_ANALYST)
    response = client_as(analyst).get(reverse("report_time_csv"), QUERY)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["team"], r["month"]) for r in rows] == [
        ("Older people north", "2026-01"),
        ("Older people north", "2026-02"),
        ("No team", "2026-01"),
    ]
    jan = rows[0]
    assert (jan["worker_hours"], jan["worker_days"], jan["person_hours"]) == ("6.0", "0.3", "0.0")
    feb = rows[1]
    assert (feb["person_hours"], feb["panel_hours"], feb["panel_days"]) == ("48.0", "84.0", "3.5")
    assert (feb["panel_decisions"], feb["panel_turnaround_days"]) == ("2", "1.5")
    assert (feb["manager_decisions"], feb["manager_turnaround_days"]) == ("1", "0.5")
    assert (feb["returned_cost"], feb["returned_missing_information"], feb["returned_clerical"]) == ("1", "1", "0")
    assert AuditEvent.objects.filter(actor=analyst, action=AuditEvent.Action.EXPORT).exists()


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-13", "end": "2026-02"},
        {"start": "2026-02", "end": "2026-01"},
        {"start": "", "end": ""},
        {"start": "2026-01", "end": "2026-02", "team": "987654"},
        {"start": "<script>", "end": "x"},
    ],
)
def test_bad_report_input_shows_the_error_summary_never_a_500(query, user_of_role, client_as):
    client = client_as(user_of_role(Role.TEAM_MANAGER))
    for name in ("report_time", "report_time_csv"):
        response = client.get(reverse(name), query)
        assert response.status_code == 200
        page = response.content.decode()
        assert "govuk-error-summary" in page and "<script>" not in page.split("<main")[1]
