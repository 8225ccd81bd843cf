"""Two workers saving the same record (issue 9 item 7): both open the page, the first saves, the second is told and
nothing the first saved is overwritten. The person record has its own test
(tests/people/test_views.py::test_second_of_two_simultaneous_edits_is_refused); these cover a support plan and a
short-term (reablement) episode, through the real pages, each worker with their own signed-in browser session."""

import datetime
import re

import pytest
from django.utils import timezone

from selfdirect.core.roles import Role
from selfdirect.planning.models import SupportPlan
from selfdirect.reablement.models import ShortTermEpisode
from tests.factories import PersonFactory, UserFactory
from tests.planning.plans import ready_plan
from tests.reablement.factories import hospital_episode

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def version_on(page) -> str:
    """The version the form was opened at (its hidden field), as a browser would send it back."""
    found = re.search(r'name="version" value="(\d+)"', page.content.decode())
    assert found, "the form carries no version"
    return found.group(1)


def date_parts(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.fixture
def two_workers(team):
    return (
        UserFactory(role=Role.SOCIAL_WORKER, teams=[team], first_name="Ann"),
        UserFactory(role=Role.TEAM_MANAGER, teams=[team], first_name="Bea"),
    )


def test_the_second_of_two_saves_of_a_support_plan_is_refused_and_keeps_the_typing(client_as, team, two_workers):
    ann, bea = two_workers
    plan = ready_plan(ann, PersonFactory(allocated_team=team, allocated_worker=ann))
    first, second = client_as(ann), client_as(bea)
    url = f"/plans/{plan.pk}/about/"
    opened_first, opened_second = version_on(first.get(url)), version_on(second.get(url))
    assert opened_first == opened_second == str(plan.version)

    saved = first.post(url, {"version": opened_first, "outcomes": "Ann's outcomes", "what_matters": "The garden"})
    assert saved.status_code == 302
    refused = second.post(url, {"version": opened_second, "outcomes": "Bea's outcomes", "what_matters": "Music"})
    body = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in body and "Someone else saved this plan" in body
    assert "Bea&#x27;s outcomes" in body  # what the second worker typed is still on the page to copy
    plan = SupportPlan.objects.get(pk=plan.pk)
    assert (plan.outcomes, plan.what_matters) == ("Ann's outcomes", "The garden")
    assert plan.version == int(opened_first) + 1

    # Reloading gives the second worker the new version: then their save goes through.
    again = second.post(
        url, {"version": version_on(second.get(url)), "outcomes": "Bea's outcomes", "what_matters": "Music"}
    )
    assert again.status_code == 302 and SupportPlan.objects.get(pk=plan.pk).outcomes == "Bea's outcomes"


def test_the_second_of_two_closures_of_a_short_term_episode_is_told_and_changes_nothing(client_as, team, two_workers):
    ann, bea = two_workers
    person = PersonFactory(allocated_team=team, allocated_worker=ann)
    episode = hospital_episode(person, ann, discharged_on=TODAY - datetime.timedelta(days=20))
    first, second = client_as(ann), client_as(bea)
    url = f"/short-term/{episode.pk}/close/"
    opened_first, opened_second = version_on(first.get(url)), version_on(second.get(url))

    ann_close = {"sequel": "no_further_support", **date_parts("actual_end", TODAY), "closing_notes": "Cooking again"}
    assert first.post(url, {**ann_close, "version": opened_first}).status_code == 302
    bea_close = {"sequel": "ongoing_low_level", **date_parts("actual_end", TODAY), "closing_notes": "Needs more help"}
    refused = second.post(url, {**bea_close, "version": opened_second}, follow=True)
    assert "This episode is already closed" in refused.content.decode()
    episode = ShortTermEpisode.objects.get(pk=episode.pk)
    assert episode.status == ShortTermEpisode.Status.CLOSED
    assert (episode.sequel, episode.closing_notes) == ("no_further_support", "Cooking again")


def test_a_stale_closure_of_an_episode_still_open_is_refused(client_as, team, two_workers):
    """The episode was changed (not closed) after the second worker opened the form: the version check refuses."""
    ann, bea = two_workers
    person = PersonFactory(allocated_team=team, allocated_worker=ann)
    episode = hospital_episode(person, ann, discharged_on=TODAY - datetime.timedelta(days=20))
    url = f"/short-term/{episode.pk}/close/"
    opened = version_on(client_as(bea).get(url))
    ShortTermEpisode.objects.filter(pk=episode.pk).update(version=episode.version + 1)  # someone saved meanwhile
    close = {"sequel": "ongoing_low_level", **date_parts("actual_end", TODAY), "version": opened}
    refused = client_as(bea).post(url, close)
    assert refused.status_code == 200 and "Someone else has changed" in refused.content.decode()
    assert ShortTermEpisode.objects.get(pk=episode.pk).status == ShortTermEpisode.Status.OPEN
