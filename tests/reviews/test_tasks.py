"""The task inbox (issue 7 item 9): a worker sees their own tasks and their role's shared queue, never anyone
else's; work the pathway knows about (reviews, advocacy referrals, returned plans, PA checks) appears without being
counted twice; restricted records read "Restricted record"; filters; marking done; and the daily reminder email."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from selfdirect.assessments.models import AdvocacyReferral, Assessment, QuestionBank
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.planning.models import SupportPlan
from selfdirect.reviews.models import Review, Task
from selfdirect.reviews.task_selectors import RESTRICTED, end_of_week, inbox_for_user
from selfdirect.reviews.task_services import task_open
from tests.factories import PersonFactory, UserFactory
from tests.market.factories import PaFactory, approved_line, with_checks

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def task(source, *, due_on=TODAY, assignee=None, role="", person=None, kind=Task.Kind.OTHER, title=None):
    return task_open(kind=kind, title=title or f"Task {source}", due_on=due_on, source=source, person=person,
                     assignee=assignee, role=role, url="/people/")  # fmt: skip


@pytest.fixture
def olu(user_of_role, team):
    return user_of_role(Role.SOCIAL_WORKER, teams=[team], first_name="Olu", last_name="Other")


def sources(items) -> list[str]:
    return [item.source for item in items]


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --------------------------------------------------------------------------------------------------
# Whose tasks
# --------------------------------------------------------------------------------------------------


def test_a_worker_sees_their_own_tasks_and_their_roles_queue_only(social_worker, olu, team_manager):
    """Named tasks for the worker, plus the shared queue of their role; not a colleague's, not another role's."""
    task("mine", assignee=social_worker)
    task("olus", assignee=olu)
    task("queue", role=Role.SOCIAL_WORKER)
    task("managers", role=Role.TEAM_MANAGER)
    task("done", assignee=social_worker).__class__.objects.filter(source="done").update(done_at=timezone.now())
    assert sources(inbox_for_user(user=social_worker)) == ["mine", "queue"]
    assert sources(inbox_for_user(user=olu)) == ["olus", "queue"]
    assert sources(inbox_for_user(user=team_manager)) == ["managers"]


def _assessment(person, worker, status=Assessment.Status.IN_PROGRESS):
    return Assessment.objects.create(
        person=person,
        question_bank=QuestionBank.objects.filter(published_at__isnull=False).first() or QuestionBank.objects.first(),
        status=status,
        assessment_type="Care Act Needs Assessment",
        method="Face to Face",
        allocated_worker=worker,
    )


def test_derived_items_reviews_advocacy_and_returned_plans(social_worker, olu):
    """Reviews assigned and due, referrals still waiting for an advocate, and plans returned to the worker, each with
    its due date and link; a review with an open Task appears once (the Task)."""
    person = PersonFactory(allocated_worker=social_worker)
    review = Review.objects.create(person=person, kind=Review.Kind.FIRST, reason="Planned", assigned_to=social_worker,
                                   due_on=TODAY + 10 * DAY)  # fmt: skip
    tasked = Review.objects.create(person=person, kind=Review.Kind.ANNUAL, reason="Planned",
                                   assigned_to=social_worker, due_on=TODAY + 20 * DAY)  # fmt: skip
    task(f"review:{tasked.pk}", assignee=social_worker, kind=Task.Kind.REVIEW, due_on=tasked.due_on, person=person)
    Review.objects.create(person=person, kind=Review.Kind.ANNUAL, reason="Planned", assigned_to=olu, due_on=TODAY)
    Review.objects.create(person=person, kind=Review.Kind.FIRST, reason="Planned", assigned_to=social_worker,
                          due_on=TODAY, status=Review.Status.DONE)  # fmt: skip
    assessment = _assessment(person, social_worker)
    referral = AdvocacyReferral.objects.create(assessment=assessment, organisation="Northmoor Advocacy",
                                               referred_on=TODAY - 10 * DAY)  # fmt: skip
    AdvocacyReferral.objects.create(assessment=assessment, organisation="Arranged", status="arranged")
    AdvocacyReferral.objects.create(assessment=_assessment(person, olu), organisation="Olu's")
    line = approved_line(person=person, status=SupportPlan.Status.RETURNED, created_by=social_worker)
    SupportPlan.objects.filter(pk=line.plan_id).update(decided_at=timezone.now() - 2 * DAY)

    items = {item.source: item for item in inbox_for_user(user=social_worker)}
    assert set(items) == {f"review:{review.pk}", f"review:{tasked.pk}", f"advocacy:{referral.pk}",
                          f"returned_plan:{line.plan_id}"}  # fmt: skip
    assert items[f"review:{tasked.pk}"].stored and not items[f"review:{review.pk}"].stored
    assert items[f"review:{review.pk}"].url == reverse("review_detail", args=[review.pk])
    advocacy = items[f"advocacy:{referral.pk}"]
    assert advocacy.due_on == TODAY - 3 * DAY and advocacy.overdue
    assert advocacy.url == reverse("assessment_detail", args=[assessment.pk])
    assert "Northmoor Advocacy" in advocacy.title
    plan = items[f"returned_plan:{line.plan_id}"]
    assert plan.due_on == TODAY + 5 * DAY and not plan.overdue and plan.url == f"/plans/{line.plan_id}/"
    assert all(item.person_label == person.full_name for item in items.values())


def test_pa_checks_lapsing_are_for_brokers_and_commissioners(user_of_role, social_worker):
    """Brokers and commissioners see PA checks lapsing (due the day they lapse) and lapsed (overdue)."""
    soon = with_checks(PaFactory(first_name="Soon", last_name="Lapsing"), dbs_issued=TODAY - (3 * 365 - 9) * DAY)
    with_checks(PaFactory(first_name="Long", last_name="Lapsed"), dbs_issued=TODAY - 5 * 365 * DAY)
    broker = user_of_role(Role.SUPPORT_PLANNER)
    items = {item.title.split(":")[0]: item for item in inbox_for_user(user=broker)}
    assert set(items) == {"Soon Lapsing", "Long Lapsed"}
    assert not items["Soon Lapsing"].overdue and TODAY < items["Soon Lapsing"].due_on <= TODAY + 10 * DAY
    assert items["Long Lapsed"].overdue
    assert items["Soon Lapsing"].url == soon.get_absolute_url()
    assert len(inbox_for_user(user=user_of_role(Role.COMMISSIONER))) == 2
    assert inbox_for_user(user=social_worker) == []


def test_restricted_records_read_restricted_record(social_worker, olu, client_as):
    """A task about a restricted record the worker cannot open: "Restricted record", and the task's own title (which
    may name the person) is replaced by its kind."""
    hidden = PersonFactory(first_name="Zed", last_name="Hidden", is_restricted=True, allocated_worker=olu)
    task("secret", assignee=social_worker, person=hidden, kind=Task.Kind.REVIEW, title="Yearly review: Zed Hidden")
    [item] = inbox_for_user(user=social_worker)
    assert item.person_label == RESTRICTED and item.title == "Review due" and item.person_ref == RESTRICTED
    text = page(client_as(social_worker).get(reverse("task_inbox")))
    assert "Restricted record" in text and "Hidden" not in text
    task("seen", assignee=olu, person=hidden, title="Yearly review: Zed Hidden")
    [item] = inbox_for_user(user=olu)
    assert item.person_label == "Zed Hidden" and item.title == "Yearly review: Zed Hidden"


def test_roles_that_do_not_open_records_see_the_council_id(user_of_role):
    analyst = user_of_role(Role.PERFORMANCE_ANALYST)
    person = PersonFactory()
    task("aggregate", role=Role.PERFORMANCE_ANALYST, person=person)
    [item] = inbox_for_user(user=analyst)
    assert item.person_label == person.council_id


# --------------------------------------------------------------------------------------------------
# The page: filters and done
# --------------------------------------------------------------------------------------------------


def test_filters_kind_overdue_and_this_week(social_worker, client_as):
    task("late", assignee=social_worker, due_on=TODAY - 3 * DAY, kind=Task.Kind.REVIEW)
    task("today", assignee=social_worker, due_on=TODAY, kind=Task.Kind.FAILED_ARRANGEMENT)
    task("later", assignee=social_worker, due_on=end_of_week(TODAY) + DAY)
    assert sources(inbox_for_user(user=social_worker, kind="review")) == ["late"]
    assert sources(inbox_for_user(user=social_worker, overdue_only=True)) == ["late"]
    assert sources(inbox_for_user(user=social_worker, due_by=end_of_week(TODAY))) == ["late", "today"]
    client = client_as(social_worker)
    text = page(client.get(reverse("task_inbox")))
    assert "3 tasks, 1 overdue" in text and "Task later" in text and "Overdue" in text
    text = page(client.get(reverse("task_inbox"), {"overdue": "on"}))
    assert "Task late" in text and "Task today" not in text
    text = page(client.get(reverse("task_inbox"), {"week": "on", "kind": "failed_arrangement"}))
    assert "Task today" in text and "Task late" not in text and "Task later" not in text
    text = page(client.get(reverse("task_inbox"), {"kind": "nonsense", "overdue": "maybe"}))
    assert "Task later" in text  # a filter changed by hand is ignored, never a server error


def test_mark_done(social_worker, olu, client_as):
    """The worker marks their own task, or one in their role's queue, done; a colleague's is 404; GET is refused."""
    mine = task("mine", assignee=social_worker)
    queued = task("queue", role=Role.SOCIAL_WORKER)
    theirs = task("theirs", assignee=olu)
    client = client_as(social_worker)
    url = reverse("task_mark_done", args=[mine.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": reverse("task_inbox") + "?overdue=on"})
    assert response.status_code == 302 and response["Location"] == "/tasks/?overdue=on"
    mine.refresh_from_db()
    assert mine.done_at is not None and mine.done_by == social_worker
    assert AuditEvent.objects.filter(summary="Task done: Task mine").exists()
    response = client.post(reverse("task_mark_done", args=[queued.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("task_inbox")
    assert client.post(reverse("task_mark_done", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.done_at is None
    assert sources(inbox_for_user(user=social_worker)) == []


def test_every_member_of_staff_has_an_inbox(user_of_role, client_as, client):
    for role in Role:
        assert client_as(user_of_role(role)).get(reverse("task_inbox")).status_code == 200, role
    assert client.get(reverse("task_inbox")).status_code == 302
    portal = UserFactory(role="")
    assert client_as(portal).get(reverse("task_inbox")).status_code == 403


# --------------------------------------------------------------------------------------------------
# The reminder email
# --------------------------------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("task_reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_reminders_one_email_per_worker_per_day(social_worker, olu):
    """A digest of what is due today or overdue, by council ID only; a re-run the same day sends nothing new; tasks
    reminded carry the day."""
    person = PersonFactory(first_name="Mary", last_name="Smith")
    late = task("late", assignee=social_worker, due_on=TODAY - 2 * DAY, person=person, kind=Task.Kind.REVIEW,
                title="Yearly review: Mary Smith")  # fmt: skip
    today = task("today", role=Role.SOCIAL_WORKER, due_on=TODAY)
    task("next week", assignee=olu, due_on=TODAY + 7 * DAY)
    Task.objects.filter(pk=today.pk).update(role=Role.TEAM_MANAGER)  # only Sam has something due
    UserFactory(role=Role.SOCIAL_WORKER, email="")  # no address: never emailed
    assert "Sent 1 reminder" in run()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [social_worker.email]
    assert email.subject.startswith("1 task due today or overdue (1 overdue)")
    assert f"Review due ({person.council_id}): overdue (was due" in email.body
    assert "Smith" not in email.body and "/tasks/" in email.body
    late.refresh_from_db()
    assert late.reminded_on == TODAY
    assert "Sent 0 reminders" in run() and "1 already reminded today" in run()
    assert len(mail.outbox) == 1
    tomorrow = (TODAY + DAY).isoformat()
    run("--date", tomorrow)
    assert len(mail.outbox) == 2 and "(1 overdue)" in mail.outbox[1].subject


def test_reminders_dry_run_and_bad_date(social_worker):
    task("late", assignee=social_worker, due_on=TODAY - DAY)
    out = run("--dry-run")
    assert f"To: {social_worker.email}" in out and "- Other: Task late: overdue" in out
    assert mail.outbox == [] and not AuditEvent.objects.filter(object_type="reviews.task_reminder").exists()
    with pytest.raises(CommandError, match="--date must be a date"):
        run("--date", "tomorrow")
