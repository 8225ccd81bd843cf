"""People selectors: what the one search box understands, who may open which record, and caseload counts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.people.selectors import (
    RestrictedRecord,
    caseload_for_worker,
    duplicates_for,
    parse_search,
    person_get_for_user,
    person_search,
    team_caseload,
    team_summaries,
    worker_caseload_counts,
)
from tests.factories import PersonFactory, TeamFactory, UserFactory

DOB = datetime.date(1941, 4, 3)
DIED = datetime.date(2025, 12, 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("943 476 5919", ("nhs_number", "9434765919")),
        ("943-476-5919", ("nhs_number", "9434765919")),
        (" 9434765919 ", ("nhs_number", "9434765919")),
        ("03/04/1941", ("date_of_birth", datetime.date(1941, 4, 3))),
        ("3.4.1941", ("date_of_birth", datetime.date(1941, 4, 3))),
        ("3-4-1941", ("date_of_birth", datetime.date(1941, 4, 3))),
        ("31/02/1941", ("invalid_date", "31/02/1941")),
        ("12/13/1941", ("invalid_date", "12/13/1941")),
        ("NM1 2AB", ("postcode", "NM1 2AB")),
        ("nm12ab", ("postcode", "NM1 2AB")),
        ("NM1", ("postcode", "NM1")),
        ("nm10", ("postcode", "NM10")),
        ("NM1 2A", ("postcode", "NM1 2A")),
        ("NM1 2", ("postcode", "NM1 2")),
        ("SW1A 1", ("postcode", "SW1A 1")),
        ("P0000012", ("council_id", "P0000012")),
        ("p12", ("council_id", "P12")),
        ("Smith", ("name", "Smith")),
        ("Mary Smith", ("name", "Mary Smith")),
        ("O'Brien", ("name", "O'Brien")),
        ("", ("empty", None)),
        ("   ", ("empty", None)),
    ],
)
def test_parse_search(query, expected):
    """The search box tells NHS numbers (spaces or hyphens allowed), dates of birth (impossible dates
    flagged), full and partial postcodes, council IDs and names apart."""
    assert parse_search(query) == expected


# person_search


@pytest.fixture
def searchable(db):
    """Three people with distinct details, plus the names the tests look for."""
    return {
        "mary": PersonFactory(
            first_name="Mary",
            last_name="Smith",
            preferred_name="Molly",
            date_of_birth=DOB,
            nhs_number="9434765919",
            postcode="NM1 2AB",
            council_id="P0000012",
        ),
        "maria": PersonFactory(
            first_name="Maria",
            last_name="Smithson",
            date_of_birth=datetime.date(1950, 1, 1),
            nhs_number="4010232137",
            postcode="NM10 7PQ",
            council_id="P0000013",
        ),
        "john": PersonFactory(
            first_name="John",
            last_name="Jones",
            date_of_birth=datetime.date(1960, 6, 6),
            nhs_number="9990000026",
            postcode="LS6 2AB",
            council_id="P0000014",
        ),
    }


def _found(user, query):
    return [p.first_name for p in person_search(user=user, query=query)[1]]


@pytest.mark.parametrize(
    ("query", "kind", "found"),
    [
        ("943 476 5919", "nhs_number", ["Mary"]),
        ("03/04/1941", "date_of_birth", ["Mary"]),
        ("NM1 2AB", "postcode", ["Mary"]),
        ("nm1 2ab", "postcode", ["Mary"]),
        ("LS6", "postcode", ["John"]),
        ("P0000012", "council_id", ["Mary"]),
        ("p12", "council_id", ["Mary"]),
        ("smith", "name", ["Mary", "Maria"]),
        ("SMITHSON", "name", ["Maria"]),
        ("Mary Smith", "name", ["Mary"]),
        ("molly", "name", ["Mary"]),
        ("Molly Smith", "name", ["Mary"]),
        ("31/02/1941", "invalid_date", []),
        ("Nobody", "name", []),
    ],
)
def test_person_search_finds_by_each_kind(searchable, social_worker, query, kind, found):
    """Each kind of query finds exactly the matching people; names match case-insensitively from the start
    of first, last or preferred name, every word having to match."""
    got_kind, people = person_search(user=social_worker, query=query)
    assert got_kind == kind
    assert [p.first_name for p in people] == found


@pytest.mark.parametrize("query", ["NM1 2A", "NM1 2", "nm1 2a"])
def test_person_search_by_partial_postcode_typed_with_a_space(searchable, social_worker, query):
    """A postcode typed part way, with its space, finds the people whose postcode starts that way."""
    assert _found(social_worker, query) == ["Mary"]


def test_person_search_orders_by_surname_then_first_name(db, social_worker):
    """Results come back in surname, then first-name order."""
    PersonFactory(first_name="Zoe", last_name="Adams")
    PersonFactory(first_name="Amy", last_name="Baker")
    PersonFactory(first_name="Amy", last_name="Adams")
    assert [p.full_name for p in person_search(user=social_worker, query="a")[1]] == [
        "Amy Adams",
        "Zoe Adams",
        "Amy Baker",
    ]


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMINISTRATOR, Role.PERFORMANCE_ANALYST])
def test_person_search_needs_person_view(db, role):
    """Roles that may not view person records cannot search them either."""
    with pytest.raises(PermissionDenied):
        person_search(user=UserFactory(role=role), query="Smith")


# person_get_for_user


@pytest.fixture
def restricted(db, team, social_worker):
    return PersonFactory(is_restricted=True, allocated_team=team, allocated_worker=social_worker)


def test_restricted_record_is_refused_to_an_unallocated_worker(restricted, user_of_role, team):
    """A social worker who is not the allocated worker gets RestrictedRecord (a PermissionDenied), even in the
    same team, and the refusal is audited."""
    colleague = user_of_role(Role.SOCIAL_WORKER, teams=[team])
    with pytest.raises(RestrictedRecord) as refused:
        person_get_for_user(user=colleague, pk=restricted.pk)
    assert isinstance(refused.value, PermissionDenied)
    denied = AuditEvent.objects.get(person_id=restricted.pk)
    assert (denied.action, denied.actor) == (AuditEvent.Action.DENIED, colleague)


def test_restricted_record_is_refused_to_the_team_manager(restricted, team_manager):
    """Managing the team does not open a restricted record: only the allocated worker and safeguarding leads see it."""
    with pytest.raises(RestrictedRecord):
        person_get_for_user(user=team_manager, pk=restricted.pk)


def test_restricted_record_is_open_to_the_allocated_worker(restricted, social_worker):
    """The allocated worker can open a restricted record."""
    assert person_get_for_user(user=social_worker, pk=restricted.pk) == restricted


def test_restricted_record_is_open_to_a_safeguarding_lead(restricted, user_of_role):
    """A safeguarding lead can open any restricted record, allocated or not."""
    lead = user_of_role(Role.SAFEGUARDING_LEAD)
    assert person_get_for_user(user=lead, pk=restricted.pk) == restricted


def test_unrestricted_record_is_open_to_any_role_with_person_view(person, user_of_role):
    """Records that are not restricted open for every role allowed to view people, allocated or not."""
    for role in (Role.SOCIAL_WORKER, Role.PANEL_MEMBER, Role.FINANCE_OFFICER, Role.SUPPORT_PLANNER):
        assert person_get_for_user(user=user_of_role(role), pk=person.pk) == person


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMINISTRATOR, Role.PERFORMANCE_ANALYST, ""])
def test_roles_without_person_view_are_refused(person, user_of_role, role):
    """Roles without person.view (and accounts with no role) get PermissionDenied, not the record."""
    with pytest.raises(PermissionDenied):
        person_get_for_user(user=user_of_role(role), pk=person.pk)


def test_roles_without_person_view_learn_nothing_from_a_missing_id(db, user_of_role):
    """The permission check comes first, so a refused role cannot tell which ids exist."""
    with pytest.raises(PermissionDenied):
        person_get_for_user(user=user_of_role(Role.COMMISSIONER), pk=999_999)


def test_nonexistent_person_is_404(db, social_worker):
    """An id with no record raises Http404."""
    with pytest.raises(Http404):
        person_get_for_user(user=social_worker, pk=999_999)


# duplicates_for


def test_duplicates_for_matches_nhs_number_or_name_and_date_of_birth(db):
    """Possible duplicates are records with the same NHS number, or the same name (any case) and date of birth."""
    same_name_dob = PersonFactory(first_name="Edith", last_name="Crawley", date_of_birth=DOB)
    same_nhs = PersonFactory(first_name="Eddie", last_name="Other", nhs_number="9434765919")
    PersonFactory(first_name="Edith", last_name="Crawley", date_of_birth=datetime.date(1950, 1, 1))
    PersonFactory(first_name="Someone", last_name="Else", date_of_birth=DOB)

    found = duplicates_for(first_name="edith", last_name="CRAWLEY", date_of_birth=DOB, nhs_number="9434765919")
    assert set(found) == {same_name_dob, same_nhs}


@pytest.mark.parametrize("nhs_number", [None, ""])
def test_duplicates_for_without_nhs_number_matches_name_and_date_only(db, nhs_number):
    """With no NHS number given, only name and date of birth are compared (a blank does not match other blanks)."""
    match = PersonFactory(first_name="Edith", last_name="Crawley", date_of_birth=DOB)
    PersonFactory(first_name="Nobody", last_name="Related", nhs_number=None)
    found = duplicates_for(first_name="Edith", last_name="Crawley", date_of_birth=DOB, nhs_number=nhs_number)
    assert list(found) == [match]


# caseloads and counts


def test_caseload_for_worker_excludes_deceased_and_other_workers(db, team, social_worker, user_of_role):
    """A worker's caseload lists the living people allocated to them, in name order."""
    other = user_of_role(Role.SOCIAL_WORKER, teams=[team])
    b = PersonFactory(last_name="Bell", allocated_team=team, allocated_worker=social_worker)
    a = PersonFactory(last_name="Ashe", allocated_team=team, allocated_worker=social_worker)
    PersonFactory(last_name="Dead", allocated_team=team, allocated_worker=social_worker, date_of_death=DIED)
    PersonFactory(last_name="Theirs", allocated_team=team, allocated_worker=other)
    PersonFactory(last_name="Nobody")
    assert list(caseload_for_worker(worker=social_worker)) == [a, b]


def test_team_caseload_lists_the_living_people_of_the_team(db, team, social_worker):
    """A team's caseload has its living people, with or without a worker, and nobody from other teams."""
    mine = PersonFactory(last_name="Ashe", allocated_team=team, allocated_worker=social_worker)
    waiting = PersonFactory(last_name="Bell", allocated_team=team)
    PersonFactory(allocated_team=team, date_of_death=DIED)
    PersonFactory(allocated_team=TeamFactory())
    assert list(team_caseload(team=team)) == [mine, waiting]


def test_team_summaries_count_open_and_unallocated_cases(db, user_of_role):
    """Each team shows its open (living) cases, how many have no worker, and its member count, unaffected by
    how many members the team has."""
    north = TeamFactory(name="North")
    south = TeamFactory(name="South")
    empty = TeamFactory(name="Empty")
    w1 = user_of_role(Role.SOCIAL_WORKER, teams=[north])
    w2 = user_of_role(Role.ASSESSOR, teams=[north])
    user_of_role(Role.TEAM_MANAGER, teams=[north, south])
    PersonFactory.create_batch(2, allocated_team=north, allocated_worker=w1)
    PersonFactory(allocated_team=north, allocated_worker=w2)
    PersonFactory(allocated_team=north)  # waiting for a worker
    PersonFactory(allocated_team=north, date_of_death=DIED)  # closed
    PersonFactory(allocated_team=north, date_of_death=DIED)  # closed, no worker
    PersonFactory.create_batch(2, allocated_team=south)

    summaries = {t.name: (t.open_count, t.unallocated_count, t.member_count) for t in team_summaries()}
    assert summaries == {"Empty": (0, 0, 0), "North": (4, 1, 3), "South": (2, 2, 1)}
    assert [t.name for t in team_summaries()] == ["Empty", "North", "South"]
    assert empty.pk in {t.pk for t in team_summaries()}


def test_worker_caseload_counts(db, user_of_role):
    """Each active member of the team is listed with the number of living cases they hold in this team
    (cases in other teams and closed cases not counted; inactive members left out)."""
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    ann = user_of_role(Role.SOCIAL_WORKER, teams=[north, south], first_name="Ann", last_name="Able")
    bob = user_of_role(Role.ASSESSOR, teams=[north], first_name="Bob", last_name="Baker")
    gone = user_of_role(Role.SOCIAL_WORKER, teams=[north], last_name="Zed", is_active=False)
    PersonFactory.create_batch(3, allocated_team=north, allocated_worker=ann)
    PersonFactory(allocated_team=south, allocated_worker=ann)
    PersonFactory(allocated_team=north, allocated_worker=ann, date_of_death=DIED)
    PersonFactory(allocated_team=north, allocated_worker=gone)

    counts = [(u.pk, u.case_count) for u in worker_caseload_counts(team=north)]
    assert counts == [(ann.pk, 3), (bob.pk, 0)]
    assert [(u.pk, u.case_count) for u in worker_caseload_counts(team=south)] == [(ann.pk, 1)]
