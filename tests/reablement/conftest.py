"""Fixtures for short-term support tests: a team, its social worker, and Mrs Ada Jones (born 1 February 1946),
allocated to them."""

import datetime

import pytest

from selfdirect.core.roles import Role
from tests.factories import PersonFactory, UserFactory

DOB = datetime.date(1946, 2, 1)


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team], first_name="Sam", last_name="Worker")


@pytest.fixture
def ada(team, worker):
    return PersonFactory(
        first_name="Ada", last_name="Jones", date_of_birth=DOB, allocated_team=team, allocated_worker=worker
    )
