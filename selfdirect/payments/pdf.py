"""The direct payment agreement as a PDF in plain English: who holds it, what it pays for, how much and how often,
what the holder must do, and when it is reviewed (within 6 months of the first payment, then at least every 12
months: Care and Support (Direct Payments) Regulations 2014, regulation 7).

As for the support plan (planning/pdf.py): `agreement_sections` builds the words, which tests read directly, and
planning.pdf.render_pdf draws them.
"""

import datetime

from django.utils import timezone

from selfdirect.planning.pdf import Field, Section, Subheading, render_pdf
from selfdirect.rules import dp_schedule
from selfdirect.rules.charging import pounds
from selfdirect.rules.reviews import first_dp_review_due

from . import selectors
from .models import DirectPaymentAgreement, ScheduledPayment

A = DirectPaymentAgreement
EVERY = {
    A.Frequency.WEEKLY: "every week",
    A.Frequency.FOUR_WEEKLY: "every four weeks",
    A.Frequency.MONTHLY: "every month",
}


def _date(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def masked(identifier: str) -> str:
    """Only the last four characters of an account or card number are printed."""
    kept = "".join(ch for ch in identifier if ch.isalnum())
    return f"ending {kept[-4:]}" if len(kept) > 4 else "on file with the council"


def _holder(agreement) -> list[str]:
    person = agreement.person
    if agreement.holder == A.Holder.PERSON:
        who = [
            f"{person.full_name} holds the direct payment and arranges their own support with it (Care Act 2014, "
            "section 31)."
        ]
    elif agreement.holder == A.Holder.NOMINEE:
        who = [
            f"{agreement.holder_name} holds the direct payment as the nominee {person.full_name} chose (Care Act "
            f"2014, section 31). {agreement.holder_name} agreed to receive the payments and to use them for "
            f"{person.known_as}'s support."
        ]
    else:
        who = [
            f"{agreement.holder_name} holds the direct payment as {person.full_name}'s authorised person (Care Act "
            f"2014, section 32), because {person.known_as} cannot make this decision. {agreement.holder_name} must "
            f"act in {person.known_as}'s best interests when arranging their support."
        ]
    who += [
        Field("Paid to", agreement.holder_name),
        Field("Into", agreement.get_account_type_display()),
    ]
    if agreement.managed_account_provider:
        who.append(Field("Managed by", str(agreement.managed_account_provider)))
    who.append(Field("Account", masked(agreement.account_identifier)))
    return who


def _lines(agreement) -> list[str]:
    lines = list(agreement.plan_lines.select_related("provider", "pa").order_by("order", "id"))
    paragraphs: list[str] = [
        f"The direct payment pays for this support in {agreement.person.known_as}'s support plan (plan "
        f"{agreement.plan_id}). It must only be used for this support, or for other ways of meeting the same needs "
        "agreed with the council."
    ]
    for line in lines:
        paragraphs.append(Subheading(line.description))
        paragraphs.append(Field("Who", line.who or "Chosen by the holder"))
        if line.days_times:
            paragraphs.append(Field("When", line.days_times))
        paragraphs.append(Field("Cost", f"{pounds(line.weekly_cost)} a week"))
    if not lines:
        paragraphs.append("No support is listed yet.")
    return paragraphs


def _money(agreement, today: datetime.date) -> list[str]:
    versions = selectors.agreement_budget_versions(agreement=agreement)
    on = max(today, agreement.start_date)
    weekly = dp_schedule.weekly_on(versions, on)
    budget = agreement.plan.personal_budget
    first = (
        ScheduledPayment.objects.filter(agreement=agreement, kind=ScheduledPayment.Kind.REGULAR)
        .exclude(status=ScheduledPayment.Status.CANCELLED)
        .order_by("due_on")
        .first()
    )
    periods = dp_schedule.schedule(
        start=agreement.start_date, frequency=agreement.frequency, versions=versions, count=1
    )
    paragraphs: list[str] = [
        Field("Starts", _date(agreement.start_date)),
        Field("Paid", f"{EVERY[agreement.frequency]}, in advance, on the first day of the period it pays for"),
        Field("Weekly amount", f"{pounds(weekly)} a week"),
    ]
    if first is not None:
        paragraphs.append(Field("First payment", f"{pounds(first.amount)}, due {_date(first.due_on)}"))
    elif periods:
        paragraphs.append(Field("First payment", f"{pounds(periods[0].amount)}, due {_date(periods[0].due_on)}"))
    contribution = budget.weekly_person_contribution if budget else None
    if agreement.net_of_contribution:
        text = (
            "The council pays its share only. The person's contribution"
            + (f" ({pounds(contribution)} a week)" if contribution else "")
            + " is taken off first and must be paid into the account, so the support can be paid for in full."
        )
    else:
        text = (
            "The council pays the whole amount. The person's contribution"
            + (f" ({pounds(contribution)} a week)" if contribution else "")
            + " is collected separately by the council."
        )
    paragraphs.append(text)
    paragraphs.append(
        "Each payment is worked out day by day from the personal budget, so if the budget changes the payments "
        "change from the same date. Any difference for payments already made is put right in a later payment."
    )
    one_offs = list(agreement.one_offs.order_by("due_on", "id"))
    if one_offs:
        paragraphs.append(Subheading("One-off payments"))
        for one_off in one_offs:
            paragraphs.append(
                Field(
                    one_off.get_kind_display(),
                    f"{pounds(one_off.amount)} due {_date(one_off.due_on)}: {one_off.description}",
                )  # fmt: skip
            )
    return paragraphs


RESPONSIBILITIES = [
    "Use the money only for the support agreed in the plan.",
    "Keep the money in the account given above, separate from other money, and do not take cash out unless the "
    "plan agrees it.",
    "Keep receipts, invoices and payslips, and send statements when the council asks for them.",
    "If you employ a personal assistant you are their employer: give them a contract, pay their wages, tax, "
    "National Insurance and pension through a payroll service, and keep employer's liability insurance.",
    "Tell the council straight away if needs or circumstances change, if the support stops or changes, if the "
    "person goes into hospital, or if you can no longer manage the direct payment.",
    "Money not needed for the support may be asked back. The council may end the direct payment or ask for "
    "money back if these conditions are not kept (Care Act 2014, section 33).",
]


def _reviews(agreement) -> list[str]:
    paragraphs = [
        "The council reviews the direct payment within 6 months of the first payment, and then at least every 12 "
        "months (Care and Support (Direct Payments) Regulations 2014, regulation 7). It reviews it sooner if the "
        "conditions may not be met, if there are concerns about how the money is used, or if the person's "
        "capacity changes.",
    ]
    if agreement.first_payment_on:
        paragraphs.append(
            Field(
                "First review due by",
                f"{_date(first_dp_review_due(agreement.first_payment_on))} (the first payment was made on "
                f"{_date(agreement.first_payment_on)})",
            )
        )
    else:
        paragraphs.append(Field("First review due by", "6 months after the first payment"))
    paragraphs.append(
        "The holder can ask for a review at any time, or ask to stop the direct payment and have the council "
        "arrange the support instead."
    )
    return paragraphs


def agreement_sections(agreement: DirectPaymentAgreement, *, printed_on: datetime.date | None = None) -> list[Section]:
    printed_on = printed_on or timezone.localdate()
    person = agreement.person
    about = [
        f"This agreement is about the direct payment for {person.full_name}'s care and support: money the "
        "council pays so that the support in their plan can be arranged the way they choose.",
        Field("Agreement number", f"DP{agreement.pk:06d}"),
        Field("Status", agreement.get_status_display()),
        Field("Printed on", _date(printed_on)),
    ]
    return [
        Section(f"Direct payment agreement for {person.full_name}", about),
        Section("Who holds the direct payment", _holder(agreement)),
        Section("What it pays for", _lines(agreement)),
        Section("How much, and how often", _money(agreement, printed_on)),
        Section("What the holder must do", RESPONSIBILITIES),
        Section("Reviews", _reviews(agreement)),
    ]


def agreement_pdf_bytes(agreement: DirectPaymentAgreement) -> bytes:
    printed_on = timezone.localdate()
    sections = agreement_sections(agreement, printed_on=printed_on)
    footer = f"Direct payment agreement for {agreement.person.full_name}. Printed on {_date(printed_on)}. "
    return render_pdf(sections[0].heading, sections, footer=footer)


def agreement_pdf_filename(agreement: DirectPaymentAgreement) -> str:
    return f"direct-payment-agreement-{agreement.pk}.pdf"
