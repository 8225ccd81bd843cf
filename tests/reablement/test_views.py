"""Short-term support pages: who may use them, the forms with their error summaries (never a 500 on what a person
types), restricted records, and the whole path from starting an episode to closing it."""

import datetime

import pytest
from django.utils import timezone

from selfdirect.core.roles import Role
from selfdirect.reablement.models import Goal, OtherFunding, ShortTermEpisode
from tests.factories import PersonFactory, UserFactory

from .factories import hospital_episode, support_request

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def date_parts(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.mark.parametrize(
    "role, episodes, statement, report",
    [
        (Role.SOCIAL_WORKER, 200, 200, 403),
        (Role.ASSESSOR, 200, 200, 403),
        (Role.TEAM_MANAGER, 200, 200, 200),
        (Role.FINANCE_OFFICER, 403, 200, 403),
        (Role.PERFORMANCE_ANALYST, 403, 403, 200),
        (Role.COMMISSIONER, 403, 403, 200),
        (Role.SUPPORT_PLANNER, 403, 403, 403),
        (Role.ADMINISTRATOR, 403, 403, 403),
    ],
)
def test_who_may_see_what(role, episodes, statement, report, ada, client_as):
    client = client_as(UserFactory(role=role))
    assert client.get("/short-term/").status_code == episodes
    assert client.get("/short-term/follow-ups/").status_code == episodes
    assert client.get(f"/people/{ada.pk}/individual-budget/").status_code == statement
    assert client.get("/reports/short-term/").status_code == report


def test_a_restricted_persons_episode_stays_hidden(worker, client_as):
    secret = PersonFactory(is_restricted=True)
    episode = hospital_episode(secret, worker, discharged_on=TODAY)
    other = UserFactory(role=Role.SOCIAL_WORKER)
    assert client_as(other).get(f"/short-term/{episode.pk}/").status_code == 403
    assert client_as(other).get(f"/short-term/{episode.pk}/close/").status_code == 403
    listed = client_as(other).get("/short-term/", {"team": ""}).content.decode()
    assert secret.last_name not in listed


def test_missing_records_are_not_found(worker, client_as):
    client = client_as(worker)
    for url in [
        "/short-term/999/",
        "/short-term/999/close/",
        "/short-term/999/goals/1/",
        "/short-term/follow-ups/999/record/",
    ]:
        assert client.get(url).status_code == 404


def test_starting_adding_goals_and_closing_through_the_pages(ada, worker, team, client_as):
    client = client_as(worker)
    url = f"/people/{ada.pk}/short-term/start/"
    assert client.get(url).status_code == 200
    # Bad input: error summary, nothing saved.
    page = client.post(
        url, {"service_type": "nonsense", "start_date_0": "31", "start_date_1": "2", "start_date_2": "2026"}
    )
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    page = client.post(
        url,
        {
            "service_type": "Short Term Support: ST-Max",
            "started_from": "hospital",
            "service_component": "Reablement",
            **date_parts("start_date", TODAY),
            **date_parts("planned_end", TODAY + datetime.timedelta(weeks=6)),
        },
    )
    assert page.status_code == 200 and "Enter the date the person left hospital" in page.content.decode()
    assert not ShortTermEpisode.objects.exists()
    page = client.post(
        url,
        {
            "service_type": "Short Term Support: ST-Max",
            "started_from": "hospital",
            "service_component": "Reablement",
            "hospital": "Northmoor General",
            **date_parts("discharged_on", TODAY),
            **date_parts("start_date", TODAY),
            **date_parts("planned_end", TODAY + datetime.timedelta(weeks=6)),
            "goals": "I want to make my own tea\nI want to get to the shops",
        },
    )
    episode = ShortTermEpisode.objects.get()
    assert page.status_code == 302 and page.url == f"/short-term/{episode.pk}/"
    detail = client.get(page.url).content.decode()
    assert "I want to make my own tea" in detail and "Free until" in detail

    assert "There is a problem" in client.post(page.url, {"in_own_words": " "}).content.decode()
    assert client.post(page.url, {"in_own_words": "Dress myself"}).status_code == 302
    goal = Goal.objects.get(in_own_words="Dress myself")
    goal_url = f"/short-term/{episode.pk}/goals/{goal.pk}/"
    assert "There is a problem" in client.post(goal_url, {"progress": "wow"}).content.decode()
    assert client.post(goal_url, {"progress": "achieved"}).status_code == 302
    assert Goal.objects.get(pk=goal.pk).progress == "achieved"

    close_url = f"/short-term/{episode.pk}/close/"
    future = TODAY + datetime.timedelta(days=2)
    page = client.post(
        close_url, {"sequel": "no_further_support", **date_parts("actual_end", future), "version": episode.version + 1}
    )
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    episode.refresh_from_db()
    page = client.post(close_url, {"sequel": "no_further_support", **date_parts("actual_end", TODAY), "version": "5"})
    assert "Someone else has changed" in page.content.decode()
    page = client.post(
        close_url, {"sequel": "no_further_support", **date_parts("actual_end", TODAY), "version": episode.version}
    )
    assert page.status_code == 302
    episode.refresh_from_db()
    assert (episode.status, episode.sequel) == ("closed", "no_further_support")
    assert client.get(close_url).status_code == 302  # already closed
    listed = client.get("/short-term/").content.decode()
    assert "No further support: back to independence" in listed


def test_the_follow_up_pages(ada, worker, client_as):
    episode = hospital_episode(ada, worker, discharged_on=TODAY - datetime.timedelta(days=95))
    client = client_as(worker)
    assert "Ada Jones" in client.get("/short-term/follow-ups/").content.decode()
    url = f"/short-term/follow-ups/{episode.follow_up.pk}/record/"
    page = client.post(url, {"outcome": "at_home", "recorded_on_0": "x", "recorded_on_1": "2", "recorded_on_2": "2026"})
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    page = client.post(url, {"outcome": "at_home", **date_parts("recorded_on", TODAY)})
    assert page.status_code == 302
    assert client.get(url).status_code == 302  # already recorded


def test_the_individual_budget_pages(ada, worker, client_as):
    client = client_as(UserFactory(role=Role.FINANCE_OFFICER))
    url = f"/people/{ada.pk}/individual-budget/other-funding/"
    page = client.post(url, {"source": "dfg", "amount": "-5", "period": "One-off", **date_parts("start_date", TODAY)})
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    page = client.post(
        url,
        {
            "source": "dfg",
            "amount": "8,000",
            "period": "One-off",
            "description": "Stair lift",
            **date_parts("start_date", TODAY),
        },
    )
    assert page.status_code == 302 and OtherFunding.objects.get().amount == 8000
    statement = client.get(f"/people/{ada.pk}/individual-budget/").content.decode()
    assert "Disabled Facilities Grant" in statement and "Stair lift" in statement and "8,000.00" in statement
    joint = f"/people/{ada.pk}/individual-budget/joint-funding/"
    assert client.get(joint).status_code == 200
    page = client.post(joint, {"funder": "NHS", "method": "percent", "value": "40", **date_parts("start_date", TODAY)})
    assert page.status_code == 200 and "no approved support plan" in page.content.decode()
    page = client.post(
        joint, {"funder": "NHS", "method": "percent", "value": "1e999", **date_parts("start_date", TODAY)}
    )
    assert page.status_code == 200


def test_resolving_a_request_with_advice_through_the_page(ada, worker, client_as):
    request = support_request(ada, received_on=TODAY)
    client = client_as(worker)
    url = f"/requests/{request.pk}/advice/"
    assert client.get(url).status_code == 200
    page = client.post(url, {"kind": "signposting", "service": "Not a service", "notes": "x"})
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    page = client.post(url, {"kind": "signposting", "service": "Memory café", "notes": "Booked for Tuesday"})
    assert page.status_code == 302
    request.refresh_from_db()
    assert request.outcome == "NFA - Information & Advice / Signposting only"
    assert client.get(url).status_code == 302  # already concluded
