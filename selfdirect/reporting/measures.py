"""ASCOF 3D and the LTS001b-style counts from the records: every arrangement (a CLD Service event) read in one
query with what the measures need about its person, then handed to the pure rules in selfdirect/rules/ascof.py.

`measures_at(at=...)` is what `manage.py measures` prints; `measures_series` computes the same at each month end
of a range from one read (the dashboard's trend). Filters narrow the people: a team (the person's allocated team),
an age band (age on each date) and a primary support reason.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Q

from selfdirect.market.models import Arrangement
from selfdirect.rules import ascof

NO_TEAM = "No team"


@dataclass(frozen=True)
class PeopleFilter:
    """Which people a measure or dashboard table covers. Empty values mean everyone."""

    team_id: int | None = None
    age_band: str = ""
    primary_support_reason: str = ""

    def q(self, prefix: str = "") -> Q:
        """The team and primary support reason as a filter on a queryset reaching the person through `prefix`
        (for example "person__"). The age band depends on a date, so callers apply it with `in_band`."""
        q = Q()
        if self.team_id is not None:
            q &= Q(**{f"{prefix}allocated_team_id": self.team_id})
        if self.primary_support_reason:
            q &= Q(**{f"{prefix}primary_support_reason": self.primary_support_reason})
        return q

    def born_q(self, prefix: str, on: datetime.date) -> Q:
        """The age band on `on` as a date-of-birth range (empty when no band is chosen)."""
        if not self.age_band:
            return Q()
        born_65 = _years_before(on, 65)
        if self.age_band == "65+":
            return Q(**{f"{prefix}date_of_birth__lte": born_65})
        return Q(**{f"{prefix}date_of_birth__gt": born_65, f"{prefix}date_of_birth__lte": _years_before(on, 18)})

    def in_band(self, row: ascof.ServiceRow, on: datetime.date) -> bool:
        return not self.age_band or ascof.age_band_on(row.date_of_birth, on) == self.age_band


EVERYONE = PeopleFilter()


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def month_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The last day of every month from `start`'s month to `end`'s month."""
    days, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        days.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def service_rows(
    *, start: datetime.date, end: datetime.date, people: PeopleFilter = EVERYONE
) -> list[ascof.ServiceRow]:
    """Every service event open on some day from `start` to `end`, as rules rows (one query). Carer support is
    client type Carer, everything else Service User (reference 4.2 Client Type)."""
    arrangements = (
        Arrangement.objects.filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .filter(people.q("person__"))
        .order_by("person_id", "start_date", "id")
        .values_list(
            "person_id",
            "person__date_of_birth",
            "person__date_of_death",
            "person__primary_support_reason",
            "person__allocated_team__name",
            "service_type",
            "service_component",
            "delivery_mechanism",
            "start_date",
            "end_date",
            "plan_line__plan__assessment__cared_for__date_of_birth",
        )
    )
    rows = []
    for (
        person_id,
        born,
        died,
        psr,
        team,
        service_type,
        component,
        mechanism,
        starts,
        ends,
        cared_for_born,
    ) in arrangements.iterator(chunk_size=5000):
        rows.append(
            ascof.ServiceRow(
                person_id=person_id,
                date_of_birth=born,
                date_of_death=died,
                primary_support_reason=psr or ascof.UNKNOWN_PSR,
                team=team or NO_TEAM,
                service_type=service_type,
                service_component=component,
                delivery_mechanism=mechanism,
                start_date=starts,
                end_date=ends,
                client_type=ascof.CARER if service_type.startswith("Carer Support") else ascof.SERVICE_USER,
                cared_for_date_of_birth=cared_for_born,
            )
        )
    return rows


def _as_dict(on: ascof.OnDate) -> dict:
    result = on.ascof
    return {
        "at": result.at,
        "ascof_3d": {
            "part_1a": result.part_1a.as_dict(),
            "part_2a": result.part_2a.as_dict(),
            "part_1b": result.part_1b.as_dict(),
        },
        "long_term_support_by_setting": result.settings,
        "people_in_long_term_support": len(on.people),
        "lts001b": [
            {
                "primary_support_reason": r.primary_support_reason,
                "age_band": r.age_band,
                "support_setting": r.support_setting,
                "people": r.people,
            }
            for r in on.lts001b
        ],
    }


def measures_at(*, at: datetime.date, people: PeopleFilter = EVERYONE) -> dict:
    """ASCOF 3D parts 1a, 2a and 1b, the de-duplicated settings and the LTS001b counts on `at`. Part 1b looks at
    the twelve months ending on `at`, so services from then on are read."""
    return measures_series(start=at, end=at, people=people)[0]


def measures_series(*, start: datetime.date, end: datetime.date, people: PeopleFilter = EVERYONE) -> list[dict]:
    """`measures_at` at the end of every month from `start` to `end` (the last one at `end` itself if `end` is
    not a month end), from a single read of the records."""
    days = [min(day, end) for day in month_ends(start, end)]
    if not days:
        return []
    rows = service_rows(start=ascof.year_before(days[0]), end=days[-1], people=people)
    return [_as_dict(on) for on in ascof.measures_on_dates(rows, dates=days, age_band=people.age_band)]


def ascof_by_group(*, at: datetime.date, people: PeopleFilter = EVERYONE) -> list[dict]:
    """Parts 1a and 2a on `at` by age band, primary support reason and team."""
    rows = [r for r in service_rows(start=at, end=at, people=people) if people.in_band(r, at)]
    groupings = [
        ("Age band", lambda p: p.age_band),
        ("Primary support reason", lambda p: p.primary_support_reason),
        ("Team", lambda p: p.team),
    ]
    result = []
    for label, key in groupings:
        for name, (part_1a, part_2a) in ascof.ascof_3d_by(rows, at=at, group=key).items():
            result.append({"grouping": label, "group": name, "part_1a": part_1a, "part_2a": part_2a})
    return result
