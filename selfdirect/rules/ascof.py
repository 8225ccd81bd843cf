"""ASCOF 3D (self-directed support and direct payments) and LTS001b-style counts of long-term support.

Pure rules, no Django. Source: shared/reference/care-act-and-cld.md
- 4.5 ASCOF 3D: part 1a = people 18+ in long-term community support at the date whose support is self-directed
  (Delivery Mechanism "Direct Payment" or "CASSR Managed Personal Budget", or Service Component "Direct
  Payment"); part 2a = those on direct payments; the denominator is the distinct clients whose de-duplicated
  setting is "Long Term Support: Community". Part 1b = carers 18+ (caring for someone 18+) with self-directed
  support in the year.
- 4.3 the setting hierarchy that de-duplicates a person with several services: Nursing > Residential >
  Community: DP > Community: CASSR Managed PB > Community: CASSR Commissioned > Community unknown > Prison; and the
  carer support hierarchy (Direct Payment only > CASSR Managed PB > CASSR Commissioned only > direct to carer,
  delivery unknown > universal services / signposting > no direct support).
- 4.2 Delivery Mechanism: when Service Component is "Direct Payment", the mechanism is taken as "Direct Payment".
- 4.4 LTS001b: people in long-term support at the date by primary support reason, age band, setting and delivery
  mechanism ("Community: Direct Payment Only / Part Direct Payment / CASSR Managed Personal Budget / CASSR
  Commissioned Support Only").

Choices the reference leaves open (docs/measures-and-dashboards.md):
- Community support with no delivery mechanism recorded ("Community unknown") stays in the denominator (it is
  long-term community support) and in no numerator.
- Part 1b's denominator is the carers 18+ given support direct to the carer in the year (carer hierarchy levels
  1-4); "the year" is the twelve months ending on the date (the financial year when the date is 31 March). A
  carer whose cared-for person's age is not known is counted (only a known under-18 is left out).
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import cld

SERVICE_USER = "Service User"
CARER = "Carer"
ADULT_AGE = 18

# Service Types (R1) for long-term support, by setting.
LTS_NURSING = "Long Term Support: Nursing Care"
LTS_RESIDENTIAL = "Long Term Support: Residential Care"
LTS_COMMUNITY = "Long Term Support: Community"
LTS_PRISON = "Long Term Support: Prison"
CARER_DIRECT = "Carer Support: Direct to Carer"
CARER_UNIVERSAL_COMPONENT = "Carer Universal Services"
DIRECT_PAYMENT_COMPONENT = "Direct Payment"

# De-duplicated settings, best first (reference 4.3, ASCOF 3D code).
NURSING = "Nursing"
RESIDENTIAL = "Residential"
COMMUNITY_DP = "Community: Direct Payment"
COMMUNITY_MANAGED = "Community: CASSR Managed Personal Budget"
COMMUNITY_COMMISSIONED = "Community: CASSR Commissioned Support"
COMMUNITY_UNKNOWN = "Community: delivery mechanism unknown"
PRISON = "Prison"
SETTING_HIERARCHY = [
    NURSING,
    RESIDENTIAL,
    COMMUNITY_DP,
    COMMUNITY_MANAGED,
    COMMUNITY_COMMISSIONED,
    COMMUNITY_UNKNOWN,
    PRISON,
]
SETTING_RANK = {setting: n for n, setting in enumerate(SETTING_HIERARCHY)}
COMMUNITY_SETTINGS = {COMMUNITY_DP, COMMUNITY_MANAGED, COMMUNITY_COMMISSIONED, COMMUNITY_UNKNOWN}
SELF_DIRECTED_SETTINGS = {COMMUNITY_DP, COMMUNITY_MANAGED}

# SALT-style support settings for LTS001b (reference 4.2, "support-setting categories used in outputs").
SALT_NURSING = "Nursing"
SALT_RESIDENTIAL = "Residential"
SALT_DP_ONLY = "Community: Direct Payment Only"
SALT_PART_DP = "Community: Part Direct Payment"
SALT_MANAGED = "Community: CASSR Managed Personal Budget"
SALT_COMMISSIONED = "Community: CASSR Commissioned Support Only"
SALT_COMMUNITY_UNKNOWN = "Community: Delivery Mechanism Unknown"
SALT_PRISON_MANAGED = "Prison: CASSR Managed Personal Budget"
SALT_PRISON_COMMISSIONED = "Prison: CASSR Commissioned Support Only"
SALT_SETTINGS = [
    SALT_NURSING,
    SALT_RESIDENTIAL,
    SALT_DP_ONLY,
    SALT_PART_DP,
    SALT_MANAGED,
    SALT_COMMISSIONED,
    SALT_COMMUNITY_UNKNOWN,
    SALT_PRISON_MANAGED,
    SALT_PRISON_COMMISSIONED,
]

# Carer support hierarchy (reference 4.3), best first.
CARER_DP = "Direct Payment only"
CARER_MANAGED = "CASSR Managed Personal Budget"
CARER_COMMISSIONED = "CASSR Commissioned Support only"
CARER_UNKNOWN = "Support Direct to Carer: Unknown Delivery Mech"
CARER_UNIVERSAL = "Information, Advice and Other Universal Services / Signposting"
CARER_NONE = "No Direct Support Provided to Carer"
CARER_HIERARCHY = [CARER_DP, CARER_MANAGED, CARER_COMMISSIONED, CARER_UNKNOWN, CARER_UNIVERSAL, CARER_NONE]
CARER_DIRECT_SUPPORT = {CARER_DP, CARER_MANAGED, CARER_COMMISSIONED, CARER_UNKNOWN}
CARER_SELF_DIRECTED = {CARER_DP, CARER_MANAGED}

AGE_BANDS = ["18-64", "65+"]
UNKNOWN_PSR = "Unknown"


@dataclass(frozen=True)
class ServiceRow:
    """One service event (a CLD Service row) with what the measures need about the person."""

    person_id: int
    date_of_birth: datetime.date
    service_type: str
    service_component: str
    delivery_mechanism: str
    start_date: datetime.date
    end_date: datetime.date | None = None
    client_type: str = SERVICE_USER
    primary_support_reason: str = UNKNOWN_PSR
    date_of_death: datetime.date | None = None
    cared_for_date_of_birth: datetime.date | None = None
    team: str = ""


@dataclass(frozen=True)
class Share:
    """A proportion kept as its two counts, so nothing is lost to rounding."""

    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        """The proportion (0 to 1), None when nobody is in the denominator."""
        return Decimal(self.numerator) / Decimal(self.denominator) if self.denominator else None

    @property
    def percent(self) -> Decimal | None:
        """The proportion as a percentage to one decimal place (half up)."""
        value = self.value
        return None if value is None else (value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def as_dict(self) -> dict:
        return {"numerator": self.numerator, "denominator": self.denominator, "percent": self.percent}


@dataclass(frozen=True, slots=True)
class PersonSetting:
    """One person's de-duplicated long-term support at a date."""

    person_id: int
    setting: str
    salt_setting: str
    age_band: str
    primary_support_reason: str
    team: str

    @property
    def in_community(self) -> bool:
        return self.setting in COMMUNITY_SETTINGS

    @property
    def self_directed(self) -> bool:
        return self.setting in SELF_DIRECTED_SETTINGS

    @property
    def direct_payment(self) -> bool:
        return self.setting == COMMUNITY_DP


@dataclass(frozen=True)
class Ascof3D:
    at: datetime.date
    part_1a: Share
    part_2a: Share
    part_1b: Share
    settings: dict[str, int]

    def as_dict(self) -> dict:
        return {
            "at": self.at,
            "part_1a": self.part_1a.as_dict(),
            "part_2a": self.part_2a.as_dict(),
            "part_1b": self.part_1b.as_dict(),
            "settings": dict(self.settings),
        }


# --- Dates and ages ----------------------------------------------------------------------------------------


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Age in whole years on `day`."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def age_band_on(date_of_birth: datetime.date, day: datetime.date) -> str:
    return cld.age_band(age_on(date_of_birth, day))


def year_before(day: datetime.date) -> datetime.date:
    """The first day of the twelve months ending on `day` (1 April for 31 March)."""
    try:
        return day.replace(year=day.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28) + datetime.timedelta(days=1)


def open_on(row: ServiceRow, day: datetime.date) -> bool:
    """The service is in place on `day` (start and end dates both included) and the person was alive."""
    if row.start_date > day or (row.end_date is not None and row.end_date < day):
        return False
    return row.date_of_death is None or row.date_of_death >= day


def open_during(row: ServiceRow, start: datetime.date, end: datetime.date) -> bool:
    """The service was in place on at least one day from `start` to `end`."""
    return row.start_date <= end and (row.end_date is None or row.end_date >= start)


# --- Settings and the hierarchy ----------------------------------------------------------------------------


def delivery_mechanism(row: ServiceRow) -> str:
    """The mechanism as NHSE reads it: a Direct Payment component is a direct payment whatever was recorded."""
    if row.service_component == DIRECT_PAYMENT_COMPONENT:
        return cld.DELIVERY_DIRECT_PAYMENT
    return row.delivery_mechanism or ""


def setting_of(row: ServiceRow) -> str | None:
    """The long-term support setting of one service, None for anything that is not long-term support."""
    if row.service_type == LTS_NURSING:
        return NURSING
    if row.service_type == LTS_RESIDENTIAL:
        return RESIDENTIAL
    if row.service_type == LTS_PRISON:
        return PRISON
    if row.service_type == LTS_COMMUNITY:
        return {
            cld.DELIVERY_DIRECT_PAYMENT: COMMUNITY_DP,
            cld.DELIVERY_MANAGED: COMMUNITY_MANAGED,
            cld.DELIVERY_COMMISSIONED: COMMUNITY_COMMISSIONED,
        }.get(delivery_mechanism(row), COMMUNITY_UNKNOWN)
    return None


def best_setting(settings: Iterable[str]) -> str:
    """The highest setting in the hierarchy."""
    return min(settings, key=SETTING_RANK.__getitem__)


def salt_setting(best: str, settings: set[str], *, prison_mechanisms: set[str]) -> str:
    """The SALT output category for a person whose de-duplicated setting is `best` and who has `settings`.
    Part Direct Payment: a direct payment alongside other community support."""
    if best == NURSING:
        return SALT_NURSING
    if best == RESIDENTIAL:
        return SALT_RESIDENTIAL
    if best == COMMUNITY_DP:
        others = settings & (COMMUNITY_SETTINGS - {COMMUNITY_DP})
        return SALT_PART_DP if others else SALT_DP_ONLY
    if best == PRISON:
        return SALT_PRISON_MANAGED if cld.DELIVERY_MANAGED in prison_mechanisms else SALT_PRISON_COMMISSIONED
    return {
        COMMUNITY_MANAGED: SALT_MANAGED,
        COMMUNITY_COMMISSIONED: SALT_COMMISSIONED,
        COMMUNITY_UNKNOWN: SALT_COMMUNITY_UNKNOWN,
    }[best]


def _born_by(day: datetime.date, years: int) -> datetime.date:
    """The latest birth date of someone `years` old or more on `day`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def long_term_services(rows: Iterable[ServiceRow]) -> dict[int, list[tuple[ServiceRow, str]]]:
    """Each service user's long-term support services with their settings, by person: worked out once for many
    dates (a dashboard's month ends)."""
    by_person: dict[int, list[tuple[ServiceRow, str]]] = defaultdict(list)
    for row in rows:
        if row.client_type == SERVICE_USER and (setting := setting_of(row)):
            by_person[row.person_id].append((row, setting))
    return by_person


def _people(services: dict[int, list[tuple[ServiceRow, str]]], at: datetime.date) -> list[PersonSetting]:
    born_by = _born_by(at, ADULT_AGE)
    people = []
    for person_id in sorted(services):
        held = [(row, setting) for row, setting in services[person_id] if open_on(row, at)]
        if not held or held[0][0].date_of_birth > born_by:
            continue
        settings = {s for _, s in held}
        best = best_setting(settings)
        first = held[0][0]
        prison = {delivery_mechanism(r) for r, s in held if s == PRISON}
        people.append(
            PersonSetting(
                person_id=person_id,
                setting=best,
                salt_setting=salt_setting(best, settings, prison_mechanisms=prison),
                age_band=age_band_on(first.date_of_birth, at),
                primary_support_reason=first.primary_support_reason or UNKNOWN_PSR,
                team=first.team,
            )
        )
    return people


def people_in_long_term_support(rows: Iterable[ServiceRow], *, at: datetime.date) -> list[PersonSetting]:
    """Every service user 18+ in long-term support on `at`, once each, at their de-duplicated setting."""
    return _people(long_term_services(rows), at)


def _shares(people: Iterable[PersonSetting]) -> tuple[Share, Share]:
    community = [p for p in people if p.in_community]
    denominator = len(community)
    return (
        Share(sum(p.self_directed for p in community), denominator),
        Share(sum(p.direct_payment for p in community), denominator),
    )


# --- Carers (part 1b) ----------------------------------------------------------------------------------------


def carer_support_of(row: ServiceRow) -> str:
    """A carer's service on the carer support hierarchy."""
    if row.service_type == CARER_DIRECT:
        if row.service_component == CARER_UNIVERSAL_COMPONENT:
            return CARER_UNIVERSAL
        return {
            cld.DELIVERY_DIRECT_PAYMENT: CARER_DP,
            cld.DELIVERY_MANAGED: CARER_MANAGED,
            cld.DELIVERY_COMMISSIONED: CARER_COMMISSIONED,
        }.get(delivery_mechanism(row), CARER_UNKNOWN)
    return CARER_NONE


def carers_support_in_year(rows: Iterable[ServiceRow], *, at: datetime.date) -> dict[int, str]:
    """Each carer 18+ (caring for someone not known to be under 18) with a carer's service in the twelve months
    ending on `at`, at the best level of the carer support hierarchy."""
    start = year_before(at)
    best: dict[int, str] = {}
    for row in rows:
        if row.client_type != CARER or not open_during(row, start, at):
            continue
        if age_on(row.date_of_birth, at) < ADULT_AGE:
            continue
        if row.cared_for_date_of_birth is not None and age_on(row.cared_for_date_of_birth, at) < ADULT_AGE:
            continue
        level = carer_support_of(row)
        held = best.get(row.person_id)
        if held is None or CARER_HIERARCHY.index(level) < CARER_HIERARCHY.index(held):
            best[row.person_id] = level
    return best


def carer_share(rows: Iterable[ServiceRow], *, at: datetime.date) -> Share:
    levels = carers_support_in_year(rows, at=at).values()
    direct = [lv for lv in levels if lv in CARER_DIRECT_SUPPORT]
    return Share(sum(lv in CARER_SELF_DIRECTED for lv in direct), len(direct))


# --- The measures --------------------------------------------------------------------------------------------


def _ascof_from(people: list[PersonSetting], carers: list[ServiceRow], at: datetime.date) -> Ascof3D:
    part_1a, part_2a = _shares(people)
    counts = Counter(p.setting for p in people)
    return Ascof3D(
        at=at,
        part_1a=part_1a,
        part_2a=part_2a,
        part_1b=carer_share(carers, at=at),
        settings={s: counts.get(s, 0) for s in SETTING_HIERARCHY},
    )


def ascof_3d(rows: Iterable[ServiceRow], *, at: datetime.date) -> Ascof3D:
    """ASCOF 3D parts 1a, 2a and 1b on `at`, with the count of people at each de-duplicated setting."""
    rows = list(rows)
    return _ascof_from(people_in_long_term_support(rows, at=at), rows, at)


@dataclass(frozen=True)
class OnDate:
    """Everything measured on one date: ASCOF 3D, the people counted and the LTS001b table."""

    ascof: Ascof3D
    people: list[PersonSetting]
    lts001b: list["Lts001bRow"]


def measures_on_dates(
    rows: Iterable[ServiceRow], *, dates: Iterable[datetime.date], age_band: str = ""
) -> list[OnDate]:
    """The measures on each date, sorting the rows out once (a dashboard's month ends). With `age_band`, only
    people (and carers) in that band on each date."""
    rows = list(rows)
    services = long_term_services(rows)
    carers = [row for row in rows if row.client_type == CARER]
    result = []
    for at in dates:
        people = _people(services, at)
        in_band = carers
        if age_band:
            people = [p for p in people if p.age_band == age_band]
            in_band = [row for row in carers if age_band_on(row.date_of_birth, at) == age_band]
        result.append(OnDate(ascof=_ascof_from(people, in_band, at), people=people, lts001b=_lts001b_rows(people)))
    return result


def ascof_3d_by(
    rows: Iterable[ServiceRow], *, at: datetime.date, group: Callable[[PersonSetting], str]
) -> dict[str, tuple[Share, Share]]:
    """Parts 1a and 2a for each group of people (for example by age band), groups in name order."""
    grouped: dict[str, list[PersonSetting]] = defaultdict(list)
    for person in people_in_long_term_support(rows, at=at):
        grouped[group(person)].append(person)
    return {name: _shares(grouped[name]) for name in sorted(grouped)}


@dataclass(frozen=True)
class Lts001bRow:
    primary_support_reason: str
    age_band: str
    support_setting: str
    people: int


def lts001b(rows: Iterable[ServiceRow], *, at: datetime.date) -> list[Lts001bRow]:
    """People in long-term support on `at` by primary support reason, age band and SALT setting / delivery
    mechanism, in code-list order; only combinations with anyone in them."""
    return _lts001b_rows(people_in_long_term_support(rows, at=at))


def _lts001b_rows(people: list[PersonSetting]) -> list[Lts001bRow]:
    counts = Counter((p.primary_support_reason, p.age_band, p.salt_setting) for p in people)
    psr_order = {name: n for n, name in enumerate(cld.PRIMARY_SUPPORT_REASONS)}

    def order(key):
        psr, band, setting = key
        return (psr_order.get(psr, len(psr_order)), psr, AGE_BANDS.index(band), SALT_SETTINGS.index(setting))

    return [Lts001bRow(*key, people=counts[key]) for key in sorted(counts, key=order)]
