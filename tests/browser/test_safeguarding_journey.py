"""Safeguarding in a real browser (issue 7), with axe-core on every page visited.

A neighbour tells the council, on the public form, that an older woman is being hurt; the safeguarding lead matches
the concern to her record and triages it into a section 42 enquiry. And a worker who is not allowed to open a
restricted record breaks the glass, giving a reason; the safeguarding lead sees it on the break-glass report and
marks it reviewed."""

import re

import pytest
from playwright.sync_api import Page, expect

from selfdirect.core.roles import Role
from selfdirect.market.models import Provider
from selfdirect.safeguarding import forms as safeguarding_forms
from selfdirect.safeguarding import services
from selfdirect.safeguarding.models import BreakGlass, SafeguardingConcern, SafeguardingEnquiry
from tests.browser.axe import assert_no_axe_violations
from tests.browser.signin import staff_sign_in
from tests.factories import PersonFactory, TeamFactory, UserFactory

PASSWORD = "password"  # every UserFactory account's


@pytest.fixture
def council(transactional_db, monkeypatch):
    """A safeguarding lead, Mary Smith's allocated social worker, another worker in the team, and Mary's record.
    The public form's minimum time to fill in is lifted: Playwright types faster than any person (the check
    itself is tested in tests/safeguarding/test_public_form.py)."""
    monkeypatch.setattr(safeguarding_forms, "MIN_FILL_SECONDS", 0)
    team = TeamFactory(name="Older people north", code="opn")
    lead = UserFactory(username="aisha", role=Role.SAFEGUARDING_LEAD, first_name="Aisha", last_name="Rahman")
    worker = UserFactory(username="sam", role=Role.SOCIAL_WORKER, teams=[team], first_name="Sam", last_name="Worker")
    other = UserFactory(username="olu", role=Role.SOCIAL_WORKER, teams=[team], first_name="Olu", last_name="Other")
    mary = PersonFactory(first_name="Mary", last_name="Smith", postcode="NM1 2AB", allocated_team=team,
                         allocated_worker=worker)  # fmt: skip
    provider = Provider.objects.create(name="Moorside Home Care", cqc_location_id="1-101", registration="registered")
    return {"lead": lead, "worker": worker, "other": other, "mary": mary, "provider": provider}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def success(page: Page, text: str) -> None:
    expect(page.get_by_role("alert").filter(has_text="Success")).to_contain_text(text)


def sign_in(page: Page, base: str, username: str) -> None:
    staff_sign_in(page, base, username)


def answer(page: Page, legend: str, label: str) -> None:
    page.get_by_role("group", name=legend).get_by_label(label, exact=True).check()


def test_a_neighbour_raises_a_concern_and_the_lead_triages_it_into_an_s42_enquiry(page: Page, live_server, council):
    base = live_server.url
    page.goto(f"{base}/raise-a-concern/")
    expect(heading(page)).to_have_text("Tell us you are worried about an adult")
    expect(page.locator(".govuk-warning-text")).to_contain_text("If someone is in danger now, phone 999")
    assert_no_axe_violations(page)

    # Sent without the essentials: a clear error, not a failure.
    page.get_by_role("button", name="Send the concern").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the name of the adult")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)

    page.get_by_label("Name of the adult you are worried about").fill("Mary Smith")
    page.get_by_label("Their postcode, if you know it").fill("NM1 2AB")
    answer(page, "Is anyone in danger right now?", "No")
    page.get_by_label("What has happened, or what are you worried about?").fill(
        "I live next door. Every night I hear her nephew shouting, and today she had bruises on both arms."
    )
    page.get_by_label("When did it happen?").fill("The last two weeks")
    page.get_by_label("Physical abuse").check()
    page.get_by_label("Psychological or emotional abuse").check()
    page.get_by_label("Who do you think is causing the harm?").fill("Her nephew, who has moved in")
    page.get_by_label("What does the person think, and what do they want to happen?").fill(
        "She told me she wants him to leave but is scared to say so."
    )
    answer(page, "Does the person know you are telling us?", "No")
    answer(page, "Who are you?", "A neighbour or member of the public")
    page.get_by_label("Your name", exact=True).fill("Pat Jones")
    page.get_by_label("Your phone number or email address").fill("07700 900123")
    page.get_by_role("button", name="Send the concern").click()

    expect(heading(page)).to_have_text("Concern sent")
    concern = SafeguardingConcern.objects.get()
    expect(page.locator(".govuk-panel")).to_contain_text(concern.reference)
    expect(page.locator("main")).not_to_contain_text("Mary")
    assert_no_axe_violations(page)
    assert concern.from_public_form and concern.person is None

    # The safeguarding lead's queue.
    sign_in(page, base, "aisha")
    page.goto(f"{base}/safeguarding/")
    expect(heading(page)).to_have_text("Safeguarding")
    queue = page.get_by_role("table", name="Concerns waiting for triage")
    expect(queue).to_contain_text("Not matched to a record")
    assert_no_axe_violations(page)
    queue.get_by_role("link", name=concern.reference).click()
    expect(heading(page)).to_have_text(f"Safeguarding concern {concern.reference}")
    expect(page.locator("main")).to_contain_text("bruises on both arms")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Match to a person's record").click()
    expect(heading(page)).to_have_text("Match the concern to a person's record")
    assert_no_axe_violations(page)
    mary = council["mary"]
    page.get_by_role("button", name=f"Match to Mary Smith, {mary.council_id}").click()
    success(page, f"Concern {concern.reference} matched to Mary Smith")
    assert_no_axe_violations(page)

    # The neighbour named the home care agency: the lead names it from the register (a choice is needed first).
    page.get_by_role("link", name="Name a personal assistant or provider").click()
    expect(heading(page)).to_have_text("Name a personal assistant or provider")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Name them").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a personal assistant or a provider")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    page.get_by_label("A care provider").select_option(label="Moorside Home Care")
    page.get_by_role("button", name="Name them").click()
    success(page, "Provider named")
    assert SafeguardingConcern.objects.get(pk=concern.pk).alleged_provider == council["provider"]

    page.get_by_role("link", name="Triage this concern").click()
    expect(heading(page)).to_have_text(f"Triage concern {concern.reference}")
    assert_no_axe_violations(page)
    answer(page, "(a) Does the person have needs for care and support?", "Yes")
    answer(page, "(b) Is the person experiencing, or at risk of, abuse or neglect?", "Yes")
    answer(page, "(c) Because of those needs, is the person unable to protect themselves", "No")
    answer(page, "Decision", "Section 42 enquiry")
    page.get_by_label("Reasons for the decision").fill("Bruising reported by a neighbour; Mary is frail.")
    page.get_by_label("Who will lead the enquiry?").select_option(label="Sam Worker")
    page.get_by_label("What does the person want to happen?").fill("For her nephew to move out, and to feel safe.")
    answer(page, "Would the person have substantial difficulty being involved", "No")
    page.get_by_role("button", name="Record the decision").click()
    # Not all three criteria: a section 42 enquiry is refused, clearly.
    expect(page.locator(".govuk-error-summary")).to_contain_text("needs all three criteria to be met")
    assert_no_axe_violations(page)
    assert not SafeguardingEnquiry.objects.exists()

    answer(page, "(c) Because of those needs, is the person unable to protect themselves", "Yes")
    page.get_by_role("button", name="Record the decision").click()
    success(page, "Section 42 enquiry opened, led by Sam Worker")
    expect(heading(page)).to_have_text("Section 42 enquiry")
    expect(page.locator("main")).to_contain_text("For her nephew to move out, and to feel safe.")
    assert_no_axe_violations(page)

    enquiry = SafeguardingEnquiry.objects.get()
    assert enquiry.person == mary and enquiry.lead == council["worker"] and enquiry.kind == "s42"
    mary.refresh_from_db()
    assert mary.is_restricted


def test_a_worker_breaks_the_glass_and_the_lead_reviews_it(page: Page, live_server, council):
    base = live_server.url
    mary = council["mary"]
    services.concern_raise(person=mary, actor=council["worker"], raised_by="worker",
                           what_happened="Unexplained bruising.", abuse_types=["physical"])  # fmt: skip

    sign_in(page, base, "olu")
    page.goto(f"{base}/people/{mary.pk}/")
    expect(heading(page)).to_have_text("This record is restricted")
    expect(page.locator("main")).not_to_contain_text("Mary")
    assert_no_axe_violations(page)

    page.get_by_label("Why do you need to open this record now?").fill("Too short")
    page.get_by_role("button", name="Break the glass and open the record").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least 10 characters")
    assert_no_axe_violations(page)
    page.get_by_label("Why do you need to open this record now?").fill(
        "Out-of-hours call: Mary's daughter says she has fallen; I need her GP and key safe details."
    )
    page.get_by_role("button", name="Break the glass and open the record").click()
    success(page, "The safeguarding lead has been told")
    expect(heading(page)).to_contain_text("Mary Smith")
    assert_no_axe_violations(page)
    assert BreakGlass.objects.get().user == council["other"]

    sign_in(page, base, "aisha")
    page.goto(f"{base}/safeguarding/break-glass/")
    expect(heading(page)).to_have_text("Break-glass report")
    report = page.get_by_role("table", name="Not yet reviewed")
    expect(report).to_contain_text("Olu Other")
    expect(report).to_contain_text("Out-of-hours call")
    assert_no_axe_violations(page)
    report.get_by_role("link", name=re.compile(r"^Review")).click()
    expect(heading(page)).to_have_text("Review a break-glass opening")
    assert_no_axe_violations(page)
    page.get_by_label("Review note").fill("Justified: a fall out of hours. No further action.")
    page.get_by_role("button", name="Mark as reviewed").click()
    success(page, "marked reviewed")
    expect(page.locator("main")).to_contain_text("None: every opening has been reviewed")
    assert_no_axe_violations(page)
    assert BreakGlass.objects.get().reviewed_by == council["lead"]
