"""Review pages: who may use them (403 otherwise), what they show, bad input shown in the GOV.UK error summary (never
a 500), and the overdue dashboard with its CSV."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.reviews import services
from selfdirect.reviews.models import Review
from tests.factories import PersonFactory, TeamFactory, UserFactory
from tests.reviews.test_services import RECORD, approved_plan, scheduled

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team], first_name="Sam", last_name="Worker")


@pytest.fixture
def manager(team):
    return UserFactory(role=Role.TEAM_MANAGER, teams=[team], first_name="Tess", last_name="Manager")


@pytest.fixture
def mary(team, worker):
    return PersonFactory(first_name="Mary", last_name="Smith", allocated_team=team, allocated_worker=worker)


@pytest.fixture
def review(worker, manager, mary):
    return scheduled(approved_plan(worker, manager, mary))


def _date(day: datetime.date, prefix: str) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _record_form(**changes) -> dict:
    data = _date(timezone.localdate(), "held_on") | {k: v for k, v in RECORD.items()} | {"new_weekly_total": ""}
    return data | changes


def test_a_persons_reviews_page(client_as, worker, mary, review):
    """Reviews due (with the due date) and done; a practitioner may book an unplanned review; the read is logged."""
    response = client_as(worker).get(reverse("person_reviews", args=[mary.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "First review of a new plan" in page and "26 January 2027" in page and "Book an unplanned review" in page
    assert review.get_absolute_url() in page
    assert AuditEvent.objects.filter(action="view", person_id=mary.pk, summary="Opened the reviews").exists()


def test_who_may_see_the_reviews(client_as, user_of_role, worker, mary, review):
    """Roles that view people see the list (without the practitioners' links); roles that do not get 403; a
    restricted record stays restricted; the review's own pages are for practitioners only."""
    finance = client_as(user_of_role(Role.FINANCE_OFFICER))
    page = finance.get(reverse("person_reviews", args=[mary.pk]))
    assert page.status_code == 200 and "Book an unplanned review" not in page.content.decode()
    assert review.get_absolute_url() not in page.content.decode()
    for url in (review.get_absolute_url(), reverse("review_record", args=[review.pk]),
                reverse("review_cancel", args=[review.pk]), reverse("review_book", args=[mary.pk])):  # fmt: skip
        assert finance.get(url).status_code == 403, url
    commissioner = client_as(user_of_role(Role.COMMISSIONER))
    assert commissioner.get(reverse("person_reviews", args=[mary.pk])).status_code == 403
    mary.is_restricted = True
    mary.save()
    other_worker = client_as(user_of_role(Role.SOCIAL_WORKER))
    assert other_worker.get(reverse("person_reviews", args=[mary.pk])).status_code == 403
    assert other_worker.get(review.get_absolute_url()).status_code == 403
    assert client_as(worker).get(review.get_absolute_url()).status_code == 200  # the allocated worker
    assert client_as(worker).get(reverse("review_detail", args=[999_999])).status_code == 404


def test_recording_a_review_with_bad_input_shows_the_error_summary(client_as, worker, review):
    client = client_as(worker)
    url = reverse("review_record", args=[review.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    for message in ("Enter date of the review", "Choose how the review was carried out",
                    "Enter who took part in the review", "Choose the outcome of the review"):  # fmt: skip
        assert message in page, message
    response = client.post(url, _record_form(outcomes_achieved="", held_on_0="31", held_on_1="2"))
    assert "Date of the review must be a real date" in response.content.decode()
    response = client.post(url, _record_form(outcomes_achieved=""))
    assert "it is required for a planned review" in response.content.decode()
    response = client.post(url, _record_form(new_weekly_total="abc"))
    assert "must be an amount of money" in response.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.SCHEDULED


def test_a_budget_cut_without_a_reassessment_is_refused_on_the_page(client_as, worker, review):
    response = client_as(worker).post(reverse("review_record", args=[review.pk]), _record_form(new_weekly_total="5"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "must not cut a personal budget without a reassessment" in page
    review.refresh_from_db()
    assert review.status == Review.Status.SCHEDULED


def test_recording_a_review(client_as, worker, review):
    """A good record: back to the review page, which shows the CLD Review event; the next review is booked."""
    client = client_as(worker)
    response = client.post(reverse("review_record", args=[review.pk]), _record_form())
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    review.refresh_from_db()
    assert review.status == Review.Status.DONE
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Client Level Data: Review event" in page and "Fully achieved" in page and "Face to Face" in page
    assert Review.objects.filter(person=review.person, kind=Review.Kind.ANNUAL, status="scheduled").exists()
    # The form of a review already done sends the user back to it.
    again = client.get(reverse("review_record", args=[review.pk]))
    assert again.status_code == 302


def test_booking_an_unplanned_review(client_as, worker, mary):
    client = client_as(worker)
    url = reverse("review_book", args=[mary.pk])
    assert client.get(url).status_code == 200
    page = client.post(url, {"reason": "Planned", "due_on_0": "1", "due_on_1": "13", "due_on_2": "2027"})
    text = page.content.decode()
    assert (
        page.status_code == 200 and "There is a problem" in text and "Date the review is due by must be a real" in text
    )
    past = timezone.localdate() - DAY
    text = client.post(url, {"reason": "Unplanned - Carer related"} | _date(past, "due_on")).content.decode()
    assert "must be today or in the future" in text
    soon = timezone.localdate() + 5 * DAY
    response = client.post(url, {"reason": "Unplanned - Carer related"} | _date(soon, "due_on"))
    booked = Review.objects.get(person=mary, kind=Review.Kind.UNPLANNED)
    assert response.status_code == 302 and response["Location"] == booked.get_absolute_url()
    assert booked.due_on == soon and booked.reason == "Unplanned - Carer related"


def test_cancelling_a_review(client_as, worker, review):
    client = client_as(worker)
    url = reverse("review_cancel", args=[review.pk])
    assert client.get(url).status_code == 200
    assert "Enter why the review is cancelled" in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {"reason": "The person has moved to another council"})
    assert response.status_code == 302 and response["Location"] == reverse("person_reviews", args=[review.person_id])
    review.refresh_from_db()
    assert review.status == Review.Status.CANCELLED


@pytest.fixture
def overdue(review, worker, team):
    """Mary's first review 12 days overdue (her plan started 68 days ago); Joe's unplanned review due in 9 days;
    a restricted person with another worker, 3 days overdue."""
    today = timezone.localdate()
    Review.objects.filter(pk=review.pk).update(due_on=today - 12 * DAY)
    review.plan.__class__.objects.filter(pk=review.plan_id).update(start_date=today - 68 * DAY)
    joe = PersonFactory(first_name="Joe", last_name="Bloggs", allocated_team=team, allocated_worker=worker)
    services.review_unplanned_book(person=joe, reason="Unplanned - Other Reason", due_on=today + 9 * DAY,
                                   actor=worker)  # fmt: skip
    other = UserFactory(role=Role.SOCIAL_WORKER, first_name="Olu", last_name="Other")
    secret = PersonFactory(first_name="Secret", last_name="Person", is_restricted=True, allocated_worker=other,
                           allocated_team=TeamFactory(name="Learning disability"))  # fmt: skip
    hidden = services.review_unplanned_book(person=secret, reason="Unplanned - Safeguarding concern",
                                            due_on=today, actor=other)  # fmt: skip
    Review.objects.filter(pk=hidden.pk).update(due_on=today - 3 * DAY)
    return review


def test_the_overdue_dashboard_for_a_manager(client_as, manager, overdue, team):
    """By team and by worker, with how many days overdue; the people behind the numbers, never a restricted
    person's name; people never reviewed since their plan started."""
    response = client_as(manager).get(reverse("reviews_overdue"))
    assert response.status_code == 200
    page = response.content.decode()
    expected = [
        "Older people north",
        "Learning disability",
        "Sam Worker",
        "Olu Other",
        "Mary Smith",
        "Joe Bloggs",
        "Restricted record",
        "Never reviewed since the plan started",
        "Download these numbers (CSV)",
    ]
    for text in expected:
        assert text in page, text
    assert "Secret" not in page
    board = response.context["board"]
    assert board.overdue_total == 2 and board.due_soon_total == 1 and board.never_reviewed_total == 1
    assert [row.days for row in board.overdue] == [12, 3]
    assert board.never_reviewed[0].days == 68
    filtered = client_as(manager).get(reverse("reviews_overdue"), {"team": team.pk}).context["board"]
    assert filtered.overdue_total == 1 and [c.name for c in filtered.by_team] == ["Older people north"]


def test_the_overdue_dashboard_for_an_analyst_shows_numbers_only(client_as, user_of_role, overdue):
    response = client_as(user_of_role(Role.PERFORMANCE_ANALYST)).get(reverse("reviews_overdue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sam Worker" in page and "Mary Smith" not in page and "Joe Bloggs" not in page
    assert "sees the numbers only" in page


def test_who_may_see_the_overdue_dashboard(client_as, user_of_role, overdue):
    allowed = {Role.TEAM_MANAGER, Role.PERFORMANCE_ANALYST, Role.SAFEGUARDING_LEAD}
    for role in Role:
        status = client_as(user_of_role(role)).get(reverse("reviews_overdue")).status_code
        assert status == (200 if role in allowed else 403), role


def test_a_bad_team_filter_is_shown_in_the_error_summary(client_as, manager, overdue):
    response = client_as(manager).get(reverse("reviews_overdue"), {"team": "999999"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Choose a team from the list" in page
    csv_response = client_as(manager).get(reverse("reviews_overdue_csv"), {"team": "abc"})
    assert csv_response.status_code == 200 and "Choose a team from the list" in csv_response.content.decode()


def test_the_csv_has_the_numbers_by_team_and_worker_and_is_audited(client_as, manager, overdue):
    response = client_as(manager).get(reverse("reviews_overdue_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "team,worker,overdue,due_in_next_28_days,longest_overdue_days,never_reviewed"
    assert "Older people north,,1,1,12,1" in lines
    assert "Older people north,Sam Worker,1,1,12,1" in lines
    assert not any("Mary" in line or "Secret" in line for line in lines)
    assert AuditEvent.objects.filter(action="export", object_type="reviews.overdue", actor=manager).exists()
