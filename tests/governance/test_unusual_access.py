"""The unusual-access report from the real audit log, and flagging staff members' records."""

import pytest
from django.urls import reverse

from selfdirect.core.audit import audit_person_view
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.governance import selectors
from selfdirect.governance.models import SensitiveRecordFlag
from tests.factories import PersonFactory, TeamFactory


@pytest.fixture
def snooper(user_of_role):
    return user_of_role(Role.SOCIAL_WORKER, teams=[TeamFactory(name="Learning disability", code="ld")],
                        username="snooper")  # fmt: skip


def test_a_worker_opening_many_records_outside_their_caseload_is_listed(social_worker, team, snooper):
    """The social worker opens 3 people allocated to their team (not listed); the snooper opens the same 3, who are
    outside their team, plus one twice (3 people, 4 openings)."""
    mine = [PersonFactory(allocated_team=team) for _ in range(3)]
    for person in mine:
        audit_person_view(actor=social_worker, person=person, what="Opened the record")
        audit_person_view(actor=snooper, person=person, what="Opened the record")
    audit_person_view(actor=snooper, person=mine[0], what="Opened the record")
    report = selectors.unusual_access_report(days=7, threshold=3)
    assert [(w.worker, w.people_outside_caseload, w.reads_outside_caseload) for w in report.workers] == [
        (snooper.pk, 3, 4)
    ]
    assert selectors.unusual_access_report(days=7, threshold=4).workers == []


def test_an_allocation_ended_before_the_period_does_not_count_as_caseload(social_worker, team):
    from django.utils import timezone

    from selfdirect.people.models import Allocation

    person = PersonFactory()
    Allocation.objects.create(person=person, team=team, worker=social_worker,
                              ended_at=timezone.now() - timezone.timedelta(days=30))  # fmt: skip
    audit_person_view(actor=social_worker, person=person, what="Opened the record")
    report = selectors.unusual_access_report(days=7, threshold=1)
    assert [w.worker for w in report.workers] == [social_worker.pk]


def test_reads_of_flagged_records_are_listed(social_worker, snooper, team, user_of_role):
    dpo = user_of_role(Role.DATA_PROTECTION_OFFICER)
    relative = PersonFactory(allocated_team=team)
    SensitiveRecordFlag.objects.create(person=relative, kind="staff_relative", staff_member=snooper, flagged_by=dpo)
    audit_person_view(actor=social_worker, person=relative, what="Opened the record")  # their team's: fine
    audit_person_view(actor=snooper, person=relative, what="Opened the record")  # their own relative
    report = selectors.unusual_access_report(days=7, threshold=50)
    assert [(s.read.worker, s.read.person) for s in report.sensitive] == [(snooper.pk, relative.pk)]


def test_the_report_page(client_as, user_of_role, snooper):
    for _ in range(2):
        audit_person_view(actor=snooper, person=PersonFactory(), what="Opened the record")
    client = client_as(user_of_role(Role.DATA_PROTECTION_OFFICER))
    page = client.get(reverse("unusual_access"), {"days": "7", "threshold": "2"}).content.decode()
    assert "snooper" in page
    assert "snooper" not in client.get(reverse("unusual_access"), {"days": "7", "threshold": "3"}).content.decode()
    bad = client.get(reverse("unusual_access"), {"days": "lots", "threshold": "2"})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    assert AuditEvent.objects.filter(object_type="governance.unusual_access").count() == 2


def test_flagging_a_record_on_the_page(client_as, user_of_role, snooper):
    dpo = user_of_role(Role.DATA_PROTECTION_OFFICER)
    person = PersonFactory()
    client = client_as(dpo)
    response = client.post(reverse("governance_flags"), {"council_id": person.council_id, "kind": "staff_member",
                                                         "staff_username": "snooper"})  # fmt: skip
    assert response.status_code == 302
    flag = SensitiveRecordFlag.objects.get(person=person)
    assert flag.staff_member == snooper and flag.flagged_by == dpo
    again = client.post(reverse("governance_flags"), {"council_id": person.council_id, "kind": "staff_member"})
    assert "already flagged" in again.content.decode()
    unknown = client.post(
        reverse("governance_flags"), {"council_id": "P0", "kind": "staff_member", "staff_username": "nobody"}
    )
    assert unknown.status_code == 200 and "No record has that council person ID" in unknown.content.decode()
    assert client.post(reverse("governance_flag_remove", args=[flag.pk])).status_code == 302
    assert not SensitiveRecordFlag.objects.exists()
    assert AuditEvent.objects.filter(object_type="governance.sensitiverecordflag").count() == 2


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.FINANCE_OFFICER])
def test_the_report_needs_the_whole_audit_log_permission(role, user_of_role, client_as):
    client = client_as(user_of_role(role))
    assert client.get(reverse("unusual_access")).status_code == 403
    assert client.get(reverse("governance_flags")).status_code == 403
