"""Retention: the review list shows records past the council's schedule, nothing changes without the DPO's decision,
anonymising keeps the figures and removes who the person is, erasing leaves only the fact in the audit log."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.governance import selectors, services
from selfdirect.governance.models import GovernanceSettings, RetentionDecision
from selfdirect.people.models import Allocation, CaseNote, Contact, Person, PersonEvent
from tests.factories import PersonFactory

TODAY = datetime.date(2026, 6, 1)


def due_ids(today=TODAY) -> set[int]:
    return {s.person.pk for s in selectors.retention_review_list(today=today)}


def test_the_list_follows_the_schedule(closed_person, team):
    """Default 8 years: support ended 31 Mar 2018 is due on 31 Mar 2026; ended 2 Jun 2018 is not due on 1 Jun 2026;
    a death on 1 Jan 2017 is due from 1 Jan 2025; an open case never is."""
    old = closed_person(datetime.date(2018, 3, 31))
    recent = closed_person(datetime.date(2018, 6, 2))
    died = PersonFactory(date_of_death=datetime.date(2017, 1, 1))
    still_supported = PersonFactory(allocated_team=team, date_of_death=None)
    ids = due_ids()
    assert old.pk in ids and died.pk in ids
    assert recent.pk not in ids and still_supported.pk not in ids
    status = next(s for s in selectors.retention_review_list(today=TODAY) if s.person.pk == old.pk)
    assert status.support_ended == datetime.date(2018, 3, 31) and status.retain_until == datetime.date(2026, 3, 31)


def test_a_shorter_schedule_brings_records_forward(closed_person):
    recent = closed_person(datetime.date(2020, 6, 2))
    assert recent.pk not in due_ids()
    GovernanceSettings.objects.update_or_create(pk=1, defaults={"years_after_support_ends": 5})  # due 2 Jun 2025
    assert recent.pk in due_ids()


def test_an_open_allocation_keeps_a_record_off_the_list(closed_person, team):
    person = closed_person(datetime.date(2010, 1, 1))
    Allocation.objects.create(person=person, team=team)
    assert person.pk not in due_ids()


def test_keeping_needs_a_reason_and_a_date_and_takes_it_off_the_list_until_then(closed_person, dpo):
    person = closed_person(datetime.date(2015, 1, 1))
    with pytest.raises(DomainError, match="why the record is being kept"):
        services.retention_decide(person_pk=person.pk, decision="keep", actor=dpo, today=TODAY,
                                  keep_until=datetime.date(2027, 1, 1))  # fmt: skip
    with pytest.raises(DomainError, match="date in the future"):
        services.retention_decide(person_pk=person.pk, decision="keep", reason="Complaint open", actor=dpo,
                                  today=TODAY, keep_until=TODAY)  # fmt: skip
    services.retention_decide(person_pk=person.pk, decision="keep", reason="Complaint open", actor=dpo, today=TODAY,
                              keep_until=datetime.date(2027, 1, 1))  # fmt: skip
    assert person.pk not in due_ids()
    assert person.pk in due_ids(today=datetime.date(2027, 1, 1))
    assert Person.objects.filter(pk=person.pk, last_name=person.last_name).exists()


def test_nothing_is_decided_before_the_retention_date(closed_person, dpo):
    person = closed_person(datetime.date(2025, 1, 1))
    with pytest.raises(DomainError, match="not past its retention date"):
        services.retention_decide(person_pk=person.pk, decision="erase", actor=dpo, today=TODAY)
    assert Person.objects.filter(pk=person.pk).exists() and not RetentionDecision.objects.exists()


def test_anonymising_removes_who_the_person_is_and_keeps_the_figures(closed_person, dpo):
    person = closed_person(datetime.date(2015, 1, 1), first_name="Mary", last_name="Smith", postcode="NM1 2AB",
                           date_of_birth=datetime.date(1940, 5, 17), gender="Female")  # fmt: skip
    services.retention_decide(person_pk=person.pk, decision="anonymise", actor=dpo, today=TODAY)
    after = Person.objects.get(pk=person.pk)
    assert (after.first_name, after.last_name) == ("Anonymised", f"record {person.pk}")
    assert after.nhs_number is None and after.address_line_1 == "" and after.postcode == "NM1"
    assert after.date_of_birth == datetime.date(1940, 5, 1) and after.gender == "Female"
    assert not Contact.objects.filter(person=person).exists()
    note = CaseNote.objects.get(person=person)
    assert "Joan" not in note.text
    assert Allocation.objects.filter(person=person).count() == 1  # the support still counts
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, summary="Anonymised after the retention review")
    assert "Smith" not in json.dumps(event.changes) and event.actor == dpo
    assert person.pk not in due_ids()


def test_erasing_removes_the_record_and_the_audit_log_keeps_only_the_fact(closed_person, dpo):
    person = closed_person(datetime.date(2015, 1, 1), last_name="Erasable")
    pk = person.pk
    decision = services.retention_decide(person_pk=pk, decision="erase", actor=dpo, today=TODAY)
    assert not Person.objects.filter(pk=pk).exists() and not Contact.objects.filter(person_id=pk).exists()
    decision.refresh_from_db()
    assert decision.person is None and decision.person_number == pk
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, object_type="people.person")
    assert event.object_id == str(pk) and event.summary == "Erased after the retention review"
    assert "Erasable" not in json.dumps(event.changes) + event.summary
    assert event.changes["removed"]["people.Contact"] == 1


def test_a_record_other_records_must_keep_cannot_be_erased(closed_person, dpo, social_worker):
    """A safeguarding concern protects the record: the DPO is told to anonymise instead, and nothing is lost."""
    from selfdirect.safeguarding import services as safeguarding

    person = closed_person(datetime.date(2015, 1, 1))
    safeguarding.concern_raise(person=person, actor=social_worker, what_happened="Bruises.", raised_by="worker")
    # Raising it put an entry on the timeline today: move it back, as if the concern was raised long ago.
    PersonEvent.objects.filter(person=person).update(occurred_at=timezone.now().replace(year=2014))
    with pytest.raises(DomainError, match="Anonymise it instead"):
        services.retention_decide(person_pk=person.pk, decision="erase", actor=dpo, today=TODAY)
    assert Person.objects.filter(pk=person.pk).exists() and not RetentionDecision.objects.exists()


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_dpo_reviews_and_decides_on_the_pages(closed_person, dpo, client_as):
    person = closed_person(datetime.date(2015, 1, 1))
    client = client_as(dpo)
    listing = client.get(reverse("retention_review")).content.decode()
    assert reverse("retention_decide", args=[person.pk]) in listing
    refused = client.post(reverse("retention_decide", args=[person.pk]), {"decision": "keep"})
    assert refused.status_code == 200 and "Enter why the record is being kept" in refused.content.decode()
    done = client.post(reverse("retention_decide", args=[person.pk]), {"decision": "anonymise"})
    assert done.status_code == 302
    assert Person.objects.get(pk=person.pk).first_name == "Anonymised"


def test_a_record_not_due_has_no_decision_page(closed_person, dpo, client_as):
    person = closed_person(datetime.date.today() - datetime.timedelta(days=30))
    assert client_as(dpo).get(reverse("retention_decide", args=[person.pk])).status_code == 404


def test_the_dpo_changes_the_schedule_and_it_is_audited(dpo, client_as):
    data = {"years_after_support_ends": "6", "years_after_death": "3", "unusual_access_threshold": "15",
            "unusual_access_days": "14"}  # fmt: skip
    assert client_as(dpo).post(reverse("retention_settings"), data).status_code == 302
    row = GovernanceSettings.current()
    assert (row.years_after_support_ends, row.years_after_death, row.unusual_access_threshold) == (6, 3, 15)
    event = AuditEvent.objects.get(object_type="governance.governancesettings")
    assert event.changes["years_after_support_ends"] == [8, 6]


@pytest.mark.parametrize("bad", ["0", "eight", "", "101"])
def test_bad_schedule_values_are_explained(bad, dpo, client_as):
    data = {"years_after_support_ends": bad, "years_after_death": "8", "unusual_access_threshold": "20",
            "unusual_access_days": "7"}  # fmt: skip
    response = client_as(dpo).post(reverse("retention_settings"), data)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER])
def test_only_the_dpo_reviews_retention(role, user_of_role, client_as, closed_person):
    person = closed_person(datetime.date(2015, 1, 1))
    client = client_as(user_of_role(role))
    assert client.get(reverse("retention_review")).status_code == 403
    assert client.post(reverse("retention_decide", args=[person.pk]), {"decision": "erase"}).status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize(
    "service_ended, due, support_ended",
    [
        (None, False, None),  # a care home placement still running: support continues whatever the notes say
        (datetime.date(2019, 4, 30), False, datetime.date(2019, 4, 30)),  # ended later than the allocation
        (datetime.date(2017, 1, 31), True, datetime.date(2017, 1, 31)),  # ended more than 8 years before today
    ],
)
def test_a_service_counts_as_support_until_it_ends(closed_person, social_worker, service_ended, due, support_ended):
    """The allocation closed on 1 March 2016 and nobody wrote anything since; the person's service ran on."""
    from selfdirect.market.models import Arrangement
    from tests.market.factories import ProviderFactory, approved_line

    person = closed_person(datetime.date(2016, 3, 1))
    line = approved_line(person=person, created_by=social_worker)
    Arrangement.objects.create(plan_line=line, person=person, provider=ProviderFactory(), created_by=social_worker,
                               start_date=datetime.date(2016, 1, 4), end_date=service_ended,
                               service_type="Long Term Support: Residential Care",
                               service_component="Long Term Residential Care", unit_cost=850, cost_frequency="Weekly",
                               planned_units_per_week=1, weekly_cost=850)  # fmt: skip
    assert (person.pk in due_ids()) is due
    assert selectors.retention_status(person=person, today=TODAY).support_ended == support_ended
