"""Failed arrangements (issue 7 item 5): recording a breakdown of care ends a handed-back arrangement, books an
unplanned review within the council's window with the right CLD reason, opens a task for the allocated worker and
emails whoever must know; emergency cover is a short-term CLD Service event; the pages refuse roles without the
right, show the contingency plan first, put errors in the GOV.UK error summary and never fail on bad input."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.market.models import Arrangement
from selfdirect.people.models import PersonEvent
from selfdirect.planning.models import ContingencyPlan, SupportPlan
from selfdirect.reviews import failure_services
from selfdirect.reviews.failure_services import emergency_cover_arrange, failed_arrangement_record
from selfdirect.reviews.models import FailedArrangement, Review, Task
from selfdirect.reviews.seeding_failures import reset_failed_arrangements, seed_failed_arrangements
from tests.factories import PersonFactory, TeamFactory, UserFactory
from tests.market.factories import PaFactory, ProviderFactory, approved_line, with_checks
from tests.planning.plans import CONTINGENCY

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
K = FailedArrangement.Kind


def arranged(line, *, provider=None, pa=None, start=None, actor=None) -> Arrangement:
    """An arrangement in place for `line` (written directly, as the market factories do)."""
    if provider is None and pa is None:
        provider = ProviderFactory(name="Moorside Home Care")
    return Arrangement.objects.create(
        plan_line=line,
        person=line.plan.person,
        provider=provider,
        pa=pa,
        start_date=start or TODAY - datetime.timedelta(days=60),
        service_type="Long Term Support: Community",
        service_component="Home Support",
        delivery_mechanism="CASSR Managed Personal Budget",
        unit_cost=Decimal("24.00"),
        cost_frequency="Hourly",
        planned_units_per_week=Decimal("10"),
        weekly_cost=Decimal("240.00"),
        created_by=actor or UserFactory(role=Role.SUPPORT_PLANNER),
    )


@pytest.fixture
def case(team, social_worker):
    """Mary, allocated to Sam in the team, with an approved plan (a contingency plan) whose home care is arranged
    with Moorside Home Care."""
    person = PersonFactory(first_name="Mary", last_name="Smith", allocated_team=team, allocated_worker=social_worker)
    line = approved_line(person=person, created_by=social_worker)
    ContingencyPlan.objects.create(plan=line.plan, **CONTINGENCY)
    arrangement = arranged(line)
    return {"person": person, "line": line, "plan": line.plan, "arrangement": arrangement}


def record(case, actor, **overrides):
    fields = {
        "person": case["person"],
        "actor": actor,
        "kind": K.PROVIDER_HANDBACK,
        "what_happened": "The agency cannot staff the morning calls from tomorrow",
        "occurred_on": TODAY - DAY,
        "arrangement": case["arrangement"],
    } | overrides
    return failed_arrangement_record(**fields)


def cover(failure, actor, **overrides):
    fields = {
        "failure": failure,
        "actor": actor,
        "start_date": TODAY,
        "end_date": TODAY + datetime.timedelta(weeks=4),
        "unit_cost": Decimal("26.50"),
        "cost_frequency": "Hourly",
        "planned_units_per_week": Decimal("14"),
    } | overrides
    return emergency_cover_arrange(**fields)


# --------------------------------------------------------------------------------------------------
# Recording a failure
# --------------------------------------------------------------------------------------------------


def test_provider_handback_ends_the_arrangement_books_a_review_opens_a_task_and_emails_the_worker(
    case, social_worker, django_capture_on_commit_callbacks
):
    """A provider hand-back: the arrangement ends on the day, an unplanned review "Unplanned - Provider Failure" is
    due within the council's 5 days, a task is opened for the allocated worker, and one email (council ID, no name)
    goes to them once the transaction commits; `notified` says so."""
    with django_capture_on_commit_callbacks(execute=True):
        failure = record(case, social_worker)
    arrangement = Arrangement.objects.get(pk=case["arrangement"].pk)
    assert arrangement.status == Arrangement.Status.ENDED and arrangement.end_date == TODAY - DAY
    assert "handed back" in arrangement.end_reason
    review = failure.review
    assert review.kind == Review.Kind.UNPLANNED and review.status == Review.Status.SCHEDULED
    assert review.reason == "Unplanned - Provider Failure"
    assert review.due_on == TODAY - DAY + datetime.timedelta(days=5)
    assert review.plan_id == case["plan"].pk and review.person_id == case["person"].pk
    task = Task.objects.get(source=f"failed_arrangement:{failure.pk}")
    assert task.kind == Task.Kind.FAILED_ARRANGEMENT and task.assignee == social_worker and task.done_at is None
    assert task.due_on == TODAY and task.url == reverse("failed_arrangement_detail", args=[failure.pk])
    assert "Smith" not in task.title
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [social_worker.email]
    assert case["person"].council_id in email.subject and "provider has handed back" in email.subject
    assert f"/failed-arrangements/{failure.pk}/" in email.body
    assert "Smith" not in email.body and "Unplanned - Provider Failure" in email.body
    assert failure.notified == "Emailed the allocated worker, Sam Worker"
    assert AuditEvent.objects.filter(object_type="reviews.failedarrangement", object_id=str(failure.pk)).exists()
    assert PersonEvent.objects.filter(person=case["person"], title__startswith="Support failed").exists()


def test_other_failures_keep_the_arrangement_and_book_other_reason(case, social_worker):
    """Anything but a provider hand-back leaves the arrangement in place and books "Unplanned - Other Reason"."""
    failure = record(case, social_worker, kind=K.OTHER, occurred_on=TODAY)
    assert Arrangement.objects.get(pk=case["arrangement"].pk).status == Arrangement.Status.ACTIVE
    assert failure.review.reason == "Unplanned - Other Reason"
    assert failure.review.due_on == TODAY + datetime.timedelta(days=5)


def test_a_plan_level_failure_needs_no_arrangement(case, social_worker):
    """The money running out is about the plan, not one arrangement."""
    failure = record(case, social_worker, kind=K.MONEY_RUN_OUT, arrangement=None, plan=case["plan"])
    assert failure.arrangement is None and failure.plan == case["plan"]
    assert failure.review.reason == "Unplanned - Other Reason"


def test_review_due_date_follows_the_council_setting_and_is_never_in_the_past(case, social_worker):
    """The window is CouncilSettings.unplanned_review_days from the day it happened; recorded late, it is due today."""
    settings = CouncilSettings.current()
    settings.unplanned_review_days = 10
    settings.save()
    failure = record(case, social_worker, kind=K.OTHER, occurred_on=TODAY - datetime.timedelta(days=3))
    assert failure.review.due_on == TODAY + datetime.timedelta(days=7)
    Review.objects.all().update(status=Review.Status.CANCELLED)
    late = record(case, social_worker, kind=K.PA_ABSENT, occurred_on=TODAY - datetime.timedelta(days=30))
    assert late.review.due_on == TODAY


def test_an_unplanned_review_already_booked_is_used(case, social_worker):
    """Review booking returns the scheduled unplanned review already there: no second review."""
    first = record(case, social_worker, kind=K.OTHER)
    second = record(case, social_worker, kind=K.PA_ABSENT)
    assert first.review_id == second.review_id
    assert Review.objects.filter(kind=Review.Kind.UNPLANNED).count() == 1


def test_without_a_worker_the_team_managers_are_told_and_the_task_is_in_their_queue(
    case, team_manager, social_worker, django_capture_on_commit_callbacks
):
    """No allocated worker: every team manager of the person's team is emailed and the task is in the team
    managers' shared queue."""
    UserFactory(role=Role.TEAM_MANAGER, teams=[case["person"].allocated_team], email="")  # no address: not emailed
    case["person"].allocated_worker = None
    case["person"].save()
    with django_capture_on_commit_callbacks(execute=True):
        failure = record(case, social_worker, kind=K.OTHER)
    assert mail.outbox[0].to == [team_manager.email]
    assert failure.notified.startswith("Emailed the team manager(s) of Older people north: Tess Manager")
    task = Task.objects.get(source=f"failed_arrangement:{failure.pk}")
    assert task.assignee is None and task.role == Role.TEAM_MANAGER


def test_without_worker_or_team_the_duty_team_is_told(
    case, social_worker, settings, django_capture_on_commit_callbacks
):
    """No allocated worker and no team: the council's duty address (settings.COUNCIL_DUTY_EMAIL, else a
    placeholder)."""
    case["person"].allocated_worker = None
    case["person"].allocated_team = None
    case["person"].save()
    settings.COUNCIL_DUTY_EMAIL = "duty@northmoor.example"
    with django_capture_on_commit_callbacks(execute=True):
        failure = record(case, social_worker, kind=K.OTHER)
    assert mail.outbox[0].to == ["duty@northmoor.example"]
    assert failure.notified == "No allocated worker: emailed the duty team (duty@northmoor.example)"
    del settings.COUNCIL_DUTY_EMAIL
    assert failure_services.duty_email() == "duty@example.org"


def test_a_mail_server_that_is_down_loses_nothing(case, social_worker, django_capture_on_commit_callbacks):
    """The email is sent after commit; if it cannot be sent, the failure stays recorded."""
    refused = mock.patch("selfdirect.reviews.failure_services.EmailMessage.send", side_effect=OSError("refused"))
    with refused, django_capture_on_commit_callbacks(execute=True):
        failure = record(case, social_worker)
    assert FailedArrangement.objects.filter(pk=failure.pk).exists()


def _other_persons_arrangement():
    return arranged(approved_line())


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"kind": "flood"}, "Choose what went wrong", "kind"),
        ({"what_happened": "   "}, "Enter what happened", "what_happened"),
        ({"what_happened": "x" * 5001}, "5,000 characters or fewer", "what_happened"),
        ({"occurred_on": None}, "Enter the date it happened", "occurred_on"),
        ({"occurred_on": TODAY + DAY}, "today or in the past", "occurred_on"),
        ({"occurred_on": TODAY - datetime.timedelta(days=90)}, "before the support started", "occurred_on"),
        ({"arrangement": None}, "Choose which support failed", "what"),
        ({"arrangement": None, "plan": "other"}, "plan is for someone else", "what"),
        ({"arrangement": "other"}, "arrangement is for someone else", "what"),
        ({"arrangement": None, "plan": "case"}, "Choose the arrangement the provider handed back", "what"),
    ],
)
def test_recording_refuses(case, social_worker, overrides, message, field, django_capture_on_commit_callbacks):
    """Every guard: a message a person can act on, on the right field, and nothing written or sent."""
    if overrides.get("arrangement") == "other":
        overrides["arrangement"] = _other_persons_arrangement()
    if overrides.get("plan") == "other":
        overrides["plan"] = approved_line().plan
    if overrides.get("plan") == "case":
        overrides["plan"] = case["plan"]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as error:
        record(case, social_worker, **overrides)
    assert message in error.value.message and error.value.field == field
    assert not FailedArrangement.objects.exists() and not Review.objects.exists() and mail.outbox == []
    assert Arrangement.objects.get(pk=case["arrangement"].pk).status == Arrangement.Status.ACTIVE


def test_recording_refuses_plans_not_approved_ended_arrangements_and_pa_handbacks(case, social_worker):
    SupportPlan.objects.filter(pk=case["plan"].pk).update(status=SupportPlan.Status.SUPERSEDED)
    with pytest.raises(DomainError, match="not approved"):
        record(case, social_worker, kind=K.OTHER)
    SupportPlan.objects.filter(pk=case["plan"].pk).update(status=SupportPlan.Status.APPROVED)
    Arrangement.objects.filter(pk=case["arrangement"].pk).update(status="ended", end_date=TODAY - DAY)
    with pytest.raises(DomainError, match="That arrangement ended on"):
        record(case, social_worker, kind=K.OTHER)
    pa_line = approved_line(person=case["person"], support_kind="pa")
    with pytest.raises(DomainError, match="not with a provider") as error:
        record(case, social_worker, arrangement=arranged(pa_line, pa=PaFactory()))
    assert error.value.field == "kind"
    assert not FailedArrangement.objects.exists()


def test_the_same_failure_is_not_recorded_twice(case, social_worker):
    record(case, social_worker, kind=K.OTHER)
    with pytest.raises(DomainError, match="already recorded"):
        record(case, social_worker, kind=K.OTHER)
    assert FailedArrangement.objects.count() == 1


def test_a_person_who_has_died_cannot_have_a_review_booked(case, social_worker):
    case["person"].date_of_death = TODAY - datetime.timedelta(days=2)
    case["person"].save()
    with pytest.raises(DomainError, match="has died"):
        record(case, social_worker, kind=K.OTHER)
    assert not FailedArrangement.objects.exists()


# --------------------------------------------------------------------------------------------------
# Emergency cover
# --------------------------------------------------------------------------------------------------


def test_emergency_cover_is_a_short_term_cld_service_event_on_the_failed_line(case, social_worker):
    """Service Type "Short Term Support: Other Short Term", Component "Emergency Support", Delivery Mechanism "CASSR
    Commissioned Support", the unit cost, frequency and planned units typed, an end date; the failure's task
    closes."""
    failure = record(case, social_worker)
    provider = ProviderFactory(name="Rapid Response Care")
    arrangement = cover(failure, social_worker, provider=provider)
    assert arrangement.plan_line == case["line"] and arrangement.person == case["person"]
    assert arrangement.service_type == "Short Term Support: Other Short Term"
    assert arrangement.service_component == "Emergency Support"
    assert arrangement.delivery_mechanism == "CASSR Commissioned Support"
    assert arrangement.unit_cost == Decimal("26.50") and arrangement.cost_frequency == "Hourly"
    assert arrangement.planned_units_per_week == Decimal("14.00") and arrangement.weekly_cost == Decimal("371.00")
    assert arrangement.start_date == TODAY and arrangement.end_date == TODAY + datetime.timedelta(weeks=4)
    assert arrangement.status == Arrangement.Status.ACTIVE and arrangement.provider == provider
    failure.refresh_from_db()
    assert failure.emergency_cover == arrangement
    assert Task.objects.get(source=f"failed_arrangement:{failure.pk}").done_at is not None
    assert PersonEvent.objects.filter(title="Emergency cover arranged with Rapid Response Care").exists()


def test_cover_with_no_one_named_and_no_charge(case, social_worker):
    failure = record(case, social_worker, kind=K.OTHER)
    arrangement = cover(failure, social_worker, cost_frequency="No charge to client", unit_cost=Decimal("0"))
    assert arrangement.provider is None and arrangement.pa is None and arrangement.weekly_cost == 0


def test_cover_for_a_plan_level_failure_names_the_line(case, social_worker):
    failure = record(case, social_worker, kind=K.MONEY_RUN_OUT, arrangement=None, plan=case["plan"])
    with pytest.raises(DomainError, match="Choose which part of the plan") as error:
        cover(failure, social_worker)
    assert error.value.field == "line"
    with pytest.raises(DomainError, match="not part of the plan"):
        cover(failure, social_worker, line=approved_line())
    assert cover(failure, social_worker, line=case["line"]).plan_line == case["line"]


def test_cover_with_a_pa_needs_current_checks(case, social_worker):
    failure = record(case, social_worker, kind=K.OTHER)
    unchecked = PaFactory(first_name="Nora", last_name="Unchecked")
    with pytest.raises(DomainError, match="Nora Unchecked cannot give emergency cover") as error:
        cover(failure, social_worker, pa=unchecked)
    assert error.value.field == "pa"
    suspended = with_checks(PaFactory(is_suspended=True, first_name="Sid", last_name="Suspended"))
    with pytest.raises(DomainError, match="suspended"):
        cover(failure, social_worker, pa=suspended)
    checked = with_checks(PaFactory(first_name="Cara", last_name="Checked"))
    assert cover(failure, social_worker, pa=checked).pa == checked


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        ({"start_date": None}, "Enter the date the cover starts", "start_date"),
        ({"start_date": TODAY - datetime.timedelta(days=2)}, "cannot start before the support failed", "start_date"),
        ({"start_date": TODAY + datetime.timedelta(days=8), "end_date": TODAY + datetime.timedelta(days=20)},
         "starts within 7 days", "start_date"),
        ({"end_date": None}, "Enter the date the cover ends", "end_date"),
        ({"end_date": TODAY - DAY}, "on or after the day it starts", "end_date"),
        ({"end_date": TODAY + datetime.timedelta(days=43)}, "at most 6 weeks", "end_date"),
        ({"provider": "p", "pa": "pa"}, "not both", "provider"),
        ({"provider": "inactive"}, "no longer active", "provider"),
        ({"cost_frequency": "Hourlyish"}, "Choose how the cost is charged", "cost_frequency"),
        ({"unit_cost": Decimal("-1")}, "£0 or more", "unit_cost"),
        ({"planned_units_per_week": Decimal("-1")}, "0 or more", "planned_units_per_week"),
        ({"planned_units_per_week": Decimal("1001")}, "1000 or fewer", "planned_units_per_week"),
    ],
)  # fmt: skip
def test_cover_refuses(case, social_worker, overrides, message, field):
    failure = record(case, social_worker)
    if overrides.get("provider") == "p":
        overrides["provider"], overrides["pa"] = ProviderFactory(), with_checks(PaFactory())
    if overrides.get("provider") == "inactive":
        overrides["provider"] = ProviderFactory(is_active=False, name="Closed Care")
    with pytest.raises(DomainError) as error:
        cover(failure, social_worker, **overrides)
    assert message in error.value.message and error.value.field == field
    failure.refresh_from_db()
    assert failure.emergency_cover is None
    assert not Arrangement.objects.filter(service_component="Emergency Support").exists()


def test_cover_is_arranged_once(case, social_worker):
    failure = record(case, social_worker)
    cover(failure, social_worker)
    with pytest.raises(DomainError, match="already in place"):
        cover(failure, social_worker)
    assert Arrangement.objects.filter(service_component="Emergency Support").count() == 1


# --------------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------------


def date_fields(name: str, day: datetime.date) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_error_summary(response, *messages):
    text = page(response)
    assert "There is a problem" in text and 'class="govuk-error-summary"' in text
    for message in messages:
        assert message in text, message
    return text


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.COMMISSIONER, Role.SUPPORT_PLANNER, Role.PANEL_MEMBER])
def test_roles_without_review_work_are_refused(case, role, user_of_role, client_as):
    client = client_as(user_of_role(role))
    failure = record(case, case["person"].allocated_worker, kind=K.OTHER)
    for url in (
        reverse("person_failed_arrangements", args=[case["person"].pk]),
        reverse("failed_arrangement_record", args=[case["person"].pk]),
        reverse("plan_failed_arrangement_record", args=[case["plan"].pk]),
        reverse("failed_arrangement_detail", args=[failure.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_the_report_is_for_those_who_watch_reviews(case, social_worker, user_of_role, client_as):
    """REVIEW_OVERDUE: managers, safeguarding leads and analysts; counts only, no names."""
    record(case, social_worker)
    assert client_as(social_worker).get(reverse("failed_arrangement_report")).status_code == 403
    text = page(client_as(user_of_role(Role.PERFORMANCE_ANALYST)).get(reverse("failed_arrangement_report")))
    assert "Failed arrangements by month" in text and "Moorside Home Care" in text
    assert "Smith" not in text and case["person"].council_id not in text
    assert f"{TODAY - DAY:%B %Y}" in text
    bad = client_as(user_of_role(Role.TEAM_MANAGER)).get(reverse("failed_arrangement_report"), {"months": "x"})
    assert "Failed arrangements by month" in page(bad)


def test_recording_from_the_person_then_arranging_cover(case, social_worker, client_as):
    """The journey: record, see the contingency plan first, arrange cover; errors in the error summary."""
    client = client_as(social_worker)
    url = reverse("failed_arrangement_record", args=[case["person"].pk])
    text = page(client.get(url))
    assert "Moorside Home Care" in text and "Other support in plan" in text
    assert_error_summary(client.post(url, {}), "Choose what went wrong", "Choose which support failed",
                         "Enter what happened", "Enter date it happened")  # fmt: skip
    assert_error_summary(
        client.post(url, {"kind": "provider_handback", "what": "a999999", "what_happened": "x",
                          **date_fields("occurred_on", TODAY)}),
        "Choose which support failed",
    )  # fmt: skip
    assert_error_summary(
        client.post(url, {"kind": "provider_handback", "what": f"p{case['plan'].pk}", "what_happened": "Gone",
                          "occurred_on_0": "31", "occurred_on_1": "2", "occurred_on_2": "2026"}),
        "must be a real date",
    )  # fmt: skip
    assert_error_summary(
        client.post(url, {"kind": "provider_handback", "what": f"p{case['plan'].pk}", "what_happened": "Gone",
                          **date_fields("occurred_on", TODAY)}),
        "Choose the arrangement the provider handed back",
    )  # fmt: skip
    response = client.post(url, {"kind": "provider_handback", "what": f"a{case['arrangement'].pk}",
                                 "what_happened": "The agency has no staff",
                                 **date_fields("occurred_on", TODAY)})  # fmt: skip
    failure = FailedArrangement.objects.get()
    detail_url = reverse("failed_arrangement_detail", args=[failure.pk])
    assert response.status_code == 302 and response["Location"] == detail_url
    text = page(client.get(detail_url))
    assert text.index("The agency sends another carer; Ann covers mornings") < text.index("What happened")
    assert "07700 900123" in text and "Bob Smith" in text and "Unplanned - Provider Failure" in text
    assert "Arrange emergency cover" in text
    assert_error_summary(client.post(detail_url, {}), "Enter date the cover starts", "Enter date the cover ends",
                         "Enter the unit cost", "Choose how the cost is charged",
                         "Enter the planned units a week")  # fmt: skip
    assert_error_summary(
        client.post(detail_url, {**date_fields("start_date", TODAY), **date_fields("end_date", TODAY + 60 * DAY),
                                 "unit_cost": "25", "cost_frequency": "Hourly", "planned_units_per_week": "7"}),
        "at most 6 weeks",
    )  # fmt: skip
    assert_error_summary(
        client.post(detail_url, {**date_fields("start_date", TODAY), **date_fields("end_date", TODAY + 7 * DAY),
                                 "unit_cost": "abc", "cost_frequency": "Hourly", "planned_units_per_week": "NaN",
                                 "provider": "nope"}),
        "must be an amount of money", "must be a number", "Choose a provider from the list",
    )  # fmt: skip
    response = client.post(detail_url, {**date_fields("start_date", TODAY), **date_fields("end_date", TODAY + 14 * DAY),
                                        "unit_cost": "25.00", "cost_frequency": "Hourly",
                                        "planned_units_per_week": "7.5"})  # fmt: skip
    assert response.status_code == 302
    text = page(client.get(detail_url))
    assert "Emergency cover arranged from" in text and "Short Term Support: Other Short Term" in text
    assert "Arrange emergency cover" not in text and "£187.50" in text
    listing = page(client.get(reverse("person_failed_arrangements", args=[case["person"].pk])))
    assert "A provider has handed back the care" in listing and f"{TODAY:%-d %B %Y}" in listing


def test_recording_from_a_plan_and_a_plan_not_approved(case, social_worker, client_as):
    client = client_as(social_worker)
    text = page(client.get(reverse("plan_failed_arrangement_record", args=[case["plan"].pk])))
    assert "Record the failed arrangement" in text
    SupportPlan.objects.filter(pk=case["plan"].pk).update(status=SupportPlan.Status.SUPERSEDED)
    text = page(client.get(reverse("plan_failed_arrangement_record", args=[case["plan"].pk])))
    assert "is not approved" in text and "Record the failed arrangement" not in text
    assert page(client.post(reverse("failed_arrangement_record", args=[case["person"].pk]), {"kind": "other"}))
    assert not FailedArrangement.objects.exists()


def test_restricted_records_are_refused_to_workers_who_cannot_open_them(case, social_worker, user_of_role, client_as):
    failure = record(case, social_worker, kind=K.OTHER)
    case["person"].is_restricted = True
    case["person"].save()
    other = client_as(user_of_role(Role.SOCIAL_WORKER))
    assert other.get(reverse("failed_arrangement_detail", args=[failure.pk])).status_code == 403
    assert other.get(reverse("person_failed_arrangements", args=[case["person"].pk])).status_code == 403
    assert client_as(social_worker).get(reverse("failed_arrangement_detail", args=[failure.pk])).status_code == 200


def test_missing_ids_are_404(social_worker, client_as):
    client = client_as(social_worker)
    for name in ("failed_arrangement_detail", "person_failed_arrangements", "plan_failed_arrangement_record"):
        assert client.get(reverse(name, args=[987654])).status_code == 404


# --------------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------------


def test_seeding_makes_three_failures_one_with_cover_deterministically_and_once(user_of_role):
    """About three failures on approved plans: a provider hand-back with emergency cover and an unplanned review, a
    PA absent, the money run out. The same seed gives the same people; a second run changes nothing."""
    worker = user_of_role(Role.SOCIAL_WORKER)
    team = TeamFactory()
    for _ in range(4):
        person = PersonFactory(allocated_worker=worker, allocated_team=team)
        line = approved_line(person=person, created_by=worker)
        arranged(line, provider=ProviderFactory())
    pa_person = PersonFactory(allocated_worker=worker)
    arranged(approved_line(person=pa_person, support_kind="pa"), pa=with_checks(PaFactory()))

    counts = seed_failed_arrangements(seed=3)
    assert counts["failed arrangements"] == 3 and counts["emergency cover"] == 1
    assert counts["unplanned reviews for failed arrangements"] == 3
    kinds = dict(FailedArrangement.objects.values_list("kind", "person_id"))
    assert set(kinds) == {K.PROVIDER_HANDBACK, K.PA_ABSENT, K.MONEY_RUN_OUT}
    assert kinds[K.PA_ABSENT] == pa_person.pk
    handback = FailedArrangement.objects.get(kind=K.PROVIDER_HANDBACK)
    assert handback.emergency_cover.service_component == "Emergency Support"
    assert handback.review.reason == "Unplanned - Provider Failure"
    assert handback.arrangement.status == Arrangement.Status.ENDED
    assert seed_failed_arrangements(seed=3) == {}
    assert FailedArrangement.objects.count() == 3

    reset_failed_arrangements()
    assert not FailedArrangement.objects.exists()
    assert not Arrangement.objects.filter(service_component="Emergency Support").exists()
    Arrangement.objects.update(status="active", end_date=None)
    Review.objects.all().delete()
    seed_failed_arrangements(seed=3)
    assert dict(FailedArrangement.objects.values_list("kind", "person_id")) == kinds
