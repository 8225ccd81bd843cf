"""Assessment services and staff pages: from answers to a signed-off decision, with the s67 advocacy guard."""

import datetime

import pytest
from django.urls import reverse

from selfdirect.assessments import services
from selfdirect.assessments.models import AdvocacyReferral, AnswerChange, Assessment
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.people.models import PersonEvent
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

TWO_OUTCOMES = {
    "a": {"unable_reasons": ["without_assistance"], "own_words": "I forget to eat"},
    "g": {"unable_reasons": ["pain_distress_anxiety"], "met_by_unpaid_carer": True},
}


@pytest.fixture
def assessment(social_worker, person):
    started = services.assessment_start(actor=social_worker, person=person)
    services.assessment_allocate(assessment=started, worker=social_worker, actor=social_worker)
    return services.assessment_save_answers(
        assessment=started,
        actor=social_worker,
        outcomes=TWO_OUTCOMES,
        answers={"needs_from_impairment": "yes", "significant_impact": "yes", "typical_week": "Day centre Tuesday"},
    )


def ready(assessment, actor, **involvement):
    services.involvement_record(assessment=assessment, actor=actor, difficulties=[], **involvement)
    return assessment


def test_answers_feed_the_eligibility_rule(assessment):
    """Two outcomes unable, impairment, significant impact: eligible; needs met by a carer still count."""
    result = services.eligibility_for(assessment)
    assert result.eligible and result.outcomes_unable == ["a", "g"]
    assert assessment.typical_week == "Day centre Tuesday" and assessment.needs_from_impairment is True


def test_one_outcome_is_not_enough_for_an_adult(assessment, social_worker):
    services.assessment_save_answers(assessment=assessment, actor=social_worker, outcomes={"g": {"unable_reasons": []}})
    assert not services.eligibility_for(assessment).eligible


def test_sign_off_needs_involvement_recorded(assessment, social_worker):
    """The s67 question must be answered before any sign-off."""
    with pytest.raises(DomainError, match="substantial difficulty"):
        services.assessment_sign_off(assessment=assessment, actor=social_worker)


def test_sign_off_refused_until_advocate_arranged(assessment, social_worker):
    """Substantial difficulty and nobody appropriate: refused until an advocate is arranged, then allowed."""
    services.involvement_record(assessment=assessment, actor=social_worker, difficulties=["understanding"])
    with pytest.raises(DomainError, match="independent advocate must be arranged"):
        services.assessment_sign_off(assessment=assessment, actor=social_worker)
    referral = services.advocacy_refer(assessment=assessment, actor=social_worker, organisation="Northmoor Advocacy")
    with pytest.raises(DomainError, match="independent advocate"):
        services.assessment_sign_off(assessment=assessment, actor=social_worker)
    services.advocacy_update(
        referral=referral, actor=social_worker, status=AdvocacyReferral.Status.ARRANGED, advocate_name="Priya Shah"
    )
    signed = services.assessment_sign_off(assessment=assessment, actor=social_worker)
    assert signed.status == Assessment.Status.SIGNED_OFF and signed.decision_eligible is True


def test_appropriate_person_removes_the_need_unless_an_exception_applies(assessment, social_worker, person):
    daughter = ContactFactory(person=person, is_appropriate_person=True)
    services.involvement_record(
        assessment=assessment,
        actor=social_worker,
        difficulties=["retaining"],
        appropriate_person=daughter,
        exceptions=["care_home_8_weeks"],
    )
    with pytest.raises(DomainError, match="care home stay of 8 weeks"):
        services.assessment_sign_off(assessment=assessment, actor=social_worker)
    services.involvement_record(
        assessment=assessment, actor=social_worker, difficulties=["retaining"], appropriate_person=daughter
    )
    assert services.assessment_sign_off(assessment=assessment, actor=social_worker).status == "signed_off"


def test_override_needs_a_reason_and_flips_the_decision(assessment, social_worker):
    ready(assessment, social_worker)
    with pytest.raises(DomainError, match="reason for overriding"):
        services.assessment_sign_off(assessment=assessment, actor=social_worker, override=True)
    signed = services.assessment_sign_off(
        assessment=assessment, actor=social_worker, override=True, reason="Needs met by a health service"
    )
    assert signed.computed_eligible is True and signed.decision_eligible is False
    assert signed.decision == Assessment.Decision.OVERRIDDEN


def test_assessor_cannot_sign_off_and_complex_needs_a_social_worker(assessment, social_worker, user_of_role, team):
    """Assessors prepare; qualified practitioners decide; complex cases go to qualified social workers."""
    ready(assessment, social_worker)
    assessor = user_of_role(Role.ASSESSOR, teams=[team])
    with pytest.raises(DomainError, match="qualified practitioner"):
        services.assessment_sign_off(assessment=assessment, actor=assessor)
    services.assessment_mark_complex(assessment=assessment, actor=social_worker, is_complex=True, reasons="Capacity")
    with pytest.raises(DomainError, match="qualified social worker"):
        services.assessment_allocate(assessment=assessment, worker=assessor, actor=social_worker)
    ot = user_of_role(Role.OCCUPATIONAL_THERAPIST, teams=[team])
    with pytest.raises(DomainError, match="complex"):
        services.assessment_sign_off(assessment=assessment, actor=ot)


def test_carer_eligible_on_health_alone_whatever_the_cared_for_person(social_worker, person, user_of_role):
    from tests.factories import PersonFactory

    carer = PersonFactory()
    started = services.assessment_start(actor=social_worker, person=carer, kind="carer", cared_for=person)
    started = services.assessment_save_answers(
        assessment=started,
        actor=social_worker,
        answers={"needs_from_caring": "yes", "carer_health_deteriorating": "yes", "significant_impact": "yes"},
    )
    assert services.eligibility_for(started).eligible
    with pytest.raises(DomainError, match="reasons given does not apply"):
        services.assessment_save_answers(
            assessment=started, actor=social_worker, outcomes={"1": {"unable_reasons": ["takes_significantly_longer"]}}
        )


def test_sign_off_writes_the_timeline(assessment, social_worker, person):
    ready(assessment, social_worker)
    services.assessment_sign_off(assessment=assessment, actor=social_worker)
    titles = list(PersonEvent.objects.filter(person=person).values_list("title", flat=True))
    assert "Eligibility decision: eligible" in titles and "Needs assessment started" in titles


def test_capacity_is_decision_specific_and_two_stage(assessment, social_worker, person):
    abilities = {"understand": True, "retain": False, "use_or_weigh": True, "communicate": True}
    lacks = services.capacity_record(
        person=person,
        actor=social_worker,
        decision="where to live",
        impairment=True,
        abilities=abilities,
        assessed_on=datetime.date.today(),
    )
    has = services.capacity_record(
        person=person,
        actor=social_worker,
        decision="what to eat",
        impairment=False,
        abilities=abilities,
        assessed_on=datetime.date.today(),
    )
    assert lacks.lacks_capacity and not has.lacks_capacity


# --- pages ------------------------------------------------------------------------------------------


def test_detail_page_shows_answers_and_live_eligibility(client_as, social_worker, assessment):
    html = client_as(social_worker).get(assessment.get_absolute_url()).content.decode()
    assert "Can they get enough to eat and drink" in html and "I forget to eat" in html
    assert "the needs are <strong>eligible</strong>" in html
    assert "Record involvement and advocacy" in html


def test_sign_off_page_refuses_with_the_advocacy_message(client_as, social_worker, assessment):
    services.involvement_record(assessment=assessment, actor=social_worker, difficulties=["communicating"])
    response = client_as(social_worker).post(
        reverse("assessment_sign_off", args=[assessment.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 200
    assert "independent advocate must be arranged" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_PROGRESS


def test_sign_off_then_plain_english_letter(client_as, social_worker, assessment):
    ready(assessment, social_worker)
    client = client_as(social_worker)
    response = client.post(reverse("assessment_sign_off", args=[assessment.pk]), {"decision": "confirm"})
    assert response.status_code == 302 and response["Location"] == reverse("decision_letter", args=[assessment.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Your needs are eligible for care and support" in html and "If you disagree" in html


def test_verifying_a_self_assessment_change_needs_a_reason(client_as, social_worker, person, portal_assessment):
    """A practitioner changing a person's own answer must say why; the change and reason are kept."""
    url = reverse("assessment_section", args=[portal_assessment.pk, 2])
    client = client_as(social_worker)
    page = client.get(url).content.decode()
    assert "give the reason" in page
    data = {"a__reasons": ["without_assistance"], "b__reasons": ["none"], "reason": ""}
    response = client.post(url, data)
    assert "Give the reason for the change" in response.content.decode()
    assert not AnswerChange.objects.exists()
    client.post(url, data | {"reason": "Seen at the visit: meals are skipped"})
    change = AnswerChange.objects.get(item="a")
    assert change.reason == "Seen at the visit: meals are skipped" and change.new_value == "without_assistance"


@pytest.fixture
def portal_assessment(social_worker, person):
    started = services.assessment_start(
        actor=social_worker, person=person, respondent="person", method="Supported Self-Assessment"
    )
    services.assessment_save_answers(assessment=started, actor=social_worker, outcomes={"b": {"unable_reasons": []}})
    services.assessment_submit(assessment=started, actor=social_worker)
    services.assessment_allocate(assessment=started, worker=social_worker, actor=social_worker)
    return started


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.PANEL_MEMBER, Role.COMMISSIONER])
def test_roles_without_assessment_work_get_403(role, user_of_role, client_as, assessment):
    assert client_as(user_of_role(role)).get(assessment.get_absolute_url()).status_code == 403


def test_assessor_sees_no_sign_off(client_as, user_of_role, assessment, team):
    assessor = user_of_role(Role.ASSESSOR, teams=[team])
    assert client_as(assessor).get(reverse("assessment_sign_off", args=[assessment.pk])).status_code == 403


def test_sign_off_records_the_cld_event_fields(assessment, social_worker):
    """A signed-off assessment carries what the CLD return needs: outcome, end date, eligible needs."""
    ready(assessment, social_worker)
    signed = services.assessment_sign_off(assessment=assessment, actor=social_worker)
    assert signed.event_outcome == "Progress to Support Planning / Services"
    assert signed.eligible_needs_identified is True and signed.event_end_date is not None
    assert signed.assessment_type == "Care Act Needs Assessment" and signed.method


def test_question_bank_versions_keep_old_assessments_on_their_version(assessment, social_worker):
    """A new version is drafted, edited and published; new assessments use it, old ones keep theirs."""
    from selfdirect.assessments.models import QuestionBank

    v1 = assessment.question_bank
    draft = services.question_bank_new_version(bank=v1, actor=social_worker)
    assert draft.questions.count() == v1.questions.count() and draft.published_at is None
    draft.questions.filter(key="outcome_a").update(text_you="Can you eat and drink well enough?")
    services.question_bank_publish(bank=draft, actor=social_worker)
    with pytest.raises(DomainError, match="already published"):
        services.question_bank_publish(bank=draft, actor=social_worker)
    newer = services.assessment_start(actor=social_worker, person=assessment.person)
    assert newer.question_bank == draft and QuestionBank.objects.get(pk=v1.pk).questions.get(
        key="outcome_a"
    ).text_you.startswith("Can you get enough")
    assessment.refresh_from_db()
    assert assessment.question_bank == v1


def test_a_bank_without_both_wordings_cannot_be_published(assessment, social_worker):
    draft = services.question_bank_new_version(bank=assessment.question_bank, actor=social_worker)
    draft.questions.filter(key="outcome_b").update(text_they="")
    with pytest.raises(DomainError, match="both wordings"):
        services.question_bank_publish(bank=draft, actor=social_worker)


def test_answers_can_be_cleared(assessment, social_worker):
    """Unticking every box removes an outcome answer; clearing a text saves it as cleared."""
    from selfdirect.assessments.forms import section_form

    form = section_form(assessment, "Eating and drinking", on_behalf=False, data={"a__own_words": ""})
    assert form.is_valid()
    outcomes, _ = form.payload()
    updated = services.assessment_save_answers(assessment=assessment, actor=social_worker, outcomes=outcomes)
    assert not updated.outcome_answers.filter(code="a").exists()
    form = section_form(assessment, "A typical week", on_behalf=False, data={"typical_week": ""})
    assert form.is_valid()
    updated = services.assessment_save_answers(assessment=assessment, actor=social_worker, answers=form.payload()[1])
    assert updated.typical_week == ""
