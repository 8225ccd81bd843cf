"""Support planning in the portal: the person or their family starts a plan from their signed-off assessment,
writes it, sends it to their worker, and reads it (and downloads it) at every stage. Another account's plan is
never found; a plan the council is writing is read-only to the family."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from selfdirect.assessments import services as assessment_services
from selfdirect.core.services import DomainError
from selfdirect.planning import services
from selfdirect.planning.models import Party, PlanClockSegment, PlanLine, PlanRisk, SupportPlan
from tests.factories import UserFactory, portal_self_assessment_with_record
from tests.planning.plans import CONTINGENCY, DAILY_HELP

pytestmark = pytest.mark.django_db
S = SupportPlan.Status


def signed_off_portal_assessment(worker, email="priya@example.com", family_member=""):
    """Priya (or her daughter for her) asks online, answers the self-assessment, and a worker signs it off as
    eligible."""
    account, assessment = portal_self_assessment_with_record(worker=worker, email=email, family_member=family_member)
    assessment = assessment_services.assessment_save_answers(
        assessment=assessment,
        actor=account,
        outcomes={"a": DAILY_HELP | {"own_words": "I can't cook safely now"}, "b": DAILY_HELP},
        answers={"needs_from_impairment": "yes", "significant_impact": "yes", "wishes_and_outcomes": "Stay home"},
    )
    assessment_services.assessment_submit(assessment=assessment, actor=account)
    assessment_services.assessment_allocate(assessment=assessment, worker=worker, actor=worker)
    assessment_services.involvement_record(assessment=assessment, actor=worker, difficulties=[])
    assessment = assessment_services.assessment_sign_off(assessment=assessment, actor=worker)
    assert assessment.status == "signed_off" and assessment.decision_eligible
    return account, assessment


@pytest.fixture
def family(social_worker):
    """(portal account, signed-off assessment)."""
    return signed_off_portal_assessment(social_worker)


@pytest.fixture
def family_plan(family):
    account, assessment = family
    return account, services.support_plan_start(assessment=assessment, actor=account, planner="person")


@pytest.fixture
def staff_plan(family, social_worker):
    account, assessment = family
    return account, services.support_plan_start(assessment=assessment, actor=social_worker, planner="staff")


def fresh(plan) -> SupportPlan:
    return SupportPlan.objects.get(pk=plan.pk)


def errors_of(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>\s*</div>', html, re.S)
    return unescape(match.group(0)) if match else ""


def line_post(plan, **overrides) -> dict:
    return {
        "version": fresh(plan).version,
        "description": "Help to get up, washed and dressed",
        "need": plan.needs.first().pk,
        "support_kind": "provider",
        "who_name": "Acme Care",
        "service_component": "Home Support",
        "unit_type": "Hourly",
        "units": "1",
        "per_week": "7",
        "unit_rate": "20.00",
        "days_times": "Mornings, 8am to 9am",
        "management": "council_managed",
    } | overrides


def risk_post(plan, **overrides) -> dict:
    return {
        "version": fresh(plan).version,
        "risk": "A fall at night",
        "likelihood": "medium",
        "impact": "high",
        "mitigation": "A pendant alarm",
        "responsible": "Ann",
        "persons_view": "I want to stay in my own bed",
        "positive_risk_taking": "on",
    } | overrides


def page_urls(plan) -> dict[str, str]:
    """Every portal plan address for this plan (GET pages and POST-only actions alike)."""
    need = plan.needs.first()
    line = plan.lines.first()
    risk = plan.risks.first()
    return {
        "portal_plan_detail": reverse("portal_plan_detail", args=[plan.pk]),
        "portal_plan_about": reverse("portal_plan_about", args=[plan.pk]),
        "portal_plan_about_autosave": reverse("portal_plan_about_autosave", args=[plan.pk]),
        "portal_plan_need": reverse("portal_plan_need", args=[plan.pk, need.pk]),
        "portal_plan_line_new": reverse("portal_plan_line_new", args=[plan.pk]),
        "portal_plan_line": reverse("portal_plan_line", args=[plan.pk, line.pk]),
        "portal_plan_risk_new": reverse("portal_plan_risk_new", args=[plan.pk]),
        "portal_plan_risk": reverse("portal_plan_risk", args=[plan.pk, risk.pk]),
        "portal_plan_remove": reverse("portal_plan_remove", args=[plan.pk, "line", line.pk]),
        "portal_plan_contingency": reverse("portal_plan_contingency", args=[plan.pk]),
        "portal_plan_hand_over": reverse("portal_plan_hand_over", args=[plan.pk]),
        "portal_plan_direct_payment": reverse("portal_plan_direct_payment", args=[plan.pk]),
        "portal_plan_pdf": reverse("portal_plan_pdf", args=[plan.pk]),
        "portal_plan_start": reverse("portal_plan_start", args=[plan.assessment_id]),
    }


def with_line_and_risk(account, plan):
    from tests.planning.plans import line

    line(plan, account)
    plan.refresh_from_db()
    services.plan_risk_save(
        plan=plan,
        actor=account,
        expected_version=plan.version,
        risk="Forgets to eat",
        likelihood="low",
        impact="medium",
        mitigation="A reminder call",
        responsible="Ann",
    )
    return fresh(plan)


# --- Starting and writing ------------------------------------------------------------------------------------


def test_the_family_starts_writes_and_sends_the_plan_to_their_worker(family, client_as):
    """From the home page: Plan your support, then what matters, a need, paid and unpaid support, a risk and the
    contingency plan, then "Send the plan to my worker": the plan is with the worker and the clock says so."""
    account, assessment = family
    client = client_as(account)
    home = client.get(reverse("portal_home")).content.decode()
    start_url = reverse("portal_plan_start", args=[assessment.pk])
    assert "Plan your support" in home and start_url in home

    assert client.get(start_url).status_code == 200
    response = client.post(start_url)
    plan = SupportPlan.objects.get(assessment=assessment)
    assert response.status_code == 302 and response["Location"] == reverse("portal_plan_detail", args=[plan.pk])
    assert (plan.planner, plan.held_by, plan.created_by) == ("person", Party.PERSON, account)
    assert [n.outcome_code for n in plan.needs.all()] == ["a", "b"]

    about = reverse("portal_plan_about", args=[plan.pk])
    response = client.post(
        about,
        {
            "version": fresh(plan).version,
            "what_matters": "My garden – and my cat Tibbles",
            "outcomes": "Cook a meal with help twice a week",
            "start_date_0": "1",
            "start_date_1": "12",
            "start_date_2": "2026",
        },
    )
    assert response.status_code == 302
    assert fresh(plan).what_matters == "My garden – and my cat Tibbles"
    assert fresh(plan).start_date == datetime.date(2026, 12, 1)

    need = plan.needs.first()
    response = client.post(
        reverse("portal_plan_need", args=[plan.pk, need.pk]),
        {"version": fresh(plan).version, "how_met": "Ann cooks with me on Sundays"},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.how_met == "Ann cooks with me on Sundays"

    assert client.post(reverse("portal_plan_line_new", args=[plan.pk]), line_post(plan)).status_code == 302
    unpaid = line_post(plan, support_kind="unpaid", who_name="Ann (daughter)", description="Sunday lunch together")
    assert client.post(reverse("portal_plan_line_new", args=[plan.pk]), unpaid).status_code == 302
    assert client.post(reverse("portal_plan_risk_new", args=[plan.pk]), risk_post(plan)).status_code == 302
    contingency = CONTINGENCY | {"version": fresh(plan).version}
    assert client.post(reverse("portal_plan_contingency", args=[plan.pk]), contingency).status_code == 302

    plan = fresh(plan)
    assert plan.lines.count() == 2 and str(plan.weekly_total) == "140.00"
    assert PlanRisk.objects.get(plan=plan).persons_view == "I want to stay in my own bed"
    assert plan.contingency.backup_name == "Ann Smith"

    detail = client.get(reverse("portal_plan_detail", args=[plan.pk])).content.decode()
    assert "Send the plan to my worker" in detail
    assert "Check and send for approval" not in detail
    assert "Sunday lunch together" in detail and "My garden – and my cat Tibbles" in detail

    response = client.post(
        reverse("portal_plan_hand_over", args=[plan.pk]), {"version": plan.version, "to": "organisation"}
    )
    assert response.status_code == 302
    plan = fresh(plan)
    assert plan.held_by == Party.WORKER, "the portal only ever sends the plan to the worker"
    segments = list(PlanClockSegment.objects.filter(plan=plan).order_by("started_at", "id"))
    assert [(s.status, s.party) for s in segments] == [(S.DRAFT, Party.PERSON), (S.DRAFT, Party.WORKER)]
    assert segments[0].ended_at is not None and segments[1].ended_at is None

    detail = client.get(reverse("portal_plan_detail", args=[plan.pk])).content.decode()
    assert "The plan is now with your worker" in detail
    assert "Send the plan to my worker" not in detail

    with pytest.raises(DomainError, match="A council worker submits the plan"):
        services.support_plan_submit(plan=plan, actor=account, expected_version=plan.version)


def test_home_lists_the_plan_with_its_status_and_a_link(family_plan, client_as):
    account, plan = family_plan
    html = client_as(account).get(reverse("portal_home")).content.decode()
    assert reverse("portal_plan_detail", args=[plan.pk]) in html
    assert "Being written" in html and "Continue" in html
    assert "Plan your support" not in html, "a plan is already in progress"
    status = client_as(account).get(reverse("portal_assessment", args=[plan.assessment_id])).content.decode()
    assert reverse("portal_plan_detail", args=[plan.pk]) in status


def test_the_assessment_page_offers_to_plan_once_eligible(family, client_as):
    account, assessment = family
    html = client_as(account).get(reverse("portal_assessment", args=[assessment.pk])).content.decode()
    assert reverse("portal_plan_start", args=[assessment.pk]) in html


def test_starting_again_goes_to_the_plan_in_progress(family_plan, client_as):
    account, plan = family_plan
    response = client_as(account).post(reverse("portal_plan_start", args=[plan.assessment_id]))
    assert response.status_code == 302 and response["Location"] == reverse("portal_plan_detail", args=[plan.pk])
    assert SupportPlan.objects.filter(person=plan.person).count() == 1


def test_an_assessment_not_yet_signed_off_cannot_start_a_plan(social_worker, client_as):
    account, assessment = portal_self_assessment_with_record(worker=social_worker)
    response = client_as(account).post(reverse("portal_plan_start", args=[assessment.pk]))
    assert response["Location"] == reverse("portal_assessment", args=[assessment.pk])
    assert not SupportPlan.objects.exists()


def test_every_page_opens_for_the_family(family_plan, client_as):
    """Each page renders (200); the direct payment page is the worker's, so it leads back to the plan."""
    account, plan = family_plan
    plan = with_line_and_risk(account, plan)
    client = client_as(account)
    urls = page_urls(plan)
    for name in ("portal_plan_about_autosave", "portal_plan_hand_over", "portal_plan_start"):
        urls.pop(name)
    redirect_to_detail = {"portal_plan_direct_payment"}
    for name, url in urls.items():
        response = client.get(url)
        if name in redirect_to_detail:
            assert response.status_code == 302 and response["Location"] == urls["portal_plan_detail"], name
        else:
            assert response.status_code == 200, name
    detail = client.get(urls["portal_plan_detail"]).content.decode()
    assert "Download the plan (PDF)" in detail and urls["portal_plan_pdf"] in detail
    assert "Record the direct payment conditions" not in detail
    assert "Cancel this plan" not in detail


def test_the_pdf_downloads_and_its_export_is_logged(family_plan, client_as):
    from selfdirect.core.models import AuditEvent

    account, plan = family_plan
    response = client_as(account).get(reverse("portal_plan_pdf", args=[plan.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="support-plan-{plan.pk}.pdf"'
    assert response.content.startswith(b"%PDF") and len(response.content) > 1000
    assert AuditEvent.objects.filter(action="export", person_id=plan.person_id, actor=account).exists()


# --- Who may see and change it -------------------------------------------------------------------------------


def test_another_portal_account_finds_nothing(family_plan, client_as, social_worker):
    """Every plan address (and starting from the assessment) is 404 for someone else's account, GET and POST."""
    account, plan = family_plan
    plan = with_line_and_risk(account, plan)
    stranger = UserFactory(role="", username="x@example.com", email="x@example.com", email_verified_at=plan.created_at)
    client = client_as(stranger)
    before = fresh(plan).version
    for name, url in page_urls(plan).items():
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url, {"version": before, "to": "worker", "what_matters": "Hacked"}).status_code == 404, name
    assert fresh(plan).version == before and fresh(plan).held_by == Party.PERSON


def test_signed_out_visitors_are_sent_to_the_portal_sign_in(family_plan, client):
    account, plan = family_plan
    plan = with_line_and_risk(account, plan)
    for name, url in page_urls(plan).items():
        response = (
            client.post(url) if name in ("portal_plan_hand_over", "portal_plan_about_autosave") else client.get(url)
        )
        if name == "portal_plan_about_autosave":
            assert response.status_code == 403 and response.json()["signed_out"] is True
            continue
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("portal_sign_in")), name


def test_staff_accounts_get_403_on_portal_plan_pages(family_plan, client_as, social_worker):
    account, plan = family_plan
    plan = with_line_and_risk(account, plan)
    client = client_as(social_worker)
    assert client.get(reverse("portal_plan_detail", args=[plan.pk])).status_code == 403
    assert client.get(reverse("portal_plan_pdf", args=[plan.pk])).status_code == 403


def test_a_plan_the_worker_is_writing_is_read_only_to_the_family(staff_plan, client_as, social_worker):
    """No change links, no hand-over; editing addresses lead back to the plan with why; nothing is saved."""
    account, plan = staff_plan
    plan = with_line_and_risk(social_worker, plan)
    client = client_as(account)
    urls = page_urls(plan)
    detail = client.get(urls["portal_plan_detail"]).content.decode()
    assert "Your council worker is writing this plan with you" in detail
    assert urls["portal_plan_about"] not in detail and urls["portal_plan_line_new"] not in detail
    assert "Send the plan to my worker" not in detail
    assert "Download the plan (PDF)" in detail

    version = fresh(plan).version
    for name in (
        "portal_plan_about",
        "portal_plan_need",
        "portal_plan_line_new",
        "portal_plan_line",
        "portal_plan_risk_new",
        "portal_plan_risk",
        "portal_plan_remove",
        "portal_plan_contingency",
    ):
        response = client.get(urls[name])
        assert response.status_code == 302 and response["Location"] == urls["portal_plan_detail"], name
        response = client.post(urls[name], line_post(plan) | risk_post(plan) | {"what_matters": "Changed"})
        assert response.status_code == 302 and response["Location"] == urls["portal_plan_detail"], name
    response = client.post(urls["portal_plan_hand_over"], {"version": version, "to": "worker"})
    assert response.status_code == 302
    response = client.post(urls["portal_plan_about_autosave"], {"version": version, "what_matters": "Changed"})
    assert response.status_code == 409 and "council worker" in response.json()["errors"]["__all__"][0]
    assert fresh(plan).version == version and PlanLine.objects.filter(plan=plan).count() == 1

    followed = client_as(account).get(urls["portal_plan_about"], follow=True).content.decode()
    assert followed.count("Your council worker is writing this plan with you") == 2, "the message, then the note"


def test_a_plan_sent_for_approval_is_read_only_even_for_the_family_planner(family_plan, client_as):
    account, plan = family_plan
    SupportPlan.objects.filter(pk=plan.pk).update(status=S.WITH_MANAGER)
    client = client_as(account)
    response = client.get(reverse("portal_plan_about", args=[plan.pk]))
    assert response["Location"] == reverse("portal_plan_detail", args=[plan.pk])
    detail = client.get(reverse("portal_plan_detail", args=[plan.pk])).content.decode()
    assert "sent for approval, so it cannot be changed now" in detail


# --- Autosave and bad input ----------------------------------------------------------------------------------


def test_autosave_returns_the_new_version_and_refuses_a_stale_one(family_plan, client_as):
    account, plan = family_plan
    client = client_as(account)
    url = reverse("portal_plan_about_autosave", args=[plan.pk])
    version = fresh(plan).version
    response = client.post(url, {"version": version, "what_matters": "Seeing my grandchildren"})
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True and body["version"] == version + 1
    assert fresh(plan).what_matters == "Seeing my grandchildren"

    response = client.post(url, {"version": version, "what_matters": "Something else"})
    assert response.status_code == 409
    assert "Someone else saved this plan" in response.json()["errors"]["__all__"][0]
    assert fresh(plan).what_matters == "Seeing my grandchildren"


def test_autosave_needs_post(family_plan, client_as):
    account, plan = family_plan
    assert client_as(account).get(reverse("portal_plan_about_autosave", args=[plan.pk])).status_code == 405


def test_a_stale_form_save_keeps_what_was_typed(family_plan, client_as):
    account, plan = family_plan
    version = fresh(plan).version
    services.support_plan_update(plan=fresh(plan), actor=account, expected_version=version, outcomes="Theirs")
    response = client_as(account).post(
        reverse("portal_plan_about", args=[plan.pk]), {"version": version, "what_matters": "Mine, typed late"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this plan" in errors_of(html)
    assert "Mine, typed late" in html


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"units": "two"}, "Enter the units each time as a number"),
        ({"per_week": "every day"}, "Enter how many times a week as a number"),
        ({"unit_rate": "lots"}, "Enter the unit rate in pounds as a number"),
        ({"unit_rate": "£1e9"}, "too large"),
        ({"support_kind": ""}, "Choose who will provide this support"),
        ({"description": ""}, "Enter what the support is"),
        ({"need": "999999"}, "Select a valid choice"),
        ({"version": "abc"}, "Enter a whole number"),
    ],
)
def test_bad_support_lines_show_the_error_summary(family_plan, client_as, overrides, message):
    account, plan = family_plan
    response = client_as(account).post(reverse("portal_plan_line_new", args=[plan.pk]), line_post(plan, **overrides))
    assert response.status_code == 200
    assert message in errors_of(response.content.decode())
    assert not PlanLine.objects.filter(plan=plan).exists()


def test_other_bad_input_shows_the_error_summary(family_plan, client_as):
    account, plan = family_plan
    client = client_as(account)
    version = fresh(plan).version
    response = client.post(
        reverse("portal_plan_about", args=[plan.pk]),
        {"version": version, "start_date_0": "31", "start_date_1": "2", "start_date_2": "2026"},
    )
    assert response.status_code == 200 and errors_of(response.content.decode())
    response = client.post(reverse("portal_plan_risk_new", args=[plan.pk]), risk_post(plan, likelihood="sometimes"))
    assert response.status_code == 200 and "Select a valid choice" in errors_of(response.content.decode())
    response = client.post(reverse("portal_plan_risk_new", args=[plan.pk]), risk_post(plan, persons_view=""))
    assert "Record the person's own view" in errors_of(response.content.decode())
    long_phone = CONTINGENCY | {"version": version, "backup_phone": "0" * 31}
    response = client.post(reverse("portal_plan_contingency", args=[plan.pk]), long_phone)
    assert response.status_code == 200 and errors_of(response.content.decode())
    assert client.get(reverse("portal_plan_remove", args=[plan.pk, "cat", 1])).status_code == 404
    assert client.get(reverse("portal_plan_need", args=[plan.pk, 999999])).status_code == 404
    assert fresh(plan).version == version
