"""The printable plan: plain-English sections built from the plan (tested as words), drawn as a PDF with a core font
whatever the person typed, and downloaded by staff who may read the record, with the export audited."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.planning import services
from selfdirect.planning.models import SupportPlan
from selfdirect.planning.pdf import Field, latin1_safe, plan_pdf_bytes, plan_sections, render_pdf
from tests.factories import PersonFactory, UserFactory
from tests.planning.plans import line, ready_plan

pytestmark = pytest.mark.django_db
PRINTED = datetime.date(2026, 5, 6)


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team])


@pytest.fixture
def manager(team):
    return UserFactory(role=Role.TEAM_MANAGER, teams=[team])


@pytest.fixture
def client_person(team, worker):
    return PersonFactory(
        first_name="Mary", last_name="Smith", allocated_team=team, allocated_worker=worker, postcode="NM1 2AB"
    )


def fresh(plan) -> SupportPlan:
    return SupportPlan.objects.get(pk=plan.pk)


def by_heading(plan, **kwargs) -> dict[str, list[str]]:
    return {heading: paragraphs for heading, paragraphs in plan_sections(fresh(plan), printed_on=PRINTED, **kwargs)}


def text_of(sections: dict) -> str:
    return "\n".join(str(p) for paragraphs in sections.values() for p in paragraphs)


def test_the_plan_reads_in_plain_english_section_by_section(worker, client_person):
    """The person's own words, their needs and how each is met, the support with who, when, how often, its cost
    and how the money is managed, family support, risks with their view, the contingency contacts, the printing
    date."""
    plan = ready_plan(worker, client_person)
    line(plan, worker, support_kind="unpaid", who_name="Ann (daughter)", description="Sunday lunch together")
    sections = by_heading(plan)
    headings = list(sections)
    assert headings[0] == "Support plan for Mary Smith"
    assert headings[1:3] == ["What matters to me", "What I want to achieve"]
    assert sections["What matters to me"] == ["My garden and my cat"]
    assert sections["What I want to achieve"] == ["Stay at home"]
    assert Field("Printed on", "6 May 2026") in sections["Support plan for Mary Smith"]
    assert Field("Support starts", "1 December 2026") in sections["Support plan for Mary Smith"]

    needs = sections["My needs and how they will be met"]
    assert "Managing and maintaining nutrition" in needs
    assert Field("In my words", '"I can\'t cook safely now"') in needs
    assert Field("How it will be met", "Carers") in needs

    support = sections["My support"]
    assert "Help to get up, washed and dressed" in support
    assert Field("Who", "Acme Care") in support
    assert Field("When", "Mornings") in support
    assert Field("How often", "1 hour each time, 7 times a week") in support
    assert Field("Cost", "£140.00 a week") in support
    assert Field("How the money is managed", "Council-managed") in support

    family = sections["Support from family, friends and the community"]
    assert "Sunday lunch together" in family and Field("Who", "Ann (daughter)") in family

    costs = text_of({"c": sections["What my support costs"]})
    assert "My support costs: £140.00 a week" in costs
    assert "The indicative budget: £" in costs
    assert "Why it is different: Agency rate" in costs
    assert "Managed as council-managed: £140.00 a week" in costs

    risks = sections["Risks, and what will reduce them"]
    assert Field("What I think", "I want to stay in my own bed") in risks
    assert "I choose to take this risk. It is my choice to make." in risks

    contingency = sections["If things go wrong"]
    assert Field("Backup contact", "Ann Smith, phone 07700 900123") in contingency
    assert Field("Emergency contact", "Bob Smith, phone 07700 900456") in contingency
    assert Field("In a crisis", "Call the out of hours team") in contingency

    assert sections["My personal budget"][0].startswith("The personal budget is set when the plan is approved")
    assert sections["The decision"] == ["No decision has been made on this plan yet."]


def test_an_approved_plan_shows_the_budget_split_and_the_decision(worker, manager, client_person):
    """Approved with a financial assessment: total, the person's contribution and the council's amount, and the
    latest decision with its reasons."""
    from tests.planning.test_plan_services import complete_financial_assessment

    complete_financial_assessment(client_person, contribution="1.50")
    plan = fresh(ready_plan(worker, client_person, rate="1.00"))
    plan = services.support_plan_submit(plan=plan, actor=worker, expected_version=plan.version)
    services.support_plan_decide(
        plan=plan, actor=manager, expected_version=plan.version, outcome="approve", reasons="Meets the needs well"
    )
    plan = fresh(plan)
    assert plan.status == SupportPlan.Status.APPROVED and plan.personal_budget is not None
    sections = by_heading(plan)
    budget = sections["My personal budget"]
    assert Field("Total cost of my support", "£7.00 a week") in budget
    assert Field("What I pay towards it", "£1.50 a week") in budget
    assert Field("What the council pays", "£5.50 a week") in budget
    decision = sections["The decision"]
    assert Field("The reasons", "Meets the needs well") in decision
    assert any(p.startswith("Decision: Approve, ") for p in decision)
    assert Field("Status", "Approved") in sections["Support plan for Mary Smith"]


def test_the_pdf_is_a_pdf(worker, client_person):
    content = plan_pdf_bytes(fresh(ready_plan(worker, client_person)))
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert len(content) > 1000


def test_dashes_curly_quotes_emoji_and_other_scripts_still_print(worker, client_person):
    """Nothing the person types can stop the plan printing: latin-1 is kept ("£", "é"), typography becomes plain,
    emoji are dropped."""
    plan = ready_plan(worker, client_person)
    plan = services.support_plan_update(
        plan=fresh(plan),
        actor=worker,
        expected_version=fresh(plan).version,
        what_matters="My garden – my “sanctuary” 🌻🐈‍⬛ and café trips… • Łódź • 日本 " + "x" * 400,
        outcomes="Walk to the shop\u00a0each day\n\nSee my friends — often",
    )
    content = plan_pdf_bytes(fresh(plan))
    assert content.startswith(b"%PDF") and len(content) > 1000
    sections = by_heading(plan)
    assert sections["What I want to achieve"] == ["Walk to the shop\u00a0each day", "See my friends — often"]
    assert latin1_safe(sections["What matters to me"][0]).startswith(
        'My garden - my "sanctuary"  and café trips... - ?ódz - ?? '
    )


@pytest.mark.parametrize(
    "text, printed",
    [
        ("£12.50 – a week", "£12.50 - a week"),
        ("‘single’ “double”", "'single' \"double\""),
        ("Tea ☕ please 👍🏽", "Tea  please "),
        ("naïve Zoë", "naïve Zoë"),
        ("Łukasz Ő", "?ukasz O"),
        ("line\r\none", "line\none"),
        ("", ""),
    ],
)
def test_latin1_safe(text, printed):
    assert latin1_safe(text) == printed
    latin1_safe(text).encode("latin-1")


def test_rendering_takes_any_sections():
    """The drawing step knows nothing of plans: headings, plain paragraphs and labelled ones, page breaks."""
    sections = [("A title – long", ["Intro"]), ("Money", [Field("Cost", "£1.00"), "x" * 5000, "y " * 3000])]
    content = render_pdf("A title", sections, footer="Footer – printed ")
    assert content.startswith(b"%PDF") and content.count(b"/Type /Page\n") + content.count(b"/Type /Page ") >= 2


# --- Staff download ------------------------------------------------------------------------------------------


def test_staff_download_the_plan_and_the_export_is_audited(worker, client_person, client_as):
    plan = ready_plan(worker, client_person)
    response = client_as(worker).get(reverse("plan_pdf", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="support-plan-{plan.pk}.pdf"'
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, person_id=client_person.pk)
    assert event.actor == worker and event.object_id == str(plan.pk)


def test_staff_without_the_person_view_right_cannot_download(worker, client_person, client_as):
    from selfdirect.core.permissions import MATRIX, Action

    plan = ready_plan(worker, client_person)
    roles = [role for role in Role if Action.PERSON_VIEW not in MATRIX[role]]
    for role in roles:
        assert client_as(UserFactory(role=role)).get(reverse("plan_pdf", args=[plan.pk])).status_code == 403
    assert client_as(worker).get(reverse("plan_pdf", args=[987654])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exclude(actor=worker).exists()


def test_pounds_in_the_pdf_text(worker, client_person):
    plan = ready_plan(worker, client_person, rate="1234.50")
    support = by_heading(plan)["My support"]
    assert Field("Cost", "£8,641.50 a week") in support
    assert Decimal("8641.50") == fresh(plan).weekly_total
