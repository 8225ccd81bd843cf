"""The information and advice guides: written for a reading age of about nine, in a safe text format, maintained
in the admin, listed at /information/."""

import pytest
from django.contrib import admin

from selfdirect.directory.models import InformationPage
from selfdirect.directory.reference_data import GUIDES
from selfdirect.directory.text import displayed_text, render
from selfdirect.rules.readability import readability

# Reading age about nine. Flesch reading ease 80+ is "easy" (90+ "very easy"); Flesch-Kincaid grade 4 is a reading
# age of 9. The words the subject needs (assessment, advocate, personal budget) are each explained, so the limits
# leave a little room above the target.
MAX_WORDS_PER_SENTENCE = 10
MIN_READING_EASE = 80
MAX_READING_AGE = 9.5
REQUIRED = {"personal-budgets", "direct-payments", "individual-service-funds", "assessments", "charging",
            "advocacy", "raise-a-concern"}  # fmt: skip


def test_every_required_guide_is_seeded():
    assert {g["slug"] for g in GUIDES} == REQUIRED


@pytest.mark.parametrize("guide", GUIDES, ids=[g["slug"] for g in GUIDES])
def test_guide_reads_at_about_age_nine(guide):
    r = readability("\n".join([guide["title"], guide["summary"], displayed_text(guide["body"])]))
    assert r.words_per_sentence <= MAX_WORDS_PER_SENTENCE, f"{r.words_per_sentence:.1f} words a sentence"
    assert r.reading_ease >= MIN_READING_EASE, f"reading ease {r.reading_ease:.0f}"
    assert r.reading_age <= MAX_READING_AGE, f"reading age {r.reading_age:.1f}"


def test_charging_guide_uses_the_reference_figures_and_says_they_change():
    body = next(g["body"] for g in GUIDES if g["slug"] == "charging")
    assert "£23,250" in body and "£14,250" in body and "£1 a week for each £250" in body
    assert "They can change each April." in body


def test_concern_guide_links_to_the_public_form():
    body = next(g["body"] for g in GUIDES if g["slug"] == "raise-a-concern")
    assert '<a class="govuk-link" href="/raise-a-concern/">tell us online</a>' in render(body)


def test_the_format_escapes_everything_and_links_only_to_safe_targets():
    html = render(
        "Hello <script>alert(1)</script> & welcome.\n\n- one <b>\n- two\n\n"
        "[bad](javascript:alert(1)) [ok](/information/) [web](https://example.org/x)"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; welcome" in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>one &lt;b&gt;</li><li>two</li></ul>' in html
    assert "javascript:" not in html.split("[bad]")[0] and 'href="javascript' not in html
    assert '<a class="govuk-link" href="/information/">ok</a>' in html
    assert '<a class="govuk-link" href="https://example.org/x">web</a>' in html


@pytest.mark.django_db
def test_information_lists_the_guides_and_keeps_the_tools(client):
    html = client.get("/information/").content.decode()
    for guide in GUIDES:
        assert guide["title"].replace("'", "&#x27;") in html
    for link in ("/eligibility-checker/", "/estimate-my-contribution/", "/raise-a-concern/", "/directory/"):
        assert f'href="{link}"' in html


@pytest.mark.django_db
def test_a_guide_page_and_unpublished_or_missing_guides(client):
    page = client.get("/information/advocacy/")
    assert page.status_code == 200
    assert "An advocate is someone who helps you speak up." in page.content.decode()
    InformationPage.objects.filter(slug="advocacy").update(is_published=False)
    assert client.get("/information/advocacy/").status_code == 404
    assert client.get("/information/no-such-guide/").status_code == 404


def test_guides_are_maintained_in_the_admin():
    assert admin.site.is_registered(InformationPage)
