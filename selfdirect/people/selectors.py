"""Reads shared by pages and (later) the API. Access rules are applied here, so a record is only
ever fetched through a rule that allows the user to see it."""

import datetime
import re

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.permissions import Action, require
from selfdirect.core.roles import Role
from selfdirect.rules.nhs_number import normalise_nhs_number
from selfdirect.rules.postcode import is_valid_postcode, looks_like_postcode_prefix, normalise_postcode
from selfdirect.workforce.models import Team

from .models import Person


class RestrictedRecord(PermissionDenied):
    """The record exists but is restricted: the user is told so, and sees nothing else."""


def can_see_restricted(*, user, person: Person) -> bool:
    return user.role == Role.SAFEGUARDING_LEAD or person.allocated_worker_id == user.pk


def _leads_safeguarding_enquiry(*, user, person: Person) -> bool:
    from selfdirect.safeguarding.models import SafeguardingEnquiry

    return SafeguardingEnquiry.objects.filter(person=person, lead_id=user.pk).exists()


def active_break_glass(*, user, person: Person):
    """The user's unexpired break-glass opening of this person's record, or None."""
    from selfdirect.safeguarding.models import BreakGlass

    return (
        BreakGlass.objects.filter(user_id=user.pk, person=person, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def person_get_for_user(*, user, pk) -> Person:
    """The person's record if the user may open it. A restricted record opens to safeguarding leads, the allocated
    worker, the lead of a safeguarding enquiry about the person, and anyone who has broken the glass (given a
    reason) until that expires: each such read is logged as a break-glass view. Anyone else gets RestrictedRecord;
    the refused person's id is left on `user.restricted_person_pk` so the 403 page can offer to break the glass."""
    require(user, Action.PERSON_VIEW)
    person = get_object_or_404(Person.objects.select_related("allocated_team", "allocated_worker"), pk=pk)
    if person.is_restricted and not can_see_restricted(user=user, person=person):
        if _leads_safeguarding_enquiry(user=user, person=person):
            return person
        glass = active_break_glass(user=user, person=person)
        if glass is not None:
            audit_record(
                actor=user,
                action=AuditEvent.Action.VIEW,
                obj=person,
                person_id=person.pk,
                summary=f"Break-glass view (until {timezone.localtime(glass.expires_at):%H:%M}): {glass.reason}",
            )
            return person
        audit_record(
            actor=user,
            action=AuditEvent.Action.DENIED,
            obj=person,
            person_id=person.pk,
            summary="Tried to open a restricted record",
        )
        user.restricted_person_pk = person.pk
        raise RestrictedRecord("This record is restricted. Ask the safeguarding lead or the allocated worker.")
    return person


_DATE = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$")


def parse_search(query: str) -> tuple[str, object]:
    """Work out what a worker typed into the one search box: an NHS number, a date of birth,
    a postcode, a council ID, or a name."""
    q = (query or "").strip()
    if not q:
        return "empty", None
    digits = normalise_nhs_number(q)
    if digits.isdigit() and len(digits) == 10:
        return "nhs_number", digits
    if m := _DATE.match(q):
        day, month, year = (int(g) for g in m.groups())
        try:
            return "date_of_birth", datetime.date(year, month, day)
        except ValueError:
            return "invalid_date", q
    if re.fullmatch(r"[Pp]\d{1,7}", q):
        return "council_id", q.upper()
    if any(ch.isdigit() for ch in q) and looks_like_postcode_prefix(q):
        return "postcode", normalise_postcode(q) if is_valid_postcode(q) else " ".join(q.upper().split())
    return "name", q


def person_search(*, user, query: str) -> tuple[str, QuerySet[Person]]:
    require(user, Action.PERSON_VIEW)
    kind, value = parse_search(query)
    people = Person.objects.select_related("allocated_team", "allocated_worker")
    if kind == "nhs_number":
        people = people.filter(nhs_number=value)
    elif kind == "date_of_birth":
        people = people.filter(date_of_birth=value)
    elif kind == "council_id":
        people = people.filter(council_id=f"P{int(value[1:]):07d}")
    elif kind == "postcode":
        # An outward code alone ("NM1") must not also match NM10-NM19: stored postcodes have the space.
        is_outward_only = " " not in value and not is_valid_postcode(value)
        people = people.filter(postcode__istartswith=f"{value} " if is_outward_only else value)
    elif kind == "name":
        for word in value.split()[:4]:
            people = people.filter(
                Q(first_name__istartswith=word) | Q(last_name__istartswith=word) | Q(preferred_name__istartswith=word)
            )
    else:
        people = people.none()
    return kind, people.order_by("last_name", "first_name", "date_of_birth")


def duplicates_for(*, first_name: str, last_name: str, date_of_birth, nhs_number: str | None) -> QuerySet[Person]:
    """Existing records that may be the same person: the same NHS number, or the same name and date of birth."""
    match = Q(first_name__iexact=first_name, last_name__iexact=last_name, date_of_birth=date_of_birth)
    if nhs_number:
        match |= Q(nhs_number=nhs_number)
    return Person.objects.filter(match).order_by("last_name")


def caseload_for_worker(*, worker) -> QuerySet[Person]:
    return (
        Person.objects.filter(allocated_worker=worker, date_of_death__isnull=True)
        .select_related("allocated_team")
        .order_by("last_name", "first_name")
    )


def team_caseload(*, team: Team) -> QuerySet[Person]:
    return (
        Person.objects.filter(allocated_team=team, date_of_death__isnull=True)
        .select_related("allocated_worker")
        .order_by("last_name", "first_name")
    )


def team_summaries() -> QuerySet[Team]:
    """Each team with its open caseload and how much of it has no worker yet."""
    open_cases = Q(people__date_of_death__isnull=True)
    return Team.objects.annotate(
        open_count=Count("people", filter=open_cases, distinct=True),
        unallocated_count=Count("people", filter=open_cases & Q(people__allocated_worker__isnull=True), distinct=True),
        member_count=Count("members", distinct=True),
    ).order_by("name")


def worker_caseload_counts(*, team: Team) -> list:
    """The team's members with how many open cases each holds in this team."""
    return list(
        team.members.filter(is_active=True)
        .annotate(
            case_count=Count("caseload", filter=Q(caseload__allocated_team=team, caseload__date_of_death__isnull=True))
        )
        .order_by("last_name", "first_name")
    )


def person_audit_trail(*, person: Person) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(person_id=person.pk).select_related("actor").order_by("-occurred_at", "-id")
