"""The task inbox: one list per worker of what is due, and marking a stored task done. Every member of staff has an
inbox (staff_required with no action): what is in it depends on their role and what is assigned to them."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from selfdirect.core.permissions import staff_required

from . import task_selectors
from .models import Task
from .task_services import task_done


class TaskFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of task", choices=[("", "Any"), *Task.Kind.choices], required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)
    week = forms.BooleanField(label="Due by the end of this week (including overdue)", required=False)


@staff_required()
def task_inbox(request):
    """Everything due for the signed-in worker, soonest first, with filters by kind, overdue, and this week."""
    form = TaskFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    items = task_selectors.inbox_for_user(
        user=request.user,
        on=today,
        kind=filters.get("kind") or "",
        overdue_only=bool(filters.get("overdue")),
        due_by=task_selectors.end_of_week(today) if filters.get("week") else None,
    )
    context = {
        "filter_form": form,
        "items": items,
        "overdue_count": sum(1 for item in items if item.overdue),
        "filtered": any(filters.values()) if filters else False,
        "today": today,
        "query": request.GET.urlencode(),
    }
    return render(request, "reviews/task_inbox.html", context)


@staff_required()
@require_POST
def task_mark_done(request, pk):
    """Mark a stored task done: only the worker it is assigned to, or anyone in the role whose queue it is in."""
    task = task_selectors.task_get_for_user(user=request.user, pk=pk)
    if task is None:
        raise Http404("No such task")
    already = task.done_at is not None
    task_done(task=task, actor=request.user, request=request)
    if not already:
        messages.success(request, f"Done: {task.title if not _hidden(request.user, task) else task.get_kind_display()}")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("task_inbox")


def _hidden(user, task) -> bool:
    from selfdirect.people.selectors import can_see_restricted

    person = task.person
    return person is not None and person.is_restricted and not can_see_restricted(user=user, person=person)
