"""Workforce pages: staff profiles, training and needs; who holds complex or safeguarding work without being
qualified; the readiness survey (answered by any member of staff, managed and read by workforce managers); peer
groups and mentoring. Views stay thin: permission, selector or service, template."""

from django.contrib import messages
from django.shortcuts import redirect, render

from selfdirect.core.permissions import Action, staff_required
from selfdirect.core.services import DomainError
from selfdirect.rules import workforce as rules

from . import selectors, services
from .forms import (
    MentoringPairForm,
    PeerGroupAddForm,
    PeerGroupForm,
    QuestionForm,
    ResultsForm,
    RoundOpenForm,
    StaffFilterForm,
    StaffProfileForm,
    SurveyAnswerForm,
    SurveyCreateForm,
    TrainingNeedsForm,
    TrainingRecordForm,
)
from .models import Dimension


def _post(request):
    return request.POST if request.method == "POST" else None


def _run(form, service, **kwargs):
    """Call a service for a valid form; a DomainError becomes an error on the form. The result, or None."""
    try:
        return service(**kwargs)
    except DomainError as error:
        form.add_domain_error(error)
        return None


# --- Staff ---------------------------------------------------------------------------------------------------------


@staff_required(Action.WORKFORCE_MANAGE)
def staff_list(request):
    """Staff, with their role, teams, qualification and open training needs; filtered by team or need."""
    form = StaffFilterForm(request.GET or None)
    team = topic = None
    if form.is_valid():
        team, topic = form.cleaned_data["team"], form.cleaned_data["topic"]
    staff = selectors.staff_list(team=team, topic=topic or "")
    return render(
        request, "workforce/staff_list.html", {"form": form, "staff": staff, "topic_labels": rules.TOPIC_LABELS}
    )


def _profile_context(user):
    return {
        "member": user,
        "profile": selectors.staff_profile_of(user),
        "qualified": selectors.qualified_for_complex_work(user),
        "records": selectors.training_records(user=user),
        "needs": selectors.training_needs(user=user),
    }


@staff_required(Action.WORKFORCE_MANAGE)
def staff_profile(request, pk):
    member = selectors.staff_get(pk=pk)
    return render(request, "workforce/staff_profile.html", _profile_context(member))


@staff_required(Action.WORKFORCE_MANAGE)
def staff_profile_edit(request, pk):
    member = selectors.staff_get(pk=pk)
    profile = selectors.staff_profile_of(member)
    initial = {"job_title": member.job_title}
    if profile is not None:
        initial |= {
            "qualified_social_worker": profile.qualified_social_worker,
            "registration_number": profile.registration_number,
            "registered_on": profile.registered_on,
        }
    form = StaffProfileForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _run(form, services.staff_profile_save, user=member, actor=request.user, request=request,
                    **form.cleaned_data)  # fmt: skip
        if done is not None:
            messages.success(request, "Profile saved")
            return redirect("workforce_staff_profile", pk=member.pk)
    return render(request, "workforce/form_page.html", {
        "form": form, "member": member, "title": f"Profile of {member}", "button": "Save the profile",
        "back": ("workforce_staff_profile", member.pk)})  # fmt: skip


@staff_required(Action.WORKFORCE_MANAGE)
def training_record_edit(request, pk, record_pk=None):
    member = selectors.staff_get(pk=pk)
    record = selectors.training_record_get(user=member, pk=record_pk) if record_pk else None
    initial = {"kind": "training"}
    if record is not None:
        initial = {f: getattr(record, f) for f in ("kind", "title", "topic", "completed_on", "expires_on")}
    form = TrainingRecordForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _run(form, services.training_record_save, user=member, actor=request.user, record=record,
                    request=request, **form.cleaned_data)  # fmt: skip
        if done is not None:
            messages.success(request, "Training record saved")
            return redirect("workforce_staff_profile", pk=member.pk)
    title = "Change a training record" if record else "Add training or a skill"
    return render(request, "workforce/form_page.html", {
        "form": form, "member": member, "title": title, "button": "Save",
        "back": ("workforce_staff_profile", member.pk)})  # fmt: skip


def _needs_form(request, member):
    open_needs = [n for n in selectors.training_needs(user=member) if n.is_open]
    initial = {
        "topics": [n.topic for n in open_needs],
        "peer_topics": [n.topic for n in open_needs if n.wants_peer_group],
    }
    return TrainingNeedsForm(_post(request), initial=initial)


def _save_needs(request, form, member) -> bool:
    if request.method == "POST" and form.is_valid():
        done = _run(form, services.training_needs_set, user=member, actor=request.user, needs=form.needs(),
                    request=request)  # fmt: skip
        if done is not None:
            messages.success(request, "Training needs saved")
            return True
    return False


@staff_required(Action.WORKFORCE_MANAGE)
def training_needs_edit(request, pk):
    member = selectors.staff_get(pk=pk)
    form = _needs_form(request, member)
    if _save_needs(request, form, member):
        return redirect("workforce_staff_profile", pk=member.pk)
    return render(request, "workforce/form_page.html", {
        "form": form, "member": member, "title": f"Training needs of {member}", "button": "Save the needs",
        "back": ("workforce_staff_profile", member.pk)})  # fmt: skip


@staff_required()
def my_development(request):
    """Any member of staff: their own training record and the training needs they nominate themselves for."""
    form = _needs_form(request, request.user)
    if _save_needs(request, form, request.user):
        return redirect("workforce_my_development")
    context = _profile_context(request.user) | {"form": form, "rounds": selectors.rounds_open_for(user=request.user)}
    return render(request, "workforce/my_development.html", context)


@staff_required(Action.WORKFORCE_MANAGE)
def needs_summary(request):
    return render(request, "workforce/needs_summary.html", {"summary": selectors.needs_summary()})


@staff_required(Action.ALLOCATE)
def allocation_concerns(request):
    """People who need a qualified social worker but are allocated to someone who is not."""
    form = StaffFilterForm(request.GET or None)
    team = form.cleaned_data["team"] if form.is_valid() else None
    rows = selectors.allocation_concerns_for_user(user=request.user, team=team)
    return render(request, "workforce/allocation_concerns.html", {"form": form, "rows": rows})


# --- The readiness survey: answering -------------------------------------------------------------------------------


@staff_required()
def survey_rounds_open(request):
    return render(request, "workforce/survey_open.html", {"rounds": selectors.rounds_open_for(user=request.user)})


@staff_required()
def survey_answer(request, pk):
    survey_round = selectors.round_get(pk=pk)
    if not survey_round.is_open or selectors.has_answered(survey_round=survey_round, user=request.user):
        messages.info(request, "This round is closed, or you have already answered it. Thank you.")
        return redirect("workforce_survey_rounds_open")
    questions = list(survey_round.questions.order_by("order", "id"))
    form = SurveyAnswerForm(_post(request), questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_respond(survey_round=survey_round, user=request.user, answers=form.cleaned_data,
                                    request=request)  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Thank you: your answers have been counted, without your name")
            return redirect("workforce_survey_rounds_open")
    return render(request, "workforce/survey_answer.html", {"form": form, "round": survey_round})


# --- The readiness survey: managing and results --------------------------------------------------------------------


@staff_required(Action.WORKFORCE_MANAGE)
def survey_list(request):
    form = SurveyCreateForm(_post(request))
    if request.method == "POST" and form.is_valid():
        survey = _run(form, services.survey_create_default, actor=request.user, name=form.cleaned_data["name"],
                      request=request)  # fmt: skip
        if survey is not None:
            messages.success(request, "Survey created with the default questions")
            return redirect("workforce_survey", pk=survey.pk)
    return render(request, "workforce/survey_list.html", {"form": form, "surveys": selectors.surveys()})


@staff_required(Action.WORKFORCE_MANAGE)
def survey_detail(request, pk):
    """A survey's questions and rounds; open a new round here."""
    survey = selectors.survey_get(pk=pk)
    form = RoundOpenForm(_post(request))
    if request.method == "POST" and form.is_valid():
        opened = _run(form, services.survey_round_open, survey=survey, actor=request.user,
                      label=form.cleaned_data["label"], request=request)  # fmt: skip
        if opened is not None:
            messages.success(request, f"Round {opened.label} is open to every member of staff")
            return redirect("workforce_survey", pk=survey.pk)
    rounds = list(survey.rounds.order_by("-opened_on", "-id"))
    for r in rounds:
        r.respondents = selectors.respondents(survey_round=r)
    context = {"survey": survey, "form": form, "rounds": rounds, "questions": survey.questions.order_by("order", "id"),
               "scales": rules.SCALES, "minimum": rules.MIN_GROUP_SIZE}  # fmt: skip
    return render(request, "workforce/survey_detail.html", context)


@staff_required(Action.WORKFORCE_MANAGE)
def question_edit(request, pk, question_pk=None):
    survey = selectors.survey_get(pk=pk)
    question = selectors.question_get(survey=survey, pk=question_pk) if question_pk else None
    if question is not None:
        initial = {f: getattr(question, f) for f in services.QUESTION_FIELDS}
    else:
        initial = {"is_active": True, "order": (survey.questions.count() + 1) * 10, "scale": "informed"}
    form = QuestionForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _run(form, services.survey_question_save, survey=survey, actor=request.user, question=question,
                     request=request, **form.service_arguments())  # fmt: skip
        if saved is not None:
            messages.success(request, "Question saved")
            return redirect("workforce_survey", pk=survey.pk)
    return render(request, "workforce/form_page.html", {
        "form": form, "title": "Change a question" if question else "Add a question", "button": "Save the question",
        "back": ("workforce_survey", survey.pk)})  # fmt: skip


@staff_required(Action.WORKFORCE_MANAGE)
def round_close(request, pk):
    survey_round = selectors.round_get(pk=pk)
    if request.method == "POST":
        try:
            services.survey_round_close(survey_round=survey_round, actor=request.user, request=request)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Round {survey_round.label} closed: its results can now be seen")
        return redirect("workforce_round_results", pk=survey_round.pk)
    return render(request, "workforce/round_close.html", {"round": survey_round,
                  "respondents": selectors.respondents(survey_round=survey_round)})  # fmt: skip


@staff_required(Action.WORKFORCE_MANAGE)
def round_results(request, pk):
    survey_round = selectors.round_get(pk=pk)
    form = ResultsForm(request.GET or None)
    dimension = (form.cleaned_data["dimension"] if form.is_valid() else "") or Dimension.ALL
    results = selectors.round_results(survey_round=survey_round, dimension=dimension)
    return render(request, "workforce/round_results.html", {"form": form, "results": results})


@staff_required(Action.WORKFORCE_MANAGE)
def survey_trend(request, pk):
    survey = selectors.survey_get(pk=pk)
    context = {"survey": survey, "trend": selectors.survey_trend(survey=survey), "minimum": rules.MIN_GROUP_SIZE}
    return render(request, "workforce/survey_trend.html", context)


# --- Peer groups and mentoring -------------------------------------------------------------------------------------


@staff_required(Action.WORKFORCE_MANAGE)
def peer_group_list(request):
    context = {"groups": selectors.peer_groups(), "pairs": selectors.mentoring_pairs(), "topics": rules.TOPICS}
    return render(request, "workforce/peer_groups.html", context)


@staff_required(Action.WORKFORCE_MANAGE)
def peer_group_create(request, topic):
    """Form a peer group on a topic: the page lists who recorded the need (those asking for a group first) as
    members, and who holds current training in it as possible facilitators."""
    if topic not in rules.TOPIC_LABELS:
        messages.error(request, "Choose a topic from the list")
        return redirect("workforce_peer_groups")
    needing = selectors.staff_needing(topic=topic)
    initial = {"name": f"{rules.topic_label(topic)} peer group",
               "members": [u.pk for u in needing if u.topic_need and u.topic_need[0].wants_peer_group]}  # fmt: skip
    form = PeerGroupForm(_post(request), initial=initial, candidates=needing)
    if request.method == "POST" and form.is_valid():
        group = _run(form, services.peer_group_create, actor=request.user, topic=topic, request=request,
                     **form.cleaned_data)  # fmt: skip
        if group is not None:
            messages.success(request, f"Peer group {group.name} formed")
            return redirect("workforce_peer_group", pk=group.pk)
    context = {"form": form, "topic": topic, "topic_label": rules.topic_label(topic), "needing": needing,
               "trained": selectors.staff_trained(topic=topic)}  # fmt: skip
    return render(request, "workforce/peer_group_create.html", context)


@staff_required(Action.WORKFORCE_MANAGE)
def peer_group_detail(request, pk):
    group = selectors.peer_group_get(pk=pk)
    candidates = selectors.staff_needing(topic=group.topic).exclude(pk__in=group.members.values("pk"))
    form = PeerGroupAddForm(_post(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        done = _run(form, services.peer_group_add_members, group=group, actor=request.user,
                    members=list(form.cleaned_data["members"]), request=request)  # fmt: skip
        if done is not None:
            messages.success(request, "Members added")
            return redirect("workforce_peer_group", pk=group.pk)
    context = {"group": group, "form": form, "candidates": candidates,
               "trained": selectors.staff_trained(topic=group.topic)}  # fmt: skip
    return render(request, "workforce/peer_group_detail.html", context)


@staff_required(Action.WORKFORCE_MANAGE)
def mentoring_pair_create(request):
    """Pair a mentor with a mentee; with ?topic= the page suggests both."""
    topic = request.GET.get("topic", "")
    topic = topic if topic in rules.TOPIC_LABELS else ""
    form = MentoringPairForm(_post(request), initial={"topic": topic})
    if request.method == "POST" and form.is_valid():
        pair = _run(form, services.mentoring_pair_create, actor=request.user, request=request, **form.cleaned_data)
        if pair is not None:
            messages.success(request, f"{pair.mentor} will mentor {pair.mentee}")
            return redirect("workforce_peer_groups")
    context = {"form": form, "topic": topic, "topic_label": rules.topic_label(topic) if topic else "",
               "topics": rules.TOPICS, "needing": selectors.staff_needing(topic=topic) if topic else [],
               "trained": selectors.staff_trained(topic=topic) if topic else []}  # fmt: skip
    return render(request, "workforce/mentoring_create.html", context)


@staff_required(Action.WORKFORCE_MANAGE)
def mentoring_pair_end(request, pk):
    pair = selectors.mentoring_pair_get(pk=pk)
    if request.method == "POST":
        services.mentoring_pair_end(pair=pair, actor=request.user, request=request)
        messages.success(request, "Mentoring ended")
    return redirect("workforce_peer_groups")
