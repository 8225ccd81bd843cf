"""Reads for the care market: providers and their rates, the personal assistant register with each PA's check
status, the checks about to lapse, matches for a plan line, and an arrangement as a CLD Service event.

Providers and PAs are not people's records (no person access rules); arrangements are, so they are fetched only
through people.selectors.person_get_for_user.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from selfdirect.core.models import CouncilSettings
from selfdirect.core.permissions import Action, require
from selfdirect.people.models import Person
from selfdirect.people.selectors import person_get_for_user
from selfdirect.rules import cld, plan_costs
from selfdirect.rules import pa_checks as pa_rules
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode

from .models import Arrangement, EmployerInsurance, PersonalAssistant, Provider, Rate

# The council's standard rate for personal assistants carries this note (a local choice, see seeding.py).
PA_RATE_NOTE = "personal assistant"


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def postcode_district(postcode: str) -> str:
    """The outward code ("NM3" from "nm3 5hj"), or "" when the postcode is missing or not valid."""
    if not postcode or not is_valid_postcode(postcode):
        return ""
    return normalise_postcode(postcode).split(" ")[0]


def _having(queryset: QuerySet, field_name: str, value: str) -> QuerySet:
    """Rows whose JSON list `field_name` holds `value`. PostgreSQL asks the database; SQLite (tests, quick
    development) has no JSON containment, so the lists are read and matched here."""
    if connection.features.supports_json_field_contains:
        return queryset.filter(**{f"{field_name}__contains": [value]})
    ids = [pk for pk, values in queryset.values_list("pk", field_name) if value in (values or [])]
    return queryset.filter(pk__in=ids)


# --------------------------------------------------------------------------------------------------
# Providers and rates
# --------------------------------------------------------------------------------------------------


def provider_list(
    *, q: str = "", service_component: str = "", area: str = "", registration: str = "", active_only: bool = True
) -> QuerySet[Provider]:
    """Providers matching the filters, by name. `q` matches the name or the CQC location ID."""
    providers = Provider.objects.all()
    if active_only:
        providers = providers.filter(is_active=True)
    q = (q or "").strip()
    if q:
        providers = providers.filter(Q(name__icontains=q) | Q(cqc_location_id__iexact=q))
    if registration in Provider.Registration.values:
        providers = providers.filter(registration=registration)
    if service_component:
        providers = _having(providers, "service_components", service_component)
    area = (area or "").strip().upper()
    if area:
        providers = _having(providers, "areas", area)
    return providers.order_by("name", "pk")


def provider_get(*, pk) -> Provider:
    return get_object_or_404(Provider.objects.prefetch_related("rates"), pk=pk)


def rate_in_force(
    *, provider: Provider | None, service_component: str, unit_type: str, on, note: str = ""
) -> Rate | None:
    """The provider's rate for this component and unit on the day `on` (the latest that started by then); without
    one, the council's standard rate in force that day; None when neither has a rate. `note` tells rates for the
    same thing apart (for example "night waking"); the default is the plain rate."""
    same = Rate.objects.filter(service_component=service_component, unit_type=unit_type, note=note)
    same = same.filter(effective_from__lte=on).order_by("-effective_from", "-id")
    if provider is not None:
        rate = same.filter(provider=provider).first()
        if rate is not None:
            return rate
    return same.filter(provider__isnull=True).first()


@dataclass
class RateGroup:
    """One price (component, unit, note) over time: the rate in force, the ones to come, the ones replaced."""

    service_component: str
    unit_type: str
    note: str
    current: Rate | None = None
    future: list[Rate] = field(default_factory=list)
    past: list[Rate] = field(default_factory=list)


def rate_groups(rates: Iterable[Rate], *, on) -> list[RateGroup]:
    groups: dict[tuple, RateGroup] = {}
    for rate in sorted(rates, key=lambda r: (r.service_component, r.unit_type, r.note, r.effective_from)):
        key = (rate.service_component, rate.unit_type, rate.note)
        group = groups.setdefault(key, RateGroup(*key))
        if rate.effective_from > on:
            group.future.append(rate)
        else:
            if group.current is not None:
                group.past.insert(0, group.current)
            group.current = rate
    return list(groups.values())


def council_rates() -> QuerySet[Rate]:
    """The council's standard rates (no provider)."""
    return Rate.objects.filter(provider__isnull=True)


def provider_warning(*, provider: Provider | None, service_component: str) -> str | None:
    """Plain-English warning when a provider that is not registered with the Care Quality Commission would give
    personal care; None when there is nothing to warn about."""
    if provider is None or not provider.warns_for(service_component):
        return None
    status = {
        Provider.Registration.NOT_REQUIRED: "says it does not need to register with the Care Quality Commission (CQC)",
        Provider.Registration.APPLIED: "has applied to the Care Quality Commission (CQC) but is not registered yet",
        Provider.Registration.DEREGISTERED: "is no longer registered with the Care Quality Commission (CQC)",
    }.get(provider.registration, "is not registered with the Care Quality Commission (CQC)")
    return (
        f"{provider.name} {status}. {service_component} includes personal care, which by law only a registered "
        f"provider may give. Check with the provider and the commissioning team before going ahead."
    )


# --------------------------------------------------------------------------------------------------
# Personal assistants and their checks
# --------------------------------------------------------------------------------------------------

CURRENT, LAPSING, MISSING, SUSPENDED = "current", "lapsing", "missing", "suspended"
STATUS_LABELS = {
    CURRENT: "All checks current",
    LAPSING: "A check lapses soon",
    MISSING: "Something missing or lapsed",
    SUSPENDED: "Suspended",
}
STATUS_TAGS = {CURRENT: "govuk-tag--green", LAPSING: "govuk-tag--yellow", MISSING: "govuk-tag--red", SUSPENDED: ""}
STATUS_ORDER = {CURRENT: 0, LAPSING: 1, MISSING: 2, SUSPENDED: 3}


@dataclass(frozen=True)
class PaStatus:
    state: str
    problems: list[pa_rules.Problem]
    lapsing: list[pa_rules.Problem]

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.state]

    @property
    def tag_class(self) -> str:
        return STATUS_TAGS[self.state]


def pa_status(pa: PersonalAssistant, *, on=None, settings: CouncilSettings | None = None) -> PaStatus:
    """A PA's checks on the day `on` (today by default) under the council's re-check period and alert window.
    Reads pa.checks.all(), so prefetch "checks" when listing many."""
    on = on or timezone.localdate()
    settings = settings or CouncilSettings.current()
    checks = pa.rule_checks()
    problems = pa_rules.problems(checks, on=on, recheck_years=settings.dbs_recheck_years)
    lapsing = pa_rules.expiring(
        checks, on=on, within_days=settings.check_alert_days, recheck_years=settings.dbs_recheck_years
    )
    if pa.is_suspended:
        state = SUSPENDED
    elif problems:
        state = MISSING
    elif lapsing:
        state = LAPSING
    else:
        state = CURRENT
    return PaStatus(state=state, problems=problems, lapsing=lapsing)


@dataclass(frozen=True)
class PaRow:
    pa: PersonalAssistant
    status: PaStatus


def pa_list(
    *, q: str = "", status: str = "", service_component: str = "", area: str = "", on=None, active_only: bool = True
) -> list[PaRow]:
    """The register with each PA's check status, by name. `status` is one of current, lapsing, missing, suspended."""
    pas = PersonalAssistant.objects.prefetch_related("checks")
    if active_only:
        pas = pas.filter(is_active=True)
    for word in (q or "").split():
        pas = pas.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if service_component:
        pas = _having(pas, "service_components", service_component)
    area = (area or "").strip().upper()
    if area:
        pas = _having(pas, "areas", area)
    settings = CouncilSettings.current()
    rows = [PaRow(pa, pa_status(pa, on=on, settings=settings)) for pa in pas.order_by("last_name", "first_name", "pk")]
    if status in STATUS_LABELS:
        rows = [row for row in rows if row.status.state == status]
    return rows


def pa_get(*, pk) -> PersonalAssistant:
    return get_object_or_404(PersonalAssistant.objects.prefetch_related("checks__recorded_by"), pk=pk)


def pa_rate(pa: PersonalAssistant, *, service_component: str, on) -> Decimal | None:
    """What a PA costs an hour: what they ask for, else the council's standard PA rate for the component."""
    if pa.hourly_rate is not None:
        return pa.hourly_rate
    rate = rate_in_force(
        provider=None, service_component=service_component, unit_type="Hourly", on=on, note=PA_RATE_NOTE
    )
    return rate.amount if rate else None


# --------------------------------------------------------------------------------------------------
# Checks about to lapse (the alerts page and the check_alerts command)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaAlert:
    pa: PersonalAssistant
    message: str
    lapsed: bool


@dataclass(frozen=True)
class InsuranceAlert:
    person_id: int
    council_id: str
    cover_until: datetime.date | None  # None: no cover on the day at all
    insurer: str
    policy_number: str

    @property
    def lapsed(self) -> bool:
        return self.cover_until is None


@dataclass(frozen=True)
class Alerts:
    on: datetime.date
    horizon: datetime.date
    pas: list[PaAlert]
    insurance: list[InsuranceAlert]

    @property
    def count(self) -> int:
        return len(self.pas) + len(self.insurance)


def _last_day(check: pa_rules.Check, recheck_years: int) -> datetime.date | None:
    if check.kind == pa_rules.DBS:
        return pa_rules.dbs_current_until(check, recheck_years=recheck_years)
    return check.expires_on


def _cover_until(policies: list[EmployerInsurance], on) -> datetime.date | None:
    """The last day of unbroken cover from `on` (a renewal starting the day after one ends continues it)."""
    until = None
    for policy in sorted(policies, key=lambda p: p.starts_on):
        if until is None:
            if policy.covers(on):
                until = policy.expires_on
        elif policy.starts_on <= until + datetime.timedelta(days=1):
            until = max(until, policy.expires_on)
    return until


def check_alerts(*, on=None, advance: Callable[[int], None] | None = None) -> Alerts:
    """PA checks that lapse within the council's alert window (or have lapsed), and employer's liability
    insurance that does. Insurance is looked at for people who employ a PA with a direct payment now, and for
    anyone whose policy ends within the window. `advance(n)` is told as PAs are read (for a progress bar)."""
    on = on or timezone.localdate()
    settings = CouncilSettings.current()
    horizon = on + datetime.timedelta(days=settings.check_alert_days)
    pa_alerts: list[PaAlert] = []
    pas = PersonalAssistant.objects.filter(is_active=True).prefetch_related("checks").order_by("last_name", "pk")
    for pa in pas.iterator(chunk_size=500):
        checks = pa.rule_checks()
        ended = {c.kind for c in checks if (u := _last_day(c, settings.dbs_recheck_years)) is not None and u < on}
        for problem in pa_rules.problems(checks, on=on, recheck_years=settings.dbs_recheck_years):
            if problem.kind in ended:  # a check that counted has run out (never recorded is not an alert)
                pa_alerts.append(PaAlert(pa, problem.message, lapsed=True))
        for problem in pa_rules.expiring(
            checks, on=on, within_days=settings.check_alert_days, recheck_years=settings.dbs_recheck_years
        ):
            pa_alerts.append(PaAlert(pa, problem.message, lapsed=False))
        if advance:
            advance(1)

    employers = set(
        Arrangement.objects.filter(
            status=Arrangement.Status.ACTIVE, pa__isnull=False, delivery_mechanism=cld.DELIVERY_DIRECT_PAYMENT
        ).values_list("person_id", flat=True)
    )
    ending = set(
        EmployerInsurance.objects.filter(expires_on__gte=on, expires_on__lt=horizon).values_list("person_id", flat=True)
    )
    policies: dict[int, list[EmployerInsurance]] = {}
    for policy in EmployerInsurance.objects.filter(person_id__in=employers | ending).select_related("person"):
        policies.setdefault(policy.person_id, []).append(policy)
    insurance: list[InsuranceAlert] = []
    council_ids = dict(Person.objects.filter(pk__in=employers | ending).values_list("pk", "council_id"))
    for person_id in sorted(employers | ending, key=lambda pk: council_ids.get(pk, "")):
        held = policies.get(person_id, [])
        until = _cover_until(held, on)
        if until is not None and until >= horizon:
            continue
        latest = max(held, key=lambda p: p.expires_on) if held else None
        insurance.append(
            InsuranceAlert(
                person_id=person_id,
                council_id=council_ids.get(person_id, ""),
                cover_until=until,
                insurer=latest.insurer if latest else "",
                policy_number=latest.policy_number if latest else "",
            )
        )
    return Alerts(on=on, horizon=horizon, pas=pa_alerts, insurance=insurance)


def insurance_for_person(*, person) -> QuerySet[EmployerInsurance]:
    return EmployerInsurance.objects.filter(person=person).select_related("recorded_by").order_by("-expires_on")


def insurance_covering(*, person, on) -> EmployerInsurance | None:
    return EmployerInsurance.objects.filter(person=person, starts_on__lte=on, expires_on__gte=on).first()


# --------------------------------------------------------------------------------------------------
# Matching a plan line with providers and personal assistants
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderMatch:
    provider: Provider
    rate: Rate | None
    warning: str | None

    @property
    def amount(self) -> Decimal | None:
        return self.rate.amount if self.rate else None


@dataclass(frozen=True)
class PaMatch:
    pa: PersonalAssistant
    status: PaStatus
    hourly_rate: Decimal | None


@dataclass(frozen=True)
class Matches:
    district: str
    service_component: str
    wants_providers: bool
    wants_pas: bool
    providers: list[ProviderMatch]
    pas: list[PaMatch]


def line_wants(line) -> tuple[bool, bool]:
    """(providers, PAs): which kinds of help suit a plan line. A direct payment can buy either."""
    direct_payment = line.management == plan_costs.DIRECT_PAYMENT
    wants_pas = line.support_kind == "pa" or direct_payment
    wants_providers = line.support_kind != "pa" or direct_payment
    return wants_providers, wants_pas


def _line_note(line) -> str:
    return line.rate.note if getattr(line, "rate_id", None) and line.rate else ""


def matches_for_line(*, line, on=None) -> Matches:
    """Who could meet a plan line, best first. Providers: active, offering the line's service component, serving
    the person's postcode district, with vacancies; cheapest rate in force on `on` first (providers with no rate
    last). PAs (for PA lines and direct payments): active, not suspended, offering the component in the district,
    with hours available; those whose checks are all current first, then by hourly rate."""
    on = on or timezone.localdate()
    component = line.service_component
    district = postcode_district(line.plan.person.postcode)
    wants_providers, wants_pas = line_wants(line)
    providers: list[ProviderMatch] = []
    pas: list[PaMatch] = []
    if component and wants_providers:
        found = _having(Provider.objects.filter(is_active=True, vacancies__gt=0), "service_components", component)
        if district:
            found = _having(found, "areas", district)
        note = _line_note(line)
        for provider in found:
            rate = rate_in_force(
                provider=provider, service_component=component, unit_type=line.unit_type, on=on, note=note
            )
            providers.append(
                ProviderMatch(provider, rate, provider_warning(provider=provider, service_component=component))
            )
        providers.sort(key=lambda m: (m.amount is None, m.amount or 0, m.provider.name))
    if component and wants_pas:
        found = PersonalAssistant.objects.filter(is_active=True, is_suspended=False, hours_available__gt=0)
        found = _having(found.prefetch_related("checks"), "service_components", component)
        if district:
            found = _having(found, "areas", district)
        settings = CouncilSettings.current()
        for pa in found:
            pas.append(
                PaMatch(pa, pa_status(pa, on=on, settings=settings), pa_rate(pa, service_component=component, on=on))
            )
        pas.sort(
            key=lambda m: (STATUS_ORDER[m.status.state], m.hourly_rate is None, m.hourly_rate or 0, m.pa.last_name)
        )
    return Matches(
        district=district,
        service_component=component,
        wants_providers=wants_providers,
        wants_pas=wants_pas,
        providers=providers,
        pas=pas,
    )


def other_candidates(*, line, matches: Matches) -> tuple[list[Provider], list[PersonalAssistant]]:
    """Everyone else offering the line's component (another area, no vacancies recorded): a worker may still
    choose them, for example a provider the person already knows."""
    component = line.service_component
    if not component:
        return [], []
    matched_providers = {m.provider.pk for m in matches.providers}
    matched_pas = {m.pa.pk for m in matches.pas}
    providers, pas = [], []
    if matches.wants_providers:
        found = _having(Provider.objects.filter(is_active=True), "service_components", component)
        providers = [p for p in found.order_by("name") if p.pk not in matched_providers]
    if matches.wants_pas:
        found = _having(PersonalAssistant.objects.filter(is_active=True), "service_components", component)
        pas = [p for p in found.order_by("last_name", "first_name") if p.pk not in matched_pas]
    return providers, pas


# --------------------------------------------------------------------------------------------------
# Arrangements
# --------------------------------------------------------------------------------------------------


def arrangements_for_line(*, line) -> QuerySet[Arrangement]:
    return Arrangement.objects.filter(plan_line=line).select_related("provider", "pa", "created_by")


def arrangement_get_for_user(*, user, pk, action: str = Action.PERSON_VIEW) -> Arrangement:
    """An arrangement, if the role allows `action` and the person's record is open to the user (404 if none)."""
    require(user, action)
    arrangement = get_object_or_404(
        Arrangement.objects.select_related("plan_line__plan", "provider", "pa", "created_by"), pk=pk
    )
    arrangement.person = person_get_for_user(user=user, pk=arrangement.person_id)
    return arrangement


def cld_service_event(arrangement: Arrangement) -> dict:
    """The arrangement as a CLD Service event, with the columns named as in the CLD specification."""
    provider = arrangement.provider
    return {
        "Event Type": "Service",
        "Event Start Date": arrangement.start_date,
        "Event End Date": arrangement.end_date,
        "Service Type": arrangement.service_type,
        "Service Component": arrangement.service_component,
        "Delivery Mechanism": arrangement.delivery_mechanism,
        "Provider CQC Location ID": provider.cqc_location_id if provider else "",
        "Provider CQC Location Name": provider.name if provider and provider.cqc_location_id else "",
        "Unit Cost": arrangement.unit_cost,
        "Cost Frequency (Unit Type)": arrangement.cost_frequency,
        "Planned units per week": arrangement.planned_units_per_week,
    }
