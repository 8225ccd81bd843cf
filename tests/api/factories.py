"""A person's whole case for the records API tests, written with the ORM (no audit rows), and tokens."""

import datetime
from decimal import Decimal

from django.utils import timezone

from selfdirect.api.services import api_token_issue
from selfdirect.core.roles import Role
from selfdirect.market.models import Arrangement
from selfdirect.money.models import PersonalBudget
from selfdirect.reviews.models import Review
from tests.factories import PersonFactory, UserFactory
from tests.market.factories import ProviderFactory, approved_line


def full_case(*, person=None, worker=None):
    """A person with a signed-off assessment, an approved plan of one line (10 hours a week at £24.00), a current
    personal budget of £240.00 a week (£40.00 of it theirs), an arrangement with a provider and a first review due."""
    person = person or PersonFactory()
    worker = worker or UserFactory(role=Role.SOCIAL_WORKER)
    line = approved_line(person=person, created_by=worker)
    plan = line.plan
    plan.weekly_total = Decimal("240.00")
    plan.weekly_council_managed = Decimal("240.00")
    plan.save()
    assessment = plan.assessment
    assessment.decision_eligible = True
    assessment.computed_eligible = True
    assessment.computed_unable = ["a", "g"]
    assessment.signed_off_at = timezone.now()
    assessment.save()
    budget = PersonalBudget.objects.create(
        person=person,
        version=1,
        effective_from=datetime.date(2026, 4, 6),
        reason="Plan approved",
        weekly_total_cost=Decimal("240.00"),
        weekly_person_contribution=Decimal("40.00"),
        weekly_council_amount=Decimal("200.00"),
        weekly_council_managed=Decimal("240.00"),
        created_by=worker,
    )
    provider = ProviderFactory()
    arrangement = Arrangement.objects.create(
        plan_line=line,
        person=person,
        provider=provider,
        start_date=datetime.date(2026, 4, 6),
        service_type="Long Term Support: Community",
        service_component="Home Support",
        unit_cost=Decimal("24.00"),
        cost_frequency="Hourly",
        planned_units_per_week=Decimal("10"),
        weekly_cost=Decimal("240.00"),
        created_by=worker,
    )
    review = Review.objects.create(
        person=person,
        plan=plan,
        kind=Review.Kind.FIRST,
        reason="Planned",
        due_on=datetime.date(2026, 5, 18),
        assigned_to=worker,
    )
    return {
        "person": person,
        "assessment": assessment,
        "plan": plan,
        "line": line,
        "budget": budget,
        "arrangement": arrangement,
        "review": review,
        "provider": provider,
    }


def token_for(user, *, days: int = 30, name: str = "Test integration") -> str:
    """A new token acting as `user`, issued by a new administrator; returns the secret."""
    admin = UserFactory(role=Role.ADMINISTRATOR)
    _, secret = api_token_issue(
        name=name, actor=admin, user=user, expires_on=timezone.localdate() + datetime.timedelta(days=days)
    )
    return secret
