"""Every change to the care market: providers and their rates, the personal assistant register and its checks,
employer's liability insurance, and the arrangements that put plan lines in place. Each runs in one transaction
with its audit record (and, when a person is involved, through people.services.person_change_record).

Services raise DomainError with a message a person can act on; they do not check roles (the views do, with
staff_required, and the selectors that fetch people's records).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from selfdirect.core.audit import audit_record, diff, snapshot
from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.services import DomainError
from selfdirect.people.models import PersonEvent
from selfdirect.people.services import person_change_record
from selfdirect.planning.models import PlanLine, SupportPlan
from selfdirect.rules import cld, plan_costs
from selfdirect.rules import pa_checks as pa_rules
from selfdirect.rules.charging import pounds

from .models import Arrangement, EmployerInsurance, PaCheck, PersonalAssistant, Provider, Rate
from .selectors import provider_warning

PROVIDER_FIELDS = [
    "name",
    "description",
    "cqc_location_id",
    "registration",
    "rating",
    "rating_published_on",
    "regulated_activities",
    "service_components",
    "areas",
    "vacancies",
    "vacancies_updated_on",
    "phone",
    "email",
    "address",
    "postcode",
    "is_active",
]
PA_FIELDS = [
    "first_name",
    "last_name",
    "phone",
    "email",
    "postcode",
    "areas",
    "service_components",
    "hourly_rate",
    "hours_available",
    "skills",
    "is_active",
]
CHECK_FIELDS = [
    "kind",
    "detail",
    "certificate_number",
    "adult_barred_list",
    "update_service",
    "update_service_checked_on",
    "issued_on",
    "expires_on",
]
ARRANGEMENT_FIELDS = [
    "plan_line",
    "provider",
    "pa",
    "status",
    "start_date",
    "end_date",
    "end_reason",
    "service_type",
    "service_component",
    "delivery_mechanism",
    "unit_cost",
    "cost_frequency",
    "planned_units_per_week",
    "weekly_cost",
    "informed_choice",
    "unregistered_warning_acknowledged",
]
CQC_LOCATION_ID = re.compile(r"^1-\d{6,12}$")
DBS_CERTIFICATE = re.compile(r"^\d{12}$")
TOO_LARGE = Decimal("100000.00")  # a rate this large is a typing mistake
PENNY = Decimal("0.01")
FLAG_LENGTH = PlanLine._meta.get_field("flagged").max_length


def _upper_list(values) -> list[str]:
    return sorted({str(v).strip().upper() for v in values or [] if str(v).strip()})


def _unknown_components(values) -> list[str]:
    return [v for v in values or [] if v not in cld.SERVICE_COMPONENTS]


# --------------------------------------------------------------------------------------------------
# Providers and rates
# --------------------------------------------------------------------------------------------------


def _provider_clean(fields: dict) -> dict:
    unknown = set(fields) - set(PROVIDER_FIELDS)
    if unknown:
        raise DomainError(f"Unknown provider details: {', '.join(sorted(unknown))}")
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise DomainError("Enter the provider's name", field="name")
    if "cqc_location_id" in fields:
        fields["cqc_location_id"] = (fields["cqc_location_id"] or "").strip()
        if fields["cqc_location_id"] and not CQC_LOCATION_ID.match(fields["cqc_location_id"]):
            raise DomainError(
                "Enter the CQC location ID as it appears on the CQC website, for example 1-1234567890",
                field="cqc_location_id",
            )
    if "areas" in fields:
        fields["areas"] = _upper_list(fields["areas"])
    if _unknown_components(fields.get("service_components")):
        raise DomainError("Choose service components from the list", field="service_components")
    return fields


def _provider_check(provider: Provider) -> None:
    if provider.registration == Provider.Registration.REGISTERED and not provider.cqc_location_id:
        raise DomainError(
            "Enter the CQC location ID: every provider registered with CQC has one", field="cqc_location_id"
        )
    if provider.rating and provider.registration != Provider.Registration.REGISTERED:
        raise DomainError(
            "Only a provider registered with CQC has a CQC rating: leave the rating blank", field="rating"
        )
    if provider.vacancies is not None and provider.vacancies_updated_on is None:
        provider.vacancies_updated_on = timezone.localdate()


@transaction.atomic
def provider_create(*, actor, request=None, **fields) -> Provider:
    provider = Provider(**_provider_clean(fields))
    _provider_check(provider)
    provider.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=provider,
        summary=f"Added provider {provider.name}",
        changes=diff({}, snapshot(provider, PROVIDER_FIELDS)),
        request=request,
    )
    return provider


@transaction.atomic
def provider_update(*, provider: Provider, actor, request=None, **fields) -> Provider:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    before = snapshot(provider, PROVIDER_FIELDS)
    fields = _provider_clean(fields)
    if "vacancies" in fields and fields["vacancies"] != provider.vacancies and "vacancies_updated_on" not in fields:
        fields["vacancies_updated_on"] = timezone.localdate()
    for name, value in fields.items():
        setattr(provider, name, value)
    _provider_check(provider)
    provider.save()
    changes = diff(before, snapshot(provider, PROVIDER_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=provider,
            summary=f"Changed provider {provider.name}",
            changes=changes,
            request=request,
        )
    return provider


def _amount(value) -> Decimal:
    example = "for example 23.92"
    try:
        amount = Decimal(str(value).strip().removeprefix("£")) if value not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise DomainError(f"Enter the rate in pounds and pence, {example}", field="amount")
    if amount < 0:
        raise DomainError("The rate cannot be less than £0", field="amount")
    if amount >= TOO_LARGE:
        raise DomainError(f"The rate must be less than {pounds(TOO_LARGE)}", field="amount")
    if amount != amount.quantize(PENNY):
        raise DomainError(f"Enter the rate to the nearest penny, {example}", field="amount")
    return amount.quantize(PENNY)


@transaction.atomic
def rate_add(
    *,
    actor,
    provider: Provider | None,
    service_component: str,
    unit_type: str,
    amount,
    effective_from: datetime.date,
    note: str = "",
    request=None,
) -> Rate:
    """A rate from a date: the provider's, or with provider=None the council's standard rate. Earlier rates stay
    (they priced the days before); one rate per provider, component, unit, note and day."""
    if service_component not in cld.SERVICE_COMPONENTS:
        raise DomainError("Choose the service component", field="service_component")
    if unit_type not in cld.COST_FREQUENCIES:
        raise DomainError("Choose what the rate is charged per", field="unit_type")
    if effective_from is None:
        raise DomainError("Enter the date the rate starts", field="effective_from")
    note = (note or "").strip()
    amount = _amount(amount)
    same = Rate.objects.filter(
        provider=provider, service_component=service_component, unit_type=unit_type, note=note
    ).filter(effective_from=effective_from)
    who = provider.name if provider else "The council's standard rates"
    duplicate = (
        f"{who} already {'has' if provider else 'have'} a {service_component.lower()} rate "
        f"{unit_type.lower()}{f' ({note})' if note else ''} from {effective_from:%-d %B %Y}: "
        "choose another date, or add a note that tells the two apart"
    )
    if same.exists():
        raise DomainError(duplicate, field="effective_from")
    try:
        with transaction.atomic():
            rate = Rate.objects.create(
                provider=provider,
                service_component=service_component,
                unit_type=unit_type,
                amount=amount,
                effective_from=effective_from,
                note=note,
            )
    except IntegrityError:  # two people adding the same rate at once (the unique constraint decides)
        raise DomainError(duplicate, field="effective_from") from None
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=rate,
        summary=f"Rate added: {rate}"[:300],
        changes=diff(
            {}, snapshot(rate, ["provider", "service_component", "unit_type", "amount", "effective_from", "note"])
        ),
        request=request,
    )
    return rate


# --------------------------------------------------------------------------------------------------
# Personal assistants and their checks
# --------------------------------------------------------------------------------------------------


def _pa_clean(fields: dict) -> dict:
    unknown = set(fields) - set(PA_FIELDS)
    if unknown:
        raise DomainError(f"Unknown personal assistant details: {', '.join(sorted(unknown))}")
    for name in ("first_name", "last_name"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
            if not fields[name]:
                raise DomainError(f"Enter the personal assistant's {name.replace('_', ' ')}", field=name)
    if "areas" in fields:
        fields["areas"] = _upper_list(fields["areas"])
    if _unknown_components(fields.get("service_components")):
        raise DomainError("Choose service components from the list", field="service_components")
    if fields.get("hourly_rate") is not None:
        try:
            fields["hourly_rate"] = _amount(fields["hourly_rate"])
        except DomainError as error:
            raise DomainError(error.message.replace("the rate", "the hourly rate"), field="hourly_rate") from None
    return fields


@transaction.atomic
def pa_register(*, actor, request=None, **fields) -> PersonalAssistant:
    """Add a personal assistant to the council's register."""
    pa = PersonalAssistant.objects.create(**_pa_clean(fields))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=pa,
        summary=f"Added personal assistant {pa.full_name} to the register",
        changes=diff({}, snapshot(pa, PA_FIELDS)),
        request=request,
    )
    return pa


@transaction.atomic
def pa_update(*, pa: PersonalAssistant, actor, request=None, **fields) -> PersonalAssistant:
    pa = PersonalAssistant.objects.select_for_update().get(pk=pa.pk)
    before = snapshot(pa, PA_FIELDS)
    for name, value in _pa_clean(fields).items():
        setattr(pa, name, value)
    pa.save()
    changes = diff(before, snapshot(pa, PA_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=pa,
            summary=f"Changed personal assistant {pa.full_name}",
            changes=changes,
            request=request,
        )
    return pa


@transaction.atomic
def pa_check_record(*, pa: PersonalAssistant, actor, request=None, **fields) -> PaCheck:
    """Record a check on a PA. A DBS check needs its 12-digit certificate number and issue date; on the Update
    Service, the date its status was last looked at."""
    unknown = set(fields) - set(CHECK_FIELDS)
    if unknown:
        raise DomainError(f"Unknown check details: {', '.join(sorted(unknown))}")
    kind = fields.get("kind")
    if kind not in PaCheck.Kind.values:
        raise DomainError("Choose which check this is", field="kind")
    today = timezone.localdate()
    issued_on, expires_on = fields.get("issued_on"), fields.get("expires_on")
    if issued_on and issued_on > today:
        raise DomainError("The date issued must be today or in the past", field="issued_on")
    if issued_on and expires_on and expires_on < issued_on:
        raise DomainError("The end date must be after the date issued", field="expires_on")
    fields["detail"] = (fields.get("detail") or "").strip()
    if kind == PaCheck.Kind.DBS:
        number = re.sub(r"[\s-]", "", fields.get("certificate_number") or "")
        if not DBS_CERTIFICATE.match(number):
            raise DomainError(
                "Enter the DBS certificate number: 12 digits, printed at the top right of the certificate",
                field="certificate_number",
            )
        fields["certificate_number"] = number
        if issued_on is None:
            raise DomainError("Enter the date the DBS certificate was issued", field="issued_on")
        checked = fields.get("update_service_checked_on")
        if fields.get("update_service"):
            if checked is None:
                raise DomainError(
                    "Enter the date the Update Service status was last checked", field="update_service_checked_on"
                )
            if checked > today:
                raise DomainError(
                    "The date the Update Service status was checked must be today or in the past",
                    field="update_service_checked_on",
                )
            if checked < issued_on:
                raise DomainError(
                    "The Update Service status cannot have been checked before the certificate was issued",
                    field="update_service_checked_on",
                )
        else:
            fields["update_service_checked_on"] = None
    else:
        for name in ("certificate_number", "adult_barred_list", "update_service", "update_service_checked_on"):
            fields.pop(name, None)
        if kind == PaCheck.Kind.REFERENCE and not fields["detail"]:
            raise DomainError("Enter who gave the reference", field="detail")
        if kind == PaCheck.Kind.RIGHT_TO_WORK and not fields["detail"]:
            raise DomainError("Enter the document seen, for example a British passport", field="detail")
        if kind == PaCheck.Kind.TRAINING and not fields["detail"]:
            raise DomainError("Enter the course, for example the Care Certificate", field="detail")
    check = PaCheck.objects.create(pa=pa, recorded_by=actor, **fields)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=check,
        summary=f"Recorded a check for {pa.full_name}: {check.get_kind_display()}",
        changes=diff({}, snapshot(check, CHECK_FIELDS)),
        request=request,
    )
    return check


def _lines_using(pa: PersonalAssistant) -> list[int]:
    """Plan lines naming the PA, or put in place with them."""
    arranged = Arrangement.objects.filter(pa=pa, status=Arrangement.Status.ACTIVE).values("plan_line_id")
    return list(PlanLine.objects.filter(Q(pa=pa) | Q(pk__in=arranged)).values_list("pk", flat=True))


def _suspension_flag(pa: PersonalAssistant, on: datetime.date, reason: str) -> str:
    text = f"Personal assistant {pa.full_name} was suspended on {on:%-d %B %Y}: {reason}"
    return text if len(text) <= FLAG_LENGTH else text[: FLAG_LENGTH - 1] + "…"


def _suspension_prefix(pa: PersonalAssistant) -> str:
    return f"Personal assistant {pa.full_name} was suspended on "


@transaction.atomic
def pa_suspend(*, pa: PersonalAssistant, actor, reason: str, request=None) -> PersonalAssistant:
    """Suspend a PA while a concern is looked into (for example an allegation of harm): no new arrangement starts
    with them, and every plan line using them is flagged, saying why, so the people they work for are contacted."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the personal assistant is being suspended", field="reason")
    if len(reason) > 300:
        raise DomainError("The reason must be 300 characters or fewer", field="reason")
    pa = PersonalAssistant.objects.select_for_update().get(pk=pa.pk)
    if pa.is_suspended:
        raise DomainError(f"{pa.full_name} is already suspended")
    pa.is_suspended, pa.suspended_reason = True, reason
    pa.save(update_fields=["is_suspended", "suspended_reason"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=pa,
        summary=f"Suspended personal assistant {pa.full_name}",
        changes={"is_suspended": [False, True], "suspended_reason": ["", reason]},
        request=request,
    )
    flag = _suspension_flag(pa, timezone.localdate(), reason)
    lines = PlanLine.objects.filter(pk__in=_lines_using(pa)).select_related("plan__person")
    for line in lines.select_for_update(of=("self",)):
        old = line.flagged
        line.flagged = flag
        line.save(update_fields=["flagged"])
        person_change_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=line,
            person=line.plan.person,
            summary=f"Plan line flagged: personal assistant {pa.full_name} suspended",
            changes={"flagged": [old, flag]},
            request=request,
            event_type=PersonEvent.Type.PLAN,
            title=f"Personal assistant {pa.full_name} suspended: plan line flagged",
            detail=f"{line.description}. {flag}",
        )
    return pa


@transaction.atomic
def pa_reinstate(*, pa: PersonalAssistant, actor, reason: str = "", request=None) -> PersonalAssistant:
    """Lift a suspension. Flags this suspension put on plan lines are cleared; any other flag stays."""
    pa = PersonalAssistant.objects.select_for_update().get(pk=pa.pk)
    if not pa.is_suspended:
        raise DomainError(f"{pa.full_name} is not suspended")
    old_reason = pa.suspended_reason
    pa.is_suspended, pa.suspended_reason = False, ""
    pa.save(update_fields=["is_suspended", "suspended_reason"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=pa,
        summary=f"Lifted the suspension of personal assistant {pa.full_name}"
        + (f": {reason.strip()}" if (reason or "").strip() else ""),
        changes={"is_suspended": [True, False], "suspended_reason": [old_reason, ""]},
        request=request,
    )
    prefix = _suspension_prefix(pa)
    lines = PlanLine.objects.filter(pk__in=_lines_using(pa), flagged__startswith=prefix)
    for line in lines.select_related("plan__person"):
        old = line.flagged
        line.flagged = ""
        line.save(update_fields=["flagged"])
        person_change_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=line,
            person=line.plan.person,
            summary=f"Plan line flag cleared: personal assistant {pa.full_name} no longer suspended",
            changes={"flagged": [old, ""]},
            request=request,
            event_type=PersonEvent.Type.PLAN,
            title=f"Personal assistant {pa.full_name} no longer suspended: plan line flag cleared",
            detail=line.description,
        )
    return pa


@transaction.atomic
def employer_insurance_record(
    *, person, actor, insurer: str, policy_number: str, starts_on, expires_on, request=None
) -> EmployerInsurance:
    """Employer's liability insurance held by a person who employs PAs with a direct payment."""
    insurer, policy_number = (insurer or "").strip(), (policy_number or "").strip()
    if not insurer:
        raise DomainError("Enter the insurer's name", field="insurer")
    if not policy_number:
        raise DomainError("Enter the policy number", field="policy_number")
    if starts_on is None:
        raise DomainError("Enter the date the cover starts", field="starts_on")
    if expires_on is None:
        raise DomainError("Enter the date the cover ends", field="expires_on")
    if expires_on < starts_on:
        raise DomainError("The date the cover ends must be after the date it starts", field="expires_on")
    policy = EmployerInsurance.objects.create(
        person=person,
        insurer=insurer,
        policy_number=policy_number,
        starts_on=starts_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=policy,
        person=person,
        summary=f"Employer's liability insurance recorded: {insurer}, to {expires_on:%-d %B %Y}",
        changes=diff({}, snapshot(policy, ["insurer", "policy_number", "starts_on", "expires_on"])),
        request=request,
    )
    return policy


# --------------------------------------------------------------------------------------------------
# Arrangements
# --------------------------------------------------------------------------------------------------

RESIDENTIAL = {
    "Long Term Residential Care": "Long Term Support: Residential Care",
    "Long Term Nursing Care": "Long Term Support: Nursing Care",
}
DELIVERY = {
    plan_costs.DIRECT_PAYMENT: cld.DELIVERY_DIRECT_PAYMENT,
    plan_costs.COUNCIL_MANAGED: cld.DELIVERY_MANAGED,
    plan_costs.INDIVIDUAL_SERVICE_FUND: cld.DELIVERY_MANAGED,
}
ARRANGEMENT_EVENT = PersonEvent.Type.ARRANGEMENT


def service_type_for(line: PlanLine) -> str:
    """CLD Service Type for a plan line."""
    if line.service_component in RESIDENTIAL:
        return RESIDENTIAL[line.service_component]
    if line.plan.assessment.kind == "carer":
        return "Carer Support: Direct to Carer"
    return "Long Term Support: Community"


def _pa_refusal(pa: PersonalAssistant, found: list[pa_rules.Problem], policy: str) -> str:
    missing = "; ".join(p.message for p in found)
    if policy == pa_rules.MANDATORY:
        return (
            f"{pa.full_name} cannot start yet: the council's policy is that every check must be current before a "
            f"personal assistant starts. Missing or out of date: {missing}. Record the checks, then arrange again."
        )
    return (
        f"{pa.full_name}'s checks are not all current ({missing}). They can start only if the employer's informed "
        "choice to go ahead without them is recorded."
    )


@transaction.atomic
def arrangement_make(
    *,
    line: PlanLine,
    actor,
    start_date: datetime.date,
    provider: Provider | None = None,
    pa: PersonalAssistant | None = None,
    informed_choice: str = "",
    acknowledge_unregistered: bool = False,
    request=None,
) -> Arrangement:
    """Put an approved plan's line in place with a provider or a personal assistant from `start_date`, recording
    it as a CLD Service event. Refuses (DomainError) when the plan is not approved, the line is unpaid support,
    the line is already in place, the PA is suspended or their checks fall short of the council's policy, a PA
    on a direct payment has no employer's liability insurance, or an unregistered provider would give personal
    care without the warning being acknowledged."""
    line = (
        PlanLine.objects.select_for_update(of=("self",))
        .select_related("plan__person", "plan__assessment")
        .get(pk=line.pk)
    )
    plan = line.plan
    informed_choice = (informed_choice or "").strip()
    if plan.status != SupportPlan.Status.APPROVED:
        raise DomainError(
            f"This plan is not approved (it is {plan.get_status_display().lower()}): support is arranged only "
            "once the plan is approved"
        )
    if line.management == plan_costs.NOT_PAID:
        raise DomainError(
            "This line is support nobody pays for (family, friends or a community group): there is nothing to "
            "arrange with a provider or personal assistant"
        )
    if not line.service_component:
        raise DomainError("This plan line has no service component: the plan needs one before it is arranged")
    if provider is not None and pa is not None:
        raise DomainError("Choose a provider or a personal assistant, not both", field="choice")
    if provider is None and pa is None:
        raise DomainError("Choose who will provide this support", field="choice")
    if start_date is None:
        raise DomainError("Enter the date the support starts", field="start_date")
    current = (
        line.arrangements.filter(status=Arrangement.Status.ACTIVE)
        .exclude(service_type__startswith="Short Term Support")  # emergency cover stands in until this is arranged
        .select_related("provider", "pa")
        .first()
    )
    if current is not None:
        raise DomainError(
            f"This line is already in place with {current.provider or current.pa} from "
            f"{current.start_date:%-d %B %Y}: end that arrangement first"
        )
    settings = CouncilSettings.current()
    policy = settings.pa_checks_policy
    direct_payment = line.management == plan_costs.DIRECT_PAYMENT
    acknowledged = False
    if pa is not None:
        pa = PersonalAssistant.objects.prefetch_related("checks").get(pk=pa.pk)
        if pa.is_suspended:
            raise DomainError(
                f"{pa.full_name} is suspended while a concern is looked into: they cannot start any new work",
                field="choice",
            )
        if not pa.is_active:
            raise DomainError(f"{pa.full_name} is no longer on the register", field="choice")
        found = pa_rules.problems(pa.rule_checks(), on=start_date, recheck_years=settings.dbs_recheck_years)
        if not pa_rules.may_start(found=found, policy=policy, informed_choice_recorded=bool(informed_choice)):
            raise DomainError(_pa_refusal(pa, found, policy), field="choice")
        if direct_payment:
            insured = EmployerInsurance.objects.filter(
                person=plan.person, starts_on__lte=start_date, expires_on__gte=start_date
            ).exists()
            if not insured and not (policy == pa_rules.RECOMMENDED and informed_choice):
                raise DomainError(
                    f"{plan.person.full_name} employs the personal assistant with a direct payment, so they need "
                    f"employer's liability insurance covering {start_date:%-d %B %Y}. Record the policy first"
                    + (
                        ", or record the employer's informed choice to go ahead without it."
                        if policy == pa_rules.RECOMMENDED
                        else "."
                    ),
                    field="choice",
                )
    else:
        if not provider.is_active:
            raise DomainError(f"{provider.name} is no longer active in the directory", field="choice")
        warning = provider_warning(provider=provider, service_component=line.service_component)
        if warning:
            if not acknowledge_unregistered:
                raise DomainError(
                    warning + " Tick the box to confirm you have checked and want to go ahead.",
                    field="acknowledge_unregistered",
                )
            acknowledged = True
    units = plan_costs.planned_units_per_week(unit_type=line.unit_type, units=line.units, per_week=line.per_week)
    arrangement = Arrangement.objects.create(
        plan_line=line,
        person=plan.person,
        provider=provider,
        pa=pa,
        start_date=start_date,
        service_type=service_type_for(line),
        service_component=line.service_component,
        delivery_mechanism=DELIVERY.get(line.management, ""),
        unit_cost=line.unit_rate,
        cost_frequency=line.unit_type,
        planned_units_per_week=units.quantize(PENNY),
        weekly_cost=line.weekly_cost,
        informed_choice=informed_choice if pa is not None else "",
        unregistered_warning_acknowledged=acknowledged,
        created_by=actor,
    )
    who = provider.name if provider else f"personal assistant {pa.full_name}"
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=arrangement,
        person=plan.person,
        summary=f"Arranged {line.service_component} with {who} from {start_date:%-d %B %Y}",
        changes=diff({}, snapshot(arrangement, ARRANGEMENT_FIELDS)),
        request=request,
        event_type=ARRANGEMENT_EVENT,
        title=f"Support arranged: {line.service_component} with {who}",
        detail=(
            f"{line.description}. From {start_date:%-d %B %Y}, {pounds(line.weekly_cost)} a week."
            + (f" Informed choice recorded: {informed_choice}" if arrangement.informed_choice else "")
            + (" The warning about CQC registration was acknowledged." if acknowledged else "")
        ),
    )
    return arrangement


@transaction.atomic
def arrangement_end(
    *, arrangement: Arrangement, actor, end_date: datetime.date, reason: str, request=None
) -> Arrangement:
    """End an arrangement on `end_date` (the CLD Event End Date)."""
    arrangement = Arrangement.objects.select_for_update().select_related("person").get(pk=arrangement.pk)
    reason = (reason or "").strip()
    if arrangement.status == Arrangement.Status.ENDED:
        raise DomainError(f"This arrangement already ended on {arrangement.end_date:%-d %B %Y}")
    if end_date is None:
        raise DomainError("Enter the date the support ends", field="end_date")
    if end_date < arrangement.start_date:
        raise DomainError(
            f"The end date cannot be before the support started ({arrangement.start_date:%-d %B %Y})",
            field="end_date",
        )
    if not reason:
        raise DomainError("Enter why the support is ending", field="reason")
    if len(reason) > 300:
        raise DomainError("The reason must be 300 characters or fewer", field="reason")
    before = snapshot(arrangement, ARRANGEMENT_FIELDS)
    arrangement.status = Arrangement.Status.ENDED
    arrangement.end_date, arrangement.end_reason = end_date, reason
    arrangement.save(update_fields=["status", "end_date", "end_reason"])
    person_change_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=arrangement,
        person=arrangement.person,
        summary=f"Ended {arrangement.service_component} on {end_date:%-d %B %Y}",
        changes=diff(before, snapshot(arrangement, ARRANGEMENT_FIELDS)),
        request=request,
        event_type=ARRANGEMENT_EVENT,
        title=f"Support ended: {arrangement.service_component}",
        detail=f"Ended on {end_date:%-d %B %Y}. Reason: {reason}",
    )
    return arrangement
