"""Fixtures shared by every test module.

- `user_of_role(role, teams=(), **fields)`: make a staff user with that role, optionally in teams.
- `team`: a team. `social_worker` and `team_manager` are both members of `team`.
- `person`: a person record with no allocation (made by a factory: no audit or timeline rows).
- `client_as(user)`: a fresh django test Client signed in as `user`, second factor passed (several at once).
pytest-django's own fixtures (`django_assert_num_queries`, `django_assert_max_num_queries`, `settings`,
`rf`, `client`) are available as usual.
"""

import pytest
from django.test import Client

from selfdirect.core.roles import Role
from selfdirect.core.second_factor import mark_second_factor_verified

from .factories import PersonFactory, TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Argon2 is deliberately slow; tests hash with MD5 instead."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user_of_role(db):
    """A callable: user_of_role(Role.ASSESSOR, teams=[team], first_name="Ada") -> a saved User."""

    def make(role: str = Role.SOCIAL_WORKER, teams=(), **fields):
        return UserFactory(role=role, teams=list(teams), **fields)

    return make


@pytest.fixture
def team(db):
    return TeamFactory(name="Older people north", code="opn")


@pytest.fixture
def social_worker(user_of_role, team):
    return user_of_role(Role.SOCIAL_WORKER, teams=[team], first_name="Sam", last_name="Worker")


@pytest.fixture
def team_manager(user_of_role, team):
    return user_of_role(Role.TEAM_MANAGER, teams=[team], first_name="Tess", last_name="Manager")


@pytest.fixture
def person(db):
    return PersonFactory(first_name="Mary", last_name="Smith")


@pytest.fixture
def client_as(db):
    """A callable: client_as(user) -> a django test Client already signed in as `user` (second factor passed)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        # Staff have passed the second factor, marked in the session the same way the code step marks it.
        session = client.session
        mark_second_factor_verified(session, user)
        session.save()
        return client

    return make


_REFERENCE_DATA_MIGRATIONS = [
    "selfdirect.assessments.migrations.0002_default_question_bank",
    "selfdirect.assessments.migrations.0005_question_bank_v2",
    "selfdirect.money.migrations.0002_charging_figures",
    "selfdirect.money.migrations.0003_default_ras_table",
    "selfdirect.payments.migrations.0006_statement_formats_and_rules",
    "selfdirect.directory.migrations.0002_taxonomy_and_guides",
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Data that migrations load (question banks, charging figures, the default RAS table) is wiped when a
    transactional test (the browser journeys) flushes the database: reload it, as the migrations do, for every
    database test that follows. Each loader does nothing when its data is already there."""
    if not {"db", "transactional_db"} & set(request.fixturenames) and not request.node.get_closest_marker("django_db"):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    for name in _REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(name).load(apps, None)
