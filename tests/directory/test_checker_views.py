"""The public eligibility checker: anonymous, two steps (who, then the questions), nothing saved."""

import re

import pytest
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.directory.forms import ADULT_OUTCOME_TEXT, CARER_OUTCOME_TEXT
from selfdirect.rules.eligibility import ADULT_OUTCOMES, CARER_OUTCOMES

pytestmark = pytest.mark.django_db

START = "/eligibility-checker/"
ADULT_URL = "/eligibility-checker/adult/"
CARER_URL = "/eligibility-checker/carer/"


def heading_of(response) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()


def errors_of(response) -> str:
    html = response.content.decode()
    start = html.find("govuk-error-summary")
    return html[start : html.find("</ul>", start)] if start >= 0 else ""


def adult_answers(**overrides) -> dict:
    data = {
        "needs_arise_from_impairment_or_illness": "yes",
        "outcome_a": ["without_assistance"],
        "outcome_g": ["pain_distress_anxiety", "takes_significantly_longer"],
        "significant_impact_on_wellbeing": "yes",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def carer_answers(**overrides) -> dict:
    data = {
        "needs_arise_from_providing_necessary_care": "yes",
        "health_deteriorating": "no",
        "outcome_8": ["endangers_health_safety"],
        "significant_impact_on_wellbeing": "yes",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_urls_are_named():
    """The pages are reachable by name from other templates."""
    assert reverse("eligibility_checker") == START
    assert reverse("eligibility_checker_questions", kwargs={"kind": "carer"}) == CARER_URL
    assert reverse("information") == "/information/"


def test_start_page_works_anonymously(client):
    """No sign-in: an anonymous visitor gets the start page, with the two choices and the guide-only notice."""
    response = client.get(START)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check if you might be eligible for care and support" in html
    assert "For myself, or for someone asking about their own needs" in html
    assert "As an unpaid carer" in html
    assert "guide only" in html
    assert 'type="radio"' in html


def test_choosing_a_kind_goes_to_its_questions(client):
    """Choosing "As an unpaid carer" redirects to the carer's questions."""
    response = client.post(START, {"kind": "carer"})
    assert response.status_code == 302
    assert response["Location"] == CARER_URL


@pytest.mark.parametrize("data", [{}, {"kind": "child"}], ids=["nothing chosen", "tampered value"])
def test_start_without_a_choice_shows_the_error_summary(client, data):
    """No choice (or a made-up one) re-shows the page with a GOV.UK error summary linking to the radios."""
    response = client.post(START, data)
    assert response.status_code == 200
    assert "Select who you are checking for" in errors_of(response)
    assert 'href="#id_kind_0"' in errors_of(response)
    assert re.search(r"<title>Error: ", response.content.decode())


def test_adult_questions_page_lists_every_outcome(client):
    """The adult's page asks the yes/no questions and has a checkbox group for each of the 10 outcomes."""
    response = client.get(ADULT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for code in ADULT_OUTCOMES:
        assert f'name="outcome_{code}"' in html
    assert html.count('type="checkbox"') == 10 * 4
    assert 'name="needs_arise_from_impairment_or_illness"' in html
    assert 'name="health_deteriorating"' not in html


def test_carer_questions_page_has_three_limbs(client):
    """The carer's page has 8 outcomes with 3 limbs each: no "takes longer" option for carers."""
    html = client.get(CARER_URL).content.decode()
    for code in CARER_OUTCOMES:
        assert f'name="outcome_{code}"' in html
    assert html.count('type="checkbox"') == 8 * 3
    assert "takes_significantly_longer" not in html
    assert 'name="health_deteriorating"' in html


def test_wording_is_condition_neutral(client):
    """No "worst day" framing and nothing that assumes a physical disability; mental health is named."""
    for url in (ADULT_URL, CARER_URL):
        html = client.get(url).content.decode().lower()
        assert "worst day" not in html
        assert "wheelchair" not in html
        assert "your disability" not in html
    assert "mental health" in client.get(ADULT_URL).content.decode()


def test_every_outcome_has_plain_english_text():
    """Each regulation outcome has a title and hint on the form, and nothing else does."""
    assert list(ADULT_OUTCOME_TEXT) == list(ADULT_OUTCOMES)
    assert list(CARER_OUTCOME_TEXT) == list(CARER_OUTCOMES)


def test_unknown_kind_is_404(client):
    """Only the adult and carer checkers exist."""
    assert client.get("/eligibility-checker/child/").status_code == 404


def test_adult_with_two_outcomes_might_be_eligible(client):
    """All three conditions met with two outcomes: the result says "might be eligible" and explains why."""
    response = client.post(ADULT_URL, adult_answers())
    assert response.status_code == 200
    html = response.content.decode()
    assert heading_of(response) == "You might be eligible for care and support"
    assert "therefore your needs are eligible" in html
    assert "managing and maintaining nutrition" in html
    assert "This is a guide only" in html
    assert f'href="{reverse("portal_start")}"' in html  # asking for an assessment starts on the portal
    assert "Ask Northmoor Borough Council adult social care for a needs assessment" in html


def test_adult_with_one_outcome_might_not_be_eligible(client):
    """One outcome is not enough: the result says "might not be eligible" and which condition is not met."""
    response = client.post(ADULT_URL, adult_answers(outcome_g=None))
    html = response.content.decode()
    assert heading_of(response) == "You might not be eligible for care and support"
    assert "2 or more" in html
    assert "right to an assessment" in html


def test_missing_answers_show_the_error_summary(client):
    """Submitting with no answers re-shows the questions with a GOV.UK error summary for each yes/no question."""
    response = client.post(ADULT_URL, {})
    assert response.status_code == 200
    summary = errors_of(response)
    assert "There is a problem" in summary
    assert "Select yes if your needs are caused by, or related to, a condition, impairment or illness" in summary
    assert "Select yes if there is, or is likely to be, a significant effect on your well-being" in summary
    assert 'href="#id_needs_arise_from_impairment_or_illness_0"' in summary
    assert "govuk-form-group--error" in response.content.decode()


def test_answers_are_kept_when_the_form_is_re_shown(client):
    """Ticked boxes stay ticked when another answer is missing."""
    html = client.post(ADULT_URL, adult_answers(significant_impact_on_wellbeing=None)).content.decode()
    assert 'name="outcome_a" type="checkbox" value="without_assistance" checked' in html
    assert 'name="outcome_a" type="checkbox" value="pain_distress_anxiety" checked' not in html


def test_carer_path(client):
    """A carer with one outcome is eligible; the page is about support as a carer and a carer's assessment."""
    response = client.post(CARER_URL, carer_answers())
    html = response.content.decode()
    assert heading_of(response) == "You might be eligible for support as a carer"
    assert "engaging in recreational activities" in html
    assert "a carer&#x27;s assessment" in html or "a carer's assessment" in html


def test_carer_health_deteriorating_alone(client):
    """A carer whose health is getting worse is eligible with no outcome ticked."""
    response = client.post(CARER_URL, carer_answers(health_deteriorating="yes", outcome_8=None))
    assert heading_of(response) == "You might be eligible for support as a carer"


def test_carer_cannot_submit_takes_longer(client):
    """A tampered "takes longer" answer for a carer is refused with an error, not counted."""
    response = client.post(CARER_URL, carer_answers(outcome_8=["takes_significantly_longer"]))
    assert "Select only the options listed" in errors_of(response)


def test_carer_missing_answers(client):
    """The carer's three yes/no questions are each required."""
    summary = errors_of(client.post(CARER_URL, {}))
    assert summary.count("<li>") == 3


def test_nothing_is_saved(client):
    """Checking eligibility writes nothing: no audit events, no session."""
    client.post(ADULT_URL, adult_answers())
    client.post(CARER_URL, carer_answers())
    assert AuditEvent.objects.count() == 0
    assert "sessionid" not in client.cookies


def test_information_page_links_to_the_checker(client):
    """The public information index lists the checker and the accessibility statement."""
    html = client.get("/information/").content.decode()
    assert f'href="{START}"' in html
    assert f'href="{reverse("accessibility")}"' in html
