"""Pages for short-term support, the 91-day follow-ups, the individual budget statement, joint funding, signposting
and the short-term support reports. Views stay thin: permission, selector or service, template."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from selfdirect.core.audit import audit_person_view
from selfdirect.core.permissions import Action, can, staff_required
from selfdirect.core.services import DomainError
from selfdirect.people.selectors import person_get_for_user
from selfdirect.rules import short_term

from . import selectors, services
from .forms import (
    AdviceForm,
    EpisodeCloseForm,
    EpisodeStartForm,
    FollowUpForm,
    GoalForm,
    GoalProgressForm,
    JointFundingForm,
    OtherFundingForm,
    ReportPeriodForm,
    TeamChoiceForm,
)
from .models import FollowUp91, ShortTermEpisode


def _post(request):
    return request.POST if request.method == "POST" else None


@staff_required(Action.SHORT_TERM_WORK)
def episode_list(request):
    """A team's short-term support: under way (soonest planned end first) and recently closed."""
    teams = selectors.teams_for(user=request.user)
    form = TeamChoiceForm(request.GET or None, teams=teams)
    team = selectors.default_team(user=request.user)
    if request.GET and form.is_valid():
        team = form.cleaned_data["team"]
    elif not request.GET:
        form = TeamChoiceForm(initial={"team": team}, teams=teams)
    today = timezone.localdate()
    open_episodes = list(selectors.episodes_for_team(team=team))
    for episode in open_episodes:
        episode.overdue = episode.planned_end < today
    context = {
        "form": form,
        "team": team,
        "open_episodes": open_episodes,
        "closed_episodes": list(selectors.episodes_for_team(team=team, status=ShortTermEpisode.Status.CLOSED)[:20]),
        "section": "episode_list",
    }
    return render(request, "reablement/episode_list.html", context)


@staff_required(Action.SHORT_TERM_WORK)
def episode_start(request, pk):
    """Start short-term support for a person: from a hospital discharge, a request, or in the community."""
    person = person_get_for_user(user=request.user, pk=pk)
    requests = selectors.open_requests_for(person=person)
    form = EpisodeStartForm(
        _post(request),
        requests=requests,
        initial={"start_date": timezone.localdate(), "service_component": "Reablement"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.episode_start(
                person=person,
                actor=request.user,
                request=request,
                team=person.allocated_team or selectors.default_team(user=request.user),
                worker=request.user,
                **form.service_arguments(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{episode.type_label} started for {person.full_name}")
            return redirect(episode)
    return render(request, "reablement/episode_start.html", {"form": form, "person": person})


@staff_required(Action.SHORT_TERM_WORK)
def episode_detail(request, pk):
    """One episode: its goals and progress, the free period, the follow-up, and how it ended."""
    episode = selectors.episode_get_for_user(user=request.user, pk=pk)
    audit_person_view(
        actor=request.user, person=episode.person, what=f"Opened short-term episode {pk}", request=request
    )
    form = GoalForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_add(episode=episode, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Goal added")
            return redirect(episode)
    follow_up = FollowUp91.objects.filter(episode=episode).first()
    context = {
        "episode": episode,
        "person": episode.person,
        "goals": list(episode.goals.all()),
        "form": form,
        "follow_up": follow_up,
        "sequel": short_term.SEQUELS_BY_CODE.get(episode.sequel),
        "is_open": episode.status == ShortTermEpisode.Status.OPEN,
        "today": timezone.localdate(),
    }
    return render(request, "reablement/episode_detail.html", context)


@staff_required(Action.SHORT_TERM_WORK)
def goal_progress(request, pk, goal_pk):
    """Record progress towards one goal."""
    goal = selectors.goal_get_for_user(user=request.user, episode_pk=pk, pk=goal_pk)
    episode = goal.episode
    form = GoalProgressForm(_post(request), initial={"progress": goal.progress, "progress_notes": goal.progress_notes})
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(goal=goal, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Progress recorded")
            return redirect(episode)
    return render(
        request,
        "reablement/goal_progress.html",
        {"form": form, "goal": goal, "episode": episode, "person": episode.person},
    )


@staff_required(Action.SHORT_TERM_WORK)
def episode_close(request, pk):
    """Close the episode with what happens next."""
    episode = selectors.episode_get_for_user(user=request.user, pk=pk)
    if episode.status != ShortTermEpisode.Status.OPEN:
        messages.info(request, "This episode is already closed")
        return redirect(episode)
    form = EpisodeCloseForm(_post(request), initial={"actual_end": timezone.localdate(), "version": episode.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.episode_close(
                episode=episode, actor=request.user, request=request, expected_version=version, **data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Episode closed: {short_term.sequel(data['sequel']).label}")
            return redirect(episode)
    return render(
        request, "reablement/episode_close.html", {"form": form, "episode": episode, "person": episode.person}
    )


@staff_required(Action.SHORT_TERM_WORK)
def follow_ups(request):
    """The 91-day follow-ups due in the next fortnight or overdue, and the latest recorded."""
    today = timezone.localdate()
    due = list(selectors.follow_ups_due(on=today))
    for follow_up in due:
        follow_up.overdue = follow_up.due_on < today
        follow_up.not_yet = follow_up.due_on > today
    context = {"due": due, "done": list(selectors.follow_ups_done()), "today": today, "section": "follow_ups"}
    return render(request, "reablement/follow_ups.html", context)


@staff_required(Action.SHORT_TERM_WORK)
def follow_up_record(request, pk):
    """Record where the person was 91 days after leaving hospital."""
    follow_up = selectors.follow_up_get_for_user(user=request.user, pk=pk)
    if follow_up.is_done:
        messages.info(request, "This follow-up has already been recorded")
        return redirect("follow_ups")
    form = FollowUpForm(_post(request), initial={"recorded_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(follow_up=follow_up, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Follow-up recorded for {follow_up.person.full_name}")
            return redirect("follow_ups")
    return render(
        request, "reablement/follow_up_record.html", {"form": form, "follow_up": follow_up, "person": follow_up.person}
    )


@staff_required(Action.OTHER_FUNDING)
def individual_budget(request, pk):
    """The person's individual budget statement: the personal budget and the other public money for their
    support, with the council's share of a jointly funded plan."""
    person = person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened the individual budget statement", request=request)
    context = {
        "person": person,
        "statement": selectors.individual_budget_statement(person=person),
        "episodes": list(selectors.episodes_for_person(person=person)),
        "can_short_term": can(request.user, Action.SHORT_TERM_WORK),
    }
    return render(request, "reablement/individual_budget.html", context)


@staff_required(Action.OTHER_FUNDING)
def other_funding_add(request, pk):
    """Record other public money the person gets for their support."""
    person = person_get_for_user(user=request.user, pk=pk)
    form = OtherFundingForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            funding = services.other_funding_add(
                person=person, actor=request.user, request=request, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"{funding.get_source_display()} recorded")
            return redirect("individual_budget", pk=person.pk)
    return render(request, "reablement/other_funding_add.html", {"form": form, "person": person})


@staff_required(Action.OTHER_FUNDING)
def joint_funding_add(request, pk):
    """Record another funder's share of the person's current support plan."""
    person = person_get_for_user(user=request.user, pk=pk)
    statement = selectors.individual_budget_statement(person=person)
    form = JointFundingForm(_post(request), initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            if statement.plan is None:
                raise DomainError(f"{person.full_name} has no approved support plan to share the cost of")
            services.joint_funding_record(plan=statement.plan, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Joint funding recorded")
            return redirect("individual_budget", pk=person.pk)
    return render(
        request, "reablement/joint_funding_add.html", {"form": form, "person": person, "plan": statement.plan}
    )


@staff_required(Action.REQUEST_RECORD)
def request_advice(request, pk):
    """Resolve a request with information and advice, or a referral to a community service."""
    from selfdirect.assessments.request_selectors import request_get_for_user

    support_request, person = request_get_for_user(user=request.user, pk=pk)
    if support_request.status != support_request.Status.OPEN:
        messages.info(request, "This request has already been concluded")
        return redirect(support_request)
    form = AdviceForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.request_resolve_with_advice(
                support_request=support_request, actor=request.user, request=request, **form.cleaned_data
            )
        except DomainError as error:
            support_request.refresh_from_db()
            form.add_domain_error(error)
        else:
            messages.success(request, "Request concluded with information and advice")
            return redirect(support_request)
    context = {"form": form, "support_request": support_request, "person": person}
    return render(request, "reablement/request_advice.html", context)


@staff_required(Action.DASHBOARD_VIEW)
def short_term_report(request):
    """STS001, STS002a/b, the 91-day measure and requests resolved without long-term support, for a financial
    year, each as a data table."""
    today = timezone.localdate()
    this_year = selectors.financial_year(today)[0].year
    years = list(range(this_year, this_year - 5, -1))
    form = ReportPeriodForm(request.GET or None, years=years)
    year = this_year
    if request.GET and form.is_valid() and form.cleaned_data["year"]:
        year = form.cleaned_data["year"]
    elif not request.GET:
        form = ReportPeriodForm(initial={"year": this_year}, years=years)
    start, end = selectors.financial_year(today.replace(year=year, month=4, day=1))
    context = {
        "form": form,
        "report": selectors.short_term_report(start=start, end=end),
        "section": "short_term_report",
    }
    return render(request, "reablement/report.html", context)
