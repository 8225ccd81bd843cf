"""Setting up a direct-payment agreement from an approved plan, every guard on it, activating it (the schedule and
the one-off payments) and the agreement document."""

import datetime
from decimal import Decimal

import pytest

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.market.models import Provider
from selfdirect.payments import pdf, services
from selfdirect.payments.models import DirectPaymentAgreement, OneOffPayment, ScheduledPayment
from selfdirect.people.models import PersonEvent
from selfdirect.planning.models import DirectPaymentSuitability, PlanLine, SupportPlan
from tests.factories import PersonFactory, UserFactory
from tests.payments.factories import (
    ACCOUNT,
    START,
    TODAY,
    approved_dp_plan,
    authorised_person_for,
    finance_officer,
    make_agreement,
    nominee_for,
)
from tests.planning.plans import ready_plan

pytestmark = pytest.mark.django_db
A = DirectPaymentAgreement
P = ScheduledPayment
D = datetime.date


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team])


@pytest.fixture
def manager(team):
    return UserFactory(role=Role.TEAM_MANAGER, teams=[team])


@pytest.fixture
def finance():
    return finance_officer(first_name="Ruth", last_name="Evans")


@pytest.fixture
def mary(team, worker):
    return PersonFactory(first_name="Mary", last_name="Smith", allocated_team=team, allocated_worker=worker)


@pytest.fixture
def plan(worker, manager, mary):
    """£70 a week by direct payment, the person pays nothing."""
    return approved_dp_plan(worker=worker, manager=manager, person=mary)


def create(plan, finance, **overrides):
    arguments = {
        "plan": plan,
        "actor": finance,
        "holder": A.Holder.PERSON,
        "account_type": A.AccountType.OWN_BANK,
        "account_identifier": ACCOUNT,
        "start_date": START,
        "frequency": A.Frequency.FOUR_WEEKLY,
        "today": TODAY,
    } | overrides
    return services.dp_agreement_create(**arguments)


def refused(field, plan, finance, **overrides):
    with pytest.raises(DomainError) as error:
        create(plan, finance, **overrides)
    assert error.value.field == field, error.value.message
    assert not DirectPaymentAgreement.objects.exists()
    return error.value.message


# --- Setting up ------------------------------------------------------------------------------------------------


def test_an_agreement_is_set_up_from_an_approved_plan(plan, finance, mary):
    """It pays for every direct-payment line unless told otherwise, waits to be activated, and is in the audit log
    and on Mary's timeline."""
    agreement = create(plan, finance)
    assert agreement.status == A.Status.DRAFT and agreement.person == mary
    assert set(agreement.plan_lines.all()) == set(PlanLine.objects.filter(plan=plan, management="direct_payment"))
    assert agreement.holder_name == "Mary Smith"
    assert AuditEvent.objects.filter(object_type="payments.directpaymentagreement", person_id=mary.pk).exists()
    assert PersonEvent.objects.filter(person=mary, title="Direct payment being set up").exists()
    assert not ScheduledPayment.objects.exists()


def test_the_holder_must_match_the_plans_route_and_recipient(worker, manager, mary, finance):
    """The plan records a nominee (s31): the person cannot hold it, and only that nominee can."""
    ann = nominee_for(mary, "Ann Smith")
    other = nominee_for(mary, "Other Nominee")
    plan = approved_dp_plan(worker=worker, manager=manager, person=mary, route="s31_nominee", recipient=ann)
    message = refused("holder", plan, finance, holder=A.Holder.PERSON)
    assert "must be a nominee" in message
    refused("holder", plan, finance, holder=A.Holder.AUTHORISED, holder_contact=ann)
    refused("holder_contact", plan, finance, holder=A.Holder.NOMINEE)
    assert "Ann Smith" in refused("holder_contact", plan, finance, holder=A.Holder.NOMINEE, holder_contact=other)
    agreement = create(plan, finance, holder=A.Holder.NOMINEE, holder_contact=ann)
    assert agreement.holder_name == "Ann Smith"


def test_an_authorised_person_holds_an_s32_direct_payment(worker, manager, mary, finance):
    bob = authorised_person_for(mary)
    plan = approved_dp_plan(worker=worker, manager=manager, person=mary, route="s32_authorised", recipient=bob)
    refused("holder", plan, finance, holder=A.Holder.NOMINEE, holder_contact=bob)
    agreement = create(plan, finance, holder=A.Holder.AUTHORISED, holder_contact=bob)
    assert agreement.holder_contact == bob
    text = " ".join(" ".join(section.paragraphs) for section in pdf.agreement_sections(agreement, printed_on=TODAY))
    assert "authorised person" in text and "best interests" in text


def test_a_contact_who_is_no_longer_active_cannot_hold_it(worker, manager, mary, finance):
    ann = nominee_for(mary)
    plan = approved_dp_plan(worker=worker, manager=manager, person=mary, route="s31_nominee", recipient=ann)
    ann.is_active = False
    ann.save()
    assert "no longer an active contact" in refused(
        "holder_contact", plan, finance, holder=A.Holder.NOMINEE, holder_contact=ann
    )


@pytest.mark.parametrize(
    "identifier",
    ["", "   ", "12", "<script>alert(1)</script>", "12-34-56 1234567890123456789012345678901234", "=cmd|' /C calc'!A0"],
)
def test_the_account_identifier_must_be_an_account_number(plan, finance, identifier):
    refused("account_identifier", plan, finance, account_identifier=identifier)


def test_the_account_identifier_is_tidied(plan, finance):
    agreement = create(plan, finance, account_identifier="  12-34-56   12345678 ")
    assert agreement.account_identifier == "12-34-56 12345678"


def test_a_managed_account_needs_its_provider(plan, finance):
    refused("managed_account_provider", plan, finance, account_type=A.AccountType.MANAGED)
    gone = Provider.objects.create(name="Gone Ltd", is_active=False)
    refused(
        "managed_account_provider", plan, finance, account_type=A.AccountType.MANAGED, managed_account_provider=gone
    )
    provider = Provider.objects.create(name="Managed Accounts Ltd")
    agreement = create(plan, finance, account_type=A.AccountType.MANAGED, managed_account_provider=provider)
    assert agreement.managed_account_provider == provider


def test_a_provider_is_not_kept_for_an_own_bank_account(plan, finance):
    provider = Provider.objects.create(name="Managed Accounts Ltd")
    agreement = create(plan, finance, managed_account_provider=provider)
    assert agreement.managed_account_provider is None


@pytest.mark.parametrize("field, value", [("account_type", "cash_tin"), ("frequency", "fortnightly"), ("holder", "x")])
def test_unknown_choices_are_refused(plan, finance, field, value):
    refused(field, plan, finance, **{field: value})


def test_start_date_guards(plan, finance):
    """Not a date, before the personal budget starts, or more than a year from today: refused."""
    refused("start_date", plan, finance, start_date=None)
    refused("start_date", plan, finance, start_date="2026-12-07")
    assert "before the personal budget" in refused("start_date", plan, finance, start_date=D(2026, 11, 30))
    refused("start_date", plan, finance, start_date=D(2028, 1, 3))


def test_net_with_the_contribution_covering_it_all_is_refused(worker, manager, mary, finance):
    """£70 of direct payment and a £100 contribution: net of it, nothing would be paid; gross is fine."""
    plan = approved_dp_plan(worker=worker, manager=manager, person=mary, contribution="100.00")
    assert "nothing would be paid" in refused("net_of_contribution", plan, finance, net_of_contribution=True)
    assert create(plan, finance, net_of_contribution=False).net_of_contribution is False


def test_only_this_plans_direct_payment_lines(worker, manager, mary, finance, team):
    plan = approved_dp_plan(worker=worker, manager=manager, person=mary, council_managed_rate="5.00")
    council_line = PlanLine.objects.get(plan=plan, management="council_managed")
    refused("plan_lines", plan, finance, plan_lines=[council_line])
    dp_line = PlanLine.objects.get(plan=plan, management="direct_payment")
    assert list(create(plan, finance, plan_lines=[dp_line]).plan_lines.all()) == [dp_line]


def test_only_approved_plans_with_direct_payment_lines(worker, manager, mary, finance, team):
    draft = ready_plan(worker, mary, rate="10.00", management="direct_payment")
    with pytest.raises(DomainError, match="from an approved plan"):
        create(draft, finance)
    other = PersonFactory(allocated_team=team, allocated_worker=worker)
    from tests.payments.factories import complete_financial_assessment
    from tests.reviews.test_services import approved_plan

    complete_financial_assessment(other)
    council_only = approved_plan(worker, manager, other)
    with pytest.raises(DomainError, match="no support paid by direct payment"):
        create(council_only, finance)


def test_every_condition_must_be_met(plan, finance):
    DirectPaymentSuitability.objects.filter(plan=plan).update(conditions={"c1": True, "c2": True, "c3": True})
    with pytest.raises(DomainError, match="Not every condition"):
        create(plan, finance)
    DirectPaymentSuitability.objects.filter(plan=plan).delete()
    with pytest.raises(DomainError, match="s31 or s32 conditions first"):
        create(plan, finance)


def test_one_live_agreement_per_person(plan, finance):
    create(plan, finance)
    with pytest.raises(DomainError, match="already has a direct payment"):
        create(plan, finance)
    assert DirectPaymentAgreement.objects.count() == 1


def test_refused_for_a_person_who_has_died_and_for_roles_without_the_right(plan, finance, mary, worker):
    with pytest.raises(DomainError, match="does not allow"):
        create(plan, worker)
    mary.date_of_death = D(2026, 11, 1)
    mary.save()
    with pytest.raises(DomainError, match="has died"):
        create(plan, finance)


def test_a_plan_without_a_budget_is_refused(plan, finance):
    SupportPlan.objects.filter(pk=plan.pk).update(personal_budget=None)
    plan.refresh_from_db()
    with pytest.raises(DomainError, match="no personal budget"):
        create(plan, finance)


# --- Activating ------------------------------------------------------------------------------------------------


def test_activation_schedules_12_weeks_ahead_and_the_one_offs(plan, finance, mary):
    """Four-weekly from 7 December 2026, today 23 November: everything due up to 12 weeks after the start (1 March
    2027), at £280 (4 × £70), and the start-up costs on the start date."""
    one_offs = [{"kind": OneOffPayment.Kind.START_UP, "description": "Recruiting a PA", "amount": "250.00",
                 "due_on": START}]  # fmt: skip
    agreement = make_agreement(plan, finance, one_offs=one_offs)
    assert agreement.status == A.Status.ACTIVE
    regular = list(P.objects.filter(agreement=agreement, kind=P.Kind.REGULAR))
    assert [p.due_on for p in regular] == [D(2026, 12, 7), D(2027, 1, 4), D(2027, 2, 1), D(2027, 3, 1)]
    assert {p.amount for p in regular} == {Decimal("280.00")}
    assert regular[0].period_end == D(2027, 1, 3) and regular[0].budget == plan.personal_budget
    one_off = P.objects.get(agreement=agreement, kind=P.Kind.ONE_OFF)
    assert (one_off.amount, one_off.due_on, one_off.one_off.description) == (
        Decimal("250.00"),
        START,
        "Recruiting a PA",
    )
    assert PersonEvent.objects.filter(person=mary, title="Direct payment starts").exists()
    with pytest.raises(DomainError, match="not being set up"):
        services.dp_agreement_activate(agreement=agreement, actor=finance, today=TODAY)


@pytest.mark.parametrize(
    "frequency, due",
    [
        (A.Frequency.WEEKLY, 13),  # 7 Dec and the 12 weeks after
        (A.Frequency.MONTHLY, 4),  # 7 Dec, 7 Jan, 7 Feb, 7 Mar
    ],
)
def test_activation_horizon_by_frequency(plan, finance, frequency, due):
    agreement = make_agreement(plan, finance, frequency=frequency)
    assert P.objects.filter(agreement=agreement).count() == due


def test_net_pays_the_direct_payment_less_the_contribution(worker, manager, mary, finance):
    """£70 direct payment, £100 council-managed, a £30 contribution: net, the council pays £40 a week (the
    contribution comes off the direct payment first); gross, £70."""
    plan = approved_dp_plan(
        worker=worker, manager=manager, person=mary, contribution="30.00", council_managed_rate="100.00"
    )
    agreement = make_agreement(plan, finance, frequency=A.Frequency.WEEKLY)
    assert P.objects.filter(agreement=agreement).first().amount == Decimal("40.00")


def test_activation_refused_once_the_plan_is_replaced(plan, finance):
    agreement = make_agreement(plan, finance, activate=False)
    SupportPlan.objects.filter(pk=plan.pk).update(status=SupportPlan.Status.SUPERSEDED)
    with pytest.raises(DomainError, match="replaced by a newer plan"):
        services.dp_agreement_activate(agreement=agreement, actor=finance, today=TODAY)


# --- One-off payments ------------------------------------------------------------------------------------------


def test_one_off_payments_and_their_guards(plan, finance):
    agreement = make_agreement(plan, finance)
    args = {"agreement": agreement, "actor": finance, "today": TODAY}
    good = {"kind": OneOffPayment.Kind.EMPLOYER, "description": "Insurance", "amount": "120.00", "due_on": TODAY}
    for field, value in [
        ("kind", "holiday"),
        ("description", "  "),
        ("amount", "0"),
        ("amount", "-5"),
        ("amount", "12.345"),
        ("amount", "lots"),
        ("amount", "NaN"),
        ("amount", "1000000"),
        ("due_on", None),
        ("due_on", D(2030, 1, 1)),
    ]:
        with pytest.raises(DomainError) as error:
            services.dp_one_off_add(**args, **(good | {field: value}))
        assert error.value.field == field
    one_off = services.dp_one_off_add(**args, **(good | {"amount": "£1,120.50"}))
    assert one_off.amount == Decimal("1120.50")
    assert P.objects.get(one_off=one_off).amount == Decimal("1120.50")  # scheduled at once: the agreement is paying
    DirectPaymentAgreement.objects.filter(pk=agreement.pk).update(status=A.Status.ENDED)
    with pytest.raises(DomainError, match="ended"):
        services.dp_one_off_add(**args, **good)


# --- The agreement document ------------------------------------------------------------------------------------


def test_the_agreement_document_says_who_what_how_much_and_when_reviewed(plan, finance):
    agreement = make_agreement(plan, finance)
    sections = pdf.agreement_sections(agreement, printed_on=TODAY)
    headings = [s.heading for s in sections]
    assert headings == [
        "Direct payment agreement for Mary Smith",
        "Who holds the direct payment",
        "What it pays for",
        "How much, and how often",
        "What the holder must do",
        "Reviews",
    ]
    text = "\n".join(" ".join(section.paragraphs) for section in sections)
    for words in (
        "Paid to: Mary Smith",
        "Account: ending 5678",
        "Help to get up, washed and dressed",
        "every four weeks, in advance",
        "Weekly amount: £70.00 a week",
        "First payment: £280.00, due 7 December 2026",
        "within 6 months of the first payment, and then at least every 12 months",
        "Use the money only for the support agreed in the plan",
    ):
        assert words in text, words
    assert ACCOUNT not in text  # the account number is never printed in full
    content = pdf.agreement_pdf_bytes(agreement)
    assert content.startswith(b"%PDF") and len(content) > 1000
    assert pdf.agreement_pdf_filename(agreement) == f"direct-payment-agreement-{agreement.pk}.pdf"


def test_after_the_first_payment_the_document_gives_the_review_date(plan, finance):
    agreement = make_agreement(plan, finance)
    DirectPaymentAgreement.objects.filter(pk=agreement.pk).update(first_payment_on=D(2026, 12, 7))
    agreement.refresh_from_db()
    text = " ".join(" ".join(s.paragraphs) for s in pdf.agreement_sections(agreement, printed_on=TODAY))
    assert "First review due by: 7 June 2027" in text
