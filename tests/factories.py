"""factory-boy factories shared by every test module.

Factories write rows directly (they bypass services, so they write no audit records or timeline
events): use them to arrange a test, and call the services when the service itself is under test.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from selfdirect.core.models import User
from selfdirect.core.roles import Role
from selfdirect.people.models import CaseNote, Contact, Person, Relationship
from selfdirect.rules.nhs_number import nhs_check_digit
from selfdirect.workforce.models import Team

# The 999 range is set aside for testing and never issued to a real patient.
_NHS_TEST_BASE = 999_000_000

# Valid postcodes in the fictional Northmoor area (inward letters avoid C I K M O V).
POSTCODES = ["NM1 2AB", "NM1 4DE", "NM2 3FG", "NM3 5HJ", "NM4 6LN", "NM10 7PQ", "NM11 8RS", "NM12 9TU"]


def nhs_number_for(n: int) -> str:
    """The n-th test NHS number: valid, distinct for each n, and the same on every run.

    Each n owns the block of 11 consecutive nine-digit prefixes starting at base + 11n. Stepping the
    last prefix digit adds 2 to the weighted sum, and 2 generates every residue mod 11, so exactly one
    prefix in a block has no check digit (remainder 10): one of the first two always has one.
    """
    for offset in range(11):
        prefix = f"{_NHS_TEST_BASE + 11 * n + offset:09d}"
        check = nhs_check_digit(prefix)
        if check is not None:
            return f"{prefix}{check}"
    raise AssertionError("unreachable: every block of 11 prefixes has a valid one")  # pragma: no cover


def plain_name(kind: str) -> factory.LazyFunction:
    """A Faker en_GB name without an apostrophe. A page writes "O'Neill" as "O&#x27;Neill", so a test looking for a
    random name on a page (or checking it is absent) would pass or fail by chance; names with apostrophes are
    tested on purpose (tests/core/test_forms.py, tests/people/test_selectors.py)."""

    def draw() -> str:
        fake = factory.Faker._get_faker(locale="en_GB")
        name = getattr(fake, kind)()
        while "'" in name:
            name = getattr(fake, kind)()
        return name

    return factory.LazyFunction(draw)


class UserFactory(DjangoModelFactory):
    """A member of staff. `UserFactory(role=Role.TEAM_MANAGER, teams=[team])`; password is "password"."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Staff names come from a pool no test uses for a person, so "the person's name is not on this page" can never
    # trip over a randomly named signed-in user (a random "Raymond Smith" once did).
    first_name = factory.Iterator(["Hazel", "Juniper", "Linden", "Maple", "Rowan"])
    last_name = factory.Iterator(["Ashdown", "Brackley", "Calloway", "Eversley", "Fairbairn", "Galloway", "Ingleby"])
    email = factory.LazyAttribute(lambda u: f"{u.username}@northmoor.example")
    role = Role.SOCIAL_WORKER
    is_active = True
    # Hashed with make_password (as set_password does), using the fast test hasher from conftest.
    password = factory.django.Password("password")

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.add(*extracted)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    code = factory.Sequence(lambda n: f"team-{n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class PersonFactory(DjangoModelFactory):
    """A person record with a unique valid NHS number, a valid postcode and a council ID in the P9 range
    (so it never collides with IDs the `person` sequence hands out to person_create)."""

    class Meta:
        model = Person

    council_id = factory.Sequence(lambda n: f"P9{n + 1:06d}")
    first_name = plain_name("first_name")
    last_name = plain_name("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=100)
    nhs_number = factory.Sequence(nhs_number_for)
    postcode = factory.Iterator(POSTCODES)
    address_line_1 = factory.Sequence(lambda n: f"{n + 1} Moor Lane")
    town = "Northmoor"


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    person = factory.SubFactory(PersonFactory)
    name = plain_name("name")
    relationship = Relationship.DAUGHTER
    is_family = True
    phone = "01632 960001"


class CaseNoteFactory(DjangoModelFactory):
    class Meta:
        model = CaseNote

    person = factory.SubFactory(PersonFactory)
    kind = CaseNote.Kind.VISIT
    occurred_on = factory.LazyFunction(lambda: datetime.date(2026, 1, 15))
    subject = factory.Sequence(lambda n: f"Home visit {n}")
    text = "Visited at home; discussed support at mealtimes."
    author = factory.SubFactory(UserFactory)


def portal_self_assessment_with_record(*, worker, email: str = "priya@example.com", family_member: str = ""):
    """A member of the public asks for support online for themselves (or, with `family_member`, a daughter of that
    name asks for her mother); a worker creates the record from the request. Returns (portal account,
    assessment)."""
    import datetime

    from django.utils import timezone

    from selfdirect.assessments import services
    from selfdirect.portal import services as portal_services

    account = UserFactory(role="", username=email, email=email, email_verified_at=timezone.now())
    assessment = portal_services.portal_support_request(
        user=account,
        for_self=not family_member,
        requester="family" if family_member else "self",
        requester_name=family_member,
        relationship="Daughter" if family_member else "",
        first_name="Priya",
        last_name="Shah",
        date_of_birth=datetime.date(1950, 3, 4),
        postcode="NM1 2AB",
        phone="",
        what_they_need="Help with meals.",
        immediate_risk=False,
    )
    services.request_create_person(support_request=assessment.request, actor=worker)
    assessment.refresh_from_db()
    return account, assessment
