"""Building short-term support records for tests: through the services where the behaviour matters, directly
where a report needs rows with dates in the past."""

import datetime

from selfdirect.assessments.models import SupportRequest
from selfdirect.reablement import services
from selfdirect.rules import short_term


def support_request(person, *, received_on, outcome="", route="Discharge from Hospital", what="Help at home"):
    return SupportRequest.objects.create(
        person=person,
        subject_first_name=person.first_name,
        subject_last_name=person.last_name,
        subject_date_of_birth=person.date_of_birth,
        requester="self",
        channel="phone",
        route_of_access=route,
        received_on=received_on,
        what_they_need=what,
        status=SupportRequest.Status.CLOSED if outcome else SupportRequest.Status.OPEN,
        outcome=outcome,
        outcome_on=received_on if outcome else None,
    )


def hospital_episode(person, actor, *, discharged_on, start_date=None, weeks=6, goals=("I want to cook again",)):
    start_date = start_date or discharged_on
    return services.episode_start(
        person=person,
        actor=actor,
        service_type=short_term.ST_MAX,
        started_from="hospital",
        discharged_on=discharged_on,
        hospital="Northmoor General",
        start_date=start_date,
        planned_end=start_date + datetime.timedelta(weeks=weeks),
        goals=list(goals),
    )
