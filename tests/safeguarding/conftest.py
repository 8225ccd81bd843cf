"""Fixtures for the safeguarding tests.

- `lead`: a safeguarding lead. `finance`: a finance officer. `other_worker`: a social worker in the same team as
  `social_worker` but not allocated to anyone here.
- `allocated`: a person allocated to `social_worker` (the shared fixture), in `team`.
- `raise_concern(person=None, actor=None, **fields)`: raise a concern through the service with sensible answers.
- `s42(concern, lead=..., **fields)`: triage a concern into a section 42 enquiry (all three criteria met).
"""

import pytest

from selfdirect.core.roles import Role
from selfdirect.safeguarding import services
from tests.factories import PersonFactory


@pytest.fixture
def lead(user_of_role):
    return user_of_role(Role.SAFEGUARDING_LEAD, first_name="Aisha", last_name="Rahman")


@pytest.fixture
def finance(user_of_role):
    return user_of_role(Role.FINANCE_OFFICER, first_name="Ruth", last_name="Evans")


@pytest.fixture
def other_worker(user_of_role, team):
    return user_of_role(Role.SOCIAL_WORKER, teams=[team], first_name="Olu", last_name="Other")


@pytest.fixture
def allocated(db, team, social_worker):
    return PersonFactory(first_name="Mary", last_name="Smith", allocated_team=team, allocated_worker=social_worker)


@pytest.fixture
def raise_concern(social_worker):
    def make(person=None, actor=None, **fields):
        answers = {
            "what_happened": "Bruises on both arms; the person said their nephew grabbed them.",
            "raised_by": "worker",
            "abuse_types": ["physical"],
            "immediate_risk": False,
        }
        if person is None and actor is None:
            answers |= {"subject_name": "Edna Marsh", "raised_by": "neighbour", "from_public_form": True}
        else:
            actor = actor or social_worker
        return services.concern_raise(person=person, actor=actor, **(answers | fields))

    return make


@pytest.fixture
def s42(lead):
    def triage(concern, *, actor=None, enquiry_lead=None, **fields):
        answers = {
            "has_care_needs": True,
            "experiencing_abuse": True,
            "cannot_protect_self": True,
            "decision": "s42",
            "reasons": "All three criteria are met.",
            "lead": enquiry_lead or lead,
            "desired_outcomes": "To feel safe at home.",
        }
        concern = services.concern_triage(concern=concern, actor=actor or lead, **(answers | fields))
        return concern.enquiry

    return triage
