"""The change feed: changes about people (from the audit log), oldest first, paged by cursor, filtered to what the
token may see."""

import datetime

import pytest
from django.utils import timezone

from selfdirect.core.audit import audit_person_view
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.people import services as people_services
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _note(person, actor, subject="Call"):
    return people_services.note_add(
        person=person, actor=actor, kind="phone", occurred_on=datetime.date(2026, 1, 5), subject=subject, text="T"
    )


def _feed(client, **params):
    response = client.get("/api/v1/events", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_changes_come_oldest_first_and_reads_are_left_out(api_as, social_worker, person):
    note = _note(person, social_worker)
    audit_person_view(actor=social_worker, person=person, what="Opened the record")
    people_services.person_update(
        person=person, actor=social_worker, expected_version=person.version, postcode="NM2 1AA"
    )
    body = _feed(api_as(social_worker))
    events = body["events"]
    assert [(e["action"], e["object_type"]) for e in events] == [
        ("create", "people.casenote"),
        ("update", "people.person"),
    ]
    assert events[0]["object_id"] == str(note.pk) and events[0]["person_id"] == person.pk
    assert events[1]["fields_changed"] == ["postcode"]
    assert "NM2 1AA" not in str(body)  # names of fields, never their values
    assert body["next_after"] == events[1]["id"] and body["has_more"] is False


def test_paging_by_cursor_gives_every_event_once(api_as, social_worker, person):
    for i in range(5):
        _note(person, social_worker, subject=f"Call {i}")
    client = api_as(social_worker)
    seen, after, pages = [], 0, 0
    while True:
        body = _feed(client, after=after, limit=2)
        seen += [e["id"] for e in body["events"]]
        after = body["next_after"]
        pages += 1
        if not body["has_more"]:
            break
    assert pages == 3 and len(seen) == 5 and seen == sorted(set(seen))
    # Nothing new: the same cursor comes back, with no events.
    assert _feed(client, after=after) == {"events": [], "next_after": after, "has_more": False}


def test_a_restricted_persons_changes_show_only_to_those_who_may_open_it(api_as, user_of_role, social_worker):
    worker = user_of_role(Role.SOCIAL_WORKER)
    hidden = PersonFactory(is_restricted=True, allocated_worker=worker)
    open_person = PersonFactory()
    _note(hidden, worker)
    _note(open_person, worker)

    def people_seen(user):
        return {e["person_id"] for e in _feed(api_as(user))["events"]}

    assert people_seen(social_worker) == {open_person.pk}
    assert people_seen(worker) == {hidden.pk, open_person.pk}
    assert people_seen(user_of_role(Role.SAFEGUARDING_LEAD)) == {hidden.pk, open_person.pk}


def test_events_younger_than_the_settle_time_wait_for_the_next_poll(api_as, social_worker, person, settings):
    """A transaction still open could commit a lower id later: the feed holds back the last few seconds."""
    settings.API_EVENT_FEED_SETTLE_SECONDS = 5
    _note(person, social_worker)
    client = api_as(social_worker)
    assert _feed(client)["events"] == []
    later = timezone.now() + datetime.timedelta(seconds=6)
    from unittest import mock

    with mock.patch("selfdirect.api.events.timezone.now", return_value=later):
        assert len(_feed(client)["events"]) == 1


def test_reading_the_feed_is_audited_with_the_people_it_named(api_as, social_worker, person):
    _note(person, social_worker)
    _feed(api_as(social_worker))
    read = AuditEvent.objects.get(object_type="api.events")
    assert read.actor == social_worker and read.changes == {"person_ids": [person.pk]}
    assert read.summary.endswith("Read 1 change events after 0")


@pytest.mark.parametrize("params", [{"after": -1}, {"after": "x"}, {"limit": 0}, {"limit": 501}])
def test_bad_cursor_or_limit_is_400(api_as, social_worker, params):
    response = api_as(social_worker).get("/api/v1/events", params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] in params
