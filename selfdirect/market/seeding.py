"""A synthetic care market for the synthetic council: council standard rates, about 25 providers with their CQC
registration and rates, and 30 personal assistants with checks in every state.

`seed_market(seed=...)` draws everything from one random.Random(seed) in a fixed order, so the same seed and day
give the same market. It runs once: when the market already has providers or personal assistants it changes
nothing (and returns {}). To start again, `reset_arrangements()` before plans are reset (arrangements refer to plan
lines), then `reset_market()` after (plan lines name providers, PAs and rates; seeded staff recorded the checks).

Names, CQC location IDs, phone numbers and email addresses are made up (phone numbers from Ofcom's drama range,
email addresses under .example); any likeness to a real organisation is chance.

Rates: the council standard rates are the reference's local example (shared/reference section 5.4, Essex
2024/25), applied here from 1 April 2025. Everything else (provider rates, the 2026 rise, vacancies, the spread
of ratings) is ILLUSTRATIVE: a plausible shape for the demo, not a published figure.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent, CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.people.seeding import OUTWARD_NORTH, OUTWARD_SOUTH
from selfdirect.rules import pa_checks as pa_rules

from .models import Arrangement, EmployerInsurance, PaCheck, PersonalAssistant, Provider, Rate
from .selectors import PA_RATE_NOTE

D = Decimal
STANDARD_FROM = datetime.date(2025, 4, 1)
RISE_FROM = datetime.date(2026, 4, 1)
DISTRICTS = OUTWARD_NORTH + OUTWARD_SOUTH
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters an inward code may use (no C I K M O V)

# (component, unit, note, amount from 1 April 2025, amount from 1 April 2026 or None)
COUNCIL_RATES = [
    # Reference section 5.4: Essex 2024/25 charges.
    ("Home Support", "Hourly", "", D("23.92"), D("24.85")),
    ("Day Support", "Per session", "", D("13.64"), D("14.10")),
    ("Home Support", "Hourly", "night waking", D("21.72"), None),
    ("Home Support", "Hourly", "night sleeping", D("12.84"), None),
    ("Shared Lives", "Weekly", "", D("327.88"), D("340.00")),
    # A local choice for this synthetic council, not a reference figure: what it pays for a personal assistant.
    ("Home Support", "Hourly", PA_RATE_NOTE, D("15.50"), D("16.10")),
]  # the 2026 rises are ILLUSTRATIVE

# What kinds of provider there are: (how many, name endings, components with their unit and a base rate,
# regulated activities). Base rates are ILLUSTRATIVE, close to the council's standard rates.
HOME_CARE = (
    ["Home Care", "Care at Home", "Homecare Services", "Care Services", "Domiciliary Care"],
    [("Home Support", "Hourly", D("23.92")), ("Reablement", "Hourly", D("25.40"))],
    ["Personal care"],
)
DAY_SERVICE = (
    ["Day Centre", "Day Opportunities", "Day Services"],
    [("Day Support", "Per session", D("13.64")), ("Transport", "Per session", D("6.50"))],
    [],
)
CARE_HOME = (
    ["Care Home", "House", "Lodge", "Court"],
    [("Long Term Residential Care", "Weekly", D("780.00")), ("Carer Respite", "Weekly", D("820.00"))],
    ["Accommodation for persons who require nursing or personal care"],
)
NURSING_HOME = (
    ["Nursing Home", "Nursing and Residential Home"],
    [("Long Term Nursing Care", "Weekly", D("1050.00")), ("Long Term Residential Care", "Weekly", D("800.00"))],
    [
        "Accommodation for persons who require nursing or personal care",
        "Nursing care",
        "Treatment of disease, disorder or injury",
    ],
)
SUPPORTED_LIVING = (
    ["Supported Living", "Support Services"],
    [("Community Supported Living", "Hourly", D("22.50")), ("Home Support", "Hourly", D("23.50"))],
    ["Personal care"],
)
SHARED_LIVES = (
    ["Shared Lives"],
    [("Shared Lives", "Weekly", D("327.88"))],
    ["Personal care"],
)
COMMUNITY_GROUP = (
    ["Community Group", "Friendship Club", "Lunch Club", "Befriending"],
    [("Day Support", "Per session", D("8.00")), ("Meals", "Per session", D("5.50"))],
    [],
)
PLACES = [
    "Northmoor", "Moorside", "Heatherbank", "Millbrook", "Ashgrove", "Fernley", "Kirkdale", "Oakwood", "Riverside",
    "Stonegate", "Thornfield", "Westcroft", "Elmhurst", "Brackenridge", "Coldwell", "Hollins", "Larkspur", "Marsh End",
    "Pennyfield", "Redmoor", "Saltburn Road", "Wyndham", "Beechcroft", "Calder", "Dunmore", "Greenacre",
]  # fmt: skip

# The mix of the 25 providers: (kind, registration, count). The community groups need not register (no regulated
# activity); one home care agency is not registered at all (arranging personal care with it shows the warning);
# one care home has been deregistered.
MIX = [
    (HOME_CARE, Provider.Registration.REGISTERED, 7),
    (HOME_CARE, Provider.Registration.NOT_REGISTERED, 1),
    (DAY_SERVICE, Provider.Registration.REGISTERED, 3),
    (CARE_HOME, Provider.Registration.REGISTERED, 4),
    (CARE_HOME, Provider.Registration.DEREGISTERED, 1),
    (NURSING_HOME, Provider.Registration.REGISTERED, 2),
    (SUPPORTED_LIVING, Provider.Registration.REGISTERED, 2),
    (SHARED_LIVES, Provider.Registration.REGISTERED, 1),
    (COMMUNITY_GROUP, Provider.Registration.NOT_REQUIRED, 4),
]
# ILLUSTRATIVE spread of CQC ratings for registered providers: mostly Good.
RATINGS = [
    (Provider.Rating.OUTSTANDING, 2),
    (Provider.Rating.GOOD, 14),
    (Provider.Rating.REQUIRES_IMPROVEMENT, 3),
    (Provider.Rating.INADEQUATE, 1),
    (Provider.Rating.NOT_YET_RATED, 1),
]

FIRST_NAMES = [
    "Amelia", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Hannah", "Imran", "Jade", "Kwame", "Laura",
    "Mohammed", "Niamh", "Owen", "Paula", "Rhys", "Sana", "Tomasz", "Uma", "Vikram", "Wendy", "Yusuf", "Zoe",
    "Aisha", "Callum", "Deborah", "Emeka",
]  # fmt: skip
LAST_NAMES = [
    "Armstrong", "Bell", "Chowdhury", "Davies", "Evans", "Fletcher", "Green", "Hussain", "Iqbal", "Jackson",
    "Kaur", "Lewis", "Morris", "Nowak", "Okafor", "Patel", "Quinn", "Robinson", "Singh", "Thompson", "Usman",
    "Walker", "Young", "Zielinski", "Ahmed", "Brennan", "Clarke", "Doyle",
]  # fmt: skip
PA_COMPONENTS = [
    "Home Support",
    "Community Supported Living",
    "Learning/Education/Employment Support",
    "Carer Sitting Service",
]
SKILLS = [
    "Moving and handling", "Autism", "British Sign Language", "Dementia care", "Medication support",
    "Personal care", "Cooking and shopping", "Driving (own car)", "Learning disability support", "Mental health",
]  # fmt: skip
# Check states for the 28 generated PAs (the two named demo PAs make 30). Every state appears.
PA_STATES = (
    ["current"] * 10
    + ["update_service"] * 4
    + ["dbs_lapsing"] * 3
    + ["rtw_lapsing"] * 2
    + ["dbs_lapsed"] * 2
    + ["no_dbs", "one_reference", "no_training", "rtw_ended", "no_barred_list", "training_expired"]
    + ["suspended"]
)


class MarketSeedError(DomainError):
    """The market seed cannot run as asked (the message says what to do)."""


def _years_before(day: datetime.date, years: int, days: int = 0) -> datetime.date:
    try:
        back = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        back = day.replace(year=day.year - years, day=28)
    return back - datetime.timedelta(days=days)


def _recorder():
    """Who the seeded checks are recorded by: the first commissioner, else any member of staff."""
    users = get_user_model().objects.filter(is_active=True).exclude(role="").order_by("pk")
    user = users.filter(role=Role.COMMISSIONER).first() or users.first()
    if user is None:
        raise MarketSeedError("Seed the council's staff first (manage.py seed_council): checks need a recorder.")
    return user


def _cqc_id(rng: random.Random, used: set) -> str:
    while True:
        digits = rng.choice((9, 10))
        value = f"1-{rng.randint(10 ** (digits - 1), 10**digits - 1)}"
        if value not in used:
            used.add(value)
            return value


def _phone(rng: random.Random) -> str:
    return f"01632 960{rng.randint(0, 999):03d}"  # Ofcom's drama range: never a real number


def _postcode(rng: random.Random, outward: str) -> str:
    return f"{outward} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"


def _someone(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _dbs(number: str, issued_on: datetime.date) -> dict:
    return {"kind": pa_rules.DBS, "certificate_number": number, "adult_barred_list": True, "issued_on": issued_on}


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _council_rates() -> list[Rate]:
    rates = []
    for component, unit, note, amount, rise in COUNCIL_RATES:
        rates.append(
            Rate(service_component=component, unit_type=unit, note=note, amount=amount, effective_from=STANDARD_FROM)
        )
        if rise is not None:
            rates.append(
                Rate(service_component=component, unit_type=unit, note=note, amount=rise, effective_from=RISE_FROM)
            )
    return rates


def _providers(rng: random.Random, today: datetime.date) -> tuple[list[Provider], list[tuple[int, Rate]]]:
    ratings = [r for r, n in RATINGS for _ in range(n)]
    rng.shuffle(ratings)
    places = PLACES[:]
    rng.shuffle(places)
    used_ids: set[str] = set()
    providers, rates = [], []
    for (endings, components, activities), registration, count in MIX:
        for _ in range(count):
            place = places.pop()
            name = f"{place} {rng.choice(endings)}"
            registered = registration == Provider.Registration.REGISTERED
            home = rng.choice(DISTRICTS)
            areas = sorted({home, *rng.sample(DISTRICTS, rng.randint(1, 4))}, key=lambda d: (len(d), d))
            provider = Provider(
                name=name,
                description=f"{name} offers {', '.join(c for c, _, _ in components).lower()} in Northmoor.",
                cqc_location_id=_cqc_id(rng, used_ids) if registration in (Provider.Registration.REGISTERED,
                                                                          Provider.Registration.DEREGISTERED) else "",
                registration=registration,
                rating=ratings.pop() if registered and ratings else "",
                rating_published_on=_years_before(today, 0, rng.randint(60, 900)) if registered else None,
                regulated_activities=list(activities) if registration != Provider.Registration.NOT_REQUIRED else [],
                service_components=[c for c, _, _ in components],
                areas=areas,
                vacancies=None if rng.random() < 0.15 else rng.choice([0, 0, 2, 5, 8, 12, 20, 35]),
                vacancies_updated_on=today - datetime.timedelta(days=rng.randint(0, 45)),
                phone=_phone(rng),
                email=f"referrals@{_slug(name)}.example",
                address=f"{rng.randint(1, 240)} {place} Road, Northmoor",
                postcode=_postcode(rng, home),
            )  # fmt: skip
            if provider.rating == Provider.Rating.NOT_YET_RATED:
                provider.rating_published_on = None
            providers.append(provider)
            for component, unit, base in components:
                # ILLUSTRATIVE: each provider within about 10% of the base; most rise 3-4% from April 2026.
                amount = (base * D(rng.randint(92, 110)) / 100).quantize(D("0.01"))
                rates.append((len(providers) - 1, Rate(service_component=component, unit_type=unit, amount=amount,
                                                       effective_from=STANDARD_FROM)))  # fmt: skip
                if rng.random() < 0.6:
                    rise = (amount * D(rng.randint(103, 104)) / 100).quantize(D("0.01"))
                    rates.append((len(providers) - 1, Rate(service_component=component, unit_type=unit, amount=rise,
                                                           effective_from=RISE_FROM)))  # fmt: skip
    return providers, rates


def _dbs_number(rng: random.Random) -> str:
    return f"{rng.randint(0, 10**12 - 1):012d}"


def _checks(rng: random.Random, state: str, today: datetime.date, recheck_years: int, alert_days: int) -> list[dict]:
    """The checks for one PA in `state`, as PaCheck field values (relative to `today`)."""
    dbs_issued = _years_before(today, 0, rng.randint(60, 365 * recheck_years - 120))
    dbs = {
        "kind": pa_rules.DBS,
        "certificate_number": _dbs_number(rng),
        "adult_barred_list": True,
        "issued_on": dbs_issued,
    }
    references = [
        {"kind": pa_rules.REFERENCE, "detail": f"{_someone(rng)}, former employer",
         "issued_on": dbs_issued - datetime.timedelta(days=rng.randint(10, 40))},
        {"kind": pa_rules.REFERENCE, "detail": f"{_someone(rng)}, character reference",
         "issued_on": dbs_issued - datetime.timedelta(days=rng.randint(10, 40))},
    ]  # fmt: skip
    rtw = {"kind": pa_rules.RIGHT_TO_WORK, "detail": "British passport seen", "issued_on": dbs_issued}
    training = {
        "kind": pa_rules.TRAINING,
        "detail": "Care Certificate",
        "issued_on": dbs_issued + datetime.timedelta(days=30),
    }
    if state == "update_service":
        dbs["issued_on"] = _years_before(today, recheck_years + rng.randint(1, 3))
        dbs["update_service"] = True
        dbs["update_service_checked_on"] = today - datetime.timedelta(days=rng.randint(5, 200))
    elif state == "dbs_lapsing":
        # Last current day within the alert window: issued recheck_years ago, less a few weeks.
        dbs["issued_on"] = _years_before(today, recheck_years) + datetime.timedelta(days=rng.randint(5, alert_days - 2))
    elif state == "dbs_lapsed":
        dbs["issued_on"] = _years_before(today, recheck_years, rng.randint(20, 300))
    elif state == "no_barred_list":
        dbs["adult_barred_list"] = False
    elif state == "rtw_lapsing":
        rtw["detail"] = "Biometric residence permit seen"
        rtw["expires_on"] = today + datetime.timedelta(days=rng.randint(5, alert_days - 2))
    elif state == "rtw_ended":
        rtw["detail"] = "Visa seen"
        rtw["expires_on"] = today - datetime.timedelta(days=rng.randint(10, 90))
    elif state == "training_expired":
        training["detail"] = "Moving and handling refresher"
        training["expires_on"] = today - datetime.timedelta(days=rng.randint(10, 90))
    checks = [references[0], rtw, training]
    if state != "no_dbs":
        checks.append(dbs)
    if state != "one_reference":
        checks.append(references[1])
    if state == "no_training":
        checks.remove(training)
    return checks


def _pa(rng: random.Random, first: str, last: str, index: int) -> PersonalAssistant:
    home = rng.choice(DISTRICTS)
    return PersonalAssistant(
        first_name=first,
        last_name=last,
        phone=_phone(rng),
        email=f"{_slug(first)}.{_slug(last)}{index}@pa.northmoor.example",
        postcode=_postcode(rng, home),
        areas=sorted({home, *rng.sample(DISTRICTS, rng.randint(1, 3))}, key=lambda d: (len(d), d)),
        service_components=["Home Support", *rng.sample(PA_COMPONENTS[1:], rng.randint(0, 2))],
        hourly_rate=None if rng.random() < 0.3 else D(rng.randint(1450, 1800)) / 100,
        hours_available=rng.choice([0, 4, 8, 10, 12, 15, 20, 25]),
        skills=", ".join(rng.sample(SKILLS, rng.randint(1, 3))),
    )


def _demo_pas(today: datetime.date, recheck_years: int) -> list[tuple[PersonalAssistant, list[dict]]]:
    """Two named PAs for the browser journey: Dana Lapsed (DBS issued longer ago than the council's re-check period,
    not on the Update Service) and Priya Current (every check current). Both work across the whole town."""
    common = {
        "areas": list(DISTRICTS),
        "service_components": ["Home Support", "Community Supported Living"],
        "hours_available": 20,
        "skills": "Personal care, cooking and shopping, dementia care",
    }
    dana = PersonalAssistant(first_name="Dana", last_name="Lapsed", phone="01632 960501", postcode="NM2 3FG",
                             email="dana.lapsed@pa.northmoor.example", hourly_rate=D("15.50"), **common)  # fmt: skip
    priya = PersonalAssistant(first_name="Priya", last_name="Current", phone="01632 960502", postcode="NM3 5HJ",
                              email="priya.current@pa.northmoor.example", hourly_rate=D("16.00"), **common)  # fmt: skip
    dana_issued = _years_before(today, recheck_years, 60)
    priya_issued = _years_before(today, 0, 200)
    dana_checks = [
        _dbs("001234567890", dana_issued),
        {"kind": pa_rules.REFERENCE, "detail": "Gwen Harris, former employer", "issued_on": dana_issued},
        {"kind": pa_rules.REFERENCE, "detail": "Revd Alan Price, character reference", "issued_on": dana_issued},
        {"kind": pa_rules.RIGHT_TO_WORK, "detail": "British passport seen", "issued_on": dana_issued},
        {"kind": pa_rules.TRAINING, "detail": "Care Certificate", "issued_on": dana_issued},
    ]  # fmt: skip
    priya_checks = [
        _dbs("009876543210", priya_issued),
        {"kind": pa_rules.REFERENCE, "detail": "Sunita Rao, former employer", "issued_on": priya_issued},
        {"kind": pa_rules.REFERENCE, "detail": "Mark Ellis, character reference", "issued_on": priya_issued},
        {"kind": pa_rules.RIGHT_TO_WORK, "detail": "British passport seen", "issued_on": priya_issued},
        {"kind": pa_rules.TRAINING, "detail": "Care Certificate", "issued_on": priya_issued},
    ]  # fmt: skip
    return [(dana, dana_checks), (priya, priya_checks)]


def seed_market(*, seed: int = 1, as_of: datetime.date | None = None) -> dict:
    """Create the synthetic market in one transaction and return how many of each were made:
    {"rates": n, "providers": n, "personal_assistants": n, "checks": n}. When providers or personal assistants
    already exist, nothing is changed and {} is returned."""
    if Provider.objects.exists() or PersonalAssistant.objects.exists():
        return {}
    today = as_of or timezone.localdate()
    rng = random.Random(seed)
    settings = CouncilSettings.current()
    recheck_years, alert_days = settings.dbs_recheck_years, max(settings.check_alert_days, 10)
    with transaction.atomic():
        recorder = _recorder()
        council = Rate.objects.bulk_create(
            [r for r in _council_rates() if not Rate.objects.filter(
                provider=None, service_component=r.service_component, unit_type=r.unit_type, note=r.note,
                effective_from=r.effective_from).exists()]
        )  # fmt: skip
        providers, provider_rates = _providers(rng, today)
        providers = Provider.objects.bulk_create(providers)
        for index, rate in provider_rates:
            rate.provider = providers[index]
        Rate.objects.bulk_create([rate for _, rate in provider_rates])

        people = _demo_pas(today, recheck_years)
        names = [(f, la) for f in FIRST_NAMES for la in LAST_NAMES]
        rng.shuffle(names)
        states = PA_STATES[:]
        rng.shuffle(states)
        generated = []
        for index, state in enumerate(states):
            first, last = names[index]
            pa = _pa(rng, first, last, index)
            if state == "suspended":
                pa.is_suspended = True
                pa.suspended_reason = "A concern was raised and is being looked into"
            generated.append((pa, _checks(rng, "current" if state == "suspended" else state, today, recheck_years,
                                          alert_days)))  # fmt: skip
        people += generated
        pas = PersonalAssistant.objects.bulk_create([pa for pa, _ in people])
        checks = [
            PaCheck(pa=pa, recorded_by=recorder, **fields)
            for pa, (_, pa_checks) in zip(pas, people, strict=True)
            for fields in pa_checks
        ]
        PaCheck.objects.bulk_create(checks)
        counts = {
            "rates": len(council) + len(provider_rates),
            "providers": len(providers),
            "personal_assistants": len(pas),
            "checks": len(checks),
        }
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            object_type="seed_market",
            summary=f"Seeded {len(providers)} providers and {len(pas)} personal assistants",
            changes={**counts, "seed": seed, "as_of": str(today)},
        )
    return counts


def reset_arrangements() -> None:
    """Remove every arrangement and employer's liability insurance policy (they refer to plan lines and people).
    For demo databases only, before plans and people are reset."""
    Arrangement.objects.all().delete()
    EmployerInsurance.objects.all().delete()


def reset_market() -> None:
    """Remove the whole market: arrangements and insurance, PAs with their checks, rates and providers. For demo
    databases only, after plans are reset (plan lines name providers, PAs and rates)."""
    reset_arrangements()
    PaCheck.objects.all().delete()
    PersonalAssistant.objects.all().delete()
    Rate.objects.all().delete()
    Provider.objects.all().delete()
