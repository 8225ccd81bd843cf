"""seed_short_term on a small seeded council: episodes at every stage, every sequel, follow-ups due and done,
equipment, signposting, other public money and a jointly funded package; deterministic, once, and reset."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from selfdirect.core.roles import Role
from selfdirect.money.models import PersonalBudget
from selfdirect.planning.seeding_history import reset_service_history
from selfdirect.reablement.models import (
    FollowUp91,
    JointFunding,
    OtherFunding,
    ShortTermEpisode,
    SignpostingReferral,
)
from selfdirect.reablement.seeding import reset_short_term, seed_short_term
from selfdirect.rules import short_term
from tests.factories import PersonFactory, UserFactory
from tests.planning.plans import ready_plan
from tests.planning.test_plan_services import complete_financial_assessment

from .test_services import approve

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_council(team):
    """A 60-person council (too small for approved plans), plus one approved plan of £7.00 a week with its budget."""
    call_command("seed_council", people=60, seed=3, demo_database=True, stdout=io.StringIO(), stderr=io.StringIO())
    reset_service_history()  # its migrated plans would otherwise be the ones chosen for joint funding
    worker = UserFactory(role=Role.SOCIAL_WORKER, teams=[team])
    manager = UserFactory(role=Role.TEAM_MANAGER, teams=[team])
    person = PersonFactory(allocated_team=team, allocated_worker=worker)
    complete_financial_assessment(person, contribution="2.00")
    return approve(ready_plan(worker, person, rate="1.00"), worker, manager)


def snapshot():
    return sorted(ShortTermEpisode.objects.values_list("person_id", "service_type", "sequel", "start_date"))


def test_seeding_short_term_support(small_council):
    reset_short_term()  # in case the council command already seeds it
    counts = seed_short_term(seed=3)
    assert counts["short-term episodes"] == ShortTermEpisode.objects.count() >= len(short_term.SEQUELS) + 4
    assert set(ShortTermEpisode.objects.exclude(sequel="").values_list("sequel", flat=True)) == set(
        short_term.SEQUELS_BY_CODE
    )
    assert ShortTermEpisode.objects.filter(status="open").count() >= 4
    assert ShortTermEpisode.objects.filter(service_component="Equipment").exists()
    assert FollowUp91.objects.exclude(outcome="").count() == counts["follow-ups recorded"] > 0
    assert FollowUp91.objects.filter(outcome="").count() >= 3
    assert SignpostingReferral.objects.count() == counts["requests resolved with information and advice"] == 4
    assert OtherFunding.objects.filter(source="dfg").count() == 1
    assert JointFunding.objects.count() == counts["jointly funded packages"] == 1
    joint = JointFunding.objects.get()
    assert joint.plan == small_council
    budget = PersonalBudget.objects.get(person=joint.person, is_current=True)
    assert budget.weekly_total_cost == Decimal("4.90")  # the council's 70% of £7.00 (the NHS pays £2.10)

    assert seed_short_term(seed=3) == {}  # once
    first = snapshot()
    reset_short_term()
    assert not ShortTermEpisode.objects.exists() and not JointFunding.objects.exists()
    seed_short_term(seed=3)
    assert snapshot() == first  # the same seed, the same people and dates
