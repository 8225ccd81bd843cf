"""Approval at the funding panel: scheduling meetings, agendas, attendance and cancelling, each guarded and audited;
decisions recorded from the meeting (refused when the meeting is not quorate, the plan is not on its agenda, the
member did not attend, or the meeting was cancelled); and the lists of plans waiting for the panel or a manager."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.people.models import PersonEvent
from selfdirect.planning import panel_services as panel
from selfdirect.planning import services
from selfdirect.planning.models import PanelAgendaItem, PanelMeeting, PlanDecision, SupportPlan
from tests.factories import PersonFactory, TeamFactory, UserFactory
from tests.planning.factories_panel import draft_plan, manager_plan, meeting, panel_plan

pytestmark = pytest.mark.django_db
M = PanelMeeting.Status
S = SupportPlan.Status


@pytest.fixture
def worker(team):
    return UserFactory(role=Role.SOCIAL_WORKER, teams=[team], first_name="Sam", last_name="Worker")


@pytest.fixture
def chair():
    return UserFactory(role=Role.PANEL_MEMBER, first_name="Martin", last_name="Cole")


@pytest.fixture
def member():
    return UserFactory(role=Role.PANEL_MEMBER, first_name="Jo", last_name="Price")


@pytest.fixture
def manager(team):
    return UserFactory(role=Role.TEAM_MANAGER, teams=[team], first_name="Helen", last_name="Marsh")


@pytest.fixture
def members(chair, member, manager):
    return [chair, member, manager]


@pytest.fixture
def at_panel(worker, team):
    return panel_plan(worker, PersonFactory(first_name="Edna", last_name="Walker", allocated_team=team))


def next_week(hour=10):
    day = timezone.localdate() + datetime.timedelta(days=7)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def decide(plan, actor, panel_meeting, outcome="approve", **fields):
    plan = fresh(plan)
    return services.support_plan_decide(
        plan=plan,
        actor=actor,
        expected_version=plan.version,
        outcome=outcome,
        reasons=fields.pop("reasons", "Meets the eligible needs at a fair cost"),
        meeting=panel_meeting,
        **fields,
    )


# --- Scheduling ----------------------------------------------------------------------------------------------


def test_a_meeting_takes_the_councils_quorum_and_is_audited(chair, members):
    CouncilSettings.objects.update_or_create(pk=1, defaults={"panel_quorum": 2})
    scheduled = panel.panel_meeting_schedule(
        actor=chair, meets_at=next_week(), members=members, chair=chair, location="Room 4, Town Hall"
    )
    assert scheduled.quorum == 2 and scheduled.status == M.SCHEDULED and scheduled.chair == chair
    assert set(scheduled.members.all()) == set(members)
    record = AuditEvent.objects.get(object_type="planning.panelmeeting", object_id=str(scheduled.pk))
    assert record.action == "create" and record.actor == chair and "Jo Price" in record.changes["members"][1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"meets_at": "past"}, "must be in the future"),
        ({"members": []}, "Choose the members"),
        ({"members": "with_worker"}, "Only panel members and team managers sit on the panel"),
        ({"quorum": 2}, "a meeting cannot need fewer"),
        ({"quorum": 4}, "only 3 are invited"),
        ({"quorum": "three"}, "whole number"),
        ({"chair": "outsider"}, "The chair must be one of the members"),
    ],
)
def test_scheduling_guards(change, message, chair, members, worker):
    """The council's quorum is 3 (the default)."""
    arguments = {"actor": chair, "meets_at": next_week(), "members": members, "chair": chair, "quorum": None}
    for name, value in change.items():
        if value == "past":
            value = timezone.now() - datetime.timedelta(hours=1)
        elif value == "with_worker":
            value = [*members, worker]
        elif value == "outsider":
            value = UserFactory(role=Role.PANEL_MEMBER)
        arguments[name] = value
    with pytest.raises(DomainError, match=message):
        panel.panel_meeting_schedule(**arguments)
    assert not PanelMeeting.objects.exists()


def test_two_meetings_cannot_be_at_the_same_time_and_only_panel_staff_schedule(chair, members, worker):
    panel.panel_meeting_schedule(actor=chair, meets_at=next_week(), members=members)
    with pytest.raises(DomainError, match="already scheduled at that time"):
        panel.panel_meeting_schedule(actor=chair, meets_at=next_week(), members=members)
    with pytest.raises(DomainError, match="Only panel members and team managers arrange"):
        panel.panel_meeting_schedule(actor=worker, meets_at=next_week(11), members=members)


# --- The agenda ----------------------------------------------------------------------------------------------


def test_plans_at_panel_go_on_the_agenda_once_in_order(chair, members, worker, team, at_panel):
    scheduled = meeting(members=members)
    second = panel_plan(worker, PersonFactory(allocated_team=team))
    first_item = panel.panel_agenda_add(meeting=scheduled, plan=at_panel, actor=chair)
    second_item = panel.panel_agenda_add(meeting=scheduled, plan=second, actor=chair)
    assert (first_item.order, second_item.order) == (1, 2)
    assert PersonEvent.objects.filter(
        person=at_panel.person, type=PersonEvent.Type.PLAN, title__startswith="Support plan on the funding panel agenda"
    ).exists()
    with pytest.raises(DomainError, match="already on the meeting's agenda"):
        panel.panel_agenda_add(meeting=scheduled, plan=at_panel, actor=chair)
    later = meeting(members=members, meets_at=next_week())
    with pytest.raises(DomainError, match="already on the agenda of the meeting on"):
        panel.panel_agenda_add(meeting=later, plan=at_panel, actor=chair)

    panel.panel_agenda_move(item=second_item, actor=chair, direction="up")
    assert list(scheduled.agenda.values_list("plan_id", flat=True)) == [second.pk, at_panel.pk]
    panel.panel_agenda_remove(item=fresh(second_item), actor=chair)
    assert list(scheduled.agenda.values_list("plan_id", "order")) == [(at_panel.pk, 1)]
    assert PersonEvent.objects.filter(person=second.person, title__startswith="Support plan taken off").exists()


def test_only_plans_with_the_panel_go_on_its_agenda(chair, members, worker):
    with pytest.raises(DomainError, match="only plans with the funding panel go on its agenda"):
        panel.panel_agenda_add(meeting=meeting(members=members), plan=draft_plan(worker), actor=chair)
    assert not PanelAgendaItem.objects.exists()


def test_a_cancelled_meeting_cannot_be_changed(chair, members, at_panel):
    scheduled = meeting(members=members)
    item = panel.panel_agenda_add(meeting=scheduled, plan=at_panel, actor=chair)
    with pytest.raises(DomainError, match="Enter why"):
        panel.panel_meeting_cancel(meeting=scheduled, actor=chair, reason="")
    panel.panel_meeting_cancel(meeting=scheduled, actor=chair, reason="Chair unwell")
    assert fresh(scheduled).status == M.CANCELLED
    assert PersonEvent.objects.filter(person=at_panel.person, title__contains="cancelled").exists()
    for call in (
        lambda: panel.panel_agenda_add(meeting=scheduled, plan=at_panel, actor=chair),
        lambda: panel.panel_agenda_remove(item=item, actor=chair),
        lambda: panel.panel_agenda_move(item=item, actor=chair, direction="down"),
        lambda: panel.panel_attendance_record(meeting=scheduled, actor=chair, attendees=members),
    ):
        with pytest.raises(DomainError, match="This meeting was cancelled"):
            call()
    with pytest.raises(DomainError, match="already cancelled"):
        panel.panel_meeting_cancel(meeting=scheduled, actor=chair, reason="Again")
    # Its plan can go on another meeting's agenda.
    assert panel.panel_agenda_add(meeting=meeting(members=members, meets_at=next_week()), plan=at_panel, actor=chair)


# --- Attendance ----------------------------------------------------------------------------------------------


def test_attendance_is_of_members_only_and_from_the_day_of_the_meeting(chair, members, manager):
    scheduled = meeting(members=members[:2])
    with pytest.raises(DomainError, match="Helen Marsh is not a member"):
        panel.panel_attendance_record(meeting=scheduled, actor=chair, attendees=[chair, manager])
    upcoming = meeting(members=members, meets_at=next_week())
    with pytest.raises(DomainError, match="from the day of the meeting"):
        panel.panel_attendance_record(meeting=upcoming, actor=chair, attendees=[chair])
    panel.panel_attendance_record(meeting=scheduled, actor=chair, attendees=members[:2])
    scheduled = fresh(scheduled)
    assert scheduled.status == M.HELD and set(scheduled.attendees.all()) == set(members[:2])
    record = AuditEvent.objects.filter(object_type="planning.panelmeeting", action="update").latest("id")
    assert "2 of 2 needed (quorate)" in record.summary


# --- Decisions (the guards are in support_plan_decide; recorded from the meeting) -------------------------------


def test_a_quorate_meeting_records_a_decision_from_a_member_who_attended(chair, members, at_panel):
    held = meeting(members=members, attendees=members, quorum=3)
    panel.panel_agenda_add(meeting=held, plan=at_panel, actor=chair)
    decision = decide(at_panel, chair, held)
    assert decision.meeting == held and decision.route == "panel"
    assert fresh(at_panel).status in (S.AWAITING_FINANCE, S.APPROVED)
    with pytest.raises(DomainError, match="has decided this plan"):
        panel.panel_agenda_remove(item=held.agenda.get(), actor=chair)
    with pytest.raises(DomainError, match="has made decisions"):
        panel.panel_meeting_cancel(meeting=held, actor=chair, reason="Too late")
    with pytest.raises(DomainError, match="recorded decisions at this meeting"):
        panel.panel_attendance_record(meeting=held, actor=chair, attendees=members[1:])


def test_a_decision_is_refused_when_the_plan_is_not_on_the_agenda(chair, members, at_panel):
    held = meeting(members=members, attendees=members, quorum=3)
    with pytest.raises(DomainError, match="not on that meeting's agenda"):
        decide(at_panel, chair, held)
    assert not PlanDecision.objects.exists()


def test_the_decision_page_refuses_when_not_quorate(client_as, chair, member, manager, at_panel):
    held = meeting(members=[chair, member, manager], attendees=[chair, member], quorum=3)
    item = panel.panel_agenda_add(meeting=held, plan=at_panel, actor=chair)
    client = client_as(chair)
    url = reverse("panel_decision", args=[held.pk, item.pk])
    page = client.get(url).content.decode()
    assert "The meeting is not quorate" in page
    response = client.post(url, {"version": fresh(at_panel).version, "outcome": "approve", "reasons": "Fine"})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "not quorate: 2 members attended and 3 are needed" in page
    assert fresh(at_panel).status == S.AT_PANEL and not PlanDecision.objects.exists()


def test_the_decision_page_refuses_a_member_who_did_not_attend(client_as, chair, member, manager, at_panel):
    held = meeting(members=[chair, member, manager], attendees=[chair, manager], quorum=2)
    item = panel.panel_agenda_add(meeting=held, plan=at_panel, actor=chair)
    response = client_as(member).post(
        reverse("panel_decision", args=[held.pk, item.pk]),
        {"version": fresh(at_panel).version, "outcome": "approve", "reasons": "Fine"},
    )
    assert response.status_code == 200
    assert "Record that you attended the meeting" in response.content.decode()
    assert not PlanDecision.objects.exists()


def test_the_decision_page_refuses_a_cancelled_meeting(client_as, chair, members, at_panel):
    held = meeting(members=members, attendees=members, quorum=3)
    item = panel.panel_agenda_add(meeting=held, plan=at_panel, actor=chair)
    PanelMeeting.objects.filter(pk=held.pk).update(status=M.CANCELLED)
    response = client_as(chair).post(
        reverse("panel_decision", args=[held.pk, item.pk]),
        {"version": fresh(at_panel).version, "outcome": "approve", "reasons": "Fine"},
    )
    assert response.status_code == 200 and "That panel meeting was cancelled" in response.content.decode()
    assert not PlanDecision.objects.exists()


def test_the_panel_returns_a_plan_with_a_category_and_reasons(client_as, chair, members, at_panel, worker):
    held = meeting(members=members, attendees=members, quorum=3)
    item = panel.panel_agenda_add(meeting=held, plan=at_panel, actor=chair)
    client = client_as(chair)
    url = reverse("panel_decision", args=[held.pk, item.pk])
    version = fresh(at_panel).version
    response = client.post(url, {"version": version, "outcome": "return", "reasons": "Too costly"})
    assert response.status_code == 200
    assert "Choose why the plan is being returned" in response.content.decode()
    response = client.post(url, {"version": version, "outcome": "bogus", "reasons": ""})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    response = client.post(
        url,
        {
            "version": version,
            "outcome": "return",
            "return_category": "alternative",
            "reasons": "The day centre on Moor Lane meets the same needs",
        },
    )
    assert response.status_code == 302
    decision = PlanDecision.objects.get(plan=at_panel)
    assert decision.return_category == PlanDecision.ReturnCategory.ALTERNATIVE and decision.meeting == held
    assert decision.decided_by == chair
    assert fresh(at_panel).status == S.RETURNED
    page = client.get(reverse("panel_meeting", args=[held.pk])).content.decode()
    assert "Return for changes" in page and "A suitable alternative is available" in page
    # Once decided, the page shows the decision instead of the form.
    assert "The meeting decided this plan" in client.get(url).content.decode()


# --- Pages ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.PANEL_MEMBER, 200), (Role.TEAM_MANAGER, 200), (Role.SOCIAL_WORKER, 403), (Role.FINANCE_OFFICER, 403)],
)
def test_the_panel_pages_are_for_the_panel(role, status, user_of_role, client_as, members, at_panel, chair):
    held = meeting(members=members, attendees=members[:1], quorum=3)
    panel.panel_agenda_add(meeting=held, plan=at_panel, actor=chair)
    client = client_as(user_of_role(role))
    for url in (reverse("panel_meetings"), reverse("panel_meeting", args=[held.pk]), reverse("panel_waiting")):
        response = client.get(url)
        assert response.status_code == status, url
    if status == 200:
        page = client.get(reverse("panel_meeting", args=[held.pk])).content.decode()
        assert "Not quorate" in page and "Edna Walker" in page


def test_a_missing_meeting_is_not_found_after_the_permission_check(client_as, chair, worker):
    assert client_as(chair).get(reverse("panel_meeting", args=[987654])).status_code == 404
    assert client_as(worker).get(reverse("panel_meeting", args=[987654])).status_code == 403


def test_scheduling_from_the_page(client_as, chair, members):
    CouncilSettings.objects.update_or_create(pk=1, defaults={"panel_quorum": 2})
    client = client_as(chair)
    url = reverse("panel_meeting_schedule")
    form_page = client.get(url).content.decode()
    assert 'value="2"' in form_page  # the council's quorum
    response = client.post(url, {"date_0": "31", "date_1": "2", "date_2": "2030", "time": "25:00", "quorum": "x"})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "must be a real date" in page and "Enter a real time" in page and "Choose the members" in page
    day = next_week().date()
    data = {
        "date_0": day.day,
        "date_1": day.month,
        "date_2": day.year,
        "time": "14:30",
        "location": "Committee room",
        "members": [m.pk for m in members],
        "chair": chair.pk,
        "quorum": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "a meeting cannot need fewer" in response.content.decode()
    response = client.post(url, data | {"quorum": "2"})
    assert response.status_code == 302
    scheduled = PanelMeeting.objects.get()
    assert timezone.localtime(scheduled.meets_at).time() == datetime.time(14, 30)
    assert scheduled.location == "Committee room"


def test_the_agenda_buttons_never_fail_on_bad_input(client_as, chair, members, at_panel, worker):
    scheduled = meeting(members=members)
    client = client_as(chair)
    add = reverse("panel_agenda_add", args=[scheduled.pk])
    for data, message in (
        ({"plan": "abc"}, "Choose a plan"),
        ({"plan": "987654"}, "That plan does not exist"),
        ({"plan": str(draft_plan(worker).pk)}, "only plans with the funding panel"),
    ):
        response = client.post(add, data)
        page = response.content.decode()
        assert response.status_code == 200 and "govuk-error-summary" in page and message in page
    assert client.post(add, {"plan": str(at_panel.pk)}).status_code == 302
    item = scheduled.agenda.get()
    response = client.post(reverse("panel_agenda_move", args=[scheduled.pk, item.pk]), {"direction": "sideways"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert (
        client.post(reverse("panel_agenda_move", args=[scheduled.pk, item.pk]), {"direction": "up"}).status_code == 302
    )
    assert client.get(reverse("panel_agenda_remove", args=[scheduled.pk, item.pk])).status_code == 405
    assert client.post(reverse("panel_agenda_remove", args=[scheduled.pk, 987654])).status_code == 404
    assert client.post(reverse("panel_agenda_remove", args=[scheduled.pk, item.pk])).status_code == 302
    assert not scheduled.agenda.exists()


def test_attendance_and_cancelling_from_the_pages(client_as, chair, member, manager, members):
    scheduled = meeting(members=[chair, member])
    client = client_as(chair)
    response = client.post(reverse("panel_attendance", args=[scheduled.pk]), {"attendees": [manager.pk]})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    response = client.post(reverse("panel_attendance", args=[scheduled.pk]), {"attendees": [chair.pk, member.pk]})
    assert response.status_code == 302 and fresh(scheduled).attendees.count() == 2
    response = client.post(reverse("panel_meeting_cancel", args=[scheduled.pk]), {"reason": ""})
    assert response.status_code == 200 and "Enter why the meeting is cancelled" in response.content.decode()
    response = client.post(reverse("panel_meeting_cancel", args=[scheduled.pk]), {"reason": "Room flooded"})
    assert response.status_code == 302 and fresh(scheduled).status == M.CANCELLED
    page = client.get(reverse("panel_meeting", args=[scheduled.pk])).content.decode()
    assert "This meeting was cancelled" in page


def test_plans_waiting_for_the_panel_show_how_long(client_as, chair, at_panel):
    page = client_as(chair).get(reverse("panel_waiting")).content.decode()
    assert "Edna Walker" in page and "No meeting yet" in page


def test_a_managers_queue_is_their_teams_plans_waiting_for_a_decision(client_as, worker, team, manager):
    mine = manager_plan(worker, PersonFactory(first_name="Alf", last_name="Mine", allocated_team=team))
    other_team = TeamFactory(name="Learning disability east")
    other_worker = UserFactory(role=Role.SOCIAL_WORKER, teams=[other_team])
    manager_plan(other_worker, PersonFactory(first_name="Bea", last_name="Elsewhere", allocated_team=other_team))
    page = client_as(manager).get(reverse("manager_plan_queue")).content.decode()
    assert "Alf Mine" in page and "Bea Elsewhere" not in page
    assert reverse("plan_decide", args=[mine.pk]) in page
    assert client_as(worker).get(reverse("manager_plan_queue")).status_code == 403
    assert client_as(UserFactory(role=Role.PANEL_MEMBER)).get(reverse("manager_plan_queue")).status_code == 403


# --- Seeding -------------------------------------------------------------------------------------------------


def test_seeding_makes_four_organisations_and_three_meetings_and_can_run_again(worker, team, manager, at_panel):
    """One organisation offers non-directed advocacy; the small one (two places) is full with a queue; one meeting
    was held last week (quorate), two are coming up; seeding again adds nothing."""
    from selfdirect.planning.models import PlanningOrganisation, PlanningReferral
    from selfdirect.planning.report_selectors import is_quorate, organisation_rows
    from selfdirect.planning.seeding_panel import seed_agenda, seed_planning_organisations_and_panels

    CouncilSettings.objects.update_or_create(pk=1, defaults={"panel_quorum": 2})
    UserFactory(role=Role.PANEL_MEMBER, username="panel", first_name="Martin", last_name="Cole")
    UserFactory(role=Role.TEAM_MANAGER)
    for _ in range(7):
        draft_plan(worker)
    result = seed_planning_organisations_and_panels(seed=1)
    assert result == {
        "planning organisations": 4,
        "panel meetings": 3,
        "panel members": 3,
        "planning referrals": 7,
        "planning referrals queued": 3,
    }
    assert PlanningOrganisation.objects.filter(non_directed_advocacy=True).count() == 1
    small = next(r for r in organisation_rows() if r.organisation.monthly_capacity == 2)
    assert (small.taken_this_month, small.queue_length, small.full) == (2, 3, True)
    assert small.average_wait_days is not None
    meetings = list(PanelMeeting.objects.order_by("meets_at"))
    now = timezone.now()
    assert meetings[0].meets_at < now and meetings[0].status == M.HELD and is_quorate(meetings[0])
    assert all(m.meets_at > now and m.status == M.SCHEDULED for m in meetings[1:])
    assert meetings[0].chair.username == "panel"
    assert all(u.role in (Role.PANEL_MEMBER, Role.TEAM_MANAGER) for u in meetings[1].members.all())

    again = seed_planning_organisations_and_panels(seed=1)
    assert (again["planning referrals"], PlanningOrganisation.objects.count(), PanelMeeting.objects.count()) == (
        0,
        4,
        3,
    )
    assert PlanningReferral.objects.count() == 7
    assert seed_agenda(meeting=meetings[1], plans=[at_panel, draft_plan(worker)]) == 1
    assert list(meetings[1].agenda.values_list("plan_id", flat=True)) == [at_panel.pk]


def test_times_can_be_typed_in_the_usual_ways():
    from selfdirect.planning.panel_forms import PanelMeetingForm

    for typed, expected in (("14:30", (14, 30)), ("9.15", (9, 15)), ("2pm", (14, 0)), ("2:30 PM", (14, 30))):
        form = PanelMeetingForm({"time": typed})
        form.is_valid()
        assert "time" not in form.errors, typed
        assert form.cleaned_data["time"] == datetime.time(*expected)
