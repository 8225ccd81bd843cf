"""Fixtures for portal tests.

- `question_bank`: the published default bank (migration 0002 loads it; reloaded if a transactional test
  flushed the database).
- `portal_user(**fields)`: a callable making a verified public account (no role), password "password".
- `self_assessment(user)` / `proxy_assessment(user)`: a draft self-assessment started through the portal
  service, answered by the person themselves or by a daughter on a parent's behalf.
"""

import datetime

import pytest
from django.utils import timezone

from selfdirect.portal import services
from tests.factories import UserFactory

from .bank import ensure_question_bank


@pytest.fixture
def question_bank(db):
    return ensure_question_bank()


@pytest.fixture
def portal_user(db):
    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        email = fields.pop("email", f"person{n}@example.com")
        defaults = {
            "username": email,
            "email": email,
            "role": "",
            "first_name": "Priya",
            "last_name": f"Shah{chr(ord('a') + n % 26)}",
            "email_verified_at": timezone.now(),
        }
        return UserFactory(**(defaults | fields))

    return make


def request_fields(**overrides) -> dict:
    fields = {
        "for_self": True,
        "requester": "self",
        "requester_name": "",
        "relationship": "",
        "first_name": "Priya",
        "last_name": "Shah",
        "date_of_birth": datetime.date(1958, 3, 4),
        "postcode": "NM1 2AB",
        "phone": "",
        "what_they_need": "Help with meals and getting out.",
        "immediate_risk": False,
    }
    return fields | overrides


@pytest.fixture
def self_assessment(question_bank):
    def make(user):
        return services.portal_support_request(user=user, **request_fields())

    return make


@pytest.fixture
def proxy_assessment(question_bank):
    def make(user):
        return services.portal_support_request(
            user=user,
            **request_fields(
                for_self=False,
                requester="family",
                requester_name="Asha Shah",
                relationship="Daughter",
                first_name="Kamala",
                last_name="Shah",
                date_of_birth=datetime.date(1936, 8, 1),
                what_they_need="Mum has dementia and forgets to eat.",
            ),
        )

    return make
