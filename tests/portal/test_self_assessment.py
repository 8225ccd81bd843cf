"""Asking for support and the supported self-assessment, through the real URLs: wording, saving, access."""

import pytest
from django.urls import reverse

from selfdirect.assessments import services as assessment_services
from selfdirect.assessments.models import Assessment, OutcomeAnswer, SupportRequest, TextAnswer
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.portal import selectors

pytestmark = pytest.mark.django_db

EATING_YOU = "Can you get enough to eat and drink, including getting food in and preparing it?"
EATING_THEY = "Can they get enough to eat and drink, including getting food in and preparing it?"
HOPES_SECTION = "Looking ahead (optional)"


def number_of(assessment, section: str) -> int:
    return selectors.section_number(assessment, section)


def section_url(assessment, section: str) -> str:
    return reverse("portal_section", args=[assessment.pk, number_of(assessment, section)])


def autosave_url(assessment, section: str) -> str:
    return reverse("portal_section_autosave", args=[assessment.pk, number_of(assessment, section)])


def errors_of(response) -> str:
    html = response.content.decode()
    start = html.find("govuk-error-summary")
    return html[start : html.find("</ul>", start)] if start >= 0 else ""


def request_post(**overrides) -> dict:
    data = {
        "for_whom": "myself",
        "first_name": "Priya",
        "last_name": "Shah",
        "date_of_birth_0": "4",
        "date_of_birth_1": "3",
        "date_of_birth_2": "1958",
        "postcode": "nm1 2ab",
        "phone": "",
        "what_they_need": "Help with cooking since my stroke.",
        "immediate_risk": "no",
    }
    return data | overrides


# --- Asking for support -------------------------------------------------------------------------------


def test_request_for_myself_creates_request_and_self_assessment(client_as, portal_user, question_bank):
    """Asking for yourself records a portal request (self, community route) and a supported self-assessment
    answered by the person, then opens it."""
    user = portal_user(first_name="Priya", last_name="Shah")
    response = client_as(user).post(reverse("portal_request_new"), request_post())
    support_request = SupportRequest.objects.get(portal_user=user)
    assessment = support_request.assessments.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_assessment", args=[assessment.pk])
    assert support_request.channel == "portal"
    assert support_request.route_of_access == "Community/Other route"
    assert support_request.requester == "self"
    assert support_request.subject_postcode == "NM1 2AB"
    assert support_request.subject_date_of_birth.isoformat() == "1958-03-04"
    assert support_request.requester_contact == user.email
    assert support_request.immediate_risk is False
    assert assessment.respondent == Assessment.Respondent.PERSON
    assert assessment.respondent_name == "Priya Shah"
    assert assessment.method == "Supported Self-Assessment"
    assert assessment.status == Assessment.Status.DRAFT
    assert AuditEvent.objects.filter(actor=user, object_type="assessments.supportrequest").exists()


def test_request_for_someone_else_records_who_is_answering(client_as, portal_user, question_bank):
    """Asking for a parent records the requester as family and an on-behalf respondent with the relationship."""
    user = portal_user(first_name="Asha", last_name="Shah")
    data = request_post(
        for_whom="someone_else",
        requester="family",
        relationship="Daughter",
        requester_name="Asha Shah",
        first_name="Kamala",
        date_of_birth_2="1936",
    )
    client_as(user).post(reverse("portal_request_new"), data)
    support_request = SupportRequest.objects.get(portal_user=user)
    assessment = support_request.assessments.get()
    assert support_request.requester == "family"
    assert support_request.requester_name == "Asha Shah"
    assert support_request.subject_name == "Kamala Shah"
    assert assessment.respondent == Assessment.Respondent.ON_BEHALF
    assert assessment.respondent_name == "Asha Shah"
    assert assessment.respondent_relationship == "Daughter"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"for_whom": ""}, "Select who needs support"),
        ({"for_whom": "someone_else"}, "Enter your relationship to them"),
        ({"for_whom": "someone_else"}, "Enter your full name"),
        ({"for_whom": "someone_else", "relationship": "Son"}, "Select how you know them"),
        ({"date_of_birth_2": "2999"}, "Date of birth must be in the past"),
        ({"date_of_birth_0": ""}, "Date of birth must include a day"),
        ({"postcode": "ZZZ"}, "Enter a real postcode"),
        ({"phone": "call me"}, "Enter a phone number"),
        ({"what_they_need": ""}, "Tell us what help you need"),
        ({"immediate_risk": ""}, "Select yes if anyone is at immediate risk"),
        ({"last_name": "<b>Shah</b>"}, "Names must only include letters"),
    ],
)
def test_request_validation_keeps_what_was_typed(client_as, portal_user, question_bank, overrides, message):
    """Each mistake gets a GOV.UK error message; nothing is created and the typed text is shown again."""
    user = portal_user()
    response = client_as(user).post(reverse("portal_request_new"), request_post(**overrides))
    assert response.status_code == 200
    assert message in errors_of(response)
    if overrides.get("for_whom", "myself") and "what_they_need" not in overrides:
        assert "Help with cooking since my stroke." in response.content.decode()
    assert not SupportRequest.objects.exists()
    assert not Assessment.objects.exists()


def test_asking_starts_with_who_needs_support(client_as, portal_user, question_bank):
    """The first page asks only who needs support; no answer is an error; each answer words the next page for
    "you" (names filled in from the account) or "them" (the asker's name filled in)."""
    client = client_as(portal_user(first_name="Asha", last_name="Shah"))
    url = reverse("portal_request_new")
    first = client.get(url).content.decode()
    assert "Who needs support?" in first
    assert "govuk-error-summary" not in first
    assert "Select who needs support" in errors_of(client.get(url, {"step": "who"}))

    mine = client.get(url, {"step": "who", "for_whom": "myself"})
    assert mine.context["form"]["first_name"].value() == "Asha"
    assert "What would help you?" in mine.content.decode()
    assert "Your full name" not in mine.content.decode()

    theirs = client.get(url, {"step": "who", "for_whom": "someone_else"})
    html = theirs.content.decode()
    assert "Their first name" in html
    assert "How do you know them?" in html
    assert theirs.context["form"]["requester_name"].value() == "Asha Shah"
    assert theirs.context["form"]["first_name"].value() in (None, "")


def test_immediate_risk_is_recorded_and_the_person_told_to_phone(client_as, portal_user, question_bank):
    """Saying someone is at immediate risk is recorded on the request, and the next page says to phone 999 now."""
    client = client_as(portal_user())
    response = client.post(reverse("portal_request_new"), request_post(immediate_risk="yes"), follow=True)
    assert SupportRequest.objects.get().immediate_risk is True
    html = response.content.decode()
    assert "You told us someone is at immediate risk of harm" in html
    assert "phone 999" in html


# --- Wording ------------------------------------------------------------------------------------------


def test_person_sees_you_wording(client_as, portal_user, self_assessment):
    """The person answering for themselves reads the bank's "you" questions and section names."""
    user = portal_user()
    assessment = self_assessment(user)
    client = client_as(user)
    html = client.get(section_url(assessment, "Eating and drinking")).content.decode()
    assert EATING_YOU in html
    assert EATING_THEY not in html
    assert "None of these: I can do this without help or difficulty" in html
    assert ">Your health<" in client.get(section_url(assessment, "Your health")).content.decode()


def test_proxy_sees_they_wording(client_as, portal_user, proxy_assessment):
    """Someone answering on the person's behalf reads "they" questions, and "Their health" as the section name."""
    user = portal_user()
    assessment = proxy_assessment(user)
    client = client_as(user)
    html = client.get(section_url(assessment, "Eating and drinking")).content.decode()
    assert EATING_THEY in html
    assert EATING_YOU not in html
    assert "They need help, prompting or reminding" in html
    health = client.get(section_url(assessment, "Your health")).content.decode()
    assert ">Their health<" in health
    assert "their memory or mental health" in health
    assert "Their health" in client.get(reverse("portal_assessment", args=[assessment.pk])).content.decode()


# --- Hopes for the future -----------------------------------------------------------------------------


def test_proxy_does_not_see_future_hopes_until_they_opt_in(client_as, portal_user, proxy_assessment):
    """The optional "Looking ahead" section is hidden from a proxy (task list and URL) until they ask to see
    it; the choice is audited and can be undone."""
    user = portal_user()
    assessment = proxy_assessment(user)
    client = client_as(user)
    task_list = reverse("portal_assessment", args=[assessment.pk])
    html = client.get(task_list).content.decode()
    assert "Looking ahead" not in html
    assert "Show questions about their hopes for the future" in html
    hopes_url = section_url(assessment, HOPES_SECTION)
    assert client.get(hopes_url).status_code == 404
    assert client.post(hopes_url.replace("/section/", "/section/").rstrip("/") + "/autosave/").status_code == 404

    response = client.post(reverse("portal_future_hopes", args=[assessment.pk]), {"show": "yes"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.show_future_hopes_to_proxy is True
    assert AuditEvent.objects.filter(actor=user, summary__contains="hopes for the future shown").exists()
    html = client.get(task_list).content.decode()
    assert "Looking ahead (optional)" in html
    page = client.get(hopes_url)
    assert page.status_code == 200
    assert "Is there anything they hope for in the future?" in page.content.decode()

    client.post(reverse("portal_future_hopes", args=[assessment.pk]), {"show": "no"})
    assert client.get(hopes_url).status_code == 404


def test_person_always_sees_future_hopes_and_may_skip_them(client_as, portal_user, self_assessment):
    """The person themselves sees "Looking ahead" (no opt-in form), and leaving it blank costs nothing."""
    user = portal_user()
    assessment = self_assessment(user)
    client = client_as(user)
    html = client.get(reverse("portal_assessment", args=[assessment.pk])).content.decode()
    assert "Looking ahead (optional)" in html
    assert "Show questions about their hopes" not in html
    page = client.get(section_url(assessment, HOPES_SECTION)).content.decode()
    assert "Is there anything you hope for in the future? (optional)" in page
    check = client.get(reverse("portal_check", args=[assessment.pk])).content.decode()
    unanswered = check[check.find('id="unanswered-sections"') : check.find("</ul>", check.find('id="unanswered'))]
    assert "Looking ahead" not in unanswered
    assert client.post(reverse("portal_future_hopes", args=[assessment.pk]), {"show": "no"}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.show_future_hopes_to_proxy is False


# --- Saving -------------------------------------------------------------------------------------------


def test_save_and_come_back_later_keeps_answers(client_as, portal_user, self_assessment):
    """ "Save and come back later" saves the page, returns to the task list, and the answers are there next time."""
    user = portal_user()
    assessment = self_assessment(user)
    client = client_as(user)
    url = section_url(assessment, "Eating and drinking")
    response = client.post(
        url,
        {"a__reasons": ["without_assistance"], "a__own_words": "I forget to eat lunch.", "action": "later"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_assessment", args=[assessment.pk])
    answer = OutcomeAnswer.objects.get(assessment=assessment, code="a")
    assert answer.unable_reasons == ["without_assistance"]
    assert answer.own_words == "I forget to eat lunch."

    html = client.get(url).content.decode()
    assert "I forget to eat lunch." in html
    assert 'value="without_assistance" checked' in html
    task_list = client.get(reverse("portal_assessment", args=[assessment.pk])).content.decode()
    assert "Completed" in task_list


def test_save_and_continue_goes_to_the_next_section_then_check(client_as, portal_user, self_assessment):
    """ "Save and continue" goes to the next visible section; from the last one, to check your answers."""
    user = portal_user()
    assessment = self_assessment(user)
    client = client_as(user)
    response = client.post(section_url(assessment, "Eating and drinking"), {"action": "continue"})
    assert response["Location"] == section_url(assessment, "Keeping clean")
    response = client.post(section_url(assessment, HOPES_SECTION), {"future_hopes": "", "action": "continue"})
    assert response["Location"] == reverse("portal_check", args=[assessment.pk])


def test_section_statuses_follow_the_answers(client_as, portal_user, self_assessment):
    """A section with some required answers is in progress; with all of them, completed."""
    user = portal_user()
    assessment = self_assessment(user)
    client = client_as(user)
    client.post(section_url(assessment, "A typical week"), {"typical_week": "Same every day.", "action": "later"})
    assessment.refresh_from_db()
    statuses = {s.name: s.status for s in selectors.answers_by_section(assessment)}
    assert statuses["A typical week"] == selectors.Status.IN_PROGRESS
    assert statuses["Eating and drinking"] == selectors.Status.NOT_STARTED
    assert statuses[HOPES_SECTION] == selectors.Status.OPTIONAL
    answers = {"needs_fluctuate": "no", "supervision": "some", "night_support": "none", "action": "later"}
    client.post(section_url(assessment, "A typical week"), answers)
    assessment.refresh_from_db()
    statuses = {s.name: s.status for s in selectors.answers_by_section(assessment)}
    assert statuses["A typical week"] == selectors.Status.COMPLETED


def test_none_with_a_reason_is_refused_and_nothing_saved(client_as, portal_user, self_assessment):
    """Ticking "None of these" with a reason is an error: the page re-renders with everything typed, and
    nothing on the page is saved."""
    user = portal_user()
    assessment = self_assessment(user)
    client = client_as(user)
    data = {"a__reasons": ["none", "without_assistance"], "a__own_words": "Typed with care.", "action": "continue"}
    response = client.post(section_url(assessment, "Eating and drinking"), data)
    assert response.status_code == 200
    assert "Select what applies, or &#x27;None of these&#x27;, not both" in errors_of(response)
    assert "Typed with care." in response.content.decode()
    assert not OutcomeAnswer.objects.filter(assessment=assessment).exists()
    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version


def test_autosave_saves_partial_answers_and_returns_json(client_as, portal_user, self_assessment):
    """Autosave stores what is on the page so far and answers in JSON with the time saved."""
    user = portal_user()
    assessment = self_assessment(user)
    client = client_as(user)
    response = client.post(autosave_url(assessment, "What matters"), {"what_matters": "My garden and my cat."})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["saved"] is True
    assert body["saved_at"]
    assert body["saved_at_display"]
    assert TextAnswer.objects.get(assessment=assessment, question__key="what_matters").value == "My garden and my cat."
    assessment.refresh_from_db()
    assert assessment.wishes_and_outcomes == ""  # the other question on the page was left alone


def test_autosave_can_clear_an_answer(client_as, portal_user, self_assessment):
    """Deleting what you wrote is saved too (an emptied text box clears the answer)."""
    user = portal_user()
    assessment = self_assessment(user)
    client = client_as(user)
    url = autosave_url(assessment, "What matters")
    client.post(url, {"what_matters": "Typo", "wishes_and_outcomes": "To cook again"})
    client.post(url, {"what_matters": "", "wishes_and_outcomes": "To cook again"})
    assert TextAnswer.objects.get(assessment=assessment, question__key="what_matters").value == ""
    assessment.refresh_from_db()
    assert assessment.wishes_and_outcomes == "To cook again"


def test_autosave_rejects_invalid_answers_with_400_json(client_as, portal_user, self_assessment):
    """Invalid data gets 400 JSON naming the field, and nothing is saved."""
    user = portal_user()
    assessment = self_assessment(user)
    response = client_as(user).post(
        autosave_url(assessment, "Eating and drinking"), {"a__reasons": ["none", "without_assistance"]}
    )
    assert response.status_code == 400
    assert response.json()["saved"] is False
    assert "a__reasons" in response.json()["errors"]
    assert not OutcomeAnswer.objects.filter(assessment=assessment).exists()


def test_autosave_when_signed_out_is_403_json_not_a_redirect(client, portal_user, self_assessment):
    """A signed-out autosave gets 403 JSON saying so (never the HTML sign-in page), and saves nothing."""
    assessment = self_assessment(portal_user())
    response = client.post(autosave_url(assessment, "What matters"), {"what_matters": "Lost?"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "saved": False,
        "signed_out": True,
        "message": "You have been signed out. Your answers are kept on this device: sign in again to save them",
    }
    assert not TextAnswer.objects.filter(assessment=assessment).exists()


def test_autosave_needs_post(client_as, portal_user, self_assessment):
    """Autosave only accepts POST."""
    user = portal_user()
    assessment = self_assessment(user)
    assert client_as(user).get(autosave_url(assessment, "What matters")).status_code == 405


# --- Check and submit ---------------------------------------------------------------------------------


def test_check_page_lists_unanswered_sections(client_as, portal_user, self_assessment):
    """The check page lists sections with required questions unanswered, and stops listing one once answered."""
    user = portal_user()
    assessment = self_assessment(user)
    client = client_as(user)
    check = reverse("portal_check", args=[assessment.pk])

    def unanswered_list():
        html = client.get(check).content.decode()
        start = html.find('id="unanswered-sections"')
        return html[start : html.find("</ul>", start)] if start >= 0 else ""

    listed = unanswered_list()
    assert "Eating and drinking" in listed
    assert "Your health" in listed
    client.post(section_url(assessment, "Eating and drinking"), {"a__reasons": ["none"], "action": "later"})
    listed = unanswered_list()
    assert "Eating and drinking" not in listed
    assert "Your health" in listed
    page = client.get(check).content.decode()
    assert "None of these: I can do this without help or difficulty" in page
    assert f'href="{section_url(assessment, "Eating and drinking")}"' in page


def test_submit_sends_it_and_answers_then_cannot_change(client_as, portal_user, self_assessment):
    """Sending hands the assessment to the council; afterwards sections and autosave are closed to edits."""
    user = portal_user()
    assessment = self_assessment(user)
    client = client_as(user)
    client.post(section_url(assessment, "What matters"), {"what_matters": "Family", "action": "later"})
    response = client.post(reverse("portal_check", args=[assessment.pk]))
    assert response["Location"] == reverse("portal_assessment", args=[assessment.pk])
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.submitted_at is not None

    status_page = client.get(reverse("portal_assessment", args=[assessment.pk])).content.decode()
    assert "Sent to the council" in status_page
    assert "Family" in status_page
    section = client.get(section_url(assessment, "What matters"))
    assert section["Location"] == reverse("portal_assessment", args=[assessment.pk])
    saved = client.post(autosave_url(assessment, "What matters"), {"what_matters": "Changed"})
    assert saved.status_code == 409
    assert TextAnswer.objects.get(assessment=assessment, question__key="what_matters").value == "Family"
    assert client.post(reverse("portal_check", args=[assessment.pk]))["Location"].endswith(
        reverse("portal_assessment", args=[assessment.pk])
    )


def test_person_sees_council_changes_and_decision_in_plain_english(
    client_as, portal_user, self_assessment, user_of_role
):
    """After verification the person sees each changed answer with the reason, and the decision once made."""
    user = portal_user()
    worker = user_of_role(Role.SOCIAL_WORKER)
    assessment = self_assessment(user)
    client = client_as(user)
    client.post(section_url(assessment, "Eating and drinking"), {"a__reasons": ["none"], "action": "later"})
    assessment_services.assessment_submit(assessment=assessment, actor=user)
    assessment_services.answer_change(
        assessment=assessment,
        actor=worker,
        item="a",
        new_value=["without_assistance"],
        reason="At the visit you said your son brings meals most days.",
    )
    html = client.get(reverse("portal_assessment", args=[assessment.pk])).content.decode()
    assert "What the council changed, and why" in html
    assert EATING_YOU in html
    assert "None of these: I can do this without help or difficulty" in html
    assert "I need help, prompting or reminding to do this" in html
    assert "At the visit you said your son brings meals most days." in html

    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.SIGNED_OFF,
        decision=Assessment.Decision.CONFIRMED,
        decision_eligible=True,
        computed_explanation=["You cannot achieve 2 or more of the outcomes."],
        decision_reason="Agreed with you at the visit.",
    )
    html = client.get(reverse("portal_assessment", args=[assessment.pk])).content.decode()
    assert "You are eligible for care and support" in html
    assert "You cannot achieve 2 or more of the outcomes." in html
    assert "Agreed with you at the visit." in html


# --- Access -------------------------------------------------------------------------------------------


def portal_urls(assessment) -> list[tuple[str, str]]:
    first = reverse("portal_section", args=[assessment.pk, 1])
    return [
        ("get", reverse("portal_assessment", args=[assessment.pk])),
        ("get", first),
        ("post", first),
        ("post", reverse("portal_section_autosave", args=[assessment.pk, 1])),
        ("get", reverse("portal_check", args=[assessment.pk])),
        ("post", reverse("portal_check", args=[assessment.pk])),
        ("post", reverse("portal_future_hopes", args=[assessment.pk])),
    ]


def test_another_portal_users_assessment_is_not_found(client_as, portal_user, proxy_assessment):
    """Someone else's assessment id gives 404 on every page, and nothing of theirs changes."""
    owner, stranger = portal_user(), portal_user()
    assessment = proxy_assessment(owner)
    client = client_as(stranger)
    for method, url in portal_urls(assessment):
        assert getattr(client, method)(url, {"what_matters": "x", "show": "yes"}).status_code == 404, url
    autosave = client.post(reverse("portal_section_autosave", args=[assessment.pk, 1]), {"what_matters": "x"})
    assert autosave["Content-Type"] == "application/json"
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.show_future_hopes_to_proxy is False
    assert not TextAnswer.objects.filter(assessment=assessment).exists()


def test_staff_get_403_on_self_assessment_pages(client_as, portal_user, self_assessment, user_of_role):
    """Staff accounts, whatever their role, are refused on portal assessment pages."""
    assessment = self_assessment(portal_user())
    client = client_as(user_of_role(Role.TEAM_MANAGER))
    for method, url in portal_urls(assessment):
        assert getattr(client, method)(url).status_code == 403, url


def test_dashboard_lists_only_my_requests(client_as, portal_user, self_assessment, proxy_assessment):
    """The dashboard shows the account's own requests with their status, and nobody else's."""
    me, other = portal_user(), portal_user()
    mine = proxy_assessment(me)
    theirs = self_assessment(other)
    html = client_as(me).get(reverse("portal_home")).content.decode()
    assert "Support for Kamala Shah" in html
    assert reverse("portal_assessment", args=[mine.pk]) in html
    assert reverse("portal_assessment", args=[theirs.pk]) not in html
    assert "Being completed" in html


def test_sections_out_of_range_are_not_found(client_as, portal_user, self_assessment):
    """Section numbers outside the bank give 404."""
    user = portal_user()
    assessment = self_assessment(user)
    client = client_as(user)
    assert client.get(reverse("portal_section", args=[assessment.pk, 0])).status_code == 404
    assert client.get(reverse("portal_section", args=[assessment.pk, 99])).status_code == 404


def test_person_sees_their_personal_budget_once_agreed(client_as, social_worker):
    """Once a personal budget is agreed, the person sees its total, their contribution and the council's amount
    on their portal page, with yearly equivalents."""
    import datetime
    from decimal import Decimal

    from selfdirect.assessments import services as assessment_services
    from selfdirect.money.budget_services import personal_budget_set
    from tests.factories import portal_self_assessment_with_record

    account, assessment = portal_self_assessment_with_record(worker=social_worker)
    assessment_services.assessment_submit(assessment=assessment, actor=account)
    url = reverse("portal_assessment", args=[assessment.pk])
    assert "Your personal budget" not in client_as(account).get(url).content.decode()
    personal_budget_set(
        person=assessment.person,
        actor=social_worker,
        weekly_total_cost=Decimal("300.00"),
        weekly_person_contribution=Decimal("45.50"),
        split={"weekly_council_managed": Decimal("300.00")},
        effective_from=datetime.date(2026, 12, 1),
        reason="Support plan agreed",
    )
    html = client_as(account).get(url).content.decode()
    assert "Your personal budget" in html and "£300.00" in html and "£45.50" in html and "£254.50" in html
