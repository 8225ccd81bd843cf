"""Joint funding (selfdirect/rules/joint_funding.py): a package's cost split between the council and other funders
by a percentage or a fixed amount, to the penny, always adding up (worked examples and hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfdirect.rules.joint_funding import AMOUNT, COUNCIL, PERCENT, JointFundingError, Share, council_share, split

D = Decimal


@pytest.mark.parametrize(
    "total, shares, expected",
    [
        # Nobody else pays: all the council's.
        (D("500.00"), [], {COUNCIL: D("500.00")}),
        # 40% of £500 = £200.
        (D("500.00"), [Share("NHS", PERCENT, D("40"))], {"NHS": D("200.00"), COUNCIL: D("300.00")}),
        # A fixed £125.50 a week.
        (D("500.00"), [Share("NHS", AMOUNT, D("125.50"))], {"NHS": D("125.50"), COUNCIL: D("374.50")}),
        # 50% of £100.01 = £50.005 each: the odd penny goes to the council on the tie.
        (D("100.01"), [Share("NHS", PERCENT, D("50"))], {"NHS": D("50.00"), COUNCIL: D("50.01")}),
        # 33.33% of £100 = £33.33 exactly; the council £66.67.
        (D("100.00"), [Share("NHS", PERCENT, D("33.33"))], {"NHS": D("33.33"), COUNCIL: D("66.67")}),
        # Thirds of £1.00: 33.3333p each for NHS and housing (33p), council 33.3334p (33p) + 1 leftover penny:
        # the largest fractions are NHS and housing (.3333) vs council (.3334): the council gets it.
        (
            D("1.00"),
            [Share("NHS", PERCENT, D("33.333333")), Share("Housing", PERCENT, D("33.333333"))],
            {"NHS": D("0.33"), "Housing": D("0.33"), COUNCIL: D("0.34")},
        ),
        # A percentage and a fixed amount together: 25% of £400 = £100, plus £50.
        (
            D("400.00"),
            [Share("NHS", PERCENT, D("25")), Share("Access to Work", AMOUNT, D("50.00"))],
            {"NHS": D("100.00"), "Access to Work": D("50.00"), COUNCIL: D("250.00")},
        ),
        # 100% to another funder leaves the council nothing (the service refuses this for joint funding).
        (D("80.00"), [Share("NHS", PERCENT, D("100"))], {"NHS": D("80.00"), COUNCIL: D("0.00")}),
    ],
)
def test_worked_examples(total, shares, expected):
    parts = split(total, shares)
    assert parts == expected
    assert sum(parts.values()) == total
    assert council_share(total, shares) == expected[COUNCIL]


@pytest.mark.parametrize(
    "total, shares, message",
    [
        (D("100.00"), [Share("NHS", PERCENT, D("0"))], "more than 0"),
        (D("100.00"), [Share("NHS", PERCENT, D("100.01"))], "no more than 100"),
        (D("100.00"), [Share("NHS", AMOUNT, D("-1.00"))], "less than £0"),
        (D("100.00"), [Share("NHS", AMOUNT, D("1.005"))], "nearest penny"),
        (D("100.00"), [Share("NHS", AMOUNT, D("100.01"))], "more than the cost"),
        (D("100.00"), [Share("NHS", PERCENT, D("60")), Share("ICB", PERCENT, D("50"))], "more than the cost"),
        (D("100.00"), [Share("NHS", PERCENT, D("10")), Share("NHS", PERCENT, D("10"))], "once"),
        (D("100.00"), [Share(COUNCIL, PERCENT, D("10"))], "once"),
        (D("100.00"), [Share("NHS", "thirds", D("10"))], "Unknown way"),
        (D("-1.00"), [], "less than £0"),
        (D("NaN"), [], "pounds and pence"),
    ],
)
def test_refusals(total, shares, message):
    with pytest.raises(JointFundingError, match=message):
        split(total, shares)


totals = st.integers(min_value=0, max_value=10_000_000).map(lambda p: D(p) / 100)
percents = st.integers(min_value=1, max_value=10_000).map(lambda bp: D(bp) / 100)  # 0.01% to 100.00%


@settings(max_examples=500, deadline=None)
@given(total=totals, data=st.data())
def test_the_parts_always_add_up(total, data):
    """For any total and any valid shares, every part is whole pence, none negative, and they add up exactly."""
    n = data.draw(st.integers(min_value=0, max_value=4))
    shares, used = [], D(0)
    for i in range(n):
        if data.draw(st.booleans()):
            value = data.draw(percents)
            if used + value > 100:
                continue
            used += value
            shares.append(Share(f"funder {i}", PERCENT, value))
        else:
            shares.append(Share(f"funder {i}", AMOUNT, data.draw(totals)))
    try:
        parts = split(total, shares)
    except JointFundingError as error:
        assert "more than the cost" in error.message
        return
    assert sum(parts.values()) == total
    assert all(p >= 0 and p == p.quantize(D("0.01")) for p in parts.values())
    for share in shares:
        if share.method == AMOUNT:
            assert parts[share.funder] == share.value
        else:  # within a penny of the exact share
            assert abs(parts[share.funder] - total * share.value / 100) < D("0.01")
