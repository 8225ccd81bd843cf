"""Reads for the request-for-support pages. Person records are reached only through people.selectors'
rules: a restricted record is shown as "Restricted record" to anyone who may not open it."""

from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from selfdirect.core.permissions import Action, require
from selfdirect.core.roles import Role
from selfdirect.people import selectors as people_selectors
from selfdirect.people.models import Person

from .models import SupportRequest


def _hidden_person_q(*, user) -> Q:
    """Rows whose linked person is restricted and not visible to `user` (mirrors can_see_restricted)."""
    if user.role == Role.SAFEGUARDING_LEAD:
        return Q(pk__in=[])
    return Q(person__is_restricted=True) & ~Q(person__allocated_worker_id=user.pk)


def request_list(*, user, status: str = "", person: Person | None = None) -> QuerySet[SupportRequest]:
    """Requests for support, open ones first and then the most recently received. Each row carries
    `person_hidden`: the linked record is restricted and this user may not see it."""
    require(user, Action.REQUEST_RECORD)
    requests = SupportRequest.objects.select_related("person")
    if status in SupportRequest.Status.values:
        requests = requests.filter(status=status)
    if person is not None:
        requests = requests.filter(person=person)
    return requests.annotate(
        open_first=Case(
            When(status=SupportRequest.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        person_hidden=Case(
            When(_hidden_person_q(user=user), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    ).order_by("open_first", "-received_on", "-id")


def request_get_for_user(*, user, pk) -> tuple[SupportRequest, Person | None]:
    """The request and its linked person, fetched through the person-record access rule: a request
    linked to a restricted record is refused (403, and the attempt logged) like the record itself."""
    require(user, Action.REQUEST_RECORD)
    support_request = get_object_or_404(SupportRequest.objects.select_related("recorded_by"), pk=pk)
    person = None
    if support_request.person_id:
        person = people_selectors.person_get_for_user(user=user, pk=support_request.person_id)
    return support_request, person


def possible_matches(*, user, support_request: SupportRequest, date_of_birth=None) -> list[Person]:
    """Existing records that may be the person the request is about: the same name and date of birth
    (people.selectors.duplicates_for), and anyone with the same surname at the same postcode.

    Each person carries `hidden`: restricted and not visible to `user`, so the page shows only
    "Restricted record". `date_of_birth` overrides the request's own (one typed when creating the record).
    """
    require(user, Action.PERSON_VIEW)
    born = date_of_birth or support_request.subject_date_of_birth
    found: dict[int, Person] = {}
    if born:
        for p in people_selectors.duplicates_for(
            first_name=support_request.subject_first_name,
            last_name=support_request.subject_last_name,
            date_of_birth=born,
            nhs_number=None,
        ):
            found[p.pk] = p
    if support_request.subject_postcode:
        same_household = Person.objects.filter(
            last_name__iexact=support_request.subject_last_name, postcode=support_request.subject_postcode
        )
        for p in same_household:
            found.setdefault(p.pk, p)
    matches = sorted(found.values(), key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.pk))
    for p in matches:
        p.hidden = p.is_restricted and not people_selectors.can_see_restricted(user=user, person=p)
    return matches
