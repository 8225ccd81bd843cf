"""Personal assistants' checks (rules/pa_checks.py): each problem, the DBS re-check period and the Update Service,
the day a check lapses, 29 February, what the alerts list, and the council's policy on starting."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules.pa_checks import (
    DBS,
    MANDATORY,
    RECOMMENDED,
    REFERENCE,
    RIGHT_TO_WORK,
    TRAINING,
    Check,
    Problem,
    dbs_current_until,
    expiring,
    may_start,
    problems,
)

ON = datetime.date(2026, 6, 15)
D = datetime.date


ISSUED = D(2025, 1, 10)


def dbs(issued=ISSUED, **more) -> Check:
    return Check(DBS, issued_on=issued, certificate_number="001234567890", adult_barred_list=True, **more)


def full(**replace) -> list[Check]:
    """A complete, current set of checks; `replace` swaps a kind for other checks (a list) or leaves it out ([])."""
    kinds = {
        DBS: [dbs()],
        REFERENCE: [Check(REFERENCE, issued_on=D(2024, 12, 1)), Check(REFERENCE, issued_on=D(2024, 12, 3))],
        RIGHT_TO_WORK: [Check(RIGHT_TO_WORK, issued_on=D(2024, 12, 1))],
        TRAINING: [Check(TRAINING, issued_on=D(2025, 2, 1))],
    }
    kinds.update(replace)
    return [check for checks in kinds.values() for check in checks]


def kinds_of(found: list[Problem]) -> list[str]:
    return [p.kind for p in found]


def test_a_complete_set_has_no_problems():
    """Enhanced DBS with the barred list within 3 years, two references, right to work and training: nothing."""
    assert problems(full(), on=ON, recheck_years=3) == []


@pytest.mark.parametrize(
    ("replace", "kind", "words"),
    [
        ({DBS: []}, DBS, "No enhanced DBS check"),
        ({DBS: [Check(DBS, issued_on=D(2025, 1, 10), certificate_number="001234567890")]}, DBS, "not an enhanced"),
        ({DBS: [Check(DBS, issued_on=D(2025, 1, 10), adult_barred_list=True)]}, DBS, "not an enhanced"),
        ({DBS: [Check(DBS, certificate_number="001234567890", adult_barred_list=True)]}, DBS, "not an enhanced"),
        ({DBS: [dbs(D(2022, 1, 10))]}, DBS, "lapsed"),
        ({REFERENCE: []}, REFERENCE, "2 references are needed; 0 recorded"),
        ({REFERENCE: [Check(REFERENCE)]}, REFERENCE, "2 references are needed; 1 recorded"),
        ({REFERENCE: [Check(REFERENCE), Check(REFERENCE, issued_on=D(2026, 7, 1))]}, REFERENCE, "1 recorded"),
        ({REFERENCE: [Check(REFERENCE), Check(REFERENCE, expires_on=D(2026, 6, 14))]}, REFERENCE, "1 recorded"),
        ({RIGHT_TO_WORK: []}, RIGHT_TO_WORK, "not recorded"),
        ({RIGHT_TO_WORK: [Check(RIGHT_TO_WORK, expires_on=D(2026, 6, 14))]}, RIGHT_TO_WORK, "has ended"),
        ({TRAINING: []}, TRAINING, "No training"),
        ({TRAINING: [Check(TRAINING, expires_on=D(2026, 1, 1))]}, TRAINING, "expired"),
    ],
)
def test_each_problem(replace, kind, words):
    """Each missing, inadequate or lapsed check is one problem, named in plain English."""
    found = problems(full(**replace), on=ON, recheck_years=3)
    assert kinds_of(found) == [kind]
    assert words in found[0].message


def test_every_problem_at_once():
    """Nothing recorded: one problem for each kind, in a fixed order."""
    assert kinds_of(problems([], on=ON, recheck_years=3)) == [DBS, REFERENCE, RIGHT_TO_WORK, TRAINING]


@pytest.mark.parametrize(
    ("issued", "years", "last_current_day"),
    [
        (D(2023, 6, 15), 3, D(2026, 6, 14)),  # three years to the day: lapses on the anniversary
        (D(2024, 2, 29), 3, D(2027, 2, 27)),  # 29 February: the anniversary is taken as 28 February
        (D(2024, 2, 29), 4, D(2028, 2, 28)),  # ... unless the anniversary is itself in a leap year
        (D(2025, 3, 1), 1, D(2026, 2, 28)),
        (D(2020, 12, 31), 5, D(2025, 12, 30)),
    ],
)
def test_the_re_check_period(issued, years, last_current_day):
    """A DBS certificate counts until the day before the anniversary of its issue, the council's number of years on
    (a certificate issued on 29 February is renewed by 28 February: the stricter reading, for safeguarding)."""
    assert dbs_current_until(dbs(issued), recheck_years=years) == last_current_day


def test_lapse_boundary_day():
    """Current on its last day, lapsed the day after."""
    checks = full(**{DBS: [dbs(D(2023, 6, 16))]})
    assert problems(checks, on=D(2026, 6, 15), recheck_years=3) == []
    assert kinds_of(problems(checks, on=D(2026, 6, 16), recheck_years=3)) == [DBS]


def test_the_council_re_check_period_is_a_setting():
    """The same certificate is current under a 5-year policy and lapsed under a 3-year one."""
    checks = full(**{DBS: [dbs(D(2022, 1, 10))]})
    assert kinds_of(problems(checks, on=ON, recheck_years=3)) == [DBS]
    assert problems(checks, on=ON, recheck_years=5) == []


def test_update_service_keeps_an_old_certificate_current():
    """On the Update Service, the certificate counts for a year from when the status was last looked at, however
    old it is; without the check date, the issue date rule applies."""
    old = D(2019, 5, 1)
    checked = dbs(old, update_service=True, update_service_checked_on=D(2025, 9, 1))
    assert problems(full(**{DBS: [checked]}), on=ON, recheck_years=3) == []
    assert dbs_current_until(checked, recheck_years=3) == D(2026, 9, 1)
    stale = dbs(old, update_service=True, update_service_checked_on=D(2025, 6, 1))
    assert kinds_of(problems(full(**{DBS: [stale]}), on=ON, recheck_years=3)) == [DBS]
    unchecked = dbs(old, update_service=True)
    assert kinds_of(problems(full(**{DBS: [unchecked]}), on=ON, recheck_years=3)) == [DBS]


def test_a_newer_certificate_replaces_a_lapsed_one():
    checks = full(**{DBS: [dbs(D(2020, 1, 1)), dbs(D(2026, 1, 1))]})
    assert problems(checks, on=ON, recheck_years=3) == []


def test_right_to_work_with_and_without_an_end():
    """A document with no end date never ends; one that ends is current up to and including its end date."""
    assert problems(full(**{RIGHT_TO_WORK: [Check(RIGHT_TO_WORK)]}), on=ON, recheck_years=3) == []
    ends = full(**{RIGHT_TO_WORK: [Check(RIGHT_TO_WORK, expires_on=ON)]})
    assert problems(ends, on=ON, recheck_years=3) == []
    assert kinds_of(problems(ends, on=ON + datetime.timedelta(days=1), recheck_years=3)) == [RIGHT_TO_WORK]


def test_expiring_lists_what_lapses_within_the_window():
    """The alerts list: checks current now that lapse within the window, with the date."""
    checks = full(
        **{
            DBS: [dbs(D(2023, 7, 1))],  # last current day 30 June 2026
            RIGHT_TO_WORK: [Check(RIGHT_TO_WORK, expires_on=D(2026, 9, 1))],  # beyond 42 days
        }
    )
    found = expiring(checks, on=ON, within_days=42, recheck_years=3)
    assert found == [Problem(DBS, "Enhanced DBS check with adult barred list lapses on 30 June 2026")]
    assert kinds_of(expiring(checks, on=ON, within_days=90, recheck_years=3)) == [DBS, RIGHT_TO_WORK]


def test_expiring_window_boundaries():
    """A check whose last day is today is listed; one whose last day is `within_days` away is not yet."""
    today = full(**{TRAINING: [Check(TRAINING, expires_on=ON)]})
    assert kinds_of(expiring(today, on=ON, within_days=42, recheck_years=3)) == [TRAINING]
    edge = full(**{TRAINING: [Check(TRAINING, expires_on=ON + datetime.timedelta(days=42))]})
    assert expiring(edge, on=ON, within_days=42, recheck_years=3) == []
    inside = full(**{TRAINING: [Check(TRAINING, expires_on=ON + datetime.timedelta(days=41))]})
    assert kinds_of(expiring(inside, on=ON, within_days=42, recheck_years=3)) == [TRAINING]


def test_expiring_ignores_checks_already_replaced():
    """An old DBS certificate or right-to-work document lapsing is not an alert when a newer one lasts longer."""
    checks = full(
        **{
            DBS: [dbs(D(2023, 7, 1)), dbs(D(2026, 3, 1))],
            RIGHT_TO_WORK: [Check(RIGHT_TO_WORK, expires_on=D(2026, 7, 1)), Check(RIGHT_TO_WORK)],
        }
    )
    assert expiring(checks, on=ON, within_days=42, recheck_years=3) == []


def test_expiring_and_the_update_service():
    """On the Update Service, the alert is for the status check falling a year out of date."""
    checks = full(**{DBS: [dbs(D(2019, 1, 1), update_service=True, update_service_checked_on=D(2025, 7, 1))]})
    assert expiring(checks, on=ON, within_days=42, recheck_years=3) == [
        Problem(DBS, "Enhanced DBS check with adult barred list lapses on 1 July 2026")
    ]


@pytest.mark.parametrize(
    ("found", "policy", "informed", "allowed"),
    [
        ([], MANDATORY, False, True),
        ([], RECOMMENDED, False, True),
        ([Problem(DBS, "lapsed")], MANDATORY, False, False),
        ([Problem(DBS, "lapsed")], MANDATORY, True, False),
        ([Problem(DBS, "lapsed")], RECOMMENDED, False, False),
        ([Problem(DBS, "lapsed")], RECOMMENDED, True, True),
    ],
)
def test_may_start_under_each_policy(found, policy, informed, allowed):
    """Mandatory: only with every check current. Recommended: also when the informed choice is recorded."""
    assert may_start(found=found, policy=policy, informed_choice_recorded=informed) is allowed


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


@given(issued=dates, years=st.integers(min_value=1, max_value=10), on=dates)
def test_dbs_current_exactly_until_its_last_day(issued, years, on):
    """For any issue date, period and day: lapsed exactly when the day is after the last current day, and the last
    current day is a day or two before the anniversary."""
    until = dbs_current_until(dbs(issued), recheck_years=years)
    assert 365 * years - 3 <= (until - issued).days <= 366 * years
    lapsed = DBS in kinds_of(problems(full(**{DBS: [dbs(issued)]}), on=on, recheck_years=years))
    assert lapsed == (on > until)


@given(on=dates, days=st.integers(min_value=0, max_value=400), within=st.integers(min_value=1, max_value=365))
def test_a_check_is_never_both_lapsed_and_lapsing(on, days, within):
    """Whatever the dates, a check listed as lapsing soon is current today."""
    checks = full(**{TRAINING: [Check(TRAINING, expires_on=on + datetime.timedelta(days=days))]})
    soon = TRAINING in kinds_of(expiring(checks, on=on, within_days=within, recheck_years=3))
    lapsed = TRAINING in kinds_of(problems(checks, on=on, recheck_years=3))
    assert not (soon and lapsed)
    assert soon == (days < within)
