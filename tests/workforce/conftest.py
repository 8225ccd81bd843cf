"""Fixtures for the workforce tests.

- `staff_in(team, n, role)`: n active staff of `role` in `team`.
- `survey`: a survey with the default questions. `open_round`: its first round, open.
- `answer_all(round, users, option_for)`: each user answers every question; `option_for(i, question)` picks the
  option for the i-th user (by default the first option of the question's scale).
- `open_enquiry(person)`, `complex_assessment(person)`: the records that make work complex or safeguarding.
"""

import datetime

import pytest
from django.utils import timezone

from selfdirect.core.roles import Role
from selfdirect.rules import workforce as rules
from selfdirect.workforce import services
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def staff_in(db):
    def make(team, n, role=Role.SOCIAL_WORKER):
        return [UserFactory(role=role, teams=[team]) for _ in range(n)]

    return make


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.TEAM_MANAGER, teams=[TeamFactory(name="Managers", code="managers")])


@pytest.fixture
def survey(manager):
    return services.survey_create_default(actor=manager, name="Readiness for personalisation")


@pytest.fixture
def open_round(survey, manager):
    return services.survey_round_open(survey=survey, actor=manager, label="2026")


def _first_option(i, question):
    return rules.SCALES[question.scale].options[0][0]


def pick(informed="very", yes_no="yes", agree="agree"):
    """An option_for for answer_all: the same answer on each scale for everyone."""
    by_scale = {"informed": informed, "yes_no": yes_no, "agree": agree}
    return lambda i, question: by_scale[question.scale]


@pytest.fixture
def answer_all():
    def answer(survey_round, users, option_for=_first_option):
        questions = list(survey_round.questions.all())
        for i, user in enumerate(users):
            services.survey_respond(
                survey_round=survey_round, user=user, answers={q.key: option_for(i, q) for q in questions}
            )

    return answer


@pytest.fixture
def open_enquiry(user_of_role):
    from selfdirect.safeguarding.models import SafeguardingConcern, SafeguardingEnquiry

    lead = user_of_role(Role.SAFEGUARDING_LEAD)

    def make(person, *, closed=False):
        now = timezone.now()
        concern = SafeguardingConcern.objects.create(
            person=person, subject_name=str(person), raised_by="worker", what_happened="Bruising",
            triage_due_at=now, status="enquiry", decision="s42",
        )  # fmt: skip
        return SafeguardingEnquiry.objects.create(
            concern=concern, person=person, kind="s42", lead=lead, desired_outcomes="To feel safe at home",
            due_at=now + datetime.timedelta(days=28), closed_at=now if closed else None,
        )  # fmt: skip

    return make


@pytest.fixture
def complex_assessment(db):
    from selfdirect.assessments.models import Assessment, QuestionBank

    def make(person, *, status="in_progress", is_complex=True):
        field = Assessment._meta.get_field
        return Assessment.objects.create(
            person=person, question_bank=QuestionBank.objects.first(), status=status, is_complex=is_complex,
            complexity_reasons="Conflict in the family over money" if is_complex else "",
            assessment_type=field("assessment_type").choices[0][0], method=field("method").choices[0][0],
        )  # fmt: skip

    return make
