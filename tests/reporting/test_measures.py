"""Measures from the records (selfdirect/reporting/measures.py) and `manage.py measures`: the figures worked out
by hand in tests/reporting/dashboard_fixtures.py."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from selfdirect.reporting import measures
from selfdirect.reporting.measures import PeopleFilter

from .dashboard_fixtures import AT, LEARNING_DISABILITY, small_council

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return small_council()


def shares(result) -> dict:
    return {k: (v["numerator"], v["denominator"], str(v["percent"])) for k, v in result["ascof_3d"].items()}


def test_measures_on_the_year_end(council):
    """1a = 3/5 = 60.0%, 2a = 2/5 = 40.0%, 1b = 1/1; Fay (residential) is in LTS but not the denominator; Bob's
    two services count once; Gus (ended) is out. Six people in long-term support."""
    result = measures.measures_at(at=AT)
    assert shares(result) == {
        "part_1a": (3, 5, "60.0"),
        "part_2a": (2, 5, "40.0"),
        "part_1b": (1, 1, "100.0"),
    }
    assert result["people_in_long_term_support"] == 6
    assert result["long_term_support_by_setting"]["Residential"] == 1
    assert result["long_term_support_by_setting"]["Community: Direct Payment"] == 2


def test_lts001b_counts_from_the_records(council):
    """65+ personal care: Ann DP only, Bob part DP, Cath managed, Dev commissioned, Fay residential;
    18-64 learning disability: Eve commissioned."""
    got = {
        (r["primary_support_reason"], r["age_band"], r["support_setting"]): r["people"]
        for r in measures.measures_at(at=AT)["lts001b"]
    }
    pc = "Physical Support: Personal care support"
    assert got == {
        (pc, "65+", "Residential"): 1,
        (pc, "65+", "Community: Direct Payment Only"): 1,
        (pc, "65+", "Community: Part Direct Payment"): 1,
        (pc, "65+", "Community: CASSR Managed Personal Budget"): 1,
        (pc, "65+", "Community: CASSR Commissioned Support Only"): 1,
        (LEARNING_DISABILITY, "18-64", "Community: CASSR Commissioned Support Only"): 1,
    }


def test_before_gus_ended(council):
    """On 28 February 2026 Gus's direct payment was still running: 1a = 4/6 (66.7%), 2a = 3/6 (50.0%)."""
    result = measures.measures_at(at=datetime.date(2026, 2, 28))
    assert shares(result)["part_1a"] == (4, 6, "66.7")
    assert shares(result)["part_2a"] == (3, 6, "50.0")


def test_filters(council):
    """South (Eve only): 0/1. 65+: 3/4 = 75.0% and 2/4 = 50.0%. Learning disability: Eve, 0/1."""
    south = measures.measures_at(at=AT, people=PeopleFilter(team_id=council["south"].pk))
    assert shares(south)["part_1a"] == (0, 1, "0.0")
    older = measures.measures_at(at=AT, people=PeopleFilter(age_band="65+"))
    assert shares(older)["part_1a"] == (3, 4, "75.0")
    assert shares(older)["part_2a"] == (2, 4, "50.0")
    ld = measures.measures_at(at=AT, people=PeopleFilter(primary_support_reason=LEARNING_DISABILITY))
    assert shares(ld)["part_1a"] == (0, 1, "0.0")


def test_series_at_month_ends(council):
    """February and March 2026 month ends, from one read: 4/6 then 3/5."""
    series = measures.measures_series(start=datetime.date(2026, 2, 1), end=AT)
    assert [m["at"] for m in series] == [datetime.date(2026, 2, 28), AT]
    assert [(m["ascof_3d"]["part_1a"]["numerator"], m["ascof_3d"]["part_1a"]["denominator"]) for m in series] == [
        (4, 6),
        (3, 5),
    ]


def test_measures_read_in_bulk(council, django_assert_max_num_queries):
    """A fixed number of queries, however many people."""
    with django_assert_max_num_queries(2):
        measures.measures_series(start=datetime.date(2025, 4, 1), end=AT)


def test_by_group(council):
    """By age band: 18-64 0/1, 65+ 3/4; by team: North 3/4, South 0/1."""
    rows = {(g["grouping"], g["group"]): (g["part_1a"].numerator, g["part_1a"].denominator) for g in
            measures.ascof_by_group(at=AT)}  # fmt: skip
    assert rows[("Age band", "18-64")] == (0, 1)
    assert rows[("Age band", "65+")] == (3, 4)
    assert rows[("Team", "North")] == (3, 4)
    assert rows[("Team", "South")] == (0, 1)


def test_month_ends():
    assert measures.month_ends(datetime.date(2025, 12, 15), datetime.date(2026, 2, 1)) == [
        datetime.date(2025, 12, 31),
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
    ]


def test_command_prints_json(council):
    """`manage.py measures --at 2026-03-31 --json` prints the same figures as JSON."""
    out = io.StringIO()
    call_command("measures", "--at", "2026-03-31", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["at"] == "2026-03-31"
    assert printed["ascof_3d"]["part_1a"] == {"numerator": 3, "denominator": 5, "percent": "60.0"}
    assert printed["ascof_3d"]["part_2a"] == {"numerator": 2, "denominator": 5, "percent": "40.0"}
    assert printed["people_in_long_term_support"] == 6


def test_command_prints_words(council):
    out = io.StringIO()
    call_command("measures", "--at", "2026-03-31", stdout=out)
    assert "3 of 5 (60.0%)" in out.getvalue()


def test_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="--at must be a date"):
        call_command("measures", "--at", "31/03/2026")
