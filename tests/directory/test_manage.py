"""Who may do what: the public pages and the feed open to anyone; the staff pages for commissioners and
administrators only. And what the staff pages do: add and change entries, mark as checked, list providers."""

import datetime

import pytest
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import MATRIX, Action
from selfdirect.core.roles import Role
from selfdirect.directory.models import Organisation, Service
from selfdirect.directory.reference_data import taxonomy_code

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ["/information/", "/information/personal-budgets/", "/directory/", "/openreferral/",
               "/openreferral/services", "/openreferral/taxonomies", "/openreferral/vocabularies"]  # fmt: skip
ALLOWED = [r for r in Role if Action.DIRECTORY_MANAGE in MATRIX[r]]


def test_public_pages_open_without_signing_in(client, make_service):
    service = make_service("Memory Café")
    for url in [*PUBLIC_URLS, service.get_absolute_url()]:
        assert client.get(url).status_code == 200, url


def test_only_commissioners_and_administrators_manage_the_directory():
    """The matrix gives directory.manage to exactly these two roles (what the pages below rely on)."""
    assert set(ALLOWED) == {Role.COMMISSIONER, Role.ADMINISTRATOR}


@pytest.mark.parametrize("role", list(Role))
def test_manage_pages_are_role_checked(role, user_of_role, client_as, make_service):
    service = make_service("Memory Café")
    client = client_as(user_of_role(role))
    expected = 200 if role in ALLOWED else 403
    assert client.get("/directory/manage/").status_code == expected
    assert client.get(f"/directory/manage/services/{service.pk}/").status_code == expected
    assert client.post(f"/directory/manage/services/{service.pk}/checked/").status_code == (
        302 if role in ALLOWED else 403
    )


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/directory/manage/")
    assert response.status_code == 302 and "sign-in" in response["Location"]


@pytest.fixture
def commissioner(user_of_role):
    return user_of_role(Role.COMMISSIONER, first_name="Cora", last_name="Commissioner")


def test_add_a_service_with_place_times_and_review_date(client_as, commissioner, postcodes):
    org = Organisation.objects.create(name="Moorside Dementia Friends")
    client = client_as(commissioner)
    from selfdirect.directory.models import Taxonomy

    term = Taxonomy.objects.get(code=taxonomy_code("dementia"))
    response = client.post(
        "/directory/manage/services/new/",
        {
            "organisation": org.pk, "name": "Memory Café", "description": "Music and games.", "eligibility": "",
            "fees": "Free", "is_free": "on", "status": "active", "attending_type": "venue",
            "attending_access": "drop-in", "url": "", "email": "", "phone": "", "service_area": "",
            "review_due_0": "1", "review_due_1": "6", "review_due_2": "2027", "taxonomies": [term.pk],
            "location_name": "Library", "address": "1 High Street", "town": "Northmoor", "postcode": "NM1 3AA",
            "accessibility": "Hearing loop", "opening_times": "Tue 2pm-4pm first Tuesday of the month",
        },
    )  # fmt: skip
    service = Service.objects.get(name="Memory Café")
    assert response.status_code == 302 and response["Location"] == f"/directory/manage/services/{service.pk}/"
    assert service.review_due == datetime.date(2027, 6, 1)
    assert list(service.taxonomies.values_list("code", flat=True)) == ["selfdirect:dementia"]
    location = service.locations.get()
    assert location.latitude == pytest.approx(53.72)  # NM1 3AA's centroid
    schedule = service.regular_schedules.get()
    assert (schedule.weekday, schedule.opens_at, schedule.description) == (
        "TU", datetime.time(14), "first Tuesday of the month")  # fmt: skip
    event = AuditEvent.objects.get(object_type="directory.service", object_id=str(service.pk))
    assert event.actor == commissioner and event.action == "create"


def test_form_errors_are_shown(client_as, commissioner):
    response = client_as(commissioner).post("/directory/manage/services/new/", {"name": "", "postcode": "XX"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a real postcode, like NM1 2AB" in html


def test_mark_as_checked_stamps_today_and_sets_the_next_review(client_as, commissioner, make_service):
    service = make_service("Memory Café", review_due=datetime.date(2020, 1, 1))
    assert service.is_review_overdue
    client_as(commissioner).post(f"/directory/manage/services/{service.pk}/checked/")
    service.refresh_from_db()
    assert service.last_checked_by == commissioner
    assert service.last_checked_at.date() == timezone.localdate()
    assert service.review_due == timezone.localdate() + datetime.timedelta(days=365)
    page = client_as(commissioner).get("/directory/manage/?due=1").content.decode()
    assert "Memory Café" not in page  # no longer due


def test_providers_and_planning_organisations_are_listed(client_as, commissioner, postcodes):
    """The sync reads the care market and planning organisations (never changing them) and re-running it
    changes nothing; a provider that stops trading is shown as closed."""
    from selfdirect.market.models import Provider
    from selfdirect.planning.models import PlanningOrganisation

    home = Provider.objects.create(name="Moorside Home Care", service_components=["Home Support"],
                                   registration="registered", rating="Good", postcode="NM1 2AA")  # fmt: skip
    PlanningOrganisation.objects.create(name="Plan Together", monthly_capacity=5, non_directed_advocacy=True)
    client = client_as(commissioner)
    client.post("/directory/manage/sync/")
    provider_entry = Service.objects.get(source="market.provider", source_id=str(home.pk))
    assert provider_entry.accreditations == "Registered with CQC, rated Good"
    assert list(provider_entry.taxonomies.values_list("code", flat=True)) == ["selfdirect:home-care"]
    assert provider_entry.locations.get().latitude == pytest.approx(53.71)
    planning = Service.objects.get(source="planning.organisation")
    assert sorted(planning.taxonomies.values_list("code", flat=True)) == [
        "selfdirect:advocacy", "selfdirect:personal-budgets", "selfdirect:support-planning"]  # fmt: skip
    from selfdirect.directory.services import directory_sync_from_market

    assert directory_sync_from_market() == {"added": 0, "updated": 0, "unchanged": 2, "closed": 0}
    home.delete()
    assert directory_sync_from_market()["closed"] == 1
    provider_entry.refresh_from_db()
    assert provider_entry.status == Service.Status.DEFUNCT


def test_add_and_change_an_organisation(client_as, commissioner):
    client = client_as(commissioner)
    response = client.post("/directory/manage/organisations/new/", {"name": "Plan Together", "description": "",
                                                                     "email": "hi@plan.example", "url": "",
                                                                     "phone": ""})  # fmt: skip
    assert response.status_code == 302
    org = Organisation.objects.get(name="Plan Together")
    client.post(f"/directory/manage/organisations/{org.pk}/", {"name": "Plan Together CIC", "description": "",
                                                                "email": "hi@plan.example", "url": "plan.example",
                                                                "phone": ""})  # fmt: skip
    org.refresh_from_db()
    assert (org.name, org.url) == ("Plan Together CIC", "https://plan.example")
    event = AuditEvent.objects.filter(object_type="directory.organisation", object_id=str(org.pk)).first()
    assert event.changes["name"] == ["Plan Together", "Plan Together CIC"]


def test_changing_an_entry_records_what_changed(client_as, commissioner, make_service):
    service = make_service("Memory Café", fees="Free")
    client = client_as(commissioner)
    page = client.get(f"/directory/manage/services/{service.pk}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, [])}
    data.update(organisation=service.organisation.pk, name="Memory Café", description=service.description,
                status="active", fees="£1 a cup", taxonomies=[], opening_times="")  # fmt: skip
    response = client.post(f"/directory/manage/services/{service.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    event = AuditEvent.objects.filter(object_type="directory.service", object_id=str(service.pk)).first()
    assert event.action == "update" and event.changes["fees"] == ["Free", "£1 a cup"]
