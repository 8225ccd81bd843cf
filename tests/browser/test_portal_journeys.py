"""Citizen portal journeys in a real browser, with axe-core checking every page visited."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from selfdirect.assessments import services as assessment_services
from selfdirect.assessments.models import Assessment, OutcomeAnswer, TextAnswer
from selfdirect.core.roles import Role
from selfdirect.portal import services, tokens
from tests.browser.axe import assert_no_axe_violations
from tests.factories import UserFactory
from tests.portal.bank import ensure_question_bank

PASSWORD = "a long memorable passphrase"


@pytest.fixture
def portal(transactional_db, settings):
    """The question bank (flushed by earlier transactional tests) and an in-memory outbox shared with
    live_server, which runs in this process."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    ensure_question_bank()


def verified_user(email: str, first_name: str, last_name: str):
    user = UserFactory(
        username=email,
        email=email,
        role="",
        first_name=first_name,
        last_name=last_name,
        email_verified_at=timezone.now(),
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def sign_in(page: Page, email: str) -> None:
    expect(heading(page)).to_have_text("Sign in")
    assert_no_axe_violations(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def answer_and_continue(page: Page) -> None:
    """Answer what this section asks in the plainest way, then "Save and continue"."""
    for group in page.locator(".govuk-checkboxes:has([data-behaviour=exclusive])").all():
        if not group.locator("input:checked").count():
            group.get_by_label(re.compile(r"^None of these")).check()
    for text_box in page.locator("textarea").all():
        label = page.locator(f"label[for='{text_box.get_attribute('id')}']").inner_text()
        if "(optional)" not in label and not text_box.input_value():
            text_box.fill("Much the same every week.")
    for group in page.locator(".govuk-radios").all():
        yes = group.get_by_label("Yes", exact=True)
        # Yes/no questions get "Yes"; questions with their own options (how often, supervision) the first one.
        (yes if yes.count() else group.locator("input[type=radio]").first).check()
    page.get_by_role("button", name="Save and continue").click()


def test_person_signs_up_asks_for_support_and_completes_over_two_sittings(page: Page, live_server, portal):
    """Create an account, confirm the email, ask for support, answer part of the self-assessment, sign out,
    come back to find the answers kept, finish and send it."""
    base = live_server.url
    page.goto(f"{base}/portal/")
    expect(heading(page)).to_have_text("Ask for care and support online")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Create an account").click()
    expect(heading(page)).to_have_text("Create an account")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your first name")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)

    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("Email address").fill("Priya.Shah@example.com")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Type your password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(heading(page)).to_have_text("Check your email")
    expect(page.get_by_text("priya.shah@example.com")).to_be_visible()
    assert_no_axe_violations(page)

    # Unverified: the dashboard is out of reach.
    page.goto(f"{base}/portal/home/")
    expect(heading(page)).to_have_text("Check your email")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/portal/verify/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    expect(heading(page)).to_have_text("Your requests for support")
    expect(page.get_by_role("alert")).to_contain_text("Your email address is confirmed")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Ask for support").click()
    expect(heading(page)).to_have_text("Who needs support?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who needs support")
    assert_no_axe_violations(page)
    page.get_by_label("Me", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Ask for support for yourself")
    assert_no_axe_violations(page)
    # The account already knows the name: nothing typed twice.
    expect(page.get_by_label("First name")).to_have_value("Priya")
    expect(page.get_by_label("Last name")).to_have_value("Shah")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1958")
    page.get_by_label("Postcode").fill("nm1 2ab")
    page.get_by_label("What would help you?").fill("Since my stroke I struggle to cook and to get to the shops.")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Send request").click()

    expect(heading(page)).to_have_text("Your self-assessment")
    expect(page.get_by_role("alert")).to_contain_text("Your request for support has been sent")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="What matters").click()
    expect(heading(page)).to_have_text("What matters")
    assert_no_axe_violations(page)
    page.get_by_label("What matters most to you in your day-to-day life?").fill("My allotment and my grandchildren.")
    page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("Eating and drinking")
    expect(page.get_by_text("Can you get enough to eat and drink")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("I need help, prompting or reminding to do this").check()
    page.get_by_role("button", name="Save and come back later").click()

    expect(heading(page)).to_have_text("Your self-assessment")
    expect(page.get_by_role("alert")).to_contain_text("Your answers have been saved")
    expect(page.locator("#section-2-status")).to_have_text("Completed")
    assert_no_axe_violations(page)

    # Second sitting.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("alert")).to_contain_text("You have signed out")
    sign_in(page, "PRIYA.SHAH@example.com")
    expect(heading(page)).to_have_text("Your requests for support")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Continue the self-assessment").click()
    expect(heading(page)).to_have_text("Your self-assessment")
    page.get_by_role("link", name="What matters").click()
    expect(page.get_by_label("What matters most to you in your day-to-day life?")).to_have_value(
        "My allotment and my grandchildren."
    )
    assert_no_axe_violations(page)
    page.get_by_label("What would you like to be different, or to be able to do?").fill("To cook my own meals.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_label("I need help, prompting or reminding to do this")).to_be_checked()

    # Finish every section, checking each page.
    while heading(page).inner_text() != "Check your answers before sending them":
        assert_no_axe_violations(page)
        answer_and_continue(page)
    assert_no_axe_violations(page)
    expect(page.locator("#unanswered-sections")).to_have_count(0)
    expect(page.get_by_text("My allotment and my grandchildren.")).to_be_visible()

    page.get_by_role("button", name="Send to the council").click()
    expect(heading(page)).to_have_text("Your self-assessment")
    expect(page.get_by_role("alert")).to_contain_text("sent to the council")
    expect(page.get_by_text("What happens next")).to_be_visible()
    assert_no_axe_violations(page)

    assessment = Assessment.objects.get()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.respondent == Assessment.Respondent.PERSON
    assert OutcomeAnswer.objects.get(assessment=assessment, code="a").unable_reasons == ["without_assistance"]

    # The council checks it, changes one answer with a reason, and decides: the person sees both.
    worker = UserFactory(role=Role.SOCIAL_WORKER, first_name="Sam", last_name="Okoro")
    assessment_services.answer_change(
        assessment=assessment,
        actor=worker,
        item="b",
        new_value=["without_assistance"],
        reason="At the visit you told me you need help to get in and out of the bath.",
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.SIGNED_OFF,
        decision=Assessment.Decision.CONFIRMED,
        decision_eligible=True,
        signed_off_at=timezone.now(),
        computed_explanation=["You are unable to achieve 2 of the outcomes in the regulations."],
    )
    page.reload()
    expect(page.locator("#decision")).to_have_text("You are eligible for care and support")
    expect(page.get_by_text("you need help to get in and out of the bath")).to_be_visible()
    assert_no_axe_violations(page)


def test_daughter_answers_for_her_mother_in_their_words(page: Page, live_server, portal):
    """A daughter asks for support for her mother with dementia, reads "they" questions, and is not asked about
    her mother's hopes for the future unless she chooses to be."""
    verified_user("asha@example.com", "Asha", "Shah")
    page.goto(f"{live_server.url}/portal/sign-in/")
    sign_in(page, "asha@example.com")
    expect(heading(page)).to_have_text("Your requests for support")
    expect(page.get_by_text("You have not asked for support yet.")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Ask for support").click()
    page.get_by_label("Someone else").check()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Ask for support for someone else")
    assert_no_axe_violations(page)
    expect(page.get_by_label("Your full name")).to_have_value("Asha Shah")
    page.get_by_role("button", name="Send request").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select how you know them")
    expect(summary).to_contain_text("Enter your relationship to them")
    assert_no_axe_violations(page)

    page.get_by_label("A family member or friend").check()
    page.get_by_label("What is your relationship to them?").fill("Daughter")
    page.get_by_label("Their first name").fill("Kamala")
    page.get_by_label("Their last name").fill("Shah")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("8")
    page.get_by_label("Year").fill("1936")
    page.get_by_label("Their postcode").fill("NM2 3FG")
    page.get_by_label("What would help them?").fill("Mum has dementia. She forgets to eat and gets lost outside.")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Send request").click()

    expect(heading(page)).to_have_text("Self-assessment for Kamala Shah")
    expect(page.get_by_text("You are answering for Kamala Shah")).to_be_visible()
    expect(page.get_by_role("link", name="Their health")).to_be_visible()
    expect(page.get_by_text("Looking ahead")).to_have_count(0)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Eating and drinking").click()
    expect(page.get_by_text("Can they get enough to eat and drink")).to_be_visible()
    expect(page.get_by_text("Can you get enough")).to_have_count(0)
    expect(page.get_by_label("They need help, prompting or reminding")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("They need help, prompting or reminding").check()
    page.get_by_label("In their words, or yours (optional)").fill("She forgets meals unless reminded.")
    page.get_by_role("button", name="Save and come back later").click()

    page.get_by_role("button", name="Show questions about their hopes for the future").click()
    expect(page.get_by_role("alert")).to_contain_text("have been added to the list")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Looking ahead (optional)").click()
    expect(page.get_by_text("Is there anything they hope for in the future?")).to_be_visible()
    expect(page.get_by_text("It does not change what support they can get.")).to_be_visible()
    assert_no_axe_violations(page)

    assessment = Assessment.objects.get()
    assert assessment.respondent == Assessment.Respondent.ON_BEHALF
    assert assessment.respondent_relationship == "Daughter"
    assert assessment.show_future_hopes_to_proxy is True


@pytest.fixture
def started(portal):
    """A verified account with a self-assessment already started."""
    user = verified_user("priya@example.com", "Priya", "Shah")
    assessment = services.portal_support_request(
        user=user,
        for_self=True,
        requester="self",
        requester_name="",
        relationship="",
        first_name="Priya",
        last_name="Shah",
        date_of_birth=datetime.date(1958, 3, 4),
        postcode="NM1 2AB",
        phone="",
        what_they_need="Help with cooking.",
        immediate_risk=False,
    )
    return assessment


def test_autosave_keeps_typing_without_pressing_a_button(page: Page, live_server, started):
    """Typing in a section saves itself after a pause ("Saved at ..."), so a reload shows the text."""
    page.goto(f"{live_server.url}/portal/sign-in/")
    sign_in(page, "priya@example.com")
    page.goto(f"{live_server.url}/portal/assessments/{started.pk}/section/1/")
    expect(heading(page)).to_have_text("What matters")
    expect(page.get_by_text("Your answers are saved automatically as you type.")).to_be_visible()
    assert_no_axe_violations(page)

    field = page.get_by_label("What matters most to you in your day-to-day life?")
    field.fill("Seeing my sister on Sundays.")
    status = page.get_by_role("status")
    expect(status).to_contain_text(re.compile(r"Saved at \d{1,2}:\d{2}(am|pm)"), timeout=10_000)
    assert_no_axe_violations(page)

    page.reload()
    expect(field).to_have_value("Seeing my sister on Sundays.")
    assert_no_axe_violations(page)
    assert TextAnswer.objects.get(assessment=started, question__key="what_matters").value == (
        "Seeing my sister on Sundays."
    )


def test_answers_typed_after_the_session_ends_are_kept_and_saved_later(page: Page, live_server, started):
    """If the session has ended, autosave says so and keeps the answers on the device; after signing in
    again the page puts them back and saves them, then forgets the device's copy."""
    page.goto(f"{live_server.url}/portal/sign-in/")
    sign_in(page, "priya@example.com")
    section = f"{live_server.url}/portal/assessments/{started.pk}/section/1/"
    page.goto(section)
    expect(heading(page)).to_have_text("What matters")

    page.context.clear_cookies()  # the session ends (as after a time-out)
    page.get_by_label("What would you like to be different, or to be able to do?").fill("To cook for myself again.")
    status = page.get_by_role("status")
    expect(status).to_contain_text("You have been signed out. Your answers are kept on this device", timeout=10_000)
    assert_no_axe_violations(page)
    assert Assessment.objects.get(pk=started.pk).wishes_and_outcomes == ""

    status.get_by_role("link", name="Sign in again").click()
    sign_in(page, "priya@example.com")
    expect(heading(page)).to_have_text("What matters")
    field = page.get_by_label("What would you like to be different, or to be able to do?")
    expect(field).to_have_value("To cook for myself again.")
    expect(status).to_contain_text(re.compile(r"Saved at"), timeout=10_000)
    assert_no_axe_violations(page)
    assert Assessment.objects.get(pk=started.pk).wishes_and_outcomes == "To cook for myself again."
    kept = page.evaluate(f"() => window.localStorage.getItem('selfdirect-autosave:{started.pk}:1')")
    assert kept is None


def test_account_pages_are_accessible(page: Page, live_server, portal):
    """Sign-in errors, password reset, and verification links (good and bad) are all axe-clean."""
    base = live_server.url
    page.goto(f"{base}/portal/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Enter your email address").click()
    expect(page.get_by_label("Email address")).to_be_focused()

    page.get_by_role("link", name="Forgotten your password?").click()
    expect(heading(page)).to_have_text("Reset your password")
    assert_no_axe_violations(page)
    page.get_by_label("Email address").fill("nobody@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(heading(page)).to_have_text("Check your email")
    assert_no_axe_violations(page)

    page.goto(f"{base}/portal/reset-password/MQ/not-a-token/")
    expect(heading(page)).to_have_text("This link does not work")
    assert_no_axe_violations(page)

    page.goto(f"{base}/portal/verify/not-a-token/")
    expect(heading(page)).to_have_text("This link does not work")
    assert_no_axe_violations(page)

    user = UserFactory(username="new@example.com", email="new@example.com", role="", first_name="Nia")
    page.goto(f"{base}/portal/verify/{tokens.verification_token(user)}/")
    expect(heading(page)).to_have_text("Email address confirmed")
    assert_no_axe_violations(page)
