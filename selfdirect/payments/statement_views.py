"""Statement and monitoring pages: uploading a statement (with a line-numbered report when it cannot be imported),
the lines held for a direct payment and changing a line's category, the classification rules and statement
formats (visible and editable), and the short list of monitoring findings and resolving them.

Permission is checked before anything is looked up; a person's statements are fetched through the direct-payment
selector, which applies the person's record rules and 404s for an agreement that does not exist. Every read of a
person's statements is in the audit log."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from selfdirect.core.audit import audit_person_view
from selfdirect.core.permissions import Action, can, staff_required
from selfdirect.core.services import DomainError
from selfdirect.people.selectors import can_see_restricted, person_get_for_user

from . import classification, monitoring, selectors, statements
from .models import Category, ClassificationRule, ColumnMapping, MonitoringFinding, StatementImport, StatementLine
from .statement_forms import (
    FindingFilterForm,
    FindingResolveForm,
    MappingForm,
    ReclassifyForm,
    RuleForm,
    StatementUploadForm,
)

MANAGE = Action.PAYMENTS_MANAGE
PAGE_SIZE = 50
PROBLEMS_SHOWN = 50


def _agreement(request, pk):
    return selectors.agreement_get_for_user(user=request.user, pk=pk)


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


# --------------------------------------------------------------------------------------------------
# Uploading a statement
# --------------------------------------------------------------------------------------------------


@staff_required(MANAGE)
def statement_upload(request, pk=None):
    """Upload a statement for a direct payment (chosen by number, or the one in the address). A file that cannot be
    imported shows the first 50 problems, each with its line number, and how many there were; nothing is saved."""
    agreement = _agreement(request, pk) if pk is not None else None
    form = StatementUploadForm(request.POST or None, request.FILES or None, agreement=agreement)
    report = None
    if request.method == "POST" and form.is_valid():
        target = agreement
        if target is None:
            try:
                target = _agreement(request, form.cleaned_data["agreement"])
            except Http404:
                form.add_error("agreement", "There is no direct payment with that number")
        if target is not None:
            upload = form.cleaned_data["file"]
            try:
                record = statements.statement_import(
                    agreement=target,
                    mapping=form.cleaned_data["mapping"],
                    file=upload,
                    filename=upload.name,
                    actor=request.user,
                    request=request,
                )
            except statements.StatementImportError as error:
                form.add_error("file", f"{error.message}: correct the lines listed and upload the file again")
                report = {
                    "problems": error.problems[:PROBLEMS_SHOWN],
                    "count": error.problem_count,
                    "more": max(error.problem_count - PROBLEMS_SHOWN, 0),
                    "message": error.message,
                    "agreement": target,
                }
            except DomainError as error:
                form.add_domain_error(error)
            else:
                added, held = record.rows_added, record.rows_already_held
                messages.success(
                    request,
                    f"Statement imported: {added} new line{'s' if added != 1 else ''}"
                    + (f", {held} already held" if held else "")
                    + (f", {record.rows_skipped} with no money skipped" if record.rows_skipped else ""),
                )
                return redirect("statement_import_detail", record.pk)
    context = {
        "form": form,
        "agreement": agreement,
        "report": report,
        "max_mb": statements.WEB_UPLOAD_MAX_BYTES // 2**20,
    }
    return render(request, "payments/statement_upload.html", context, status=200)


# --------------------------------------------------------------------------------------------------
# Statement lines
# --------------------------------------------------------------------------------------------------


@staff_required(MANAGE)
def statement_import_detail(request, pk):
    """One imported file: what was added, and its lines with their categories."""
    record = get_object_or_404(StatementImport.objects.select_related("mapping", "imported_by"), pk=pk)
    agreement = _agreement(request, record.agreement_id)
    audit_person_view(
        actor=request.user, person=agreement.person, what=f"Opened statement import {record.pk}", request=request
    )
    lines = record.lines.select_related("rule", "ledger_transaction").order_by("line_number")
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"record": record, "agreement": agreement, "person": agreement.person, "page": page}
    return render(request, "payments/statement_import_detail.html", context)


@staff_required(MANAGE)
def statement_lines(request, pk):
    """Every statement line held for a direct payment, newest first, optionally of one category."""
    agreement = _agreement(request, pk)
    audit_person_view(
        actor=request.user, person=agreement.person, what=f"Opened statements for direct payment {pk}", request=request
    )
    category = request.GET.get("category", "")
    lines = StatementLine.objects.filter(agreement=agreement).select_related("rule", "reclassified_by")
    if category in Category.values:
        lines = lines.filter(category=category)
    else:
        category = ""
    page = Paginator(lines.order_by("-occurred_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "agreement": agreement,
        "person": agreement.person,
        "page": page,
        "category": category,
        "query": urlencode({"category": category}) if category else "",
        "categories": Category.choices,
        "imports": agreement.imports.select_related("imported_by")[:10],
        "balance": selectors.balance(agreement=agreement),
    }
    return render(request, "payments/statement_lines.html", context)


@staff_required(MANAGE)
def statement_line_reclassify(request, pk):
    """Change what a line was for. The ledger is never edited: the old posting is reversed and the line posted
    again (a council payment in is linked to the payment run's posting instead)."""
    line = get_object_or_404(StatementLine.objects.select_related("rule"), pk=pk)
    agreement = _agreement(request, line.agreement_id)
    back = _next_url(request, reverse("statement_lines", args=[agreement.pk]))
    form = ReclassifyForm(request.POST or None, initial={"category": line.category})
    if request.method == "POST" and form.is_valid():
        try:
            classification.statement_line_reclassify(
                line=line,
                category=form.cleaned_data["category"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, f"Line changed to {Category(form.cleaned_data['category']).label.lower()}: {line.description}"
            )
            return redirect(back)
    context = {"line": line, "agreement": agreement, "person": agreement.person, "form": form, "back": back}
    return render(request, "payments/statement_line_reclassify.html", context)


# --------------------------------------------------------------------------------------------------
# Classification rules and statement formats
# --------------------------------------------------------------------------------------------------


@staff_required(MANAGE)
def rule_list(request):
    rules = ClassificationRule.objects.order_by("order", "id")
    return render(request, "payments/rule_list.html", {"rules": rules})


@staff_required(MANAGE)
def rule_edit(request, pk=None):
    rule = get_object_or_404(ClassificationRule, pk=pk) if pk is not None else ClassificationRule()
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            rule = classification.rule_save(rule=form.save(commit=False), actor=request.user, request=request)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Rule saved: {rule.get_category_display()} (order {rule.order})")
            return redirect("rule_list")
    return render(request, "payments/rule_form.html", {"form": form, "rule": rule})


@staff_required(MANAGE)
def mapping_list(request):
    return render(request, "payments/mapping_list.html", {"mappings": ColumnMapping.objects.order_by("name")})


@staff_required(MANAGE)
def mapping_edit(request, pk=None):
    mapping = get_object_or_404(ColumnMapping, pk=pk) if pk is not None else ColumnMapping()
    form = MappingForm(request.POST or None, instance=mapping)
    if request.method == "POST" and form.is_valid():
        try:
            mapping = statements.mapping_save(mapping=form.save(commit=False), actor=request.user, request=request)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"Statement format saved: {mapping.name}")
            return redirect("mapping_list")
    return render(request, "payments/mapping_form.html", {"form": form, "mapping": mapping})


# --------------------------------------------------------------------------------------------------
# Monitoring findings
# --------------------------------------------------------------------------------------------------


def _kind_order():
    return Case(
        *[When(kind=kind, then=Value(i)) for i, kind in enumerate(monitoring.KIND_ORDER)],
        default=Value(99),
        output_field=IntegerField(),
    )


@staff_required(MANAGE)
def finding_list(request):
    """The short list of things worth a friendly check: open findings, most urgent kind first, oldest first."""
    form = FindingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    status = filters.get("status") or "open"
    findings = MonitoringFinding.objects.select_related("agreement__person__allocated_worker")
    if status != "all":
        findings = findings.filter(status=status)
    if filters.get("kind"):
        findings = findings.filter(kind=filters["kind"])
    findings = findings.annotate(urgency=_kind_order()).order_by("urgency", "created_at", "id")
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for f in page:
        person = f.agreement.person
        hidden = person.is_restricted and not can_see_restricted(user=request.user, person=person)
        rows.append(
            {
                "finding": f,
                "title": monitoring.finding_title(f.kind, "this person" if hidden else person.full_name),
                "restricted": hidden,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter_form": form,
        "page": page,
        "rows": rows,
        "status": status,
        "query": query.urlencode(),
        "filtered": bool(filters.get("kind")) or status != "open",
        "open_count": MonitoringFinding.objects.filter(status=MonitoringFinding.Status.OPEN).count(),
    }
    return render(request, "payments/finding_list.html", context)


@staff_required(Action.PERSON_VIEW)
def finding_detail(request, pk):
    """One finding: what was seen, the account, the worker's task, and resolving it. Finance officers and anyone
    who can open the person's record see it; finance officers and the person's allocated worker resolve it, and
    only finance officers record a recoupment."""
    finding = get_object_or_404(MonitoringFinding.objects.select_related("agreement", "resolved_by"), pk=pk)
    agreement = finding.agreement
    person = person_get_for_user(user=request.user, pk=agreement.person_id)
    agreement.person = person
    audit_person_view(actor=request.user, person=person, what=f"Opened direct payment finding {pk}", request=request)
    is_finance = can(request.user, MANAGE)
    can_resolve = finding.status == MonitoringFinding.Status.OPEN and (
        is_finance or person.allocated_worker_id == request.user.pk
    )
    recoupment = is_finance and finding.kind == MonitoringFinding.Kind.SURPLUS
    form = FindingResolveForm(request.POST or None, recoupment=recoupment) if can_resolve else None
    if request.method == "POST":
        if form is None:
            messages.error(request, "This finding is resolved already, or is for finance or the allocated worker")
            return redirect("finding_detail", pk)
        if form.is_valid():
            try:
                monitoring.finding_resolve(
                    finding=finding,
                    actor=request.user,
                    resolution=form.cleaned_data["resolution"],
                    recoup_amount=form.cleaned_data.get("recoup_amount"),
                    request=request,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, f"Resolved: {monitoring.finding_title(finding.kind, person.full_name)}")
                return redirect("finding_list" if is_finance else "task_inbox")
    from selfdirect.reviews.models import Task

    task = Task.objects.filter(source=f"finding:{finding.pk}").select_related("assignee").order_by("-id").first()
    context = {
        "finding": finding,
        "agreement": agreement,
        "person": person,
        "title": monitoring.finding_title(finding.kind, person.full_name),
        "task": task,
        "form": form,
        "is_finance": is_finance,
        "balance": selectors.balance(agreement=agreement),
        "today": timezone.localdate(),
    }
    return render(request, "payments/finding_detail.html", context)
