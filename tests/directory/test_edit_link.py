"""Organisations keep their own entries up to date through a signed, expiring link the council emails them."""

import datetime
import re
import time
from unittest import mock

import pytest
from django.core import mail, signing

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.directory.services import EDIT_LINK_SALT, edit_link_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(make_service, postcodes):
    return make_service("Moorside Lunch Club", north_steps=0, terms=["lunch-clubs"], fees="£4 a meal")


@pytest.fixture
def commissioner(user_of_role):
    return user_of_role(Role.COMMISSIONER)


def form_data(**overrides) -> dict:
    data = {
        "description": "A hot lunch, then a quiz.",
        "eligibility": "People aged 60 and over",
        "fees": "£5 a meal",
        "url": "",
        "email": "",
        "phone": "01632 960123",
        "location_name": "St Mark's Hall",
        "address": "2 Church Road",
        "town": "Northmoor",
        "postcode": "nm1 2ab",
        "accessibility": "Step-free entrance",
        "opening_times": "Tuesday 12:00 to 14:00\nThu 12pm-2pm",
        "editor_name": "Jo Bloggs",
    }
    return data | overrides


def test_commissioner_sends_a_real_email_with_a_working_link(client_as, commissioner, club, client):
    response = client_as(commissioner).post(f"/directory/manage/services/{club.pk}/send-link/", follow=True)
    assert "We emailed a link to" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [club.organisation.email]
    assert "Moorside Lunch Club" in message.subject
    url = re.search(r"http://testserver(/directory/update/\S+/)", message.body).group(1)
    page = client.get(url)
    assert page.status_code == 200
    assert "Update your entry: Moorside Lunch Club" in page.content.decode()


def test_organisation_update_is_saved_and_shown_as_theirs(client, club):
    url = f"/directory/update/{edit_link_token(service=club)}/"
    response = client.post(url, form_data())
    assert response.status_code == 200
    assert "Your entry is updated" in response.content.decode()
    club.refresh_from_db()
    assert club.fees == "£5 a meal"
    assert club.updated_by_organisation_at is not None
    assert [(s.weekday, s.opens_at, s.closes_at) for s in club.regular_schedules.order_by("weekday")] == [
        ("TH", datetime.time(12), datetime.time(14)), ("TU", datetime.time(12), datetime.time(14))]  # fmt: skip
    location = club.locations.get()
    assert (location.postcode, location.latitude) == ("NM1 2AB", pytest.approx(53.71))  # placed from NM1 2AA's sector
    event = AuditEvent.objects.filter(object_type="directory.service", object_id=str(club.pk)).first()
    assert event.actor is None
    assert "Updated by the organisation (Jo Bloggs)" in event.summary
    assert event.changes["fees"] == ["£4 a meal", "£5 a meal"]
    public_page = client.get(club.get_absolute_url()).content.decode()
    assert "Last updated by the organisation on" in public_page


def test_mistakes_are_shown_and_nothing_saved(client, club):
    url = f"/directory/update/{edit_link_token(service=club)}/"
    response = client.post(url, form_data(opening_times="Someday at noon", editor_name=""))
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Line 1: write a day and two times" in html
    assert "Enter your name" in html
    club.refresh_from_db()
    assert club.fees == "£4 a meal"


def test_expired_link_is_refused_with_a_clear_message(client, club):
    """Links work for 14 days: on day 15 the page says so, and nothing can be changed."""
    token = edit_link_token(service=club)
    fifteen_days_on = time.time() + 15 * 24 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=fifteen_days_on):
        response = client.get(f"/directory/update/{token}/")
        posted = client.post(f"/directory/update/{token}/", form_data())
    assert response.status_code == 403
    assert "This link has expired. Links work for 14 days." in response.content.decode()
    assert posted.status_code == 403
    club.refresh_from_db()
    assert club.fees == "£4 a meal"
    assert client.get(f"/directory/update/{token}/").status_code == 200  # the same link still works today


def test_tampered_link_is_refused(client, club, make_service):
    token = edit_link_token(service=club)
    response = client.get(f"/directory/update/{token[:-2]}xx/")
    assert response.status_code == 403
    assert "This link is not valid" in response.content.decode()
    other = make_service("Other club")
    forged = signing.dumps({"service": other.pk, "email": club.organisation.email}, salt="another-salt")
    assert client.get(f"/directory/update/{forged}/").status_code == 403
    unsalted_swap = signing.dumps({"service": other.pk, "email": club.organisation.email}, salt=EDIT_LINK_SALT)
    # Signed with the right key and salt but for an address the other organisation does not have.
    response = client.get(f"/directory/update/{unsalted_swap}/")
    assert response.status_code == 403
    assert "email address we no longer hold" in response.content.decode()


def test_no_email_means_no_link(client_as, commissioner, club):
    org = club.organisation
    org.email = ""
    org.save()
    response = client_as(commissioner).post(f"/directory/manage/services/{club.pk}/send-link/", follow=True)
    assert "Add an email address for the organisation first" in response.content.decode()
    assert mail.outbox == []
