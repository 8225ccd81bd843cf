"""The review rules as the reviews app applies them: the CLD code lists it stores, the CLD Review event's columns,
and the intervals (the date arithmetic itself is tested in tests/rules/test_reviews.py)."""

import datetime

from selfdirect.reviews import selectors, services
from selfdirect.reviews.models import Review
from selfdirect.rules import cld
from selfdirect.rules import reviews as rules


def test_unplanned_reasons_are_the_cld_reasons_other_than_planned():
    assert [r for r in cld.REVIEW_REASONS if r != "Planned"] == services.UNPLANNED_REASONS
    assert all(r.startswith("Unplanned - ") for r in services.UNPLANNED_REASONS)
    assert len(services.UNPLANNED_REASONS) == 6


def test_the_review_stores_cld_strings_as_they_are():
    field = Review._meta.get_field
    assert [v for v, _ in field("reason").choices] == cld.REVIEW_REASONS
    assert [v for v, _ in field("method").choices] == cld.REVIEW_METHODS
    assert [v for v, _ in field("outcomes_achieved").choices] == cld.REVIEW_OUTCOMES_ACHIEVED
    assert [v for v, _ in field("event_outcome").choices] == cld.EVENT_OUTCOMES
    # The lists the reference does not confirm are flagged as such to users.
    assert {"REVIEW_METHODS", "REVIEW_OUTCOMES_ACHIEVED"} <= set(cld.UNCONFIRMED_LISTS)


def test_the_cld_review_event_uses_the_specification_column_names():
    """Section 4.1: Event Type, Event Start Date, Event End Date, Review Reason, Review Outcomes Achieved, Method of
    Review, Event Outcome. A review not yet done has no dates."""
    due = Review(kind=Review.Kind.ANNUAL, reason="Planned", due_on=datetime.date(2027, 1, 1))
    event = selectors.cld_review_event(due)
    assert list(event) == [
        "Event Type",
        "Event Start Date",
        "Event End Date",
        "Review Reason",
        "Review Outcomes Achieved",
        "Method of Review",
        "Event Outcome",
    ]
    assert event["Event Type"] == "Review" and event["Review Reason"] == "Planned"
    assert event["Event Start Date"] is None and event["Event End Date"] is None


def test_the_intervals():
    """First review 6 to 8 weeks; yearly after that; 6 months for high-risk plans (council practice, not statute);
    direct payments within 6 months, then yearly; dashboard looks 28 days ahead."""
    assert (rules.FIRST_REVIEW_EARLIEST_WEEKS, rules.FIRST_REVIEW_LATEST_WEEKS) == (6, 8)
    assert (rules.ANNUAL_MONTHS, rules.HIGH_RISK_MONTHS) == (12, 6)
    assert (rules.FIRST_DP_REVIEW_MONTHS, rules.DP_REVIEW_MONTHS) == (6, 12)
    assert rules.DUE_SOON_DAYS == 28
