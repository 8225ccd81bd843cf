"""Direct payment pages for finance officers: a person's direct payments, the agreement (details, schedule, ledger
and the PDF), setting one up from a plan, one-off payments, ledger corrections, and payment runs. Views stay thin:
permission (checked before anything is fetched), selector or service, template. Every read of a person's direct
payment is logged."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from selfdirect.core.audit import audit_person_view, audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, staff_required
from selfdirect.core.services import DomainError
from selfdirect.people.selectors import person_get_for_user
from selfdirect.planning.selectors import plan_get_for_user

from . import forms, selectors, services
from .models import DirectPaymentAgreement, PaymentRun
from .pdf import agreement_pdf_bytes, agreement_pdf_filename

MANAGE = Action.PAYMENTS_MANAGE
PAGE_SIZE = 50
A = DirectPaymentAgreement


def _data(request):
    """The posted data, bound even when empty (an empty form must show its errors, not be treated as a GET)."""
    return request.POST if request.method == "POST" else None


def _agreement(request, pk) -> DirectPaymentAgreement:
    return selectors.agreement_get_for_user(user=request.user, pk=pk)


@staff_required(MANAGE)
def person_direct_payments(request, pk):
    """A person's direct payment agreements with their balances, and approved plans one can be set up from."""
    person = person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened the direct payments", request=request)
    agreements = list(selectors.agreements_for_person(person=person))
    rows = [{"agreement": a, "balance": selectors.balance(agreement=a)} for a in agreements]
    live = any(a.status in services.LIVE for a in agreements)
    plans = [] if live else list(selectors.plans_to_set_up(person=person))
    return render(request, "payments/agreement_list.html", {"person": person, "rows": rows, "plans": plans})


def _agreement_page(request, agreement, *, errors=(), status=200):
    today = timezone.localdate()
    context = {
        "agreement": agreement,
        "person": agreement.person,
        "lines": agreement.plan_lines.select_related("provider", "pa").order_by("order", "id"),
        "one_offs": agreement.one_offs.order_by("due_on", "id"),
        "payments": selectors.payments_for(agreement=agreement),
        "ledger": selectors.ledger_rows(agreement=agreement),
        "balance": selectors.balance(agreement=agreement),
        "weekly": selectors.weekly_amount_now(agreement=agreement, on=max(today, agreement.start_date)),
        "errors": list(errors),
    }
    return render(request, "payments/agreement_detail.html", context, status=status)


@staff_required(MANAGE)
def dp_agreement(request, pk):
    agreement = _agreement(request, pk)
    audit_person_view(
        actor=request.user, person=agreement.person, what=f"Opened direct payment {agreement.pk}", request=request
    )
    return _agreement_page(request, agreement)


@staff_required(MANAGE)
def dp_agreement_pdf(request, pk):
    """The agreement document; the download is in the audit log."""
    agreement = _agreement(request, pk)
    content = agreement_pdf_bytes(agreement)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=agreement,
        person_id=agreement.person_id,
        summary=f"Downloaded direct payment agreement {agreement.pk} as a PDF",
        request=request,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{agreement_pdf_filename(agreement)}"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required(MANAGE)
def dp_agreement_set_up(request, pk):
    """Set up the direct payment from an approved plan: who holds it, the account, when and how often."""
    plan = plan_get_for_user(user=request.user, pk=pk, action=MANAGE)
    audit_person_view(
        actor=request.user, person=plan.person, what=f"Set up a direct payment from plan {plan.pk}", request=request
    )
    blockers = selectors.set_up_blockers(plan=plan)
    if blockers:
        return render(request, "payments/agreement_blocked.html", {"plan": plan, "person": plan.person,
                                                                  "blockers": blockers})  # fmt: skip
    suitability = selectors.suitability_for(plan=plan)
    lines = selectors.dp_lines(plan=plan)
    budget = plan.personal_budget
    start = max(filter(None, [plan.start_date, budget.effective_from if budget else None, timezone.localdate()]))
    initial = {
        "holder": services.HOLDER_FOR_ROUTE.get(suitability.route) if suitability else None,
        "holder_contact": suitability.recipient if suitability else None,
        "start_date": start,
        "frequency": A.Frequency.FOUR_WEEKLY,
        "paid": "net",
        "plan_lines": list(lines),
    }
    form = forms.AgreementForm(_data(request), plan=plan, lines=lines, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.dp_agreement_create(
                plan=plan, actor=request.user, request=request, **form.service_arguments()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Direct payment set up: check it, then start the payments")
            return redirect("dp_agreement", pk=agreement.pk)
    context = {"form": form, "plan": plan, "person": plan.person, "suitability": suitability, "budget": budget}
    return render(request, "payments/agreement_form.html", context)


@require_POST
@staff_required(MANAGE)
def dp_agreement_activate(request, pk):
    agreement = _agreement(request, pk)
    try:
        services.dp_agreement_activate(agreement=agreement, actor=request.user, request=request)
    except DomainError as error:
        return _agreement_page(request, agreement, errors=[error.message], status=400)
    messages.success(request, "Payments started: the schedule is below")
    return redirect("dp_agreement", pk=agreement.pk)


@staff_required(MANAGE)
def dp_agreement_end(request, pk):
    agreement = _agreement(request, pk)
    if agreement.status == A.Status.ENDED:
        messages.success(request, "This direct payment has already ended")
        return redirect("dp_agreement", pk=agreement.pk)
    if request.method == "GET":
        audit_person_view(
            actor=request.user, person=agreement.person, what=f"Opened direct payment {agreement.pk}", request=request
        )
    form = forms.AgreementEndForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.dp_agreement_end(
                agreement=agreement, actor=request.user, request=request, end_date=data["end_date"],
                reason=data["end_reason"],
            )  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "The direct payment will end: the schedule below shows what is still paid")
            return redirect("dp_agreement", pk=agreement.pk)
    context = {"form": form, "agreement": agreement, "person": agreement.person,
               "balance": selectors.balance(agreement=agreement)}  # fmt: skip
    return render(request, "payments/agreement_end.html", context)


@staff_required(MANAGE)
def dp_one_off_add(request, pk):
    agreement = _agreement(request, pk)
    if request.method == "GET":
        audit_person_view(
            actor=request.user, person=agreement.person, what=f"Opened direct payment {agreement.pk}", request=request
        )
    form = forms.OneOffForm(_data(request), initial={"due_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.dp_one_off_add(agreement=agreement, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "One-off payment added")
            return redirect("dp_agreement", pk=agreement.pk)
    return render(
        request, "payments/agreement_one_off.html", {"form": form, "agreement": agreement, "person": agreement.person}
    )


@staff_required(MANAGE)
def dp_ledger_reverse(request, pk, transaction_pk):
    """Correct a ledger transaction with a reversal (entries are never changed or deleted)."""
    agreement = _agreement(request, pk)
    transaction = selectors.ledger_transaction_get(agreement=agreement, pk=transaction_pk)
    if request.method == "GET":
        audit_person_view(
            actor=request.user, person=agreement.person, what=f"Opened direct payment {agreement.pk}", request=request
        )
    form = forms.ReverseForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.ledger_reverse(
                transaction=transaction, actor=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Transaction reversed")
            return redirect("dp_agreement", pk=agreement.pk)
    context = {"form": form, "agreement": agreement, "person": agreement.person, "transaction": transaction}
    return render(request, "payments/ledger_reverse.html", context)


# --- Payment runs ---------------------------------------------------------------------------------------------


@staff_required(MANAGE)
def payment_runs(request):
    """Every payment run, and preparing a new one."""
    today = timezone.localdate()
    form = forms.PaymentRunForm(_data(request), initial={"run_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            run = services.payment_run_prepare(run_on=form.cleaned_data["run_on"], actor=request.user, request=request)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Payment run prepared: {run.payment_count} payments")
            return redirect("payment_run", pk=run.pk)
    page = Paginator(selectors.payment_runs(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "due": selectors.due_not_in_a_run(on=today), "today": today}
    return render(request, "payments/run_list.html", context)


@staff_required(MANAGE)
def payment_run(request, pk):
    run = selectors.payment_run_get(pk=pk)
    page = Paginator(selectors.run_payments(run=run), PAGE_SIZE * 4).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "page": page,
        "rows": selectors.run_rows(user=request.user, payments=page.object_list),
        "moved": selectors.money_moved(run=run) if run.status == PaymentRun.Status.PAID else None,
    }
    return render(request, "payments/run_detail.html", context)


@require_POST
@staff_required(MANAGE)
def payment_run_export(request, pk):
    """The CSV for the finance system (the first download marks the run exported)."""
    run = selectors.payment_run_get(pk=pk)
    try:
        content = services.payment_run_export(run=run, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("payment_run", pk=run.pk)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payment-run-{run.pk}-{run.run_on:%Y-%m-%d}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required(MANAGE)
def payment_run_mark_paid(request, pk):
    run = selectors.payment_run_get(pk=pk)
    form = forms.MarkPaidForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_run_mark_paid(run=run, actor=request.user, request=request)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Payment run marked paid: the payments are in each account's ledger")
            return redirect("payment_run", pk=run.pk)
    return render(request, "payments/run_mark_paid.html", {"form": form, "run": run})
