"""The printable support plan: a PDF in plain English for the person, the same for staff and the portal.

Two steps, so the words can be tested without reading a PDF back: `plan_sections(plan)` builds the document as a
list of (heading, paragraphs) and `render_pdf(title, sections)` draws it with fpdf2. `plan_pdf_bytes(plan)` does
both.

fpdf2's core fonts (Helvetica) can only draw latin-1. "£" is latin-1, but curly quotes, dashes, bullets and emoji
are not: `latin1_safe` swaps the common ones for their plain equivalents and drops what cannot be drawn, so the
person's own words never stop the plan printing.
"""

import datetime
import unicodedata
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

from selfdirect.rules import plan_costs
from selfdirect.rules.charging import pounds

from . import selectors
from .models import SupportPlan

S = SupportPlan.Status

# Characters people type (or paste from a word processor) that latin-1 lacks, and what to print instead.
REPLACEMENTS = {
    "\u2018": "'",  # left single quote
    "\u2019": "'",  # right single quote, apostrophe
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',  # left double quote
    "\u201d": '"',  # right double quote
    "\u201e": '"',
    "\u2033": '"',
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2012": "-",
    "\u2015": "-",
    "\u2212": "-",  # minus sign
    "\u2010": "-",
    "\u2011": "-",
    "\u2026": "...",
    "\u2022": "-",  # bullet
    "\u2023": "-",
    "\u25cf": "-",
    "\u00b7": "-",
    "\u2020": "+",
    "\u2122": "(TM)",
    "\u20ac": "EUR ",
    "\u2009": " ",  # thin space
    "\u200a": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u00a0": " ",
    "\u200b": "",  # zero-width space
    "\u200d": "",  # zero-width joiner (emoji sequences)
    "\ufeff": "",
    "\t": "    ",
    "\r": "",
}


def latin1_safe(text) -> str:
    """Text the core fonts can draw: common typography becomes its plain equivalent, accents outside latin-1 lose
    their accent (ł stays unreadable, so it becomes "?"), emoji and other symbols are dropped."""
    out = []
    for char in str(text or ""):
        if char in REPLACEMENTS:
            out.append(REPLACEMENTS[char])
            continue
        if char == "\n" or (ord(char) < 256 and unicodedata.category(char)[0] != "C"):
            out.append(char)
            continue
        category = unicodedata.category(char)
        if category in ("So", "Sk", "Cs", "Co", "Cn", "Cc", "Cf", "Mn", "Me", "Mc"):
            continue  # emoji, variation selectors, combining marks, control characters
        decomposed = unicodedata.normalize("NFKD", char)
        kept = "".join(c for c in decomposed if ord(c) < 256 and unicodedata.category(c)[0] not in "CM")
        out.append(kept or "?")
    return "".join(out)


class Field(str):
    """A paragraph that is a label and its value ("Who: Acme Care"). It is the plain string too, so a test can
    look for words in it; the PDF prints the label in bold."""

    label: str
    value: str

    def __new__(cls, label: str, value: str):
        obj = super().__new__(cls, f"{label}: {value}")
        obj.label = label
        obj.value = value
        return obj


class Subheading(str):
    """A paragraph that names the item the following paragraphs are about (a need, a risk, some support)."""


class Section(NamedTuple):
    heading: str
    paragraphs: list[str]


# --- Words ----------------------------------------------------------------------------------------------------


def _number(value) -> str:
    """1.00 -> "1", 1.50 -> "1.5"."""
    number = Decimal(value or 0).normalize()
    text = f"{number:f}"
    return text


def _plural(value, one: str, many: str) -> str:
    return f"{_number(value)} {one if Decimal(value or 0) == 1 else many}"


def _date(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _own_words(text: str, empty: str) -> list[str]:
    """A person's text, paragraph by paragraph (blank lines separate paragraphs)."""
    text = (text or "").strip()
    if not text:
        return [empty]
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def _how_often(line) -> str:
    units, per_week = line.units, line.per_week
    words = {"Hourly": ("hour", "hours"), "Daily": ("day", "days"), "Per session": ("session", "sessions")}
    if line.unit_type in words:
        one, many = words[line.unit_type]
        return f"{_plural(units, one, many)} each time, {_plural(per_week, 'time', 'times')} a week"
    if line.unit_type in plan_costs.PERIOD_FACTORS:
        return f"Paid {line.unit_type.lower()}"
    if per_week:
        return f"{_plural(per_week, 'time', 'times')} a week"
    return ""


def _support(line, needs_by_pk: dict) -> list[str]:
    paragraphs = [Subheading(line.description), Field("Who", line.who or "Not chosen yet")]
    if line.days_times:
        paragraphs.append(Field("When", line.days_times))
    how_often = _how_often(line)
    if how_often:
        paragraphs.append(Field("How often", how_often))
    if line.need_id and line.need_id in needs_by_pk:
        paragraphs.append(Field("The need it meets", needs_by_pk[line.need_id].title))
    paragraphs.append(Field("Cost", f"{pounds(line.weekly_cost)} a week"))
    paragraphs.append(Field("How the money is managed", line.get_management_display()))
    return paragraphs


def _budget_section(plan: SupportPlan) -> Section:
    budget = plan.personal_budget
    if budget is not None:
        return Section(
            "My personal budget",
            [
                f"The personal budget was agreed from {_date(budget.effective_from)}. It is the money it costs to "
                "meet my eligible needs, what I pay towards it, and what the council pays.",
                Field("Total cost of my support", f"{pounds(budget.weekly_total_cost)} a week"),
                Field("What I pay towards it", f"{pounds(budget.weekly_person_contribution)} a week"),
                Field("What the council pays", f"{pounds(budget.weekly_council_amount)} a week"),
                "What I pay comes from the financial assessment. If my money changes, tell the council: what I "
                "pay may change too.",
            ],
        )
    if plan.status == S.AWAITING_FINANCE:
        text = (
            "The plan is approved. The personal budget will be set when the financial assessment is finished: "
            "that assessment works out what I pay towards my support."
        )
    elif plan.status == S.APPROVED:
        text = "The plan is approved. It has no paid support, so there is no personal budget to pay."
    else:
        text = "The personal budget is set when the plan is approved. It will say what I pay and what the council pays."
    return Section("My personal budget", [text])


def _cost_section(view, total: Decimal) -> Section:
    plan = view.plan
    paragraphs: list[str] = [Field("My support costs", f"{pounds(total)} a week")]
    if view.indicative is None:
        paragraphs.append("No indicative budget was worked out for this plan.")
    else:
        paragraphs.append(
            Field(
                "The indicative budget",
                f"{pounds(view.indicative)} a week. This was the first estimate of the money needed to meet my "
                "needs, worked out from the assessment.",
            )
        )
        difference = total - view.indicative
        if difference > 0:
            paragraphs.append(f"My support costs {pounds(difference)} a week more than the indicative budget.")
        elif difference < 0:
            paragraphs.append(f"My support costs {pounds(-difference)} a week less than the indicative budget.")
        else:
            paragraphs.append("My support costs the same as the indicative budget.")
        if difference:
            paragraphs.append(
                Field("Why it is different", plan.budget_difference_reason.strip() or "Not explained yet")
            )
    for label, amount in view.split:
        paragraphs.append(Field(f"Managed as {label[0].lower()}{label[1:]}", f"{pounds(amount)} a week"))
    return Section("What my support costs", paragraphs)


def _risk(risk, number: int) -> list[str]:
    text = risk.risk.strip()
    if len(text) <= 120 and "\n" not in text:
        paragraphs = [Subheading(text)]
    else:
        paragraphs = [Subheading(f"Risk {number}"), Field("What could go wrong", text)]
    paragraphs += [
        Field("How likely it is", risk.get_likelihood_display()),
        Field("How serious it would be", risk.get_impact_display()),
        Field("What will make it less likely or less serious", risk.mitigation.strip()),
        Field("Who will do that", risk.responsible),
        Field("What I think", risk.persons_view.strip() or "Not recorded"),
    ]
    if risk.positive_risk_taking:
        paragraphs.append("I choose to take this risk. It is my choice to make.")
    return paragraphs


def _contingency_section(contingency) -> Section:
    def value(name, empty="Not written yet"):
        return (getattr(contingency, name, "") or "").strip() or empty

    def contact(name, phone):
        who = value(name, "Not named yet")
        number = value(phone, "")
        return f"{who}, phone {number}" if number else who

    paragraphs = [
        "What happens if my support does not work out, and who to call.",
        Field("If my main support fails", value("if_main_support_fails")),
        Field("If a personal assistant or carer cannot come", value("if_pa_absent")),
        Field("If the money runs out", value("if_money_runs_out")),
        Field("In a crisis", value("in_a_crisis")),
        Field("Backup contact", contact("backup_name", "backup_phone")),
        Field("Emergency contact", contact("emergency_name", "emergency_phone")),
    ]
    phone = getattr(settings, "COUNCIL_EMERGENCY_PHONE", "")
    if phone:
        paragraphs.append(
            f"If someone is in danger now, phone 999. For urgent help with care and support, phone the council on "
            f"{phone}."
        )
    else:
        paragraphs.append("If someone is in danger now, phone 999.")
    return Section("If things go wrong", paragraphs)


def _decision_section(plan: SupportPlan, decisions: list) -> Section:
    if not decisions:
        if plan.status in (S.WITH_MANAGER, S.AT_PANEL):
            who = "a team manager" if plan.status == S.WITH_MANAGER else "the funding panel"
            text = f"The plan has been sent to {who}. No decision has been made yet."
        else:
            text = "No decision has been made on this plan yet."
        return Section("The decision", [text])
    decision = decisions[0]
    paragraphs = [Field("Decision", f"{decision.get_outcome_display()}, {_date(decision.decided_at)}")]
    if decision.meeting_id:
        paragraphs.append(Field("Decided by", "The funding panel"))
    else:
        paragraphs.append(Field("Decided by", "A team manager"))
    if decision.return_category:
        paragraphs.append(Field("Why it was returned", decision.get_return_category_display()))
    paragraphs.append(Field("The reasons", decision.reasons.strip()))
    if decision.changes_required.strip():
        paragraphs.append(Field("What must change", decision.changes_required.strip()))
    paragraphs.append("If you disagree with the decision, contact the council and ask for it to be looked at again.")
    return Section("The decision", paragraphs)


def plan_sections(plan: SupportPlan, *, printed_on: datetime.date | None = None) -> list[Section]:
    """The plan in plain English, section by section, as it stands now."""
    printed_on = printed_on or timezone.localdate()
    view = selectors.plan_view(plan=plan)
    person = plan.person
    needs_by_pk = {need.pk: need for need in view.needs}
    total = plan_costs.plan_cost(line.costed() for line in view.lines).weekly_total

    about = [
        f"This is {person.full_name}'s plan for the care and support that will meet their needs. It says what "
        "matters to them, what they want to achieve, the support they will get and what it costs, and what to do "
        "if something goes wrong.",
        Field("Status", plan.get_status_display()),
        Field("Written by", plan.get_planner_display()),
    ]
    if plan.planning_organisation:
        about.append(Field("Support-planning organisation", plan.planning_organisation.name))
    about.append(Field("Support starts", _date(plan.start_date) or "Not set yet"))
    about.append(Field("Printed on", _date(printed_on)))

    needs: list[str] = []
    for need in view.needs:
        needs.append(Subheading(need.title + ("" if need.eligible else " (not an eligible need)")))
        if need.in_own_words.strip():
            needs.append(Field("In my words", f'"{need.in_own_words.strip()}"'))
        meeting = [line.description for line in view.lines + view.unpaid if line.need_id == need.pk]
        needs.append(Field("How it will be met", need.how_met.strip() or "Not written yet"))
        if meeting:
            needs.append(Field("Support for this", "; ".join(meeting)))
    if not view.needs:
        needs.append("The assessment found no outcome I cannot achieve.")

    support: list[str] = []
    for line in view.lines:
        support.extend(_support(line, needs_by_pk))
    if not view.lines:
        support.append("No paid support is in the plan yet.")

    unpaid: list[str] = []
    for line in view.unpaid:
        unpaid.append(Subheading(line.description))
        unpaid.append(Field("Who", line.who or "Not named"))
        if line.days_times:
            unpaid.append(Field("When", line.days_times))
    if unpaid:
        unpaid.insert(0, "This support is part of my plan. Nobody is paid for it, so it is not part of the budget.")
    else:
        unpaid.append("None is recorded in the plan.")

    risks: list[str] = []
    for number, risk in enumerate(view.risks, start=1):
        risks.extend(_risk(risk, number))
    if not view.risks:
        risks.append("No risks are recorded yet.")

    sections = [
        Section(f"Support plan for {person.full_name}", about),
        Section("What matters to me", _own_words(plan.what_matters, "Not written yet.")),
        Section("What I want to achieve", _own_words(plan.outcomes, "Not written yet.")),
        Section("My needs and how they will be met", needs),
        Section("My support", support),
        Section("Support from family, friends and the community", unpaid),
        _cost_section(view, total),
        _budget_section(plan),
        Section("Risks, and what will reduce them", risks),
        _contingency_section(view.contingency),
        _decision_section(plan, view.decisions),
    ]
    if plan.advice_given.strip():
        sections.insert(3, Section("Advice and information I was given", _own_words(plan.advice_given, "")))
    return sections


# --- Drawing --------------------------------------------------------------------------------------------------


class _PlanPDF(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.set_text_color(80, 80, 80)
        self.cell(0, 10, latin1_safe(f"{self.footer_text}Page {self.page_no()} of {{nb}}"), align="C")
        self.set_text_color(0, 0, 0)


def render_pdf(title: str, sections: list[Section], *, footer: str = "") -> bytes:
    """Draw the sections: the first heading is the document's title, the others section headings."""
    pdf = _PlanPDF(format="A4")
    pdf.footer_text = latin1_safe(footer)
    pdf.set_title(latin1_safe(title))
    pdf.set_author(latin1_safe(getattr(settings, "COUNCIL_NAME", "")))
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    for index, (heading, paragraphs) in enumerate(sections):
        if index == 0:
            pdf.set_font("Helvetica", style="B", size=20)
            pdf.multi_cell(0, 10, latin1_safe(heading), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        else:
            if pdf.get_y() > pdf.h - 50:
                pdf.add_page()
            pdf.ln(4)
            pdf.set_font("Helvetica", style="B", size=15)
            pdf.multi_cell(0, 8, latin1_safe(heading), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        for paragraph in paragraphs:
            _paragraph(pdf, paragraph)
    return bytes(pdf.output())


def _paragraph(pdf: FPDF, paragraph: str) -> None:
    if isinstance(paragraph, Subheading):
        pdf.ln(1)
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.multi_cell(0, 6, latin1_safe(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        return
    if isinstance(paragraph, Field):
        pdf.set_font("Helvetica", style="B", size=11)
        pdf.write(6, latin1_safe(paragraph.label + ": "))
        pdf.set_font("Helvetica", size=11)
        pdf.write(6, latin1_safe(paragraph.value))
        pdf.ln(8)
        return
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, latin1_safe(paragraph), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def plan_pdf_bytes(plan: SupportPlan) -> bytes:
    printed_on = timezone.localdate()
    sections = plan_sections(plan, printed_on=printed_on)
    footer = f"Support plan for {plan.person.full_name}. Printed on {_date(printed_on)}. "
    return render_pdf(sections[0].heading, sections, footer=footer)


def plan_pdf_filename(plan: SupportPlan) -> str:
    return f"support-plan-{plan.pk}.pdf"
