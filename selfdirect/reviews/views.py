"""Review pages: a person's reviews, one review with its record form, booking an unplanned review, cancelling one,
and the overdue dashboard for managers and analysts. Views stay thin: permission, selector or service, template."""

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from selfdirect.core.audit import audit_person_view, audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, can, staff_required
from selfdirect.core.services import DomainError
from selfdirect.money.budget_selectors import personal_budget_current
from selfdirect.people.selectors import person_get_for_user
from selfdirect.rules import cld
from selfdirect.rules import reviews as rules

from . import selectors, services
from .forms import OverdueFilterForm, ReviewCancelForm, ReviewRecordForm, UnplannedReviewForm
from .models import Review


@staff_required(Action.PERSON_VIEW)
def person_reviews(request, pk):
    """The person's reviews: the ones due (with how overdue) and the ones done."""
    person = person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened the reviews", request=request)
    today = timezone.localdate()
    reviews = list(selectors.person_reviews(person=person))
    due = [r for r in reviews if r.status == Review.Status.SCHEDULED]
    for review in due:
        review.days_overdue = rules.days_overdue(review.due_on, today)
    done = [r for r in reviews if r.status == Review.Status.DONE]
    context = {
        "person": person,
        "due": due,
        "done": sorted(done, key=lambda r: r.completed_on, reverse=True),
        "cancelled": [r for r in reviews if r.status == Review.Status.CANCELLED],
        "plan": services.current_plan(person),
        "can_work": can(request.user, Action.REVIEW_WORK),
    }
    return render(request, "reviews/review_person.html", context)


@staff_required(Action.REVIEW_WORK)
def review_detail(request, pk):
    """One review: when it is due, and once done, what was recorded (with its CLD Review event)."""
    review = selectors.review_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=review.person, what=f"Opened review {review.pk}", request=request)
    today = timezone.localdate()
    context = {
        "review": review,
        "person": review.person,
        "event": selectors.cld_review_event(review),
        "days_overdue": rules.days_overdue(review.due_on, today) if review.status == Review.Status.SCHEDULED else 0,
        "window": rules.first_review_window(review.plan.start_date)
        if review.kind == Review.Kind.FIRST and review.plan and review.plan.start_date
        else None,
    }
    return render(request, "reviews/review_detail.html", context)


@staff_required(Action.REVIEW_WORK)
def review_record(request, pk):
    """Record the review that took place."""
    review = selectors.review_get_for_user(user=request.user, pk=pk)
    if review.status != Review.Status.SCHEDULED:
        messages.info(request, f"This review is {review.get_status_display().lower()}")
        return redirect("review_detail", pk=review.pk)
    form = ReviewRecordForm(
        request.POST if request.method == "POST" else None,
        initial={"held_on": timezone.localdate()},
        reassessments=selectors.reassessments_for(person=review.person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            recorded = services.review_record(
                review=review, actor=request.user, request=request, **form.service_arguments()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            done = "Review recorded"
            if recorded.next_review is not None:
                done += f". The next review is due by {recorded.next_review.due_on:%-d %B %Y}"
            messages.success(request, done)
            return redirect("review_detail", pk=review.pk)
    context = {
        "form": form,
        "review": review,
        "person": review.person,
        "budget": personal_budget_current(person=review.person),
        "planned": review.reason == cld.REVIEW_PLANNED,
        "unconfirmed": {name: cld.UNCONFIRMED_LISTS[name] for name in ("REVIEW_METHODS", "REVIEW_OUTCOMES_ACHIEVED")},
    }
    return render(request, "reviews/review_record.html", context)


@staff_required(Action.REVIEW_WORK)
def review_book(request, pk):
    """Book an unplanned review for the person."""
    person = person_get_for_user(user=request.user, pk=pk)
    form = UnplannedReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_unplanned_book(
                person=person, actor=request.user, request=request, **form.cleaned_data
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Unplanned review booked, due by {review.due_on:%-d %B %Y}")
            return redirect("review_detail", pk=review.pk)
    return render(request, "reviews/review_book.html", {"form": form, "person": person})


@staff_required(Action.REVIEW_WORK)
def review_cancel(request, pk):
    """Cancel a review that is due."""
    review = selectors.review_get_for_user(user=request.user, pk=pk)
    if review.status != Review.Status.SCHEDULED:
        messages.info(request, f"This review is {review.get_status_display().lower()}")
        return redirect("review_detail", pk=review.pk)
    form = ReviewCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_cancel(review=review, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Review cancelled")
            return redirect("person_reviews", pk=review.person_id)
    return render(request, "reviews/review_cancel.html", {"form": form, "review": review, "person": review.person})


def _filter(request) -> tuple[OverdueFilterForm, bool]:
    form = OverdueFilterForm(request.GET or {"team": ""})
    return form, form.is_valid()


@staff_required(Action.REVIEW_OVERDUE)
def reviews_overdue(request):
    """Reviews overdue and due in the next 28 days by team and worker, and approved plans never reviewed."""
    form, valid = _filter(request)
    board = None
    if valid:
        board = selectors.overdue_dashboard(
            user=request.user, today=timezone.localdate(), team=form.cleaned_data.get("team")
        )
    context = {
        "form": form if form.errors else None,
        "filter_form": form,
        "board": board,
        "query": request.GET.urlencode() if valid and request.GET else "",
    }
    return render(request, "reviews/overdue.html", context)


@staff_required(Action.REVIEW_OVERDUE)
def reviews_overdue_csv(request):
    """The dashboard's numbers by team and worker as CSV (counts only: no one's name but the workers')."""
    form, valid = _filter(request)
    if not valid:
        return reviews_overdue(request)
    team = form.cleaned_data.get("team")
    today = timezone.localdate()
    board = selectors.overdue_dashboard(user=request.user, today=today, team=team)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reviews-due-{today:%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(["team", "worker", "overdue", f"due_in_next_{rules.DUE_SOON_DAYS}_days", "longest_overdue_days",
                     "never_reviewed"])  # fmt: skip
    for c in board.by_team:
        writer.writerow([c.name, "", c.overdue, c.due_soon, c.longest_overdue_days, c.never_reviewed])
    for c in board.by_worker:
        writer.writerow([c.team, c.name, c.overdue, c.due_soon, c.longest_overdue_days, c.never_reviewed])
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="reviews.overdue",
        summary="Downloaded the reviews due and overdue" + (f", {team.name}" if team else ", every team"),
        request=request,
    )
    return response
