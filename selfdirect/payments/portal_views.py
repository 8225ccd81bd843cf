"""The direct payment in the portal, for its holder: the portal account that asked for support for the person (the
person themselves or their family). Their agreements with the balance and the next payments, the statement of
account (the same selector and period choice as the staff page) and its PDF, and sending receipts or payroll slips.

Agreements are always fetched through `_agreements_for`, filtered by the signed-in account, so another account's
agreement is simply not found (404). Agreements still being set up (draft) are not shown.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from selfdirect.core.audit import audit_person_view
from selfdirect.portal.views import portal_user_required

from . import selectors
from .account_views import statement_pdf_response
from .models import DirectPaymentAgreement
from .statement_of_account import (
    ReceiptRefused,
    account_statement,
    period_from_query,
    receipt_store,
    receipts_for,
    upcoming_payments,
)

A = DirectPaymentAgreement


def _agreements_for(user):
    return (
        A.objects.filter(person__support_requests__portal_user=user)
        .exclude(status=A.Status.DRAFT)
        .select_related("person", "plan", "holder_contact", "managed_account_provider")
        .distinct()
        .order_by("-start_date", "-id")
    )


def _agreement(request, pk) -> DirectPaymentAgreement:
    agreement = _agreements_for(request.user).filter(pk=pk).first()
    if agreement is None:
        raise Http404("No such direct payment")
    return agreement


@portal_user_required
def dp_home(request):
    """Your direct payment: each agreement's balance and its next 3 payments."""
    today = timezone.localdate()
    rows = []
    for agreement in _agreements_for(request.user):
        audit_person_view(
            actor=request.user, person=agreement.person, what=f"Opened direct payment {agreement.pk}", request=request
        )
        rows.append(
            {
                "agreement": agreement,
                "balance": selectors.balance(agreement=agreement),
                "upcoming": upcoming_payments(agreement=agreement, today=today),
            }
        )
    return render(request, "payments/portal_dp_home.html", {"rows": rows})


@portal_user_required
def dp_statement(request, pk):
    agreement = _agreement(request, pk)
    start, end, errors = period_from_query(request.GET)
    audit_person_view(
        actor=request.user,
        person=agreement.person,
        what=f"Opened the statement of account for direct payment {agreement.pk} ({start} to {end})",
        request=request,
    )
    context = {
        "agreement": agreement,
        "statement": account_statement(agreement=agreement, start=start, end=end),
        "errors": errors,
        "values": {"from": request.GET.get("from", start.isoformat()), "to": request.GET.get("to", end.isoformat())},
    }
    return render(request, "payments/portal_dp_statement.html", context, status=400 if errors else 200)


@portal_user_required
def dp_statement_pdf(request, pk):
    return statement_pdf_response(request, _agreement(request, pk))


@portal_user_required
def dp_receipts(request, pk):
    """Send a receipt or payroll slip (PDF, JPG or PNG, up to 5 MB), and see those already sent."""
    agreement = _agreement(request, pk)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("receipt")
        if upload is None:
            error = "Choose a file to send"
        else:
            try:
                receipt_store(agreement=agreement, upload=upload, actor=request.user, request=request)
            except ReceiptRefused as refused:
                error = str(refused)
            else:
                messages.success(request, "Thank you: your file has been sent to the council")
                return redirect("portal_dp_receipts", pk=agreement.pk)
    else:
        audit_person_view(
            actor=request.user, person=agreement.person, what=f"Opened direct payment {agreement.pk}", request=request
        )
    context = {"agreement": agreement, "receipts": receipts_for(agreement=agreement), "error": error}
    return render(request, "payments/portal_dp_receipts.html", context, status=400 if error else 200)
