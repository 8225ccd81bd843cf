"""The number of SQL queries a page makes does not grow with the caseload (issue 9 item 6): person search, the
person page, my caseload and a team's caseload make exactly as many queries with 5N people (or 5N contacts and
notes) as with N. An N+1 query (one per row shown) fails these."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from selfdirect.core.roles import Role
from tests.factories import CaseNoteFactory, ContactFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
N = 4  # and 5N = 20: both fit one page of 25, so every extra row is on the page measured


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.TEAM_MANAGER, teams=[team])


def add_people(count: int, *, team, worker) -> list:
    """People on the worker's (and team's) caseload, each with a contact and a note to tempt a query per row."""
    people = PersonFactory.create_batch(count, last_name="Querycount", allocated_team=team, allocated_worker=worker)
    for person in people:
        ContactFactory(person=person)
        CaseNoteFactory(person=person, author=worker)
    return people


def queries_for(client, url: str) -> int:
    """Queries made by a request, after one warm-up request (first-use caches, such as content types, are not rows)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_list_pages_make_the_same_number_of_queries_for_n_and_5n_people(client_as, team, worker):
    client = client_as(worker)
    urls = ["/people/?q=Querycount", "/caseload/", f"/teams/{team.pk}/"]
    add_people(N, team=team, worker=worker)
    with_n = {url: queries_for(client, url) for url in urls}
    add_people(4 * N, team=team, worker=worker)
    with_5n = {url: queries_for(client, url) for url in urls}
    assert with_5n == with_n
    # The rows really were on the pages measured.
    assert client.get("/caseload/").content.decode().count("Querycount") >= 5 * N


def test_the_person_page_makes_the_same_number_of_queries_for_n_and_5n_contacts_and_notes(client_as, team, worker):
    client = client_as(worker)
    person = PersonFactory(last_name="Querycount", allocated_team=team, allocated_worker=worker)
    url = f"/people/{person.pk}/"

    def grow(count: int) -> None:
        ContactFactory.create_batch(count, person=person)
        CaseNoteFactory.create_batch(count, person=person, author=worker)
        add_people(count, team=team, worker=worker)  # a bigger caseload around them, too

    grow(N)
    with_n = queries_for(client, url)
    grow(4 * N)
    assert queries_for(client, url) == with_n
