"""Short-term support: reablement and other short-term episodes, their sequels, the free period, the 91-day
follow-up, and the SALT STS001 / STS002a/b / STS004-style counts. Pure rules, no Django.

Sources (shared/reference/care-act-and-cld.md):
- CLD Service Type, section 4.2: "Short Term Support: ST-Max", "... Ongoing Low Level", "... Other Short Term".
- Charging regulations 2014, reg 3(2): community equipment (aids and minor adaptations) is free; intermediate care
  and reablement are free "for the first 6 weeks of the specified period, or for the whole period if it is
  shorter than 6 weeks".
- SALT tables, section 4.4: STS001 (requests from new clients by sequel), STS002a/b (what followed ST-Max, new and
  existing clients), STS004 (people 65+ still at home 91 days after discharge from hospital into reablement).
- CLD processing, section 4.3: a new client is not in receipt of long-term support when the event starts;
  requests within 4 days of each other count as one; a request's sequel is what happened within 28 days.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# --- episode types (CLD Service Type, short-term group) -------------------------------------------------------
ST_MAX = "Short Term Support: ST-Max"
ONGOING_LOW_LEVEL = "Short Term Support: Ongoing Low Level"
OTHER_SHORT_TERM = "Short Term Support: Other Short Term"
EPISODE_TYPES = [ST_MAX, ONGOING_LOW_LEVEL, OTHER_SHORT_TERM]
EPISODE_TYPE_LABELS = {
    ST_MAX: "Reablement (short-term support to maximise independence, ST-Max)",
    ONGOING_LOW_LEVEL: "Ongoing low-level support",
    OTHER_SHORT_TERM: "Other short-term support",
}

# --- free services (charging reg 3(2)) -------------------------------------------------------------------------
FREE_WEEKS = 6
FREE_DAYS = FREE_WEEKS * 7
# CLD Service Components that are always free: community equipment. Minor adaptations are recorded as equipment
# (CLD has no component of their own); the £1,000 ceiling on a "minor adaptation" is UNCONFIRMED.
ALWAYS_FREE_COMPONENTS = frozenset({"Equipment"})
# Free for the first six weeks of the episode (intermediate care is recorded on the episode itself).
REABLEMENT_COMPONENTS = frozenset({"Reablement"})
FREE_COMPONENTS = ALWAYS_FREE_COMPONENTS | REABLEMENT_COMPONENTS


def is_free_component(component: str) -> bool:
    """Whether a CLD Service Component is a service the council may not charge for (reg 3(2)).

    A support plan's lines carry no dates of their own, so a reablement line in a plan is treated as free: the
    six-week limit is applied to the short-term episode, which is where reablement is recorded."""
    return component in FREE_COMPONENTS


def free_period_end(start: datetime.date, end: datetime.date | None) -> datetime.date:
    """The last free day of reablement or intermediate care: the end of the sixth week, or the end of the
    episode if it is shorter (reg 3(2)(b)). An episode still open is free to the end of its sixth week."""
    sixth_week_ends = start + datetime.timedelta(days=FREE_DAYS - 1)
    if end is not None and end < sixth_week_ends:
        return end
    return sixth_week_ends


def free_days(start: datetime.date, end: datetime.date) -> int:
    """How many days of an episode from `start` to `end` (both included) are free."""
    if end < start:
        raise ValueError("The episode cannot end before it starts")
    return (free_period_end(start, end) - start).days + 1


def chargeable_days(start: datetime.date, end: datetime.date) -> int:
    """Days of reablement after the free six weeks (the council may charge for these after a financial
    assessment, or choose not to)."""
    return (end - start).days + 1 - free_days(start, end)


# --- sequels at the end of an episode (SALT STS002a/b rows) ------------------------------------------------------
STS002_EARLY_NHS_EOL_DECEASED = "Early cessation (not leading to LTS) – 100% NHS funded care/End of Life/deceased"
STS002_EARLY_NOT_LTS = "Early cessation (not leading to LTS)"
STS002_EARLY_LTS = "Early cessation (leading to LTS)"
STS002_LTS = "Long Term Support (any setting)"
STS002_SELF_FUNDING = "No services – needs identified but self-funding"
STS002_ONGOING_LOW_LEVEL = "Ongoing Low Level"
STS002_OTHER_SHORT_TERM = "Short Term Support (other)"
STS002_DECLINED = "No services – support declined"
STS002_UNIVERSAL = "No Services – universal services/signposted"
STS002_NO_SERVICES = "No services – other / No identified needs"
STS002_SEQUELS = [
    STS002_EARLY_NHS_EOL_DECEASED,
    STS002_EARLY_NOT_LTS,
    STS002_EARLY_LTS,
    STS002_LTS,
    STS002_SELF_FUNDING,
    STS002_ONGOING_LOW_LEVEL,
    STS002_OTHER_SHORT_TERM,
    STS002_DECLINED,
    STS002_UNIVERSAL,
    STS002_NO_SERVICES,
]


@dataclass(frozen=True)
class Sequel:
    code: str
    label: str  # what a worker chooses
    sts002: str  # the SALT STS002a/b row
    sts001: str  # the STS001 row it gives a request this episode followed
    event_outcome: str  # the CLD Event Outcome (R1) of the Service event
    long_term: bool = False  # leads to long-term support


# STS001 sequels of a request from a new client (SALT STS001, section 4.4), in the order they take precedence.
STS001_ST_MAX = "ST-Max"
STS001_LTS_NURSING = "Long Term Support: Nursing"
STS001_LTS_RESIDENTIAL = "Long Term Support: Residential"
STS001_LTS_COMMUNITY = "Long Term Support: Community"
STS001_LTS_PRISON = "Long Term Support: Prison"
STS001_NHS = "100% NHS funded care"
STS001_END_OF_LIFE = "End of Life"
STS001_ONGOING_LOW_LEVEL = "Ongoing Low Level Support"
STS001_OTHER_SHORT_TERM = "Short Term Support (other)"
STS001_UNIVERSAL = "Universal Services/Signposted"
STS001_DECEASED = "No Services Provided – Deceased"
STS001_OTHER = "No Services Provided – other reason"
STS001_SEQUELS = [
    STS001_ST_MAX,
    STS001_LTS_NURSING,
    STS001_LTS_RESIDENTIAL,
    STS001_LTS_COMMUNITY,
    STS001_LTS_PRISON,
    STS001_NHS,
    STS001_END_OF_LIFE,
    STS001_ONGOING_LOW_LEVEL,
    STS001_OTHER_SHORT_TERM,
    STS001_UNIVERSAL,
    STS001_DECEASED,
    STS001_OTHER,
]
STS001_LONG_TERM = {STS001_LTS_NURSING, STS001_LTS_RESIDENTIAL, STS001_LTS_COMMUNITY, STS001_LTS_PRISON}

NO_FURTHER_SUPPORT = "no_further_support"
SEQUELS = [
    Sequel(
        NO_FURTHER_SUPPORT,
        "No further support: back to independence",
        STS002_NO_SERVICES,
        STS001_OTHER,
        "Service ended as planned",
    ),
    Sequel(
        "universal_services",
        "Universal services or signposted to community services",
        STS002_UNIVERSAL,
        STS001_UNIVERSAL,
        "NFA - Information & Advice / Signposting only",
    ),
    Sequel(
        "ongoing_low_level",
        "Ongoing low-level support",
        STS002_ONGOING_LOW_LEVEL,
        STS001_ONGOING_LOW_LEVEL,
        "Progress to Support Planning / Services",
    ),
    Sequel(
        "other_short_term",
        "Other short-term support",
        STS002_OTHER_SHORT_TERM,
        STS001_OTHER_SHORT_TERM,
        "Progress to Support Planning / Services",
    ),
    Sequel(
        "lts_community",
        "Long-term support at home or in the community",
        STS002_LTS,
        STS001_LTS_COMMUNITY,
        "Progress to Assessment",
        long_term=True,
    ),
    Sequel(
        "lts_residential",
        "Long-term support in a residential care home",
        STS002_LTS,
        STS001_LTS_RESIDENTIAL,
        "Progress to Assessment",
        long_term=True,
    ),
    Sequel(
        "lts_nursing",
        "Long-term support in a nursing home",
        STS002_LTS,
        STS001_LTS_NURSING,
        "Progress to Assessment",
        long_term=True,
    ),
    Sequel(
        "self_funding",
        "Needs identified, but the person will pay for their own support",
        STS002_SELF_FUNDING,
        STS001_OTHER,
        "NFA - Self-funded client (inc. 12wk disregard)",
    ),
    Sequel("declined", "The person declined further support", STS002_DECLINED, STS001_OTHER, "NFA - Support declined"),
    Sequel(
        "ended_early_hospital",
        "Ended early: admitted to hospital",
        STS002_EARLY_NOT_LTS,
        STS001_OTHER,
        "Admitted to Hospital",
    ),
    Sequel(
        "ended_early_other",
        "Ended early for another reason, not leading to long-term support",
        STS002_EARLY_NOT_LTS,
        STS001_OTHER,
        "NFA - Support ended – other reason",
    ),
    Sequel(
        "ended_early_lts",
        "Ended early, leading to long-term support",
        STS002_EARLY_LTS,
        STS001_LTS_COMMUNITY,
        "Progress to Assessment",
        long_term=True,
    ),
    Sequel(
        "ended_early_nhs",
        "Ended early: 100% NHS-funded care",
        STS002_EARLY_NHS_EOL_DECEASED,
        STS001_NHS,
        "NFA - 100% NHS-funded care",
    ),
    Sequel(
        "ended_early_end_of_life",
        "Ended early: end of life care",
        STS002_EARLY_NHS_EOL_DECEASED,
        STS001_END_OF_LIFE,
        "Progress to End of Life Care",
    ),
    Sequel(
        "ended_early_deceased",
        "Ended early: the person died",
        STS002_EARLY_NHS_EOL_DECEASED,
        STS001_DECEASED,
        "NFA - Deceased",
    ),
]
SEQUELS_BY_CODE = {s.code: s for s in SEQUELS}
SEQUEL_CHOICES = [(s.code, s.label) for s in SEQUELS]


def sequel(code: str) -> Sequel:
    try:
        return SEQUELS_BY_CODE[code]
    except KeyError:
        raise ValueError(f"Unknown sequel: {code!r}") from None


# --- signposting and information and advice (until the directory lands) ------------------------------------------
SIGNPOSTING_OUTCOME = "NFA - Information & Advice / Signposting only"
ADVICE_KINDS = {"information_advice": "Information and advice given", "signposting": "Referred to a community service"}
# A simple list of community services to signpost to, until the public directory (its own issue) lands.
DIRECTORY_SERVICES = [
    "Age UK: befriending and information",
    "Carers' centre",
    "Community transport",
    "Day opportunities and lunch clubs",
    "Falls prevention classes",
    "Home improvement agency (handyperson)",
    "Housing options and advice",
    "Loneliness and social prescribing (GP link worker)",
    "Memory café",
    "Money and benefits advice (Citizens Advice)",
    "Telecare and community alarms",
    "Walking and exercise groups",
]


# --- the 91-day follow-up (SALT STS004, ASCOF "still at home 91 days after discharge") -----------------------------
FOLLOW_UP_DAYS = 91
FOLLOW_UP_MIN_AGE = 65
AT_HOME = "at_home"
FOLLOW_UP_OUTCOMES = {
    AT_HOME: "Still at home (with or without support)",
    "hospital": "In hospital",
    "care_home": "Living in a care home",
    "deceased": "Died",
    "other": "Not at home for another reason",
}


def age_on(date_of_birth: datetime.date, on: datetime.date) -> int:
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def needs_follow_up(*, date_of_birth: datetime.date, discharged_on: datetime.date | None, episode_type: str) -> bool:
    """A 91-day follow-up is due for a person aged 65 or over on the day they were discharged from hospital into
    reablement (an ST-Max episode started from a hospital discharge)."""
    if discharged_on is None or episode_type != ST_MAX:
        return False
    return age_on(date_of_birth, discharged_on) >= FOLLOW_UP_MIN_AGE


def follow_up_due(discharged_on: datetime.date) -> datetime.date:
    """The day the person should be contacted: 91 days after they left hospital."""
    return discharged_on + datetime.timedelta(days=FOLLOW_UP_DAYS)


# --- the SALT-style counts, from plain rows ---------------------------------------------------------------------
REQUEST_SEQUEL_WINDOW_DAYS = 28
REQUEST_CLUSTER_DAYS = 4

# A request's own CLD outcome, when nothing followed it within 28 days.
_OUTCOME_TO_STS001 = {
    "Progress to Reablement/ST-Max": STS001_ST_MAX,
    "NFA - 100% NHS-funded care": STS001_NHS,
    "Progress to End of Life Care": STS001_END_OF_LIFE,
    "NFA - Information & Advice / Signposting only": STS001_UNIVERSAL,
    "NFA - Deceased": STS001_DECEASED,
}


@dataclass(frozen=True)
class Followed:
    """Something that followed a request: an STS001 sequel (an episode type's or a long-term setting's) from a
    date."""

    sequel: str
    started_on: datetime.date


@dataclass(frozen=True)
class RequestRow:
    person_id: int
    received_on: datetime.date
    new_client: bool
    outcome: str  # the request's CLD outcome ("" while open)
    followed: tuple[Followed, ...] = field(default_factory=tuple)


def request_sequel(row: RequestRow) -> str:
    """The STS001 sequel of a request: the highest-ranked support that started within 28 days of it, otherwise
    what its own outcome says, otherwise "No Services Provided – other reason"."""
    window_end = row.received_on + datetime.timedelta(days=REQUEST_SEQUEL_WINDOW_DAYS)
    within = {f.sequel for f in row.followed if row.received_on <= f.started_on <= window_end}
    for candidate in STS001_SEQUELS:
        if candidate in within:
            return candidate
    return _OUTCOME_TO_STS001.get(row.outcome, STS001_OTHER)


def cluster_requests(rows: Iterable[RequestRow]) -> list[RequestRow]:
    """Requests for the same person within 4 days of the last one counted are one request (the first)."""
    kept: list[RequestRow] = []
    last: dict[int, datetime.date] = {}
    for row in sorted(rows, key=lambda r: (r.person_id, r.received_on)):
        previous = last.get(row.person_id)
        if previous is not None and (row.received_on - previous).days <= REQUEST_CLUSTER_DAYS:
            continue
        kept.append(row)
        last[row.person_id] = row.received_on
    return kept


def sts001(rows: Iterable[RequestRow]) -> dict[str, int]:
    """Requests for support from new clients, by sequel (every STS001 row present, zero if none)."""
    counts = Counter(request_sequel(r) for r in cluster_requests(rows) if r.new_client)
    return {name: counts.get(name, 0) for name in STS001_SEQUELS}


@dataclass(frozen=True)
class ResolvedWithoutLongTerm:
    new_requests: int
    without_long_term: int

    @property
    def percent(self) -> Decimal | None:
        if not self.new_requests:
            return None
        return (Decimal(100) * self.without_long_term / self.new_requests).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def resolved_without_long_term(rows: Iterable[RequestRow]) -> ResolvedWithoutLongTerm:
    """Of new clients' requests (clustered), how many did not lead to long-term support within 28 days."""
    table = sts001(rows)
    total = sum(table.values())
    long_term = sum(n for name, n in table.items() if name in STS001_LONG_TERM)
    return ResolvedWithoutLongTerm(total, total - long_term)


@dataclass(frozen=True)
class EpisodeRow:
    episode_type: str
    existing_client: bool
    sequel_code: str  # "" while open


def sts002(rows: Iterable[EpisodeRow]) -> dict[str, dict[str, int]]:
    """What followed ST-Max (reablement) episodes that ended: "a" for new clients, "b" for existing clients, each
    by STS002 sequel (every row present)."""
    tables = {"a": Counter(), "b": Counter()}
    for row in rows:
        if row.episode_type != ST_MAX or not row.sequel_code:
            continue
        tables["b" if row.existing_client else "a"][sequel(row.sequel_code).sts002] += 1
    return {part: {name: counts.get(name, 0) for name in STS002_SEQUELS} for part, counts in tables.items()}


@dataclass(frozen=True)
class FollowUpRow:
    due_on: datetime.date
    outcome: str  # "" while not yet recorded


@dataclass(frozen=True)
class StillAtHome:
    eligible: int
    recorded: int
    at_home: int
    awaiting: int
    by_outcome: dict[str, int]

    @property
    def percent(self) -> Decimal | None:
        """Of those whose outcome is known, the share still at home (to one decimal place)."""
        if not self.recorded:
            return None
        return (Decimal(100) * self.at_home / self.recorded).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def still_at_home(rows: Iterable[FollowUpRow]) -> StillAtHome:
    """The 91-day measure: people 65+ discharged from hospital into reablement who were still at home 91 days
    later. Follow-ups not yet recorded count as awaiting, not as failures."""
    rows = list(rows)
    recorded = [r for r in rows if r.outcome]
    by_outcome = Counter(r.outcome for r in recorded)
    return StillAtHome(
        eligible=len(rows),
        recorded=len(recorded),
        at_home=by_outcome.get(AT_HOME, 0),
        awaiting=len(rows) - len(recorded),
        by_outcome={code: by_outcome.get(code, 0) for code in FOLLOW_UP_OUTCOMES},
    )
