"""ASCOF 3D and LTS001b rules (selfdirect/rules/ascof.py): table tests from the reference definitions
(shared/reference/care-act-and-cld.md 4.3-4.5) and property tests for the invariants."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from selfdirect.rules import ascof

AT = datetime.date(2026, 3, 31)
ADULT = datetime.date(1960, 6, 1)  # 65 on 31 March 2026
WORKING_AGE = datetime.date(1980, 1, 1)
CHILD = datetime.date(2010, 1, 1)
DP, MANAGED, COMMISSIONED = "Direct Payment", "CASSR Managed Personal Budget", "CASSR Commissioned Support"


def svc(person_id, mechanism="", *, service_type=ascof.LTS_COMMUNITY, component="Home Support", **fields):
    fields.setdefault("date_of_birth", ADULT)
    fields.setdefault("start_date", datetime.date(2025, 1, 1))
    return ascof.ServiceRow(
        person_id=person_id,
        service_type=service_type,
        service_component=component,
        delivery_mechanism=mechanism,
        **fields,
    )


@pytest.mark.parametrize(
    ("service_type", "component", "mechanism", "expected"),
    [
        (ascof.LTS_NURSING, "Long Term Nursing Care", "", ascof.NURSING),
        (ascof.LTS_RESIDENTIAL, "Long Term Residential Care", "", ascof.RESIDENTIAL),
        (ascof.LTS_COMMUNITY, "Home Support", DP, ascof.COMMUNITY_DP),
        (ascof.LTS_COMMUNITY, "Home Support", MANAGED, ascof.COMMUNITY_MANAGED),
        (ascof.LTS_COMMUNITY, "Home Support", COMMISSIONED, ascof.COMMUNITY_COMMISSIONED),
        (ascof.LTS_COMMUNITY, "Home Support", "", ascof.COMMUNITY_UNKNOWN),
        # 4.2: a Direct Payment component is a direct payment whatever mechanism was recorded.
        (ascof.LTS_COMMUNITY, "Direct Payment", COMMISSIONED, ascof.COMMUNITY_DP),
        (ascof.LTS_COMMUNITY, "Direct Payment", "", ascof.COMMUNITY_DP),
        (ascof.LTS_PRISON, "Home Support", COMMISSIONED, ascof.PRISON),
        ("Short Term Support: ST-Max", "Reablement", COMMISSIONED, None),
        ("Carer Support: Direct to Carer", "Carer Respite", DP, None),
    ],
)
def test_setting_of_a_service(service_type, component, mechanism, expected):
    """Each service maps to the setting the ASCOF 3D code uses; short-term and carer support are not long-term."""
    assert ascof.setting_of(svc(1, mechanism, service_type=service_type, component=component)) == expected


@pytest.mark.parametrize(
    ("held", "best"),
    [
        ({ascof.COMMUNITY_DP, ascof.NURSING}, ascof.NURSING),
        ({ascof.RESIDENTIAL, ascof.COMMUNITY_DP}, ascof.RESIDENTIAL),
        ({ascof.COMMUNITY_COMMISSIONED, ascof.COMMUNITY_DP}, ascof.COMMUNITY_DP),
        ({ascof.COMMUNITY_COMMISSIONED, ascof.COMMUNITY_MANAGED}, ascof.COMMUNITY_MANAGED),
        ({ascof.COMMUNITY_UNKNOWN, ascof.COMMUNITY_COMMISSIONED}, ascof.COMMUNITY_COMMISSIONED),
        ({ascof.PRISON, ascof.COMMUNITY_UNKNOWN}, ascof.COMMUNITY_UNKNOWN),
    ],
)
def test_setting_hierarchy(held, best):
    """Nursing > Residential > Community DP > Managed PB > Commissioned > Community unknown > Prison (4.3)."""
    assert ascof.best_setting(held) == best


def test_five_people_give_60_and_40_percent():
    """Five people in community support: two on direct payments, one on a managed budget, two commissioned.
    1a = 3/5 = 60%, 2a = 2/5 = 40%. A sixth in residential care is outside the denominator; a seventh with a
    direct payment and commissioned home support counts once, as a direct payment (part DP)."""
    rows = [
        svc(1, DP),
        svc(2, component="Direct Payment"),
        svc(3, MANAGED),
        svc(4, COMMISSIONED),
        svc(5, COMMISSIONED),
        svc(6, service_type=ascof.LTS_RESIDENTIAL, component="Long Term Residential Care"),
    ]
    result = ascof.ascof_3d(rows, at=AT)
    assert (result.part_1a.numerator, result.part_1a.denominator, result.part_1a.percent) == (3, 5, Decimal("60.0"))
    assert (result.part_2a.numerator, result.part_2a.denominator, result.part_2a.percent) == (2, 5, Decimal("40.0"))
    assert result.settings[ascof.RESIDENTIAL] == 1

    both = ascof.ascof_3d([*rows, svc(7, DP), svc(7, COMMISSIONED)], at=AT)
    # 4 of 6 self-directed (66.7%), 3 of 6 on direct payments (50%).
    assert (both.part_1a.numerator, both.part_1a.denominator, both.part_1a.percent) == (4, 6, Decimal("66.7"))
    assert (both.part_2a.numerator, both.part_2a.percent) == (3, Decimal("50.0"))


def test_who_is_in_on_the_date():
    """Only services open on the date (start and end included), people 18+ and alive, service users."""
    rows = [
        svc(1, DP, end_date=AT),  # ends that day: in
        svc(2, DP, start_date=AT + datetime.timedelta(days=1)),  # starts the day after: out
        svc(3, DP, end_date=AT - datetime.timedelta(days=1)),  # ended the day before: out
        svc(4, DP, date_of_birth=CHILD),  # 16: out
        svc(5, COMMISSIONED, date_of_death=datetime.date(2026, 3, 1)),  # died: out
        svc(6, COMMISSIONED, client_type=ascof.CARER),  # a carer: out of 1a/2a
        svc(7, COMMISSIONED),
    ]
    result = ascof.ascof_3d(rows, at=AT)
    assert (result.part_1a.numerator, result.part_1a.denominator) == (1, 2)


def test_unknown_mechanism_is_in_the_denominator_only():
    """Community support with no delivery mechanism recorded: counted in the denominator, in no numerator."""
    result = ascof.ascof_3d([svc(1, DP), svc(2, "")], at=AT)
    assert (result.part_1a.numerator, result.part_1a.denominator, result.part_2a.numerator) == (1, 2, 1)


def test_no_one_in_community_support_gives_no_share():
    """An empty denominator is not 0%: the share is None."""
    result = ascof.ascof_3d([svc(1, service_type=ascof.LTS_NURSING, component="Long Term Nursing Care")], at=AT)
    assert result.part_1a.denominator == 0 and result.part_1a.percent is None


def carer(person_id, mechanism="", component="Carer Respite", **fields):
    return svc(
        person_id,
        mechanism,
        service_type=ascof.CARER_DIRECT,
        component=component,
        client_type=ascof.CARER,
        **fields,
    )


def test_carers_part_1b():
    """Carers 18+ with support direct to them in the twelve months to the date: DP or managed budget over all
    with direct support. Carer 1 DP, carer 2 managed, carer 3 commissioned, carer 4 unknown mechanism,
    carer 5 universal services only (not direct support), carer 6 ended before the year, carer 7 cares for a
    child, carer 8 has both commissioned and DP (counted once, as DP). 1b = 3/5 = 60%."""
    rows = [
        carer(1, DP),
        carer(2, MANAGED),
        carer(3, COMMISSIONED),
        carer(4, ""),
        carer(5, component="Carer Universal Services"),
        carer(6, DP, end_date=datetime.date(2025, 3, 31)),
        carer(7, DP, cared_for_date_of_birth=CHILD),
        carer(8, COMMISSIONED),
        carer(8, DP, start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2025, 4, 30)),
    ]
    share = ascof.carer_share(rows, at=AT)
    assert (share.numerator, share.denominator, share.percent) == (3, 5, Decimal("60.0"))


def test_lts001b_counts():
    """People in long-term support at the date by PSR, age band and setting: part DP, DP only, nursing."""
    psr_ld, psr_pc = "Learning Disability Support", "Physical Support: Personal care support"
    rows = [
        svc(1, DP, date_of_birth=WORKING_AGE, primary_support_reason=psr_ld),
        svc(1, COMMISSIONED, date_of_birth=WORKING_AGE, primary_support_reason=psr_ld),
        svc(2, DP, date_of_birth=WORKING_AGE, primary_support_reason=psr_ld),
        svc(3, DP, date_of_birth=WORKING_AGE, primary_support_reason=psr_ld),
        svc(4, service_type=ascof.LTS_NURSING, component="Long Term Nursing Care", primary_support_reason=psr_pc),
        svc(5, "", service_type="Short Term Support: ST-Max", component="Reablement"),
    ]
    got = [(r.primary_support_reason, r.age_band, r.support_setting, r.people) for r in ascof.lts001b(rows, at=AT)]
    assert got == [
        (psr_pc, "65+", ascof.SALT_NURSING, 1),
        (psr_ld, "18-64", ascof.SALT_DP_ONLY, 2),
        (psr_ld, "18-64", ascof.SALT_PART_DP, 1),
    ]


def test_by_group():
    """1a and 2a per age band: 18-64 has 1 of 2 on DP; 65+ has 1 of 1 managed."""
    rows = [svc(1, DP, date_of_birth=WORKING_AGE), svc(2, COMMISSIONED, date_of_birth=WORKING_AGE), svc(3, MANAGED)]
    groups = ascof.ascof_3d_by(rows, at=AT, group=lambda p: p.age_band)
    assert {k: (a.numerator, a.denominator, b.numerator) for k, (a, b) in groups.items()} == {
        "18-64": (1, 2, 1),
        "65+": (1, 1, 0),
    }


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (datetime.date(2000, 3, 31), datetime.date(2018, 3, 31), 18),
        (datetime.date(2000, 4, 1), datetime.date(2018, 3, 31), 17),
        (datetime.date(1961, 4, 1), datetime.date(2026, 3, 31), 64),
    ],
)
def test_age_on(born, day, age):
    assert ascof.age_on(born, day) == age


def test_year_before():
    """The twelve months to 31 March start on 1 April."""
    assert ascof.year_before(datetime.date(2026, 3, 31)) == datetime.date(2025, 4, 1)
    assert ascof.year_before(datetime.date(2028, 2, 29)) == datetime.date(2027, 3, 1)


# --- Properties ----------------------------------------------------------------------------------------------

SERVICE_TYPES = [ascof.LTS_COMMUNITY, ascof.LTS_NURSING, ascof.LTS_RESIDENTIAL, ascof.LTS_PRISON, ascof.CARER_DIRECT]
rows_strategy = st.lists(
    st.builds(
        ascof.ServiceRow,
        person_id=st.integers(1, 12),
        date_of_birth=st.dates(datetime.date(1920, 1, 1), datetime.date(2012, 1, 1)),
        service_type=st.sampled_from(SERVICE_TYPES),
        service_component=st.sampled_from(["Home Support", "Direct Payment", "Carer Respite"]),
        delivery_mechanism=st.sampled_from(["", DP, MANAGED, COMMISSIONED]),
        start_date=st.dates(datetime.date(2024, 1, 1), datetime.date(2026, 6, 1)),
        end_date=st.none() | st.dates(datetime.date(2024, 1, 1), datetime.date(2027, 1, 1)),
        client_type=st.sampled_from([ascof.SERVICE_USER, ascof.CARER]),
    ),
    max_size=40,
)


@hypothesis_settings(max_examples=200, deadline=None)
@given(rows=rows_strategy)
def test_shares_are_proportions_and_2a_is_inside_1a(rows):
    """0 <= share <= 1; the 2a numerator is within the 1a numerator; each person counted at most once."""
    result = ascof.ascof_3d(rows, at=AT)
    for share in (result.part_1a, result.part_2a, result.part_1b):
        assert 0 <= share.numerator <= share.denominator
        if share.value is not None:
            assert 0 <= share.value <= 1
    people = ascof.people_in_long_term_support(rows, at=AT)
    assert len({p.person_id for p in people}) == len(people)
    self_directed = {p.person_id for p in people if p.self_directed}
    on_dp = {p.person_id for p in people if p.direct_payment}
    assert on_dp <= self_directed
    assert result.part_2a.numerator <= result.part_1a.numerator
    assert result.part_1a.denominator == result.part_2a.denominator
    assert sum(result.settings.values()) == len(people)
    assert sum(r.people for r in ascof.lts001b(rows, at=AT)) == len(people)
    community_people = {r.person_id for r in rows if r.service_type == ascof.LTS_COMMUNITY}
    assert result.part_1a.denominator <= len(community_people)


@hypothesis_settings(max_examples=100, deadline=None)
@given(rows=rows_strategy)
def test_duplicating_rows_changes_nothing(rows):
    """A person's services listed twice are still that person once."""
    assert ascof.ascof_3d(rows + rows, at=AT) == ascof.ascof_3d(rows, at=AT)
