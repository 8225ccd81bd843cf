"""The statement of account for finance officers: a direct payment's money in and out over a period (the last 3
months unless ?from=YYYY-MM-DD&to=YYYY-MM-DD says otherwise), and the same as a printable PDF. Reads are logged."""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from selfdirect.core.audit import audit_person_view, audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, staff_required

from . import selectors
from .statement_of_account import (
    RECEIPT_AUDIT_TYPE,
    account_statement,
    period_from_query,
    receipt_path,
    receipts_for,
    statement_pdf_bytes,
    statement_pdf_filename,
)


@staff_required(Action.PAYMENTS_MANAGE)
def dp_account_statement(request, pk):
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    start, end, errors = period_from_query(request.GET)
    audit_person_view(
        actor=request.user,
        person=agreement.person,
        what=f"Opened the statement of account for direct payment {agreement.pk} ({start} to {end})",
        request=request,
    )
    context = {
        "agreement": agreement,
        "person": agreement.person,
        "statement": account_statement(agreement=agreement, start=start, end=end),
        "receipts": receipts_for(agreement=agreement),
        "errors": errors,
        "values": {"from": request.GET.get("from", start.isoformat()), "to": request.GET.get("to", end.isoformat())},
    }
    return render(request, "payments/account_statement.html", context, status=400 if errors else 200)


@staff_required(Action.PAYMENTS_MANAGE)
def dp_account_statement_pdf(request, pk):
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    return statement_pdf_response(request, agreement)


@staff_required(Action.PAYMENTS_MANAGE)
def dp_receipt_download(request, pk, stored):
    """A receipt or payroll slip the holder sent, for finance to check; always a download, never shown inline, so
    a file that only looks like a PDF or image cannot run in the council's pages."""
    agreement = selectors.agreement_get_for_user(user=request.user, pk=pk)
    path = receipt_path(agreement=agreement, stored=stored)
    if path is None:
        raise Http404("No such receipt")
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type=RECEIPT_AUDIT_TYPE,
        object_id=f"{agreement.pk}/{stored}",
        person_id=agreement.person_id,
        summary=f"Downloaded a receipt sent for direct payment {agreement.pk}",
        request=request,
    )
    # FileResponse closes the file when the response is done.
    response = FileResponse(path.open("rb"), as_attachment=True, filename=f"receipt-{agreement.pk}-{stored}")  # noqa: SIM115
    response["Cache-Control"] = "no-store"
    return response


def statement_pdf_response(request, agreement) -> HttpResponse:
    """The statement as a PDF download, with the export in the audit log (staff and portal alike). A bad period
    falls back to the last 3 months (the page shows the error; a download has nowhere to)."""
    start, end, _errors = period_from_query(request.GET)
    statement = account_statement(agreement=agreement, start=start, end=end)
    content = statement_pdf_bytes(statement)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=agreement,
        person_id=agreement.person_id,
        summary=f"Downloaded the statement of account for direct payment {agreement.pk} ({start} to {end}) as a PDF",
        request=request,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{statement_pdf_filename(statement)}"'
    response["Cache-Control"] = "no-store"
    return response
