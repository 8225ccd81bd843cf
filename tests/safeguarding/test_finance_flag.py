"""Alleged financial abuse of someone with a direct payment: finance gets a task and the account carries a flag."""

import pytest

from selfdirect.core.roles import Role
from selfdirect.payments.models import DirectPaymentAgreement
from selfdirect.reviews.models import Task
from selfdirect.safeguarding import services
from tests.factories import PersonFactory, TeamFactory, UserFactory
from tests.payments.factories import approved_dp_plan, bare_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def dp(db):
    team = TeamFactory()
    worker = UserFactory(role=Role.SOCIAL_WORKER, teams=[team])
    manager = UserFactory(role=Role.TEAM_MANAGER, teams=[team])
    person = PersonFactory(allocated_team=team, allocated_worker=worker)
    plan = approved_dp_plan(worker=worker, manager=manager, person=person)
    return worker, plan, bare_agreement(plan, worker, person=person, status=DirectPaymentAgreement.Status.ACTIVE)


def test_financial_abuse_flags_the_direct_payment_account_for_finance(dp):
    worker, plan, agreement = dp
    concern = services.concern_raise(
        what_happened="Her nephew has been taking money from her account",
        raised_by="neighbour",
        actor=worker,
        person=plan.person,
        abuse_types=["financial"],
    )
    agreement.refresh_from_db()
    assert agreement.finance_flag.startswith("Financial abuse alleged") and concern.reference in agreement.finance_flag
    assert Task.objects.get(source=f"financial:{concern.pk}").role == Role.FINANCE_OFFICER


def test_other_abuse_leaves_the_account_alone(dp):
    worker, plan, agreement = dp
    services.concern_raise(
        what_happened="Shouted at by a carer",
        raised_by="family",
        actor=worker,
        person=plan.person,
        abuse_types=["psychological"],
    )
    agreement.refresh_from_db()
    assert agreement.finance_flag == ""


def test_finance_breaks_the_glass_to_check_the_flagged_account(dp, client_as):
    """The concern restricts the record, so finance opens the account by breaking the glass (audited and reported
    to the safeguarding lead), and the account page says why it is flagged."""
    worker, plan, agreement = dp
    services.concern_raise(
        what_happened="Cash missing", raised_by="family", actor=worker, person=plan.person, abuse_types=["financial"]
    )
    finance = UserFactory(role=Role.FINANCE_OFFICER)
    assert client_as(finance).get(f"/direct-payments/{agreement.pk}/").status_code == 403
    services.break_glass_open(user=finance, person=plan.person, reason="Checking the account for the finance task")
    page = client_as(finance).get(f"/direct-payments/{agreement.pk}/")
    assert page.status_code == 200 and "Financial abuse alleged" in page.content.decode()
