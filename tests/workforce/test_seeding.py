"""The synthetic council's workforce: profiles, training (some expiring), needs, a closed survey round from last year
and an open one this year (answers stored only as counts), a peer group and a mentoring pair; deterministic for a
seed, run once, and removable."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from selfdirect.workforce import selectors
from selfdirect.workforce.models import (
    AnswerCount,
    MentoringPair,
    PeerGroup,
    ResponseCount,
    RoundParticipation,
    StaffProfile,
    Survey,
    SurveyRound,
    TrainingNeed,
    TrainingRecord,
)
from selfdirect.workforce.seeding import SURVEY_NAME, reset_workforce, seed_workforce


@pytest.fixture
def council(db):
    call_command("seed_council", people=60, seed=3, demo_database=True, people_only=True, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip


def snapshot():
    return (
        sorted(StaffProfile.objects.values_list("user__username", "qualified_social_worker", "registration_number")),
        sorted(TrainingNeed.objects.values_list("user__username", "topic", "wants_peer_group")),
        sorted(
            AnswerCount.objects.values_list("round__label", "question__key", "dimension", "group", "option", "count")
        ),  # fmt: skip
    )


def test_seed_workforce(council):
    counts = seed_workforce(seed=3)
    today = timezone.localdate()
    assert counts["staff profiles"] == StaffProfile.objects.count() > 12
    assert counts["training needs"] == TrainingNeed.objects.count() > 0
    assert TrainingRecord.objects.filter(expires_on__gt=today, expires_on__lte=today.replace(year=today.year + 1))
    # One qualified social worker's profile is not yet registered: the allocation check can flag their work.
    assert StaffProfile.objects.filter(user__role="social_worker", qualified_social_worker=False).count() == 1
    rounds = list(SurveyRound.objects.filter(survey__name=SURVEY_NAME).order_by("opened_on"))
    assert [r.label for r in rounds] == [str(today.year - 1), str(today.year)]
    assert rounds[0].closed_on is not None and rounds[0].opened_on.year == today.year - 1 and rounds[1].is_open
    for r in rounds:
        total = selectors.respondents(survey_round=r)
        assert total == RoundParticipation.objects.filter(round=r).count() >= 5
    # The demo social worker and manager have not answered this year's round, so the demo can.
    assert not RoundParticipation.objects.filter(round=rounds[1], user__username__in=["social.worker", "manager"])
    assert counts["survey answers last year"] == selectors.respondents(survey_round=rounds[0])
    results = selectors.round_results(survey_round=rounds[0])
    assert results["available"] and len(results["questions"]) == 20
    assert ResponseCount.objects.filter(round=rounds[1], dimension="team").count() >= 2
    group = PeerGroup.objects.get()
    assert group.topic == "employing_pas" and group.members.exists() and group.facilitator.username == "broker"
    pair = MentoringPair.objects.get()
    assert (pair.mentor.username, pair.mentee.username) == ("broker", "social.worker")
    # Run again: nothing more.
    assert seed_workforce(seed=3) == {}
    assert Survey.objects.count() == 1


def test_seed_workforce_is_deterministic_and_resets(council):
    seed_workforce(seed=5)
    first = snapshot()
    reset_workforce()
    assert not Survey.objects.exists() and not StaffProfile.objects.exists() and not PeerGroup.objects.exists()
    seed_workforce(seed=5)
    assert snapshot() == first


def test_seed_workforce_needs_the_demo_staff(db):
    assert seed_workforce(seed=1) == {}
