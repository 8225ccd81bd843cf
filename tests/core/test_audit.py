"""The audit log is append-only, and snapshot()/diff() record old -> new values faithfully."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from selfdirect.core.audit import audit_person_view, audit_record, diff, snapshot
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from tests.factories import PersonFactory, TeamFactory, UserFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger (core migration 0002) exists only on PostgreSQL; run with DATABASE_URL=postgres://...",
)


@pytest.fixture
def event(db):
    actor = UserFactory()
    return audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="people.person",
        object_id="1",
        summary="Created record",
    )


def _unchanged(event):
    fresh = AuditEvent.objects.get(pk=event.pk)
    return fresh.summary == event.summary and fresh.action == event.action


def test_audit_record_saves_who_what_and_where(db, rf: RequestFactory):
    """audit_record stores the actor, action, object label and id, person id, summary, changes and IP."""
    actor = UserFactory()
    person = PersonFactory()
    request = rf.get("/", REMOTE_ADDR="192.0.2.10")
    saved = audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=person,
        person_id=person.pk,
        summary="Changed town",
        changes={"town": ["A", "B"]},
        request=request,
    )
    row = AuditEvent.objects.get(pk=saved.pk)
    assert (row.actor, row.action, row.object_type, row.object_id) == (actor, "update", "people.person", str(person.pk))
    assert row.person_id == person.pk
    assert row.changes == {"town": ["A", "B"]}
    assert row.ip_address == "192.0.2.10"
    assert row.occurred_at is not None


def test_audit_record_truncates_long_summary_and_accepts_no_actor(db):
    """A summary longer than the column is cut to 300 characters; an anonymous or system actor is stored as null."""
    from django.contrib.auth.models import AnonymousUser

    saved = audit_record(actor=AnonymousUser(), action=AuditEvent.Action.SIGN_IN_FAILED, summary="x" * 500)
    row = AuditEvent.objects.get(pk=saved.pk)
    assert row.actor is None
    assert len(row.summary) == 300


def test_audit_person_view_logs_a_view_of_the_person(db):
    """Reading a record writes a 'view' event tied to the person, naming the page."""
    actor, person = UserFactory(), PersonFactory()
    audit_person_view(actor=actor, person=person, what="Summary page")
    row = AuditEvent.objects.get(person_id=person.pk)
    assert (row.action, row.actor, row.summary) == ("view", actor, "Summary page")


def test_saving_an_existing_event_is_refused(event):
    """Changing and saving an existing audit record raises, and the stored row is untouched."""
    original = event.summary
    event.summary = "Tampered"
    with pytest.raises(PermissionDenied):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).summary == original


def test_deleting_an_event_is_refused(event):
    """Deleting an audit record through the model raises, and the row remains."""
    with pytest.raises(PermissionDenied):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_is_refused(event):
    """A bulk QuerySet.update() must not change audit records either (by the application or the database)."""
    with pytest.raises((PermissionDenied, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="Tampered")
    assert _unchanged(event)


def test_queryset_delete_is_refused(event):
    """A bulk QuerySet.delete() must not remove audit records either (by the application or the database)."""
    with pytest.raises((PermissionDenied, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_raw_sql_update_is_refused_by_the_database(event):
    """On PostgreSQL the trigger refuses a raw UPDATE, so the promise does not rest on the application."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET summary = 'Tampered' WHERE id = %s", [event.pk])
    assert _unchanged(event)


@postgresql_only
def test_raw_sql_delete_is_refused_by_the_database(event):
    """On PostgreSQL the trigger refuses a raw DELETE, and the row remains."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_raw_sql_insert_is_still_allowed(event):
    """The trigger blocks only UPDATE and DELETE: appending rows keeps working (after a refused statement too)."""
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    audit_record(actor=None, action=AuditEvent.Action.EXPORT, summary="Appended after a refusal")
    assert AuditEvent.objects.count() == 2


def test_snapshot_makes_values_json_safe(db):
    """snapshot() reads the named fields, turning related objects into their str() and dates, datetimes
    and Decimals into strings; other values are kept as they are."""
    team = TeamFactory(name="Reablement")
    person = PersonFactory(first_name="Ada", date_of_birth=datetime.date(1941, 4, 3), allocated_team=team)
    person.date_of_death = None
    person.is_restricted = True
    snap = snapshot(person, ["first_name", "date_of_birth", "allocated_team", "date_of_death", "is_restricted"])
    assert snap == {
        "first_name": "Ada",
        "date_of_birth": "1941-04-03",
        "allocated_team": "Reablement",
        "date_of_death": None,
        "is_restricted": True,
    }

    class Thing:
        amount = Decimal("12.50")
        at = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)

    assert snapshot(Thing(), ["amount", "at"]) == {"amount": "12.50", "at": "2026-01-02 03:04:05+00:00"}


def test_diff_lists_only_changed_fields_as_old_new_pairs():
    """diff() returns {field: [old, new]} for changed fields only; fields new to `after` have old None;
    fields only in `before` are ignored."""
    before = {"town": "Leeds", "postcode": "LS6 2AB", "phone": "", "gone": 1}
    after = {"town": "York", "postcode": "LS6 2AB", "phone": "01632 960000", "email": "a@b.example"}
    assert diff(before, after) == {
        "town": ["Leeds", "York"],
        "phone": ["", "01632 960000"],
        "email": [None, "a@b.example"],
    }


def test_diff_of_identical_snapshots_is_empty():
    """No change means an empty diff (so services can skip writing an audit record)."""
    values = {"a": 1, "b": None, "c": "x"}
    assert diff(values, dict(values)) == {}


def test_diff_from_nothing_omits_empty_values():
    """diff({}, after) records every field that has a value, and omits those that are None."""
    assert diff({}, {"a": "x", "b": None, "c": False}) == {"a": [None, "x"], "c": [None, False]}


def test_the_whole_audit_log_links_to_a_persons_trail_only_for_those_who_may_open_it(user_of_role, client_as, person):
    """A team manager (may see a person's trail) gets the link; the data protection officer and administrator (the
    whole log only) see the person's number without a link that would refuse them."""
    from django.urls import reverse

    audit_person_view(actor=user_of_role(Role.SOCIAL_WORKER), person=person, what="Opened the record")
    trail = reverse("person_audit", args=[person.pk])
    for role, linked in [(Role.TEAM_MANAGER, True), (Role.DATA_PROTECTION_OFFICER, False), (Role.ADMINISTRATOR, False)]:
        html = client_as(user_of_role(role)).get(reverse("audit_log")).content.decode()
        assert f"Person {person.pk}" in html
        assert (trail in html) is linked, role
