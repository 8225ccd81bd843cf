"""Pages for council-managed budgets and individual service funds: raising commitments from a plan, a provider's
and a person's commitments, ending one, importing a provider's invoice and checking it line by line.

Views stay thin: permission (checked before anything is looked up, so an id typed into a URL reveals nothing),
selector or service, template. Every read of a person's records is logged; pages listing many people (a provider's
commitments, an invoice) log one view of that page, naming it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from selfdirect.core.audit import audit_person_view, audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, staff_required
from selfdirect.core.services import DomainError
from selfdirect.market.selectors import provider_get
from selfdirect.people.selectors import person_get_for_user
from selfdirect.planning.selectors import plan_get_for_user

from . import commitments
from .commitment_forms import CommitmentEndForm, InvoiceLineResolveForm, InvoiceUploadForm
from .commitments import InvoiceImportError
from .models import Commitment, InvoiceLine

MANAGE = Action.PAYMENTS_MANAGE
PAGE_SIZE = 50
LINES_PAGE_SIZE = 200


@staff_required(MANAGE)
def plan_commitments_raise(request, pk):
    """What raising commitments would do for each council-managed or ISF line of the plan, and doing it."""
    plan = plan_get_for_user(user=request.user, pk=pk, action=MANAGE)
    audit_person_view(
        actor=request.user, person=plan.person, what=f"Opened commitments for plan {plan.pk}", request=request
    )
    error = None
    if request.method == "POST":
        try:
            result = commitments.commitment_raise_for_plan(plan=plan, actor=request.user, request=request)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, result.summary())
            return redirect("person_commitments", pk=plan.person_id)
    orders = commitments.commitment_preview(plan=plan)
    context = {
        "plan": plan,
        "person": plan.person,
        "orders": orders,
        "can_raise": plan.status == plan.Status.APPROVED and any(o.will_raise for o in orders),
        "approved": plan.status == plan.Status.APPROVED,
        "error": error,
    }
    return render(request, "payments/commitment_raise.html", context)


@staff_required(MANAGE)
def person_commitments(request, pk):
    """A person's commitments (service orders) and the invoice lines billed for them."""
    person = person_get_for_user(user=request.user, pk=pk)
    audit_person_view(actor=request.user, person=person, what="Opened commitments and invoices", request=request)
    context = {
        "person": person,
        "commitments": commitments.commitments_for_person(person=person),
        "lines": commitments.invoice_lines_for_person(person=person),
    }
    return render(request, "payments/commitment_person.html", context)


@staff_required(MANAGE)
def provider_commitments(request, pk):
    """A provider's commitments, active first, and the invoices it has sent."""
    provider = provider_get(pk=pk)
    status = request.GET.get("status", "")
    status = status if status in Commitment.Status.values else ""
    page = Paginator(commitments.commitments_for_provider(provider=provider, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        obj=provider,
        summary=f"Opened commitments and invoices for {provider}",
        request=request,
    )
    context = {
        "provider": provider,
        "page": page,
        "status": status,
        "statuses": Commitment.Status.choices,
        "query": f"status={status}" if status else "",
        "invoices": commitments.invoice_list(provider=provider)[:20],
    }
    return render(request, "payments/commitment_provider.html", context)


@staff_required(MANAGE)
def commitment_detail(request, pk):
    """One commitment: what was ordered, from when, and every invoice line matched to it."""
    commitment = commitments.commitment_get_for_user(user=request.user, pk=pk)
    audit_person_view(
        actor=request.user, person=commitment.person, what=f"Opened commitment {commitment.pk}", request=request
    )
    context = {
        "commitment": commitment,
        "person": commitment.person,
        "lines": commitments.invoice_lines_for_commitment(commitment=commitment)[:200],
    }
    return render(request, "payments/commitment_detail.html", context)


@staff_required(MANAGE)
def commitment_end(request, pk):
    commitment = commitments.commitment_get_for_user(user=request.user, pk=pk)
    if commitment.status != Commitment.Status.ACTIVE:
        raise Http404("This commitment has ended")
    form = CommitmentEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            commitments.commitment_end(commitment=commitment, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Commitment ended")
            return redirect("commitment_detail", pk=commitment.pk)
    return render(request, "payments/commitment_end.html", {"commitment": commitment, "form": form})


@staff_required(MANAGE)
def invoice_list(request):
    """Every provider invoice imported, newest first, with how many lines still need a decision."""
    page = Paginator(commitments.invoice_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "payments/invoice_list.html", {"page": page})


@staff_required(MANAGE)
def invoice_import(request, pk):
    """Upload a provider's invoice CSV: checked line by line against the commitments, all or nothing."""
    provider = provider_get(pk=pk)
    form = InvoiceUploadForm(request.POST, request.FILES) if request.method == "POST" else InvoiceUploadForm()
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = commitments.invoice_import(
                provider=provider, actor=request.user, data=upload.read(), filename=upload.name, request=request
            )
        except InvoiceImportError as error:
            form.add_domain_error(error)
            problems = error.errors
        except DomainError as error:
            form.add_domain_error(error)
        else:
            (messages.info if result.already_imported else messages.success)(request, result.summary())
            if len(result.invoices) == 1:
                return redirect("invoice_detail", pk=result.invoices[0].pk)
            return redirect("provider_commitments", pk=provider.pk)
    context = {"provider": provider, "form": form, "problems": problems, "aliases": commitments.HEADER_ALIASES}
    return render(request, "payments/invoice_import.html", context)


@staff_required(MANAGE)
def invoice_detail(request, pk):
    """An invoice: claimed against expected, and each line with what it matched and why it differs."""
    invoice = commitments.invoice_get(pk=pk)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        obj=invoice,
        summary=f"Opened invoice {invoice.reference} from {invoice.provider}",
        request=request,
    )
    page = Paginator(commitments.invoice_lines(invoice=invoice), LINES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"invoice": invoice, "totals": commitments.invoice_totals(invoice), "page": page, "query": ""}
    return render(request, "payments/invoice_detail.html", context)


@staff_required(MANAGE)
def invoice_line_resolve(request, pk, line_pk):
    """Record what to do about a line that differs from the plan, and why (kept in the audit log)."""
    invoice = commitments.invoice_get(pk=pk)
    line = commitments.invoice_line_get(invoice=invoice, pk=line_pk)
    if line.match == InvoiceLine.Match.MATCHED:
        raise Http404("This line was billed as expected")
    initial = {"resolution": line.resolution, "note": line.resolution_note} if line.resolution else None
    form = InvoiceLineResolveForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            commitments.invoice_line_resolve(line=line, actor=request.user, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Decision recorded for line {line.line_number}")
            return redirect("invoice_detail", pk=invoice.pk)
    return render(request, "payments/invoice_resolve.html", {"invoice": invoice, "line": line, "form": form})
