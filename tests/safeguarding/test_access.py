"""Who may open a restricted record and the safeguarding records about it, with and without allocation and break
glass: the safeguarding lead, the allocated worker, another worker, the team manager, the enquiry lead and a finance
officer. An expired break-glass opening is refused again."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.people.selectors import RestrictedRecord, person_get_for_user
from selfdirect.safeguarding import services
from selfdirect.safeguarding.models import BreakGlass


@pytest.fixture
def concern(raise_concern, allocated):
    """A concern about Mary (allocated to social_worker): her record is now restricted."""
    return raise_concern(allocated)


@pytest.fixture
def people(lead, social_worker, other_worker, team_manager, finance):
    return {
        "lead": lead,
        "allocated worker": social_worker,
        "other worker": other_worker,
        "manager": team_manager,
        "finance": finance,
    }


ALLOWED = {"lead", "allocated worker"}


@pytest.mark.parametrize("who", ["lead", "allocated worker", "other worker", "manager", "finance"])
def test_the_restricted_person_page(who, people, concern, allocated, client_as):
    """Only the safeguarding lead and the allocated worker open the record; anyone else with the right to view
    people gets a page saying it is restricted, offering to break the glass, and the attempt is logged."""
    user = people[who]
    response = client_as(user).get(reverse("person_detail", args=[allocated.pk]))
    page = response.content.decode()
    if who in ALLOWED:
        assert response.status_code == 200 and "Mary Smith" in page
        assert "Safeguarding" in page and concern.reference in page
    else:
        assert response.status_code == 403
        assert "This record is restricted" in page and "Break the glass" in page
        assert f'action="{reverse("break_glass", args=[allocated.pk])}"' in page
        assert "Mary Smith" not in page and allocated.nhs_number_display not in page
        assert AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.DENIED, person_id=allocated.pk).exists()


@pytest.mark.parametrize("who", ["lead", "allocated worker", "other worker", "manager", "finance"])
def test_the_safeguarding_records(who, people, concern, s42, client_as):
    """Concerns and enquiries open only to safeguarding leads, the enquiry lead and the allocated worker."""
    enquiry = s42(concern)
    client = client_as(people[who])
    for url in (reverse("safeguarding_concern", args=[concern.pk]), enquiry.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == (200 if who in ALLOWED else 403), (who, url)
        if who not in ALLOWED:
            assert "Break the glass" not in response.content.decode()


def test_the_enquiry_lead_opens_the_record_and_the_enquiry(concern, s42, user_of_role, client_as):
    """A social worker who leads the enquiry (not allocated, not a safeguarding lead) can open both."""
    enquiry_lead = user_of_role("social_worker")
    enquiry = s42(concern, enquiry_lead=enquiry_lead)
    client = client_as(enquiry_lead)
    assert client.get(reverse("person_detail", args=[concern.person_id])).status_code == 200
    assert client.get(enquiry.get_absolute_url()).status_code == 200
    assert client.get(reverse("enquiry_close", args=[enquiry.pk])).status_code == 200


def test_only_the_lead_changes_an_enquiry(concern, s42, social_worker, client_as):
    """The allocated worker sees the enquiry but cannot change it unless they lead it."""
    enquiry = s42(concern)
    client = client_as(social_worker)
    page = client.get(enquiry.get_absolute_url()).content.decode()
    assert "Close the enquiry" not in page
    assert client.get(reverse("enquiry_close", args=[enquiry.pk])).status_code == 403
    assert client.post(reverse("enquiry_stage", args=[enquiry.pk]), {"stage": "gathering"}).status_code == 403


@pytest.mark.parametrize("who", ["other worker", "manager", "finance"])
def test_break_glass_opens_the_record_until_it_expires(who, people, concern, allocated, client_as):
    """With a reason, the record opens (each read logged as a break-glass view) and the lead is told; once the
    opening expires, the record is refused again. Safeguarding records stay closed throughout."""
    user = people[who]
    client = client_as(user)
    url = reverse("person_detail", args=[allocated.pk])
    refused = client.post(reverse("break_glass", args=[allocated.pk]), {"reason": "short"})
    assert refused.status_code == 200 and "at least 10 characters" in refused.content.decode()
    assert not BreakGlass.objects.exists()

    response = client.post(reverse("break_glass", args=[allocated.pk]), {"reason": "Out-of-hours call from the GP"})
    assert response.status_code == 302 and response["Location"] == url
    glass = BreakGlass.objects.get(user=user, person=allocated)
    page = client.get(url).content.decode()
    assert "Mary Smith" in page
    # The safeguarding summary is not for them; the timeline says only that a concern was raised.
    assert concern.get_absolute_url() not in page and "Bruises" not in page
    views = AuditEvent.objects.filter(actor=user, person_id=allocated.pk, summary__startswith="Break-glass view")
    assert views.count() == 1 and "Out-of-hours call from the GP" in views.get().summary
    assert client.get(reverse("safeguarding_concern", args=[concern.pk])).status_code == 403

    BreakGlass.objects.filter(pk=glass.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    again = client.get(url)
    assert again.status_code == 403 and "Break the glass" in again.content.decode()


def test_the_selector_lets_an_unexpired_break_glass_through(concern, allocated, other_worker):
    services.break_glass_open(user=other_worker, person=allocated, reason="Duty worker covering a crisis")
    assert person_get_for_user(user=other_worker, pk=allocated.pk) == allocated
    BreakGlass.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(RestrictedRecord):
        person_get_for_user(user=other_worker, pk=allocated.pk)


def test_someone_elses_break_glass_does_not_open_it(concern, allocated, other_worker, team_manager):
    services.break_glass_open(user=other_worker, person=allocated, reason="Duty worker covering a crisis")
    with pytest.raises(RestrictedRecord):
        person_get_for_user(user=team_manager, pk=allocated.pk)


def test_the_break_glass_page_sends_those_already_allowed_to_the_record(concern, allocated, social_worker, client_as):
    response = client_as(social_worker).get(reverse("break_glass", args=[allocated.pk]))
    assert response.status_code == 302 and response["Location"] == allocated.get_absolute_url()


def test_the_break_glass_page_for_someone_refused(concern, allocated, other_worker, client_as):
    response = client_as(other_worker).get(reverse("break_glass", args=[allocated.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "This record is restricted" in page and allocated.council_id in page and "Mary Smith" not in page


def test_a_role_refused_for_another_reason_is_not_offered_break_glass(client_as, user_of_role, allocated):
    """A role without the right to view people gets the plain 403 (no break-glass form)."""
    response = client_as(user_of_role("commissioner")).get(reverse("person_detail", args=[allocated.pk]))
    assert response.status_code == 403 and "Break the glass" not in response.content.decode()


def test_break_glass_report_and_review(concern, allocated, other_worker, lead, client_as):
    services.break_glass_open(user=other_worker, person=allocated, reason="Duty worker covering a crisis")
    client = client_as(lead)
    page = client.get(reverse("break_glass_report")).content.decode()
    assert "Duty worker covering a crisis" in page and "Olu Other" in page
    glass = BreakGlass.objects.get()
    blank = client.post(reverse("break_glass_review", args=[glass.pk]), {"note": ""})
    assert blank.status_code == 200 and "Enter a note on your review" in blank.content.decode()
    response = client.post(reverse("break_glass_review", args=[glass.pk]), {"note": "Justified: GP call"})
    assert response.status_code == 302
    glass.refresh_from_db()
    assert glass.reviewed_by == lead and glass.review_note == "Justified: GP call"
    page = client.get(reverse("break_glass_report")).content.decode()
    assert "None: every opening has been reviewed" in page and "Justified: GP call" in page


@pytest.mark.parametrize("who", ["other worker", "manager", "finance", "allocated worker"])
def test_only_safeguarding_leads_see_the_break_glass_report_and_triage(who, people, client_as, concern):
    client = client_as(people[who])
    for name in ("break_glass_report", "safeguarding_home"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("concern_triage", args=[concern.pk])).status_code == 403


def test_break_glass_is_offered_wherever_the_record_is_refused(concern, allocated, other_worker, client_as):
    """Any page fetched through the person's access rule (here the personal budget) offers break glass too."""
    response = client_as(other_worker).get(reverse("person_personal_budget", args=[allocated.pk]))
    assert response.status_code == 403
    assert f'action="{reverse("break_glass", args=[allocated.pk])}"' in response.content.decode()
