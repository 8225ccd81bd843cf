"""The pure workforce rules: the Wilson score interval, small-group suppression, and the survey's code lists and
published figures (workforce-surveys.md)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfdirect.rules import workforce as rules


# Worked by hand with z = 1.96 (z² = 3.8416), centre = (x + z²/2)/(n + z²), half = z/(n + z²)·√(x(n−x)/n + z²/4):
#  x=0,  n=10:  centre = 1.9208/13.8416 = 0.13877; half = 0.141602·√0.9604 = 0.13877      -> (0, 0.2775)
#  x=5,  n=10:  centre = 0.5; half = 0.141602·√(2.5 + 0.9604) = 0.141602·1.86022 = 0.26341 -> (0.2366, 0.7634)
#  x=10, n=10:  the mirror of x=0                                                           -> (0.7225, 1)
#  x=50, n=100: centre = 0.5; half = 1.96/103.8416·√(25 + 0.9604) = 0.018875·5.09514 = 0.09617 -> (0.4038, 0.5962)
#  x=1,  n=5:   centre = 2.9208/8.8416 = 0.33035; half = 0.221679·√(0.8 + 0.9604) = 0.221679·1.32680 = 0.29412
#               -> (0.0362, 0.6245)
#  x=3,  n=20:  centre = 4.9208/23.8416 = 0.20640; half = 0.082210·√(2.55 + 0.9604) = 0.082210·1.87361 = 0.15403
#               -> (0.0524, 0.3604)
@pytest.mark.parametrize(
    "successes, total, lower, upper",
    [
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (50, 100, 0.4038, 0.5962),
        (1, 5, 0.0362, 0.6245),
        (3, 20, 0.0524, 0.3604),
    ],
)
def test_wilson_interval_table(successes, total, lower, upper):
    """The 95% Wilson interval matches values worked out by hand to 4 decimal places."""
    low, high = rules.wilson_interval(successes, total, z=1.96)
    assert low == pytest.approx(lower, abs=6e-5)
    assert high == pytest.approx(upper, abs=6e-5)


def test_wilson_interval_uses_the_exact_95_percent_quantile_by_default():
    """Without z given, the interval is the 95% one (z = 1.95996...), a hair narrower than with z = 1.96."""
    low, high = rules.wilson_interval(5, 10)
    low_196, high_196 = rules.wilson_interval(5, 10, z=1.96)
    assert low_196 < low < 0.2366 < high < high_196


@pytest.mark.parametrize("successes, total", [(0, 0), (-1, 5), (6, 5)])
def test_wilson_interval_refuses_impossible_counts(successes, total):
    with pytest.raises(ValueError):
        rules.wilson_interval(successes, total)


@given(st.integers(min_value=1, max_value=100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_the_proportion_and_stays_in_0_1(pair):
    """Whatever the counts: 0 ≤ lower ≤ p ≤ upper ≤ 1."""
    successes, total = pair
    low, high = rules.wilson_interval(successes, total)
    assert 0.0 <= low <= successes / total <= high <= 1.0


@given(st.integers(min_value=2, max_value=5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_narrows_with_more_answers(pair):
    """The same proportion from four times as many answers gives a narrower interval."""
    successes, total = pair
    low, high = rules.wilson_interval(successes, total)
    low4, high4 = rules.wilson_interval(successes * 4, total * 4)
    assert high4 - low4 < high - low


@pytest.mark.parametrize(
    "value, expected", [(0.0, 0), (0.004, 0), (0.005, 1), (0.2775, 28), (0.125, 13), (0.994, 99), (1.0, 100)]
)
def test_percent_rounds_halves_up(value, expected):
    assert rules.percent(value) == expected


@pytest.mark.parametrize(
    "sizes, shown",
    [
        ({"A": 6, "B": 7}, {"A", "B"}),
        # B alone is hidden, and could be worked out as the total minus A: A is hidden too.
        ({"A": 6, "B": 2}, set()),
        # C (2) and D (2) hidden: together 4, still fewer than 5, so the smallest shown (A, 5) goes as well.
        ({"A": 5, "B": 9, "C": 2, "D": 2}, {"B"}),
        # Hidden groups together 5: enough, nothing more hidden.
        ({"A": 8, "B": 3, "C": 2}, {"A"}),
        ({"A": 4}, set()),
        ({}, set()),
        ({"A": 5}, {"A"}),
    ],
)
def test_groups_to_show(sizes, shown):
    """Groups below 5 are hidden, and so is the smallest shown group while the hidden ones total 1 to 4."""
    assert rules.groups_to_show(sizes, 5) == shown


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(min_value=1, max_value=30), max_size=8))
def test_groups_to_show_never_reveals_a_small_remainder(sizes):
    """Every shown group has at least 5 people and, when any is shown, the hidden ones together are none or at
    least 5 (so the total minus the shown groups reveals nobody)."""
    shown = rules.groups_to_show(sizes, 5)
    assert all(sizes[g] >= 5 for g in shown)
    hidden = sum(n for g, n in sizes.items() if g not in shown)
    assert not shown or hidden == 0 or hidden >= 5


def test_minimum_group_size_is_five():
    assert rules.MIN_GROUP_SIZE == 5


def test_topics_are_the_eleven_the_sector_named():
    """The reference lists eleven topics for training and skills."""
    assert [label for _, label in rules.TOPICS] == [
        "Direct payments", "Individual and personal budgets", "Self-directed support", "Support planning",
        "Brokerage", "Employing personal assistants", "Failed arrangements and contingency planning",
        "Private-sector care options", "Adult safeguarding", "Risk assessment",
        "Advocacy for people who lack capacity",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "key, year, population, percent, option",
    [
        ("informed_direct_payments", 2008, "all respondents", 50, ""),
        ("informed_direct_payments", 2008, "local authority staff", 70, ""),
        ("informed_personal_budgets", 2008, "all respondents", 22, ""),
        ("informed_personal_budgets", 2010, "all respondents", 57, ""),
        ("informed_personal_budgets", 2010, "all respondents", 14, "little"),
        ("informed_self_directed_support", 2008, "all respondents", 19, ""),
        ("need_training_employing_pas", 2008, "local authority staff", 77, ""),
        ("need_training_failed_arrangements", 2008, "local authority staff", 89, ""),
        ("need_training_private_sector", 2008, "local authority staff", 85, ""),
        ("need_brokerage_skills", 2010, "all respondents", 63, ""),
        ("have_brokerage_skills", 2010, "all respondents", 31, ""),
        ("unsure_risk_from_own_care", 2010, "all respondents", 37, ""),
        ("attitude_extend_to_all", 2008, "all respondents", 11, ""),
        ("attitude_extend_to_all", 2008, "local authority staff", 14, ""),
        ("attitude_more_vulnerable", 2008, "local authority staff", 96, ""),
        ("attitude_check_pas", 2008, "all respondents", 93, ""),
        ("attitude_regulate_providers", 2008, "all respondents", 69, ""),
        ("training_needs_met", 2009, "all respondents", 46, "no"),
        ("attitude_people_benefit", 2011, "all respondents", 41, ""),
    ],
)
def test_published_figures(key, year, population, percent, option):
    """Each published figure from workforce-surveys.md is attached to its question, with year and population."""
    assert any(
        (b.year, b.population, b.percent, b.option) == (year, population, percent, option)
        for b in rules.BENCHMARKS[key]
    )


def test_every_benchmark_belongs_to_a_default_question_and_counts_a_real_option():
    keys = {q.key: q for q in rules.DEFAULT_QUESTIONS}
    for key, benchmarks in rules.BENCHMARKS.items():
        assert key in keys
        options = dict(rules.SCALES[keys[key].scale].options)
        assert all(b.option == "" or b.option in options for b in benchmarks)


def test_default_questions_cover_the_topics_the_issue_names():
    """Direct payments, budgets, self-directed support, brokerage, safeguarding, employing PAs, failed arrangements,
    private-sector options, and attitudes."""
    topics = {q.topic for q in rules.DEFAULT_QUESTIONS}
    assert {"direct_payments", "personal_budgets", "self_directed_support", "brokerage", "safeguarding",
            "employing_pas", "failed_arrangements", "private_sector"} <= topics  # fmt: skip
    assert sum(q.scale == "agree" for q in rules.DEFAULT_QUESTIONS) >= 3
    assert all(q.topic in rules.TOPIC_LABELS for q in rules.DEFAULT_QUESTIONS if q.topic)
