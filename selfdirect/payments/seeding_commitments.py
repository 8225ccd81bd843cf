"""Commitments and provider invoices for the synthetic council.

`seed_commitments(seed=..., as_of=...)` raises commitments (service orders), as the first finance officer, for every
approved plan's council-managed and individual service fund lines that have a provider, through the real service.
Then one provider's invoices are imported through the real import, so the invoice pages have a story to tell:

- an invoice for the week three weeks before `as_of`'s week, billed exactly as planned (every line as planned);
- an invoice for the week after, in which the provider's rate rose on the Wednesday (ILLUSTRATIVE: a 4% rise,
  added here as the provider's market rate) and the provider billed the whole week at the new rate, so Monday and
  Tuesday differ from the plan; one visit is billed longer than the plan's units each time; and one line is for
  someone who has no commitment with the provider.

So that there are past weeks to invoice, the invoiced commitments are taken back to start the week before the first
invoiced week (seeded plans may start later than that): a demo shortcut, as planning seeding ages the plans'
clocks.

The same seed and day give the same commitments and invoices. It runs once: when commitments or invoices already
exist it changes nothing and returns {}. `reset_commitments()` removes them (before plans are reset: commitments
refer to plan lines), and the rates it added.
"""

import csv
import datetime
import io
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.roles import Role
from selfdirect.market.models import Rate
from selfdirect.people.models import Person
from selfdirect.planning.models import PlanLine, SupportPlan
from selfdirect.rules import daily_rates, plan_costs

from .commitments import RAISED_FOR, commitment_raise_for_plan, invoice_import, rate_schedule
from .models import Commitment, InvoiceLine, ProviderInvoice

SEED_OBJECT = "seed_commitments"
RISE = Decimal("1.04")  # ILLUSTRATIVE
PENNY = Decimal("0.01")
ONE_DAY = datetime.timedelta(days=1)
GENERIC_HEADER = ["Invoice reference", "Person", "Service date", "Units", "Amount"]
# The second invoice uses the provider's own header names and money format (the import understands both).
PROVIDER_HEADER = ["Inv No", "Client ID", "Date of visit", "Hrs", "Charge (£)"]


def _finance_officer():
    return get_user_model().objects.filter(role=Role.FINANCE_OFFICER, is_active=True).order_by("pk").first()


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[:1].isalpha()).upper()[:4] or "INV"


def _csv(header: list[str], rows: list[list[str]], *, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _visits(commitment: Commitment) -> int:
    """How many visits (or sessions) a week the commitment plans, one a day at most."""
    return min(int(commitment.units_per_week / commitment.units_each_time), 7)


def _invoiced(rng: random.Random) -> list[Commitment]:
    """Up to three per-occasion commitments with one provider (one with hourly care where there is one)."""
    usable = [
        c
        for c in Commitment.objects.filter(
            status=Commitment.Status.ACTIVE,
            unit_type__in=sorted(plan_costs.PER_OCCASION),
            units_each_time__gt=0,
            person__is_restricted=False,
        )
        .select_related("person", "provider")
        .order_by("pk")
        if _visits(c) > 0
    ]
    if not usable:
        return []
    hourly = sorted({c.provider_id for c in usable if c.unit_type == "Hourly"})
    provider_id = rng.choice(hourly or sorted({c.provider_id for c in usable}))
    return [c for c in usable if c.provider_id == provider_id][:3]


def _rise(commitments: list[Commitment], wednesday: datetime.date) -> list[int]:
    """The provider's rate rising on the Wednesday, for each service the invoices bill. Returns the rates added."""
    added = []
    done = set()
    for commitment in commitments:
        key = (commitment.service_component, commitment.unit_type, commitment.rate_note)
        if key in done:
            continue
        done.add(key)
        before = daily_rates.rate_on(rate_schedule(commitment), wednesday - ONE_DAY)
        if before is None:
            continue
        rate, created = Rate.objects.get_or_create(
            provider=commitment.provider,
            service_component=commitment.service_component,
            unit_type=commitment.unit_type,
            note=commitment.rate_note,
            effective_from=wednesday,
            defaults={"amount": (before.amount * RISE).quantize(PENNY)},
        )
        if created:
            added.append(rate.pk)
    return added


def _expected(commitment: Commitment, day: datetime.date, units: Decimal) -> Decimal:
    return daily_rates.service_cost(
        rate_schedule(commitment), unit_type=commitment.unit_type, on=day, units=units
    ).total


def seed_commitments(*, seed: int = 1, as_of: datetime.date | None = None) -> dict:
    """Raise commitments for the seeded approved plans and import two invoices from one provider. Returns counts;
    {} when commitments or invoices already exist, or there is no finance officer to record it."""
    if Commitment.objects.exists() or ProviderInvoice.objects.exists():
        return {}
    finance = _finance_officer()
    if finance is None:
        return {}
    today = as_of or timezone.localdate()
    rng = random.Random(seed * 104_729)
    week_a = daily_rates.week_start(today) - 3 * datetime.timedelta(days=7)
    week_b = week_a + datetime.timedelta(days=7)
    wednesday = week_b + 2 * ONE_DAY
    with transaction.atomic():
        plans = (
            SupportPlan.objects.filter(status=SupportPlan.Status.APPROVED, lines__management__in=RAISED_FOR)
            .distinct()
            .order_by("pk")
        )
        raised = sum(len(commitment_raise_for_plan(plan=plan, actor=finance).created) for plan in plans)
        counts = {"commitments": raised}
        chosen = _invoiced(rng)
        rates_added: list[int] = []
        if chosen:
            Commitment.objects.filter(pk__in=[c.pk for c in chosen], start_date__gt=week_a).update(
                start_date=week_a - 7 * ONE_DAY
            )
            for commitment in chosen:
                commitment.refresh_from_db()
            rates_added = _rise(chosen, wednesday)
            provider = chosen[0].provider
            prefix = _initials(provider.name)
            counts |= _invoices(chosen, provider, prefix, week_a, week_b, finance, today)
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            object_type=SEED_OBJECT,
            summary=f"Seeded {raised} commitments and {counts.get('invoices', 0)} provider invoices",
            changes={**counts, "rates_added": rates_added, "seed": seed, "as_of": str(today)},
        )
    return counts


def _invoices(chosen, provider, prefix, week_a, week_b, finance, today) -> dict:
    planned_rows, late_rows = [], []
    reference_a, reference_b = f"{prefix}-{week_a:%Y%m%d}", f"{prefix}-{week_b:%Y%m%d}"
    for index, commitment in enumerate(chosen):
        each = commitment.units_each_time
        council_id = commitment.person.council_id
        for day_number in range(_visits(commitment)):
            day = week_a + day_number * ONE_DAY
            planned_rows.append(
                [reference_a, council_id, f"{day:%d/%m/%Y}", f"{each}", f"{_expected(commitment, day, each)}"]
            )
            day = week_b + day_number * ONE_DAY
            # The new rate applied to the whole week, and one visit billed half an hour (or a session) longer.
            new_rate = _expected(commitment, week_b + 6 * ONE_DAY, Decimal(1))
            units = each + (Decimal("0.5") if commitment.unit_type == "Hourly" else Decimal(1))
            units = units if index == 0 and day_number == _visits(commitment) - 1 else each
            late_rows.append([reference_b, council_id, f"{day:%d/%m/%Y}", f"{units}", f"£{units * new_rate:,.2f}"])
    held = {c.person_id for c in Commitment.objects.filter(provider=provider)}
    stranger = (
        Person.objects.filter(is_restricted=False, date_of_death__isnull=True)
        .exclude(pk__in=held)
        .order_by("council_id")
        .first()
    )
    if stranger is not None:
        friday = week_b + 4 * ONE_DAY
        late_rows.append([reference_b, stranger.council_id, f"{friday:%d/%m/%Y}", "1", late_rows[0][4]])
    first = invoice_import(
        provider=provider,
        actor=finance,
        data=_csv(GENERIC_HEADER, planned_rows),
        filename=f"{reference_a}.csv",
        today=today,
    )
    second = invoice_import(
        provider=provider,
        actor=finance,
        data=_csv(PROVIDER_HEADER, late_rows, delimiter=";"),
        filename=f"{reference_b}.csv",
        today=today,
    )
    lines = InvoiceLine.objects.filter(invoice__in=first.invoices + second.invoices)
    return {
        "invoices": len(first.invoices) + len(second.invoices),
        "invoice lines": lines.count(),
        "invoice lines differing": lines.filter(match=InvoiceLine.Match.VARIANCE).count(),
        "invoice lines unmatched": lines.filter(match=InvoiceLine.Match.UNMATCHED).count(),
    }


def reset_commitments() -> None:
    """Remove every invoice, invoice line and commitment, and the rates seeding added (unless a plan line has
    since used one). For demo databases only, before plans are reset."""
    rate_ids = []
    for changes in AuditEvent.objects.filter(object_type=SEED_OBJECT).values_list("changes", flat=True):
        rate_ids += (changes or {}).get("rates_added", [])
    InvoiceLine.objects.all().delete()
    ProviderInvoice.objects.all().delete()
    Commitment.objects.all().delete()
    used = PlanLine.objects.filter(rate_id__in=rate_ids).values_list("rate_id", flat=True)
    Rate.objects.filter(pk__in=rate_ids).exclude(pk__in=list(used)).delete()
