"""The readiness survey: anonymous counts, one answer per person per round, results only for closed rounds and
groups of at least five, percentages with Wilson intervals beside the published figures, and rounds over time."""

import pytest
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse

from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.workforce import selectors, services
from selfdirect.workforce.models import AnswerCount, ResponseCount, RoundParticipation, SurveyRound
from tests.factories import TeamFactory, UserFactory
from tests.workforce.conftest import pick

User = get_user_model()


@pytest.mark.parametrize("model", [AnswerCount, ResponseCount])
def test_stored_answers_have_no_link_to_a_person_and_no_time(model):
    """No field of an answer record refers to a user or holds a date or time: nothing to match a response to a
    respondent."""
    for field in model._meta.get_fields():
        assert getattr(field, "related_model", None) is not User, field.name
        assert not isinstance(field, models.DateField | models.DateTimeField), field.name
        assert field.name not in {"user", "respondent", "created_at", "submitted_at"}


def test_the_has_answered_record_keeps_the_date_only():
    field = RoundParticipation._meta.get_field("responded_on")
    assert isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
    assert {f.name for f in RoundParticipation._meta.get_fields()} == {"id", "round", "user", "responded_on"}


def test_answers_are_counted_per_group(open_round, staff_in, answer_all):
    """Each answer adds one to the counts for everyone, the person's team and their role."""
    team = TeamFactory(name="North")
    people = staff_in(team, 3)
    answer_all(open_round, people[:1], pick(informed="very"))
    answer_all(open_round, people[1:], pick(informed="little"))
    question = open_round.questions.get(key="informed_direct_payments")
    counts = {(c.dimension, c.group, c.option): c.count for c in AnswerCount.objects.filter(question=question)}
    assert counts == {
        ("all", "Everyone", "very"): 1, ("all", "Everyone", "little"): 2,
        ("team", "North", "very"): 1, ("team", "North", "little"): 2,
        ("role", "Social worker (qualified)", "very"): 1, ("role", "Social worker (qualified)", "little"): 2,
    }  # fmt: skip
    assert ResponseCount.objects.get(round=open_round, dimension="team", group="North").respondents == 3
    assert RoundParticipation.objects.filter(round=open_round).count() == 3


def test_one_answer_per_person_per_round(open_round, social_worker, answer_all):
    answer_all(open_round, [social_worker])
    with pytest.raises(DomainError, match="already answered"):
        answer_all(open_round, [social_worker])
    assert selectors.respondents(survey_round=open_round) == 1


def test_every_question_must_be_answered_with_an_option_of_its_scale(open_round, social_worker):
    answers = {q.key: "yes" for q in open_round.questions.all()}  # "yes" is not on the "informed" scale
    with pytest.raises(DomainError):
        services.survey_respond(survey_round=open_round, user=social_worker, answers=answers)
    assert not RoundParticipation.objects.exists() and not AnswerCount.objects.exists()


def test_a_closed_round_takes_no_answers(open_round, manager, social_worker, answer_all):
    services.survey_round_close(survey_round=open_round, actor=manager)
    with pytest.raises(DomainError, match="closed"):
        answer_all(open_round, [social_worker])


def test_one_open_round_at_a_time(survey, open_round, manager):
    with pytest.raises(DomainError, match="already open"):
        services.survey_round_open(survey=survey, actor=manager, label="Again")


def test_answering_is_audited_without_the_answers(open_round, social_worker, answer_all):
    answer_all(open_round, [social_worker])
    event = AuditEvent.objects.get(actor=social_worker, object_type="workforce.surveyround")
    assert event.changes == {} and "anonymous" in event.summary


def test_no_results_while_the_round_is_open(open_round, staff_in, answer_all):
    answer_all(open_round, staff_in(TeamFactory(), 8))
    results = selectors.round_results(survey_round=open_round)
    assert results["respondents"] == 8 and not results["available"] and results["questions"] == []


def test_no_results_at_all_below_five_respondents(open_round, manager, staff_in, answer_all, client_as):
    """Four answers: not even the overall figures are shown, on the page or by the selector."""
    answer_all(open_round, staff_in(TeamFactory(), 4))
    services.survey_round_close(survey_round=open_round, actor=manager)
    results = selectors.round_results(survey_round=open_round)
    assert not results["available"] and results["questions"] == []
    page = client_as(manager).get(reverse("workforce_round_results", args=[open_round.pk]))
    assert page.status_code == 200
    assert "Fewer than 5 people answered" in page.content.decode()
    assert "% well informed" not in page.content.decode()


def _closed_round_with_teams(open_round, manager, staff_in, answer_all, sizes):
    """Teams of the given sizes answer (everyone in team i says "very" well informed if i is even, else "little")."""
    for i, (name, n) in enumerate(sizes.items()):
        answer_all(open_round, staff_in(TeamFactory(name=name), n), pick(informed="very" if i % 2 == 0 else "little"))
    services.survey_round_close(survey_round=open_round, actor=manager)
    return SurveyRound.objects.get(pk=open_round.pk)


def test_team_breakdown_hides_small_teams_and_what_could_be_subtracted(open_round, manager, staff_in, answer_all,
                                                                        client_as):  # fmt: skip
    """Teams of 6, 5 and 3: the team of 3 is hidden, and the team of 5 too (else the 3 = everyone − 6 − 5)."""
    closed = _closed_round_with_teams(open_round, manager, staff_in, answer_all, {"Alder": 6, "Birch": 5, "Cedar": 3})
    results = selectors.round_results(survey_round=closed, dimension="team")
    assert results["groups"] == [("Alder", 6)] and results["hidden_groups"] == 2
    page = client_as(manager).get(reverse("workforce_round_results", args=[closed.pk]) + "?dimension=team")
    html = page.content.decode()
    assert "Alder (6)" in html and "Birch" not in html and "Cedar" not in html
    assert "2 groups not shown" in html


def test_team_breakdown_percentages_and_intervals(open_round, manager, staff_in, answer_all, client_as):
    """Alder (6) all "very", Birch (5) all "little", Cedar (5) all "very": 100% and 0% per team, 11/16 overall.
    By hand: 11/16 = 68.75% -> 69%; Wilson(11, 16): centre = (11 + 1.9208)/19.8416 = 0.65119, half = 1.96/19.8416 ·
    √(3.4375 + 0.9604) = 0.098782 · 2.09712 = 0.20716 -> 44.4% to 85.8% -> 44–86."""
    closed = _closed_round_with_teams(open_round, manager, staff_in, answer_all, {"Alder": 6, "Birch": 5, "Cedar": 5})
    results = selectors.round_results(survey_round=closed, dimension="team")
    assert [g for g, _ in results["groups"]] == ["Alder", "Birch", "Cedar"]
    item = next(i for i in results["questions"] if i["question"].key == "informed_direct_payments")
    headline = item["measures"][0]
    assert [(c.count, c.n, c.percent) for c in headline["cells"]] == [(6, 6, 100), (0, 5, 0), (5, 5, 100)]
    assert [b.percent for b in headline["benchmarks"]] == [50, 70]
    overall = selectors.round_results(survey_round=closed)
    cell = next(i for i in overall["questions"] if i["question"].key == "informed_direct_payments")["measures"][0][
        "cells"][0]  # fmt: skip
    assert (cell.count, cell.n, cell.percent, cell.lower, cell.upper) == (11, 16, 69, 44, 86)
    html = client_as(manager).get(reverse("workforce_round_results", args=[closed.pk])).content.decode()
    assert "69%" in html and "44–86%" in html and "50% in 2008, all respondents" in html


def test_a_question_shows_a_published_figure_for_a_single_option(open_round, manager, staff_in, answer_all):
    """The 2010 figure (14% understood little or nothing about budgets) sits beside the share answering "little"."""
    closed = _closed_round_with_teams(open_round, manager, staff_in, answer_all, {"Alder": 5, "Birch": 5})
    results = selectors.round_results(survey_round=closed)
    item = next(i for i in results["questions"] if i["question"].key == "informed_personal_budgets")
    little = next(m for m in item["measures"] if m["option"] == "little")
    assert [b.percent for b in little["benchmarks"]] == [14]
    assert little["cells"][0].percent == 50  # Birch's 5 of 10


def test_role_breakdown_needs_five_of_a_role(open_round, manager, answer_all):
    team = TeamFactory()
    workers = [UserFactory(role=Role.SOCIAL_WORKER, teams=[team]) for _ in range(5)]
    assessors = [UserFactory(role=Role.ASSESSOR, teams=[team]) for _ in range(4)]
    answer_all(open_round, workers + assessors)
    services.survey_round_close(survey_round=open_round, actor=manager)
    results = selectors.round_results(survey_round=SurveyRound.objects.get(pk=open_round.pk), dimension="role")
    # Assessors (4) hidden; social workers (5) would then be everyone minus 4 assessors: hidden too.
    assert results["groups"] == [] and not results["available"]
    assert results["respondents"] == 9


def test_rounds_over_time(survey, manager, staff_in, answer_all):
    """Two closed rounds: each question's headline figure per round; a round below five answers is left out."""
    team = TeamFactory()
    first = services.survey_round_open(survey=survey, actor=manager, label="2025")
    first_staff = staff_in(team, 5)
    answer_all(first, first_staff[:4], pick(informed="little"))
    answer_all(first, first_staff[4:], pick(informed="very"))
    services.survey_round_close(survey_round=first, actor=manager)
    second = services.survey_round_open(survey=survey, actor=manager, label="2026")
    answer_all(second, staff_in(team, 5), pick(informed="very"))
    services.survey_round_close(survey_round=second, actor=manager)
    third = services.survey_round_open(survey=survey, actor=manager, label="2027")
    answer_all(third, staff_in(team, 2))
    services.survey_round_close(survey_round=third, actor=manager)
    trend = selectors.survey_trend(survey=survey)
    assert [r.label for r, _ in trend["rounds"]] == ["2025", "2026"]
    line = next(line for line in trend["lines"] if line["question"].key == "informed_direct_payments")
    assert [c.percent for c in line["cells"]] == [20, 100]


def test_question_scale_is_fixed_once_asked(survey, open_round, manager):
    question = survey.questions.get(key="informed_direct_payments")
    values = {f: getattr(question, f) for f in services.QUESTION_FIELDS} | {"scale": "agree"}
    with pytest.raises(DomainError, match="cannot change"):
        services.survey_question_save(survey=survey, actor=manager, question=question, **values)
    values["scale"], values["text"] = "informed", "How well informed do you feel about direct payments now?"
    services.survey_question_save(survey=survey, actor=manager, question=question, **values)
    question.refresh_from_db()
    assert question.text.endswith("now?")


def test_a_new_round_asks_only_the_questions_still_asked(survey, manager):
    survey.questions.filter(key="attitude_regulate_providers").update(is_active=False)
    survey_round = services.survey_round_open(survey=survey, actor=manager, label="2026")
    keys = set(survey_round.questions.values_list("key", flat=True))
    assert "attitude_regulate_providers" not in keys and "informed_direct_payments" in keys
