"""The synthetic council's safeguarding: every step the demo needs, made through the services, deterministic for a
seed, and run once."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from selfdirect.core.roles import Role
from selfdirect.market.models import PersonalAssistant
from selfdirect.money.budget_services import personal_budget_set
from selfdirect.people.models import Person
from selfdirect.reviews.models import Task
from selfdirect.safeguarding.models import BreakGlass, SafeguardingConcern, SafeguardingEnquiry
from selfdirect.safeguarding.seeding import reset_safeguarding, seed_safeguarding
from tests.factories import PersonFactory, TeamFactory, UserFactory
from tests.market.factories import PaFactory, approved_line


@pytest.fixture
def council(db):
    team = TeamFactory()
    UserFactory(role=Role.SAFEGUARDING_LEAD)
    worker = UserFactory(role=Role.SOCIAL_WORKER, teams=[team])
    UserFactory(role=Role.TEAM_MANAGER, teams=[team])
    finance = UserFactory(role=Role.FINANCE_OFFICER)
    people = [PersonFactory(allocated_team=team, allocated_worker=worker) for _ in range(12)]
    personal_budget_set(person=people[0], actor=finance, weekly_total_cost=Decimal("100.00"),
                        weekly_person_contribution=Decimal("0.00"), split={"weekly_direct_payment": Decimal("100.00")},
                        effective_from=datetime.date(2026, 4, 6), reason="Plan agreed")  # fmt: skip
    pa = PaFactory()
    line = approved_line(pa=pa, support_kind="pa")
    return {"pa": pa, "line": line}


def snapshot():
    return list(
        SafeguardingConcern.objects.order_by("pk").values_list(
            "subject_name", "status", "decision", "abuse_types", "from_public_form", "person__council_id"
        )
    )


def test_seed_safeguarding(council):
    counts = seed_safeguarding(seed=1)
    concerns = SafeguardingConcern.objects.all()
    assert counts["safeguarding concerns"] == concerns.count() == 9
    assert concerns.filter(from_public_form=True, person__isnull=True).count() == 2
    now = timezone.now()
    assert concerns.filter(status="new", triage_due_at__lt=now).count() == 2
    assert concerns.filter(status="closed", decision="nfa").exists()
    enquiries = SafeguardingEnquiry.objects.all()
    assert enquiries.count() == 3
    assert enquiries.filter(closed_at__isnull=True, due_at__lt=now).count() == 1
    assert enquiries.filter(closed_at__isnull=True, stage="gathering").exists()
    closed = enquiries.get(closed_at__isnull=False)
    assert closed.outcomes_achieved == "fully" and closed.outcome
    assert enquiries.filter(needs_advocate=True, advocate_arranged="").exists()
    # The PA named in a concern is suspended, and the plan line using them flagged.
    pa = PersonalAssistant.objects.get(pk=council["pa"].pk)
    assert pa.is_suspended and concerns.filter(alleged_pa=pa).exists()
    council["line"].refresh_from_db()
    assert council["line"].flagged
    # Financial abuse of someone with a direct payment: a task for finance.
    assert Task.objects.filter(kind="financial_abuse", role="finance_officer", done_at__isnull=True).exists()
    # One break-glass opening waiting for review.
    assert BreakGlass.objects.filter(reviewed_at__isnull=True).count() == 1
    # Everyone with a concern has a restricted record.
    for concern in concerns.exclude(person__isnull=True).select_related("person"):
        assert concern.person.is_restricted
    # Tasks: triage for each concern not yet triaged, and one per open enquiry.
    assert Task.objects.filter(kind="triage", done_at__isnull=True).count() == concerns.filter(status="new").count()
    assert Task.objects.filter(kind="enquiry", done_at__isnull=True).count() == 2

    # Run again: nothing more.
    assert seed_safeguarding(seed=1) == {}
    assert SafeguardingConcern.objects.count() == 9


def test_seed_safeguarding_is_deterministic(council):
    seed_safeguarding(seed=3)
    first = snapshot()
    reset_safeguarding()
    Person.objects.update(is_restricted=False)
    PersonalAssistant.objects.update(is_suspended=False, suspended_reason="")
    assert not Task.objects.filter(source__startswith="concern:").exists()
    seed_safeguarding(seed=3)
    assert snapshot() == first


def test_seed_safeguarding_needs_a_lead_and_a_worker(db):
    assert seed_safeguarding() == {}
