"""seed_council: a deterministic synthetic council whose shape follows the reference figures."""

import datetime
import io
import math
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q

from selfdirect.core.models import AuditEvent
from selfdirect.core.progress import Progress
from selfdirect.core.roles import Role
from selfdirect.people import seeding
from selfdirect.people.models import Allocation, CaseNote, Contact, Person, PersonEvent
from selfdirect.rules.cld import age_band
from selfdirect.rules.nhs_number import is_valid_nhs_number
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode
from selfdirect.workforce.models import Team

AS_OF = "2026-01-01"
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][ABD-HJLNP-UW-Z]{2}$")


def seed(*args) -> str:
    out = io.StringIO()
    call_command(
        "seed_council", "--as-of", AS_OF, "--demo-database", "--people-only", *args, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def within(observed: int, n: int, expected: float, sigmas: float = 4) -> bool:
    """A binomial share is within `sigmas` standard errors of the expected proportion. The seed is fixed, so
    the check is repeatable; four standard errors would flag a wrong distribution, not bad luck."""
    return abs(observed / n - expected) <= sigmas * math.sqrt(expected * (1 - expected) / n)


def person_tuples():
    return list(
        Person.objects.order_by("pk").values_list(
            "first_name",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "nhs_number",
            "gender",
            "ethnicity",
            "primary_support_reason",
            "accommodation_status",
            "address_line_1",
            "postcode",
            "phone",
            "date_of_death",
            "is_restricted",
            "allocated_team__name",
            "allocated_worker__username",
        )
    )


@pytest.mark.django_db
def test_same_seed_gives_the_same_people_and_another_seed_does_not():
    seed("--people", "300", "--seed", "7")
    first = person_tuples()
    seed("--people", "300", "--seed", "7", "--reset")
    assert person_tuples() == first
    seed("--people", "300", "--seed", "8", "--reset")
    assert person_tuples() != first


@pytest.mark.django_db
def test_every_role_has_a_demo_user_who_can_sign_in():
    output = seed("--people", "200")
    users = {u.role: u for u in get_user_model().objects.filter(username__in=[d.username for d in seeding.DEMO_USERS])}
    assert set(users) == set(Role)
    assert users[Role.SOCIAL_WORKER].check_password(seeding.DEMO_PASSWORD)
    admin = users[Role.ADMINISTRATOR]
    assert admin.is_staff and admin.is_superuser
    assert not users[Role.SOCIAL_WORKER].is_superuser
    for demo in seeding.DEMO_USERS:
        assert demo.username in output  # the logins table is printed
    assert seeding.demo_logins_text() in output


@pytest.mark.django_db
def test_nhs_numbers_are_valid_unique_and_from_the_test_range():
    seed("--people", "500")
    numbers = list(Person.objects.values_list("nhs_number", flat=True))
    present = [n for n in numbers if n]
    assert all(is_valid_nhs_number(n) and n.startswith("999") for n in present)
    assert len(set(present)) == len(present)
    missing = len(numbers) - len(present)
    assert 0 < missing < 0.06 * len(numbers)  # about 2% have none


@pytest.mark.django_db
def test_postcodes_are_valid_and_in_the_fictional_town():
    seed("--people", "300", "--as-of", "2024-02-29")  # the last --as-of wins: an awkward date for ages
    for postcode, town, born in Person.objects.values_list("postcode", "town", "date_of_birth"):
        assert 18 <= Person(date_of_birth=born).age_on(datetime.date(2024, 2, 29)) <= 100
        assert is_valid_postcode(postcode)
        assert POSTCODE.match(postcode.replace(" ", ""))
        assert postcode == normalise_postcode(postcode)
        assert postcode.startswith("NM") and town == "Northmoor"


@pytest.mark.django_db
def test_allocation_history_matches_the_person_record():
    seed("--people", "500")
    open_allocations = {a.person_id: a for a in Allocation.objects.filter(ended_at__isnull=True)}
    assert Allocation.objects.filter(ended_at__isnull=True).count() == len(open_allocations)  # one current each
    members = set(Team.members.through.objects.values_list("team_id", "user_id"))
    for person in Person.objects.all():
        current = open_allocations.get(person.pk)
        if person.allocated_team_id is None:
            assert current is None
            continue
        assert person.date_of_death is None
        assert (current.team_id, current.worker_id) == (person.allocated_team_id, person.allocated_worker_id)
        if person.allocated_worker_id:
            assert (person.allocated_team_id, person.allocated_worker_id) in members
    for allocation in Allocation.objects.exclude(ended_at=None):
        assert allocation.ended_at >= allocation.started_at
    assert PersonEvent.objects.filter(type=PersonEvent.Type.ALLOCATED).count() == Allocation.objects.count()
    living = Person.objects.filter(date_of_death__isnull=True)
    allocated = living.exclude(allocated_team=None).count()
    assert within(allocated, living.count(), seeding.ALLOCATED_SHARE)


@pytest.mark.django_db
def test_running_again_without_reset_changes_nothing():
    seed("--people", "200")
    counts = [m.objects.count() for m in (Person, Contact, CaseNote, Allocation, PersonEvent, Team, AuditEvent)]
    users = get_user_model().objects.count()
    output = seed("--people", "200", "--seed", "99")
    assert "already seeded" in output
    assert [m.objects.count() for m in (Person, Contact, CaseNote, Allocation, PersonEvent, Team, AuditEvent)] == counts
    assert get_user_model().objects.count() == users


@pytest.mark.django_db
def test_distributions_follow_the_reference_figures():
    """Section 5.2: 18-64 vs 65+ is 289,695 : 551,550 and 30.2% live in care homes; section 5.3: 46.1% of
    18-64s have learning disability as their primary support reason."""
    seed("--people", "2000")
    as_of = datetime.date.fromisoformat(AS_OF)
    people = list(Person.objects.all())
    young = [p for p in people if age_band(p.age_on(as_of)) == "18-64"]
    assert within(len(young), len(people), 289_695 / (289_695 + 551_550))
    assert all(18 <= p.age_on(as_of) <= 100 for p in people)
    in_homes = sum(p.accommodation_status in seeding.CARE_HOME_STATUS.values() for p in people)
    assert within(in_homes, len(people), (7_225 + 36_950 + 69_160 + 140_700) / 841_245)
    learning_disability = sum(p.primary_support_reason == seeding.LD for p in young)
    assert within(learning_disability, len(young), 133_670 / 289_695)
    older = [p for p in people if p not in young]
    assert sum(75 <= p.age_on(as_of) <= 90 for p in older) > len(older) / 2  # weighted towards 75-90


@pytest.mark.django_db
def test_contacts_include_unpaid_carers_advocates_and_authorised_people():
    seed("--people", "500")
    carers = Contact.objects.filter(is_unpaid_carer=True)
    assert carers.exists()
    at_home = Person.objects.exclude(accommodation_status__in=seeding.CARE_HOME_STATUS.values())
    with_carer = at_home.filter(contacts__is_unpaid_carer=True).distinct().count()
    assert within(with_carer, at_home.count(), seeding.UNPAID_CARER_SHARE)
    assert Contact.objects.filter(is_authorised_person=True).exists()
    advocate = Contact.objects.filter(is_advocate=True).first()
    assert advocate and advocate.organisation in seeding.ADVOCACY_ORGS
    assert set(carers.values_list("relationship", flat=True)) >= {"spouse", "daughter", "parent"}


@pytest.mark.django_db
def test_demo_social_worker_has_a_caseload_that_shows_the_features():
    seed("--people", "300")
    worker = get_user_model().objects.get(username="social.worker")
    assert list(worker.teams.values_list("name", flat=True)) == ["Older People North"]
    caseload = Person.objects.filter(allocated_worker=worker, date_of_death=None)
    assert 20 <= caseload.count() <= 30
    assert caseload.filter(is_restricted=True).exists()
    assert caseload.filter(contacts__is_authorised_person=True).exists()
    assert caseload.filter(contacts__is_advocate=True).exists()
    manager = get_user_model().objects.get(username="manager")
    assert manager.teams.count() > 1 and manager.teams.filter(name="Older People North").exists()
    assert all(team.members.filter(role=Role.TEAM_MANAGER).exists() for team in Team.objects.all())


@pytest.mark.django_db
def test_notes_and_timeline():
    seed("--people", "300")
    notes = CaseNote.objects.count()
    assert notes and within(Person.objects.annotate(n=Count("notes")).filter(n__gt=0).count(), 300, seeding.NOTES_SHARE)
    assert PersonEvent.objects.filter(type=PersonEvent.Type.NOTE_ADDED, note__isnull=False).count() == notes
    assert PersonEvent.objects.filter(type=PersonEvent.Type.CREATED).count() == 300
    assert not CaseNote.objects.filter(Q(subject__contains="{") | Q(text__contains="{")).exists()


@pytest.mark.django_db
def test_one_audit_event_records_the_seed():
    seed("--people", "200")
    event = AuditEvent.objects.get(object_type="seed_council")
    assert event.action == AuditEvent.Action.CREATE
    assert event.summary == "Seeded 200 synthetic people"


@pytest.mark.django_db
def test_reset_keeps_staff_with_audit_history_and_reuses_them():
    seed("--people", "200")
    worker = get_user_model().objects.get(username="social.worker")
    AuditEvent.objects.create(actor=worker, action=AuditEvent.Action.SIGN_IN, object_type="session")
    seed("--people", "200", "--reset")
    again = get_user_model().objects.get(username="social.worker")
    assert again.pk == worker.pk and again.is_active
    assert Person.objects.filter(allocated_worker=again).exists()
    assert AuditEvent.objects.filter(object_type="seed_council").count() == 2


@pytest.mark.django_db
def test_reset_refuses_a_database_with_real_nhs_numbers():
    seed("--people", "50")
    Person.objects.filter(pk=Person.objects.first().pk).update(nhs_number="9434765919")
    with pytest.raises(CommandError, match="real records"):
        seed("--people", "50", "--reset")
    assert Person.objects.count() == 50


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_prints_about_every_tenth_to_a_log():
    out = io.StringIO()
    with Progress(100_000, label="people", stream=out) as bar:
        for _ in range(100):
            bar.advance(1_000)
    lines = out.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[-1] == "people  [" + "#" * 30 + "] 100,000/100,000  100%"
    assert "12,000" not in out.getvalue() and "10,000/100,000  10%" in lines[1]


def test_progress_rewrites_one_line_on_a_terminal():
    out = _Terminal()
    with Progress(4, label="x", stream=out) as bar:
        bar.advance(2)
    text = out.getvalue()
    assert text.startswith("\r") and text.endswith("\n") and text.count("\n") == 1
    assert "4/4  100%" in text


def test_refuses_without_debug_or_demo_flag(db, settings):
    """Demo accounts have a published password: the command refuses on a database not confirmed as a demo."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published"):
        call_command("seed_council", "--people", "5", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Person.objects.exists()


def test_full_seed_puts_people_at_every_step_of_the_pathway(db):
    """Without --people-only, the council has open requests, submitted self-assessments, assessments with
    workers (some waiting for an advocate), signed-off decisions, and a portal user mid-way."""
    from selfdirect.assessments.models import Assessment, SupportRequest

    out = io.StringIO()
    call_command("seed_council", "--people", "300", "--demo-database", stdout=out, stderr=io.StringIO())
    statuses = set(Assessment.objects.values_list("status", flat=True))
    assert {"submitted", "in_progress", "signed_off", "draft"} <= statuses
    assert SupportRequest.objects.filter(status="open", person__isnull=True).exists()
    assert Assessment.objects.filter(advocacy_referrals__status="requested").exists()
    assert "Where to look" in out.getvalue()
    call_command(
        "seed_council", "--people", "300", "--reset", "--demo-database", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert Person.objects.count() == 300
