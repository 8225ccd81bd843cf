"""The CLD code lists, whether each is confirmed, and administrators' confirmations of the UNCONFIRMED ones."""

from dataclasses import dataclass

from django.db import transaction

from selfdirect.rules import cld, cld_return

from .audit import audit_record
from .models import AuditEvent, CodeListConfirmation
from .services import DomainError

LISTS = {
    "PRIMARY_SUPPORT_REASONS": "Primary Support Reason",
    "ACCOMMODATION_STATUSES": "Accommodation Status",
    "EMPLOYMENT_STATUSES": "Employment Status",
    "CLIENT_TYPES": "Client Type",
    "EVENT_OUTCOMES": "Event Outcome",
    "ETHNICITIES": "Ethnicity",
    "GENDERS": "Gender",
    "REQUEST_ROUTES": "Request: Route of Access",
    "ASSESSMENT_TYPES": "Assessment Type",
    "ASSESSMENT_METHODS": "Method of Assessment",
    "SERVICE_TYPES": "Service Type",
    "SERVICE_COMPONENTS": "Service Component",
    "DELIVERY_MECHANISMS": "Delivery Mechanism",
    "COST_FREQUENCIES": "Cost Frequency (Unit Type)",
    "REVIEW_REASONS": "Review Reason",
    "REVIEW_METHODS": "Method of Review",
    "REVIEW_OUTCOMES_ACHIEVED": "Review Outcomes Achieved",
    # What the CLD return writes where the reference is silent (rules/cld_return.py).
    "CLIENT_FUNDING_STATUSES": "Client Funding Status (in the return)",
    "YES_NO": "Yes/No flags (in the return)",
    "DATE_FORMAT": "Date format (in the return)",
}
# Every list an administrator may be asked to confirm, and why.
UNCONFIRMED = cld.UNCONFIRMED_LISTS | cld_return.UNCONFIRMED


def _values(name: str) -> list[str]:
    value = getattr(cld, name, None)
    if value is None:
        value = getattr(cld_return, name)
    return [value.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy")] if isinstance(value, str) else value


@dataclass
class CodeList:
    name: str
    label: str
    values: list[str]
    unconfirmed_reason: str
    confirmation: CodeListConfirmation | None

    @property
    def needs_confirming(self) -> bool:
        return bool(self.unconfirmed_reason) and self.confirmation is None


def code_lists() -> list[CodeList]:
    confirmations = {c.list_name: c for c in CodeListConfirmation.objects.select_related("confirmed_by")}
    return [
        CodeList(name, label, _values(name), UNCONFIRMED.get(name, ""), confirmations.get(name))
        for name, label in LISTS.items()
    ]


@transaction.atomic
def code_list_confirm(*, name: str, actor, note: str = "", request=None) -> CodeListConfirmation:
    if name not in UNCONFIRMED:
        raise DomainError("Only lists marked UNCONFIRMED need confirming.")
    if CodeListConfirmation.objects.filter(list_name=name).exists():
        raise DomainError("This list has already been confirmed.")
    confirmation = CodeListConfirmation.objects.create(list_name=name, note=note.strip()[:300], confirmed_by=actor)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=confirmation,
        summary=f"Confirmed the {LISTS[name]} code list against the CLD specification",
        request=request,
    )
    return confirmation
