"""Short-term support rules (selfdirect/rules/short_term.py) against the reference (shared/reference sections 2.1,
4.2-4.4): episode types, the free six weeks (charging reg 3(2)), the 91-day follow-up (STS004), request sequels
(STS001), what followed reablement (STS002a/b); every expected value worked out by hand. Hypothesis: adding a
free service to a plan never changes the person's contribution."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfdirect.rules import cld, plan_costs
from selfdirect.rules import short_term as st_rules
from selfdirect.rules.charging import ChargingInput, Income, assess
from selfdirect.rules.charging_figures import FIGURES

D = Decimal
day = datetime.date


def test_episode_types_are_the_cld_short_term_service_types():
    """The three CLD "Short Term Support" service types, spelt exactly as the reference has them."""
    assert st_rules.EPISODE_TYPES == [
        "Short Term Support: ST-Max",
        "Short Term Support: Ongoing Low Level",
        "Short Term Support: Other Short Term",
    ]
    assert set(st_rules.EPISODE_TYPES) <= set(cld.SERVICE_TYPES)


def test_every_sequel_maps_to_salt_rows_and_a_cld_outcome():
    """Each sequel names a real STS002 row, a real STS001 row and a CLD Event Outcome (R1)."""
    for sequel in st_rules.SEQUELS:
        assert sequel.sts002 in st_rules.STS002_SEQUELS
        assert sequel.sts001 in st_rules.STS001_SEQUELS
        assert sequel.event_outcome in cld.EVENT_OUTCOMES
    assert len(st_rules.STS002_SEQUELS) == 10 and len(st_rules.STS001_SEQUELS) == 12
    assert st_rules.sequel("no_further_support").sts002 == "No services – other / No identified needs"
    with pytest.raises(ValueError):
        st_rules.sequel("nonsense")


def test_signposting_outcome_is_a_request_outcome():
    assert st_rules.SIGNPOSTING_OUTCOME in cld.REQUEST_OUTCOMES


@pytest.mark.parametrize(
    "component, free",
    [
        ("Equipment", True),
        ("Reablement", True),
        ("Home Support", False),
        ("Short Term Residential Care", False),
        ("", False),
    ],
)
def test_free_components(component, free):
    """Community equipment and reablement are free (reg 3(2)); other services may be charged for."""
    assert st_rules.is_free_component(component) is free


# Start Monday 5 January 2026. The sixth week ends on day 42: 5 January + 41 days = 15 February.
START = day(2026, 1, 5)


@pytest.mark.parametrize(
    "end, last_free, free, chargeable",
    [
        (None, day(2026, 2, 15), None, None),  # open: free to the end of the sixth week
        (day(2026, 2, 1), day(2026, 2, 1), 28, 0),  # 4 weeks: the whole episode is free
        (day(2026, 2, 15), day(2026, 2, 15), 42, 0),  # exactly 6 weeks
        (day(2026, 2, 16), day(2026, 2, 15), 42, 1),  # one day over
        (day(2026, 3, 1), day(2026, 2, 15), 42, 14),  # 8 weeks: 56 days, 14 chargeable
        (START, START, 1, 0),  # a single day
    ],
)
def test_the_free_six_weeks(end, last_free, free, chargeable):
    """Reablement is free for the first 6 weeks, or the whole period if it is shorter (reg 3(2)(b))."""
    assert st_rules.free_period_end(START, end) == last_free
    if end is not None:
        assert st_rules.free_days(START, end) == free
        assert st_rules.chargeable_days(START, end) == chargeable


def test_an_episode_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        st_rules.free_days(START, day(2026, 1, 4))


@pytest.mark.parametrize(
    "birth, discharged, episode_type, due",
    [
        (day(1961, 3, 10), day(2026, 3, 10), st_rules.ST_MAX, True),  # 65 on the day of discharge
        (day(1961, 3, 10), day(2026, 3, 9), st_rules.ST_MAX, False),  # 64 the day before
        (day(1940, 1, 1), day(2026, 3, 9), st_rules.ONGOING_LOW_LEVEL, False),  # not reablement
        (day(1940, 1, 1), None, st_rules.ST_MAX, False),  # not from hospital
    ],
)
def test_who_needs_a_91_day_follow_up(birth, discharged, episode_type, due):
    """Aged 65+ on discharge, from hospital, into reablement (STS004)."""
    assert st_rules.needs_follow_up(date_of_birth=birth, discharged_on=discharged, episode_type=episode_type) is due


def test_the_follow_up_date_is_91_days_after_discharge():
    # 10 January + 21 = 31 January, + 28 = 28 February (49), + 31 = 31 March (80), + 11 = 11 April (91).
    assert st_rules.follow_up_due(day(2026, 1, 10)) == day(2026, 4, 11)
    # Across a leap year: 1 December 2027 + 91 = 1 March 2028 (30 + 31 + 29 + 1 = 91).
    assert st_rules.follow_up_due(day(2027, 12, 1)) == day(2028, 3, 1)


MAY1 = day(2026, 5, 1)


def row(person_id=1, received=MAY1, new=True, outcome="", followed=()):
    return st_rules.RequestRow(person_id, received, new, outcome, tuple(st_rules.Followed(s, d) for s, d in followed))


@pytest.mark.parametrize(
    "request_row, expected",
    [
        # ST-Max ranks above long-term support: both within 28 days.
        (row(followed=[("Long Term Support: Community", day(2026, 5, 20)), ("ST-Max", day(2026, 5, 10))]), "ST-Max"),
        # 28 days after 1 May is 29 May: counted; 30 May is not.
        (row(followed=[("Long Term Support: Residential", day(2026, 5, 29))]), "Long Term Support: Residential"),
        (row(followed=[("Long Term Support: Residential", day(2026, 5, 30))]), "No Services Provided – other reason"),
        # Support that started before the request did not follow it.
        (row(followed=[("ST-Max", day(2026, 4, 20))]), "No Services Provided – other reason"),
        (row(outcome="NFA - Information & Advice / Signposting only"), "Universal Services/Signposted"),
        (row(outcome="NFA - Deceased"), "No Services Provided – Deceased"),
        (row(outcome="NFA - 100% NHS-funded care"), "100% NHS funded care"),
        (row(outcome="NFA - Support declined"), "No Services Provided – other reason"),
        (row(outcome="Progress to Reablement/ST-Max"), "ST-Max"),
    ],
)
def test_the_sequel_of_a_request(request_row, expected):
    assert st_rules.request_sequel(request_row) == expected


def test_requests_within_four_days_count_once():
    """1 May and 5 May (4 days) are one request; 6 May (5 days after the last counted) is another."""
    rows = [row(received=MAY1), row(received=day(2026, 5, 5)), row(received=day(2026, 5, 6)), row(person_id=2)]
    kept = st_rules.cluster_requests(rows)
    assert [(r.person_id, r.received_on) for r in kept] == [(1, MAY1), (1, day(2026, 5, 6)), (2, MAY1)]


def test_sts001_counts_new_clients_by_sequel():
    """Five requests: person 1 (new) then reablement; person 2 (new) signposted; person 3 (new) then long-term
    community support; person 4 is an existing client (left out); person 5 (new) twice within 2 days (once)."""
    rows = [
        row(1, followed=[("ST-Max", day(2026, 5, 3))]),
        row(2, outcome="NFA - Information & Advice / Signposting only"),
        row(3, followed=[("Long Term Support: Community", day(2026, 5, 15))]),
        row(4, new=False, outcome="NFA - Information & Advice / Signposting only"),
        row(5, outcome="NFA - Support declined"),
        row(5, received=day(2026, 5, 3), outcome="NFA - Support declined"),
    ]
    table = st_rules.sts001(rows)
    assert list(table) == st_rules.STS001_SEQUELS
    assert {k: v for k, v in table.items() if v} == {
        "ST-Max": 1,
        "Universal Services/Signposted": 1,
        "Long Term Support: Community": 1,
        "No Services Provided – other reason": 1,
    }
    resolved = st_rules.resolved_without_long_term(rows)
    # 4 counted requests from new clients, 1 led to long-term support: 3 of 4 = 75.0%.
    assert (resolved.new_requests, resolved.without_long_term, resolved.percent) == (4, 3, D("75.0"))


def test_resolved_without_long_term_with_no_requests():
    assert st_rules.resolved_without_long_term([]).percent is None


def test_sts002_splits_new_and_existing_clients():
    """Only ended ST-Max episodes count; new clients in 002a, existing in 002b."""
    rows = [
        st_rules.EpisodeRow(st_rules.ST_MAX, False, "no_further_support"),
        st_rules.EpisodeRow(st_rules.ST_MAX, False, "no_further_support"),
        st_rules.EpisodeRow(st_rules.ST_MAX, False, "ended_early_deceased"),
        st_rules.EpisodeRow(st_rules.ST_MAX, True, "lts_community"),
        st_rules.EpisodeRow(st_rules.ST_MAX, True, "universal_services"),
        st_rules.EpisodeRow(st_rules.ONGOING_LOW_LEVEL, False, "no_further_support"),  # not ST-Max
        st_rules.EpisodeRow(st_rules.ST_MAX, False, ""),  # still open
    ]
    tables = st_rules.sts002(rows)
    assert {k: v for k, v in tables["a"].items() if v} == {
        "No services – other / No identified needs": 2,
        "Early cessation (not leading to LTS) – 100% NHS funded care/End of Life/deceased": 1,
    }
    assert {k: v for k, v in tables["b"].items() if v} == {
        "Long Term Support (any setting)": 1,
        "No Services – universal services/signposted": 1,
    }
    assert list(tables["a"]) == st_rules.STS002_SEQUELS


def test_the_91_day_measure():
    """Six follow-ups: 3 at home, 1 in a care home, 2 not yet recorded: 3 of the 4 known = 75.0%."""
    rows = [st_rules.FollowUpRow(day(2026, 2, 1), o) for o in ["at_home"] * 3 + ["care_home", "", ""]]
    measure = st_rules.still_at_home(rows)
    assert (measure.eligible, measure.recorded, measure.at_home, measure.awaiting) == (6, 4, 3, 2)
    assert measure.percent == D("75.0")
    assert measure.by_outcome == {"at_home": 3, "hospital": 0, "care_home": 1, "deceased": 0, "other": 0}
    assert st_rules.still_at_home([]).percent is None


def test_one_in_three_rounds_to_one_decimal_place():
    rows = [st_rules.FollowUpRow(day(2026, 2, 1), o) for o in ["at_home", "hospital", "deceased"]]
    assert st_rules.still_at_home(rows).percent == D("33.3")


# --- free services never change a contribution ----------------------------------------------------------------

# The 2021-22 figures are all confirmed in the reference (tests/rules/test_charging.py uses them too).
FIGURES_2021 = {f.key: f.amount if f.confirmed else None for f in FIGURES["2021-22"]}


def contribution(lines, *, pension: Decimal, capital: Decimal) -> Decimal:
    """What the person pays a week when the cost of care is the plan's total (as the budget takes it)."""
    cost = plan_costs.plan_cost(lines).weekly_total
    data = ChargingInput(
        financial_year="2021-22",
        setting="community",
        household="single",
        age=70,
        reached_pension_credit_age=True,
        dependent_children=0,
        capital=capital,
        weekly_income=(Income("state_pension", pension),),
        weekly_housing_costs=D("0.00"),
        weekly_disability_related_expenditure=D("0.00"),
        weekly_cost_of_care=cost,
    )
    return assess(data, FIGURES_2021).weekly_contribution


pence = st.integers(min_value=0, max_value=200_000).map(lambda p: D(p) / 100)
managements = st.sampled_from(plan_costs.MANAGEMENT_OPTIONS + [plan_costs.NOT_PAID])
components = st.sampled_from(["Home Support", "Day Support", "Meals", "Transport", "Equipment", "Reablement"])


@st.composite
def plan_line(draw):
    component = draw(components)
    return plan_costs.CostedLine(
        weekly_cost=draw(pence), management=draw(managements), free=st_rules.is_free_component(component)
    )


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(plan_line(), max_size=6),
    free_cost=pence,
    free_component=st.sampled_from(sorted(st_rules.FREE_COMPONENTS)),
    management=st.sampled_from(plan_costs.MANAGEMENT_OPTIONS),
    pension=pence,
    capital=st.integers(min_value=0, max_value=40_000).map(D),
)
def test_adding_a_free_service_never_changes_a_contribution(
    lines, free_cost, free_component, management, pension, capital
):
    """A reablement or equipment line, at any cost, leaves the plan total, its split, and so the contribution the
    charging engine works out, exactly as they were."""
    free_line = plan_costs.CostedLine(
        weekly_cost=free_cost, management=management, free=st_rules.is_free_component(free_component)
    )
    before, after = plan_costs.plan_cost(lines), plan_costs.plan_cost([*lines, free_line])
    assert after == before
    assert contribution([*lines, free_line], pension=pension, capital=capital) == contribution(
        lines, pension=pension, capital=capital
    )


def test_a_chargeable_line_does_change_the_total():
    """The exclusion is only for free services: a home support line is counted (so the property above can fail)."""
    home = plan_costs.CostedLine(weekly_cost=D("120.00"), management=plan_costs.DIRECT_PAYMENT)
    reablement = dataclasses.replace(home, free=True)
    assert plan_costs.plan_cost([home]).weekly_total == D("120.00")
    assert plan_costs.plan_cost([home, reablement]).weekly_total == D("120.00")
    assert plan_costs.plan_cost([home, home]).weekly_total == D("240.00")
