"""Commitments (service orders) to providers for council-managed and individual service fund lines: raising them
from an approved plan (once), ending them, their pages and who may use them, and the seeded demo.

The helpers here (`provider_with_rates`, `commitment_for`) are used by test_invoices.py too."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.market.models import Arrangement, Rate
from selfdirect.payments import commitments as svc
from selfdirect.payments.models import Commitment, InvoiceLine, ProviderInvoice
from selfdirect.payments.seeding_commitments import reset_commitments, seed_commitments
from selfdirect.people.models import PersonEvent
from selfdirect.planning.models import PlanLine, SupportPlan
from tests.factories import PersonFactory, UserFactory
from tests.market.factories import PaFactory, ProviderFactory, RateFactory, approved_line

pytestmark = pytest.mark.django_db
D = Decimal
LAST_APRIL = datetime.date(2025, 4, 1)
THIS_APRIL = datetime.date(2026, 4, 1)  # a Wednesday
PLAN_START = datetime.date(2026, 3, 2)


def provider_with_rates(*, name="Moorside Home Care", component="Home Support", unit_type="Hourly", rates=None):
    """A provider whose rate for the component rises on Wednesday 1 April 2026 (£23.92 to £24.85 an hour)."""
    provider = ProviderFactory(name=name)
    for effective_from, amount in rates or [(LAST_APRIL, "23.92"), (THIS_APRIL, "24.85")]:
        RateFactory(
            provider=provider,
            service_component=component,
            unit_type=unit_type,
            amount=D(amount),
            effective_from=effective_from,
        )
    return provider


def commitment_for(person, provider, actor, *, start=PLAN_START, **line_fields) -> Commitment:
    """A commitment raised through the service for an approved plan line with `provider`: 1.5 hours of home
    support, 7 times a week, council-managed, from `start`, unless `line_fields` say otherwise."""
    fields = {"units": D("1.5"), "per_week": D("7"), "unit_rate": D("23.92"), "weekly_cost": D("251.16")}
    line = approved_line(person=person, provider=provider, **(fields | line_fields))
    SupportPlan.objects.filter(pk=line.plan_id).update(start_date=start)
    line.plan.refresh_from_db()
    return svc.commitment_raise_for_plan(plan=line.plan, actor=actor).created[0]


@pytest.fixture
def finance(user_of_role):
    return user_of_role(Role.FINANCE_OFFICER, first_name="Ruth", last_name="Evans")


@pytest.fixture
def provider():
    return provider_with_rates()


def _plan_with_lines(person, provider):
    """An approved plan with a council-managed line (provider named), an ISF line (no provider yet), a direct
    payment line and unpaid support."""
    line = approved_line(person=person, provider=provider, units=D("1.5"), per_week=D("7"))
    plan = line.plan
    SupportPlan.objects.filter(pk=plan.pk).update(start_date=PLAN_START)
    plan.refresh_from_db()
    common = {"service_component": "Home Support", "unit_type": "Hourly", "unit_rate": D("24.00")}
    isf = PlanLine.objects.create(
        plan=plan, description="Going out", support_kind="provider", management="individual_service_fund", **common
    )
    PlanLine.objects.create(
        plan=plan, description="PA mornings", support_kind="pa", management="direct_payment", **common
    )
    PlanLine.objects.create(plan=plan, description="Sunday lunch", support_kind="unpaid", who_name="Daughter")
    return plan, line, isf


def test_raising_makes_a_commitment_for_each_line_with_a_provider(finance, provider, person):
    """An approved plan's council-managed line with a provider gets a commitment: the provider, component, unit
    type, planned units per week (1.5 x 7 = 10.5), units each time, the rate agreed in the plan, from the plan's
    start date. The ISF line with no provider is left with a reason; direct payments and unpaid support are not
    council-managed. An audit record and a timeline event are written."""
    plan, line, isf = _plan_with_lines(person, provider)
    result = svc.commitment_raise_for_plan(plan=plan, actor=finance)
    assert len(result.created) == 1
    commitment = result.created[0]
    assert (commitment.plan_line, commitment.person, commitment.provider) == (line, person, provider)
    assert (commitment.service_component, commitment.unit_type) == ("Home Support", "Hourly")
    assert commitment.units_per_week == D("10.50")
    assert commitment.units_each_time == D("1.50")
    assert commitment.agreed_rate == D("24.00")
    assert commitment.start_date == PLAN_START and commitment.end_date is None
    assert commitment.status == Commitment.Status.ACTIVE
    assert [o.line for o in result.skipped] == [isf]
    assert "No provider yet" in result.skipped[0].reason
    assert AuditEvent.objects.filter(
        object_type="payments.commitment", object_id=str(commitment.pk), action=AuditEvent.Action.CREATE
    ).exists()
    event = PersonEvent.objects.get(person=person, type=PersonEvent.Type.ARRANGEMENT)
    assert event.title == f"Service order to {provider}: Home Support"
    assert "10.5 hours a week from 2 March 2026" in event.detail


def test_raising_again_changes_nothing(finance, provider, person):
    """Raising twice is safe: the second time finds the commitment already raised and makes no other."""
    plan, _, _ = _plan_with_lines(person, provider)
    first = svc.commitment_raise_for_plan(plan=plan, actor=finance)
    second = svc.commitment_raise_for_plan(plan=plan, actor=finance)
    assert second.created == [] and second.existing == first.created
    assert Commitment.objects.count() == 1
    assert "1 already raised" in second.summary()


def test_an_arranged_line_uses_the_arrangements_provider_and_start(finance, provider, person):
    """Where the line is in place with a provider (market.Arrangement), the commitment is with that provider from
    the arrangement's start date, and ends when it ends."""
    line = approved_line(person=person, provider=None, management="individual_service_fund")
    Arrangement.objects.create(
        plan_line=line,
        person=person,
        provider=provider,
        start_date=datetime.date(2026, 3, 9),
        end_date=datetime.date(2026, 12, 31),
        service_type="Long Term Support: Community",
        service_component="Home Support",
        unit_cost=D("23.92"),
        cost_frequency="Hourly",
        planned_units_per_week=D("10"),
        weekly_cost=D("239.20"),
        created_by=finance,
    )
    commitment = svc.commitment_raise_for_plan(plan=line.plan, actor=finance).created[0]
    assert commitment.provider == provider and commitment.arrangement.provider == provider
    assert (commitment.start_date, commitment.end_date) == (datetime.date(2026, 3, 9), datetime.date(2026, 12, 31))


def test_lines_that_cannot_have_a_commitment_say_why(finance, provider, person):
    """A line arranged with a personal assistant, a line with no service component and a one-off line are left,
    each with a reason a person can act on."""
    line = approved_line(person=person, provider=None)
    plan = line.plan
    Arrangement.objects.create(
        plan_line=line,
        person=person,
        pa=PaFactory(),
        start_date=PLAN_START,
        service_type="Long Term Support: Community",
        service_component="Home Support",
        unit_cost=D("15.50"),
        cost_frequency="Hourly",
        planned_units_per_week=D("10"),
        weekly_cost=D("155.00"),
        created_by=finance,
    )
    PlanLine.objects.create(plan=plan, description="?", support_kind="provider", provider=provider,
                            management="council_managed", service_component="")  # fmt: skip
    PlanLine.objects.create(plan=plan, description="Grab rails", support_kind="provider", provider=provider,
                            management="council_managed", service_component="Equipment",
                            unit_type="One-off")  # fmt: skip
    result = svc.commitment_raise_for_plan(plan=plan, actor=finance)
    assert result.created == []
    reasons = [o.reason for o in result.skipped]
    assert "arranged with a personal assistant" in reasons[0]
    assert "no service component" in reasons[1]
    assert "One-off" in reasons[2]


@pytest.mark.parametrize(
    "status", [SupportPlan.Status.DRAFT, SupportPlan.Status.AT_PANEL, SupportPlan.Status.CANCELLED]
)
def test_only_an_approved_plan_has_commitments(finance, provider, person, status):
    line = approved_line(person=person, provider=provider, status=status)
    with pytest.raises(DomainError, match="not approved"):
        svc.commitment_raise_for_plan(plan=line.plan, actor=finance)
    assert not Commitment.objects.exists()


def test_ending_a_commitment(finance, provider, person):
    """Ending records the date and reason (audited, on the timeline); an end before the start, a blank reason or
    a second end are refused; a new commitment can then be raised for the line."""
    commitment = commitment_for(person, provider, finance)
    with pytest.raises(DomainError, match="before the commitment started"):
        svc.commitment_end(commitment=commitment, actor=finance, end_date=datetime.date(2026, 1, 1), reason="Moved")
    with pytest.raises(DomainError, match="why"):
        svc.commitment_end(commitment=commitment, actor=finance, end_date=datetime.date(2026, 6, 30), reason=" ")
    ended = svc.commitment_end(
        commitment=commitment, actor=finance, end_date=datetime.date(2026, 6, 30), reason="Moved to a care home"
    )
    assert (ended.status, ended.end_date, ended.end_reason) == (
        "ended",
        datetime.date(2026, 6, 30),
        "Moved to a care home",
    )
    assert ended.covers(datetime.date(2026, 6, 30)) and not ended.covers(datetime.date(2026, 7, 1))
    assert AuditEvent.objects.filter(object_id=str(commitment.pk), action=AuditEvent.Action.UPDATE).exists()
    assert PersonEvent.objects.filter(person=person, title__startswith="Service order ended").exists()
    with pytest.raises(DomainError, match="already ended"):
        svc.commitment_end(commitment=ended, actor=finance, end_date=datetime.date(2026, 7, 1), reason="Again")
    again = svc.commitment_raise_for_plan(plan=commitment.plan_line.plan, actor=finance)
    assert len(again.created) == 1


# --------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------


def test_raising_from_the_plan_page(client_as, finance, provider, person):
    """The raise page lists each council-managed and ISF line with what will happen; posting raises them and goes
    to the person's commitments, which list them."""
    plan, _, _ = _plan_with_lines(person, provider)
    client = client_as(finance)
    url = reverse("plan_commitments_raise", args=[plan.pk])
    page = client.get(url).content.decode()
    assert "To be raised" in page and "No provider yet" in page and "Raise commitments" in page
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("person_commitments", args=[person.pk])
    page = client.get(response["Location"]).content.decode()
    assert "1 commitment raised" in page and provider.name in page and "10.5" in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, person_id=person.pk, summary="Opened commitments and invoices"
    ).exists()
    page = client.get(url).content.decode()
    assert "Already raised" in page and "Raise commitments</button>" not in page


def test_a_plan_not_approved_says_so_and_cannot_raise(client_as, finance, provider, person):
    line = approved_line(person=person, provider=provider, status=SupportPlan.Status.AT_PANEL)
    client = client_as(finance)
    url = reverse("plan_commitments_raise", args=[line.plan_id])
    page = client.get(url).content.decode()
    assert "Commitments are raised once the plan is approved" in page
    response = client.post(url)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode() and not Commitment.objects.exists()


def test_provider_and_commitment_pages(client_as, finance, provider, person):
    """A provider's commitments (filtered by status), one commitment's page, and ending it through the form with
    the GOV.UK error summary for bad input."""
    commitment = commitment_for(person, provider, finance)
    client = client_as(finance)
    page = client.get(reverse("provider_commitments", args=[provider.pk])).content.decode()
    assert person.council_id in page and "Import an invoice" in page
    page = client.get(reverse("provider_commitments", args=[provider.pk]) + "?status=ended").content.decode()
    assert person.council_id not in page
    assert (
        client.get(reverse("provider_commitments", args=[provider.pk]) + "?status=nonsense&page=x").status_code == 200
    )
    page = client.get(reverse("commitment_detail", args=[commitment.pk])).content.decode()
    assert "Home Support with" in page and "up to 1.50 each time" in page
    url = reverse("commitment_end", args=[commitment.pk])
    response = client.post(url, {"end_date_0": "31", "end_date_1": "2", "end_date_2": "2026", "reason": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and "must be a real date" in page
    response = client.post(url, {"end_date_0": "1", "end_date_1": "1", "end_date_2": "2026", "reason": "Moved"})
    assert "cannot be before the commitment started" in response.content.decode()
    response = client.post(url, {"end_date_0": "30", "end_date_1": "6", "end_date_2": "2026", "reason": "Moved"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "ended"
    assert client.get(url).status_code == 404


def test_only_payments_staff_use_these_pages(client_as, user_of_role, provider, person, finance):
    """A social worker may see a person's record but not manage payments: 403 on every commitment page."""
    commitment = commitment_for(person, provider, finance)
    client = client_as(user_of_role(Role.SOCIAL_WORKER))
    for url in (
        reverse("plan_commitments_raise", args=[commitment.plan_line.plan_id]),
        reverse("person_commitments", args=[person.pk]),
        reverse("provider_commitments", args=[provider.pk]),
        reverse("commitment_detail", args=[commitment.pk]),
        reverse("commitment_end", args=[commitment.pk]),
        reverse("invoice_list"),
        reverse("invoice_import", args=[provider.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_a_restricted_record_stays_closed(client_as, finance, provider):
    """A finance officer cannot open a restricted person's commitments (or one commitment) by typing the id, and
    provider pages do not show the restricted person's name."""
    hidden = PersonFactory(first_name="Hidden", last_name="Person", is_restricted=True)
    commitment = commitment_for(hidden, provider, finance)
    client = client_as(finance)
    assert client.get(reverse("person_commitments", args=[hidden.pk])).status_code == 403
    assert client.get(reverse("commitment_detail", args=[commitment.pk])).status_code == 403
    page = client.get(reverse("provider_commitments", args=[provider.pk])).content.decode()
    assert hidden.council_id in page and "Hidden Person" not in page


# --------------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------------

AS_OF = datetime.date(2026, 11, 23)  # a Monday


@pytest.fixture
def seeded_world(finance):
    """Two approved plans with council-managed lines from two providers (council rates for home support), a
    plan that is not approved, and someone with no plan (for the unmatched line)."""
    for effective_from, amount in [(LAST_APRIL, "23.92"), (THIS_APRIL, "24.85")]:
        Rate.objects.create(service_component="Home Support", unit_type="Hourly", amount=D(amount),
                            effective_from=effective_from)  # fmt: skip
    agency = ProviderFactory(name="Moorside Home Care")
    centre = ProviderFactory(name="Fellside Day Centre", service_components=["Day Support"])
    RateFactory(provider=centre, service_component="Day Support", unit_type="Per session", amount=D("13.64"))
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    approved_line(provider=agency, units=D("1"), per_week=D("7"), created_by=worker)
    approved_line(provider=centre, service_component="Day Support", unit_type="Per session", units=D("1"),
                  per_week=D("2"), unit_rate=D("13.64"), created_by=worker)  # fmt: skip
    approved_line(provider=agency, status=SupportPlan.Status.WITH_MANAGER, created_by=worker)
    PersonFactory()
    return agency


def test_seeding_raises_commitments_and_imports_two_invoices(seeded_world):
    """Commitments for the approved plans only; two invoices from the home care agency: the first as planned, the
    second with the rate rising on the Wednesday (Monday and Tuesday billed at the new rate), one visit billed
    longer than planned and a line for someone with no commitment."""
    counts = seed_commitments(seed=1, as_of=AS_OF)
    assert counts["commitments"] == 2 and counts["invoices"] == 2
    first, second = ProviderInvoice.objects.order_by("id")
    assert first.provider == second.provider == seeded_world
    assert first.period_start == datetime.date(2026, 11, 2) and second.period_start == datetime.date(2026, 11, 9)
    assert set(first.lines.values_list("match", flat=True)) == {InvoiceLine.Match.MATCHED}
    assert first.total_claimed == first.total_expected == D("173.95")  # 7 x £24.85
    lines = {line.service_date.weekday(): line for line in second.lines.exclude(match="unmatched")}
    assert lines[0].match == lines[1].match == InvoiceLine.Match.VARIANCE  # Monday and Tuesday
    assert "is the rate from 11 November 2026" in lines[0].explanation
    assert lines[2].match == InvoiceLine.Match.MATCHED  # Wednesday: the new rate
    assert lines[6].match == InvoiceLine.Match.VARIANCE and "each time" in lines[6].explanation
    assert second.lines.filter(match=InvoiceLine.Match.UNMATCHED).count() == 1
    assert counts["invoice lines unmatched"] == 1 and counts["invoice lines differing"] == 3
    new_rate = Rate.objects.get(provider=seeded_world, effective_from=datetime.date(2026, 11, 11))
    assert new_rate.amount == D("25.84")  # £24.85 + 4%


def test_seeding_runs_once_and_resets_to_the_same_again(seeded_world):
    """A second run changes nothing; after reset_commitments (which also removes the rate it added) the same seed
    and day give the same commitments and invoices."""
    counts = seed_commitments(seed=1, as_of=AS_OF)
    shape = list(InvoiceLine.objects.order_by("invoice__reference", "line_number").values_list(
        "invoice__reference", "service_date", "units", "amount_claimed", "amount_expected", "match"))  # fmt: skip
    assert seed_commitments(seed=1, as_of=AS_OF) == {}
    reset_commitments()
    assert not (Commitment.objects.exists() or ProviderInvoice.objects.exists() or InvoiceLine.objects.exists())
    assert not Rate.objects.filter(effective_from=datetime.date(2026, 11, 11)).exists()
    assert seed_commitments(seed=1, as_of=AS_OF) == counts
    assert shape == list(InvoiceLine.objects.order_by("invoice__reference", "line_number").values_list(
        "invoice__reference", "service_date", "units", "amount_claimed", "amount_expected", "match"))  # fmt: skip


def test_seeding_without_a_finance_officer_does_nothing(db):
    assert seed_commitments(seed=1) == {}
