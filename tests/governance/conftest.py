"""Fixtures for the information governance tests.

- `dpo`: the data protection officer.
- `closed_person(ended=date, died=None, **fields)`: a person whose support ended on `ended` (an allocation that
  ended then, nothing allocated now), with a contact and a case note naming that contact.
"""

import datetime

import pytest
from django.utils import timezone

from selfdirect.core.roles import Role
from selfdirect.people.models import Allocation
from tests.factories import CaseNoteFactory, ContactFactory, PersonFactory


@pytest.fixture
def dpo(user_of_role):
    return user_of_role(Role.DATA_PROTECTION_OFFICER, first_name="Olu", last_name="Bankole")


@pytest.fixture
def closed_person(team, social_worker):
    def make(ended: datetime.date, died: datetime.date | None = None, **fields):
        person = PersonFactory(date_of_death=died, **fields)
        started = timezone.make_aware(datetime.datetime.combine(ended - datetime.timedelta(days=400), datetime.time(9)))
        finished = timezone.make_aware(datetime.datetime.combine(ended, datetime.time(17)))
        Allocation.objects.create(person=person, team=team, worker=social_worker, started_at=started,
                                  ended_at=finished)  # fmt: skip
        ContactFactory(person=person, name="Joan Daughter", phone="01632 960123")
        CaseNoteFactory(person=person, author=social_worker, occurred_on=ended - datetime.timedelta(days=30),
                        text="Spoke to Joan Daughter about the move.")  # fmt: skip
        return person

    return make
