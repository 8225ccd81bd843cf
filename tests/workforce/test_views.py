"""Workforce pages: who may use them, every form's bad input shown as a GOV.UK error summary (never a 500), and
the main journeys: profile, training, needs, survey, peer groups and mentoring."""

import pytest
from django.urls import reverse

from selfdirect.core.roles import Role
from selfdirect.workforce import services
from selfdirect.workforce.models import (
    MentoringPair,
    PeerGroup,
    StaffProfile,
    SurveyQuestion,
    SurveyRound,
    TrainingNeed,
    TrainingRecord,
)
from tests.factories import UserFactory

MANAGE_PAGES = [
    "workforce_staff_list",
    "workforce_needs_summary",
    "workforce_surveys",
    "workforce_peer_groups",
    "workforce_mentoring_create",
]


@pytest.mark.parametrize("name", MANAGE_PAGES)
@pytest.mark.parametrize(
    "role, status",
    [
        (Role.SOCIAL_WORKER, 403),
        (Role.ASSESSOR, 403),
        (Role.FINANCE_OFFICER, 403),
        (Role.TEAM_MANAGER, 200),
        (Role.PERFORMANCE_ANALYST, 200),
        (Role.ADMINISTRATOR, 200),
    ],
)
def test_workforce_pages_are_for_workforce_managers(name, role, status, user_of_role, client_as):
    assert client_as(user_of_role(role)).get(reverse(name)).status_code == status


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.TEAM_MANAGER])
def test_every_member_of_staff_can_reach_the_survey_and_their_development(role, user_of_role, client_as):
    client = client_as(user_of_role(role))
    assert client.get(reverse("workforce_survey_rounds_open")).status_code == 200
    assert client.get(reverse("workforce_my_development")).status_code == 200


def test_a_social_worker_cannot_see_results_or_another_profile(social_worker, open_round, client_as, user_of_role):
    client = client_as(social_worker)
    other = user_of_role(Role.ASSESSOR)
    assert client.get(reverse("workforce_round_results", args=[open_round.pk])).status_code == 403
    assert client.get(reverse("workforce_staff_profile", args=[other.pk])).status_code == 403
    assert client.post(reverse("workforce_round_close", args=[open_round.pk])).status_code == 403
    assert SurveyRound.objects.get(pk=open_round.pk).is_open


def test_portal_users_and_the_public_cannot_answer(open_round, client):
    response = client.get(reverse("workforce_survey_answer", args=[open_round.pk]))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def _errors(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "govuk-error-summary" in html
    return html


def test_profile_form_bad_input(team_manager, social_worker, client_as):
    url = reverse("workforce_staff_profile_edit", args=[social_worker.pk])
    client = client_as(team_manager)
    html = _errors(
        client.post(
            url,
            {
                "job_title": "",
                "qualified_social_worker": "on",
                "registration_number": "",
                "registered_on_0": "31",
                "registered_on_1": "2",
                "registered_on_2": "2020",
            },
        )
    )
    assert "Enter the job title" in html and "must be a real date" in html
    html = _errors(
        client.post(
            url,
            {
                "job_title": "Social worker",
                "qualified_social_worker": "on",
                "registration_number": "",
                "registered_on_0": "",
                "registered_on_1": "",
                "registered_on_2": "",
            },
        )
    )
    assert "Enter the Social Work England registration number" in html
    html = _errors(
        client.post(
            url,
            {
                "job_title": "Social worker",
                "qualified_social_worker": "on",
                "registration_number": "12<script>",
                "registered_on_0": "",
                "registered_on_1": "",
                "registered_on_2": "",
            },
        )
    )
    assert "SW followed by numbers" in html
    assert not StaffProfile.objects.exists()


def test_profile_form_saves(team_manager, social_worker, client_as):
    url = reverse("workforce_staff_profile_edit", args=[social_worker.pk])
    response = client_as(team_manager).post(
        url,
        {
            "job_title": "Senior social worker",
            "qualified_social_worker": "on",
            "registration_number": "SW012345",
            "registered_on_0": "1",
            "registered_on_1": "9",
            "registered_on_2": "2019",
        },
    )
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=social_worker)
    assert profile.registration_number == "SW012345" and str(profile.registered_on) == "2019-09-01"
    social_worker.refresh_from_db()
    assert social_worker.job_title == "Senior social worker"


def test_training_form_bad_input(team_manager, social_worker, client_as):
    url = reverse("workforce_training_add", args=[social_worker.pk])
    client = client_as(team_manager)
    html = _errors(
        client.post(
            url,
            {
                "kind": "nonsense",
                "title": "",
                "topic": "astrology",
                "completed_on_0": "1",
                "completed_on_1": "1",
                "completed_on_2": "3000",
            },
        )
    )
    assert "Enter the title" in html and "Choose from the list" in html and "today or in the past" in html
    html = _errors(
        client.post(
            url,
            {
                "kind": "training",
                "title": "Direct payments",
                "topic": "direct_payments",
                "completed_on_0": "1",
                "completed_on_1": "3",
                "completed_on_2": "2026",
                "expires_on_0": "1",
                "expires_on_1": "3",
                "expires_on_2": "2025",
            },
        )
    )
    assert "The expiry date must be after the date completed" in html
    assert not TrainingRecord.objects.exists()


def test_training_form_saves_and_changes(team_manager, social_worker, client_as):
    client = client_as(team_manager)
    data = {
        "kind": "training",
        "title": "Direct payments in practice",
        "topic": "direct_payments",
        "completed_on_0": "1",
        "completed_on_1": "3",
        "completed_on_2": "2026",
        "expires_on_0": "1",
        "expires_on_1": "3",
        "expires_on_2": "2029",
    }
    assert client.post(reverse("workforce_training_add", args=[social_worker.pk]), data).status_code == 302
    record = TrainingRecord.objects.get(user=social_worker)
    url = reverse("workforce_training_edit", args=[social_worker.pk, record.pk])
    assert client.post(url, data | {"title": "Direct payments refresher"}).status_code == 302
    record.refresh_from_db()
    assert record.title == "Direct payments refresher"
    html = client.get(reverse("workforce_staff_profile", args=[social_worker.pk])).content.decode()
    assert "Direct payments refresher" in html


def test_someone_elses_training_record_is_not_found(team_manager, social_worker, user_of_role, client_as):
    other = user_of_role(Role.ASSESSOR)
    record = TrainingRecord.objects.create(user=other, title="X", completed_on="2026-01-01")
    url = reverse("workforce_training_edit", args=[social_worker.pk, record.pk])
    assert client_as(team_manager).get(url).status_code == 404


def test_needs_form_bad_input_and_self_nomination(social_worker, client_as):
    client = client_as(social_worker)
    url = reverse("workforce_my_development")
    html = _errors(client.post(url, {"topics": ["brokerage", "palmistry"]}))
    assert "Choose from the list" in html
    html = _errors(client.post(url, {"topics": ["brokerage"], "peer_topics": ["employing_pas"]}))
    assert "Also tick these as training needs" in html
    assert (
        client.post(url, {"topics": ["brokerage", "employing_pas"], "peer_topics": ["employing_pas"]}).status_code
        == 302
    )
    needs = {n.topic: n.wants_peer_group for n in TrainingNeed.objects.filter(user=social_worker)}
    assert needs == {"brokerage": False, "employing_pas": True}
    # Unticking a topic marks the need met, not deleted.
    assert client.post(url, {"topics": ["employing_pas"], "peer_topics": ["employing_pas"]}).status_code == 302
    assert TrainingNeed.objects.get(user=social_worker, topic="brokerage").met_on is not None


def test_staff_list_filters(team_manager, social_worker, user_of_role, client_as, team):
    other = user_of_role(Role.ASSESSOR, first_name="Otto", last_name="Elsewhere")
    services.training_needs_set(user=other, actor=other, needs={"brokerage": True})
    client = client_as(team_manager)
    html = client.get(reverse("workforce_staff_list"), {"topic": "brokerage"}).content.decode()
    assert "Otto Elsewhere" in html and "Sam Worker" not in html
    html = client.get(reverse("workforce_staff_list"), {"team": team.pk}).content.decode()
    assert "Sam Worker" in html and "Otto Elsewhere" not in html
    assert client.get(reverse("workforce_staff_list"), {"team": "x", "topic": "<b>"}).status_code == 200


def test_needs_summary_counts_by_topic_and_team(team_manager, social_worker, team, client_as):
    services.training_needs_set(user=social_worker, actor=social_worker, needs={"brokerage": True})
    from selfdirect.workforce.selectors import needs_summary

    summary = needs_summary()
    row = next(r for r in summary["rows"] if r["topic"] == "brokerage")
    assert row["total"] == 1 and row["peer"] == 1
    assert row["cells"][[t.pk for t in summary["teams"]].index(team.pk)] == 1
    assert client_as(team_manager).get(reverse("workforce_needs_summary")).status_code == 200


def test_survey_journey_and_its_bad_input(team_manager, social_worker, client_as):
    manager = client_as(team_manager)
    html = _errors(manager.post(reverse("workforce_surveys"), {"name": ""}))
    assert "Enter a name for the survey" in html
    assert manager.post(reverse("workforce_surveys"), {"name": "Readiness"}).status_code == 302
    html = _errors(manager.post(reverse("workforce_surveys"), {"name": "readiness"}))
    assert "already exists" in html
    survey = SurveyQuestion.objects.first().survey
    # Questions: bad input, then a new one.
    add = reverse("workforce_question_add", args=[survey.pk])
    html = _errors(
        manager.post(add, {"key": "bad key!", "text": "", "scale": "stars", "order": "-1", "benchmark": "made_up"})
    )
    assert "Short name must only include" in html and "Enter the question" in html and "Order must be 0" in html
    html = _errors(
        manager.post(add, {"key": "informed_direct_payments", "text": "Again?", "scale": "yes_no", "order": "5"})
    )
    assert "Another question in this survey has this key" in html
    assert (
        manager.post(
            add,
            {
                "key": "informed_isf",
                "text": "How well informed do you feel about individual service funds?",
                "scale": "informed",
                "order": "5",
                "is_active": "on",
            },
        ).status_code
        == 302
    )
    # Rounds: bad input, open, answer (social worker), close, results.
    detail = reverse("workforce_survey", args=[survey.pk])
    assert "Enter a name for the round" in _errors(manager.post(detail, {"label": ""}))
    assert manager.post(detail, {"label": "Autumn 2026"}).status_code == 302
    assert "already open" in _errors(manager.post(detail, {"label": "Winter 2026"}))
    survey_round = SurveyRound.objects.get(survey=survey)
    worker = client_as(social_worker)
    answer = reverse("workforce_survey_answer", args=[survey_round.pk])
    html = _errors(worker.post(answer, {"informed_direct_payments": "very", "informed_isf": "made-up"}))
    assert "Answer: How well informed do you feel about brokerage?" in html
    answers = {
        q.key: "yes" if q.scale == "yes_no" else "agree" if q.scale == "agree" else "fairly"
        for q in survey_round.questions.all()
    }
    assert worker.post(answer, answers).status_code == 302
    again = worker.get(answer)
    assert again.status_code == 302  # already answered: sent back to the list
    assert "you have answered" in worker.get(reverse("workforce_survey_rounds_open")).content.decode()
    assert manager.post(reverse("workforce_round_close", args=[survey_round.pk])).status_code == 302
    html = manager.get(reverse("workforce_round_results", args=[survey_round.pk]), {"dimension": "nonsense"})
    assert "Fewer than 5 people answered" in html.content.decode()
    assert manager.get(reverse("workforce_survey_trend", args=[survey.pk])).status_code == 200


def test_peer_group_from_needs(team_manager, user_of_role, client_as):
    """The page suggests staff who recorded the need (those asking for a group already ticked) and those trained."""
    keen, unsure, trained = (
        user_of_role(Role.SOCIAL_WORKER, first_name=n, last_name="Staff") for n in ("Keen", "Unsure", "Trained")
    )
    services.training_needs_set(user=keen, actor=keen, needs={"employing_pas": True})
    services.training_needs_set(user=unsure, actor=unsure, needs={"employing_pas": False})
    TrainingRecord.objects.create(user=trained, title="PA employment", topic="employing_pas", completed_on="2026-01-10")
    client = client_as(team_manager)
    url = reverse("workforce_peer_group_create", args=["employing_pas"])
    html = client.get(url).content.decode()
    assert "Keen Staff" in html and "Unsure Staff" in html and "Trained Staff" in html
    assert f'value="{keen.pk}" checked' in html and f'value="{unsure.pk}" checked' not in html
    assert "Choose from the list" in _errors(client.post(url, {"name": "PAs", "members": ["999999"]}))
    assert "Enter a name for the group" in _errors(client.post(url, {"name": "", "members": [keen.pk]}))
    assert (
        client.post(url, {"name": "Employing PAs", "members": [keen.pk], "facilitator": trained.pk}).status_code == 302
    )
    group = PeerGroup.objects.get()
    assert list(group.members.all()) == [keen] and group.facilitator == trained
    detail = reverse("workforce_peer_group", args=[group.pk])
    assert "Choose at least one person" in _errors(client.post(detail, {}))
    assert client.post(detail, {"members": [unsure.pk]}).status_code == 302
    assert set(group.members.all()) == {keen, unsure}
    assert client.get(reverse("workforce_peer_group_create", args=["astrology"])).status_code == 302


def test_mentoring_pairs(team_manager, user_of_role, client_as):
    mentor, mentee = user_of_role(Role.SOCIAL_WORKER), user_of_role(Role.ASSESSOR)
    client = client_as(team_manager)
    url = reverse("workforce_mentoring_create")
    html = _errors(client.post(url, {"topic": "brokerage", "mentor": mentor.pk, "mentee": mentor.pk}))
    assert "Choose a mentor who is not the mentee" in html
    html = _errors(client.post(url, {"topic": "", "mentor": "abc", "mentee": ""}))
    assert "Choose a topic" in html and "Choose from the list" in html and "Choose the mentee" in html
    assert client.post(url, {"topic": "brokerage", "mentor": mentor.pk, "mentee": mentee.pk}).status_code == 302
    assert "already mentoring" in _errors(
        client.post(url, {"topic": "brokerage", "mentor": mentor.pk, "mentee": mentee.pk})
    )
    pair = MentoringPair.objects.get()
    assert client.post(reverse("workforce_mentoring_end", args=[pair.pk])).status_code == 302
    pair.refresh_from_db()
    assert pair.ended_on is not None
    assert client.get(url, {"topic": "brokerage"}).status_code == 200


def test_staff_profile_of_a_portal_user_is_not_found(team_manager, client_as):
    portal = UserFactory(role="")
    assert client_as(team_manager).get(reverse("workforce_staff_profile", args=[portal.pk])).status_code == 404


def test_a_managers_needs_form_for_someone_else(team_manager, social_worker, client_as):
    url = reverse("workforce_needs_edit", args=[social_worker.pk])
    client = client_as(team_manager)
    assert client.get(url).status_code == 200
    assert "Choose from the list" in _errors(client.post(url, {"topics": ["<script>"]}))
    assert client.post(url, {"topics": ["risk_assessment"]}).status_code == 302
    assert TrainingNeed.objects.get(user=social_worker).topic == "risk_assessment"


def test_round_pages_before_and_after_closing(open_round, survey, team_manager, social_worker, client_as):
    manager = client_as(team_manager)
    close = reverse("workforce_round_close", args=[open_round.pk])
    assert "Close 2026?" in manager.get(close).content.decode()
    results = manager.get(reverse("workforce_round_results", args=[open_round.pk])).content.decode()
    assert "This round is still open" in results
    question = survey.questions.get(key="informed_brokerage")
    assert manager.get(reverse("workforce_question_edit", args=[survey.pk, question.pk])).status_code == 200
    assert manager.post(close).status_code == 302
    again = manager.post(close, follow=True).content.decode()
    assert "This round is already closed" in again
    answer = client_as(social_worker).get(reverse("workforce_survey_answer", args=[open_round.pk]))
    assert answer.status_code == 302
    assert manager.get(reverse("workforce_survey", args=[survey.pk])).status_code == 200


def test_allocation_concerns_page_with_a_bad_filter(team_manager, client_as):
    response = client_as(team_manager).get(reverse("workforce_allocation_concerns"), {"team": "nonsense"})
    assert response.status_code == 200
