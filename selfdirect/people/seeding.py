"""A synthetic council for demos, tests and benchmarks: people, teams, staff, contacts, notes.

Everything is drawn from one random.Random(seed) and one Faker("en_GB") seeded the same way, in a fixed
order, so the same number of people, seed and "as of" date always give the same council.

Distributions come from shared/reference/care-act-and-cld.md section 5 where it has figures; where it has
none the mix is marked ILLUSTRATIVE (a plausible shape chosen for the demo, not a published statistic).

Generation runs in two passes so memory stays flat at 100,000 people: pass 1 draws each person's
"profile" (age, support reason, setting, team...) for everyone, which is enough to size teams and share
out caseloads; pass 2 fills in names, addresses, contacts and notes a chunk at a time and bulk-inserts it.
"""

import bisect
import datetime
import itertools
import random
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from faker import Faker

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.core.progress import Progress
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.rules.nhs_number import nhs_check_digit
from selfdirect.rules.postcode import is_valid_postcode, normalise_postcode
from selfdirect.workforce.models import Team

from .models import Allocation, CaseNote, Contact, ContactMethod, ContactRole, Person, PersonEvent, Relationship
from .services import council_ids

DEMO_PASSWORD = "selfdirect-demo-2026"  # noqa: S105 - published on purpose: it signs in to demo accounts only
# Seeded staff are recognised by this e-mail domain (.example is reserved, RFC 2606), because User has
# no "synthetic" flag; --reset removes only these accounts.
STAFF_EMAIL_DOMAIN = "staff.northmoor.example"
TOWN = "Northmoor"
CHUNK = 5_000  # people generated and inserted per round: bounds memory, feeds the progress bar
BATCH = 2_000  # rows per statement (or executemany call) when inserting
LONDON = ZoneInfo("Europe/London")


class SeedError(DomainError):
    """The seed cannot run as asked (the message says what to do)."""


class AlreadySeeded(SeedError):
    """People already exist and --reset was not given: nothing is changed."""


# --------------------------------------------------------------------------------------------------
# Reference figures
# --------------------------------------------------------------------------------------------------

YOUNG, OLD = "18-64", "65+"
LD = "Learning Disability Support"
MH = "Mental Health Support"
MC = "Support with Memory & Cognition"

# Section 5.2, LTS001a 2020-21: people in long-term support during the year by age band (totals row).
AGE_BANDS = {YOUNG: 289_695, OLD: 551_550}

# Section 5.2, LTS001a: setting per age band. Using the per-band counts (rather than the all-ages
# 9.1% / 21.1%) keeps care homes mostly for older people while giving the same overall shares.
# The <0.1% in prison are folded into community.
SETTINGS = {
    YOUNG: {"nursing": 7_225, "residential": 36_950, "community": 67_605 + 25_180 + 130_200 + 22_325 + 55 + 150},
    OLD: {"nursing": 69_160, "residential": 140_700, "community": 34_725 + 12_240 + 264_660 + 29_895 + 70 + 105},
}
CARE_HOME_STATUS = {"nursing": "Registered nursing home", "residential": "Registered care home"}

# Section 5.3: primary support reason, long-term support during 2020-21, counts per age band.
PSR = {
    YOUNG: {
        "Physical Support: Access & mobility only": 18_255,
        "Physical Support: Personal care support": 67_700,
        "Sensory Support: Support for visual impairment": 2_065,
        "Sensory Support: Support for hearing impairment": 915,
        "Sensory Support: Support for dual impairment": 635,
        MC: 4_905,
        LD: 133_670,
        MH: 53_785,
        "Social Support: Substance misuse support": 980,
        "Social Support: Asylum seeker support": 95,
        "Social Support: Support for Social Isolation/Other": 6_680,
    },
    OLD: {
        "Physical Support: Access & mobility only": 63_565,
        "Physical Support: Personal care support": 345_005,
        "Sensory Support: Support for visual impairment": 4_415,
        "Sensory Support: Support for hearing impairment": 1_840,
        "Sensory Support: Support for dual impairment": 1_315,
        MC: 74_040,
        LD: 17_895,
        MH: 33_980,
        "Social Support: Substance misuse support": 490,
        "Social Support: Asylum seeker support": 35,
        "Social Support: Support for Social Isolation/Other": 8_965,
    },
}

# ILLUSTRATIVE, not from the reference: settled accommodation of people supported at home.
COMMUNITY_ACCOMMODATION = {
    "older": {
        "Owner occupier or shared ownership scheme": 52,
        "Tenant": 20,
        "Tenant - private landlord": 6,
        "Sheltered housing / extra care housing / other sheltered housing": 15,
        "Settled mainstream housing with family / friends": 7,
    },
    "learning_disability": {
        "Supported accommodation / supported lodgings / supported group home": 35,
        "Settled mainstream housing with family / friends": 35,
        "Tenant": 15,
        "Shared Lives scheme": 7,
        "Tenant - private landlord": 5,
        "Owner occupier or shared ownership scheme": 3,
    },
    "working_age": {
        "Owner occupier or shared ownership scheme": 28,
        "Tenant": 35,
        "Tenant - private landlord": 18,
        "Settled mainstream housing with family / friends": 12,
        "Supported accommodation / supported lodgings / supported group home": 7,
    },
}

# ILLUSTRATIVE: employment. Few adults with a learning disability known to councils are in paid work.
NOT_SEEKING = "Not in Paid Employment (not actively seeking work / retired)"
EMPLOYMENT = {
    "older": {NOT_SEEKING: 93, "Not in Paid Employment (voluntary work only)": 2, "Unknown": 5},
    "learning_disability": {
        NOT_SEEKING: 68,
        "Not in Paid Employment (voluntary work only)": 10,
        "Not in Paid Employment (seeking work)": 8,
        "Paid: Less than 16 hours a week": 6,
        "Paid: 16 or more hours a week": 2,
        "Unknown": 6,
    },
    "working_age": {
        NOT_SEEKING: 55,
        "Not in Paid Employment (seeking work)": 14,
        "Paid: Less than 16 hours a week": 8,
        "Paid: 16 or more hours a week": 8,
        "Not in Paid Employment (voluntary work only)": 4,
        "Unknown": 11,
    },
}

# ILLUSTRATIVE: ethnicity of a mostly White British town, with some people declining to say.
ETHNICITY = {
    "White: English, Welsh, Scottish, Northern Irish or British": 800,
    "White: Irish": 12,
    "White: Any other White background": 40,
    "Mixed or Multiple: White and Black Caribbean": 8,
    "Mixed or Multiple: White and Asian": 6,
    "Mixed or Multiple: Any other Mixed or Multiple background": 4,
    "Asian or Asian British: Indian": 22,
    "Asian or Asian British: Pakistani": 30,
    "Asian or Asian British: Bangladeshi": 8,
    "Asian or Asian British: Chinese": 5,
    "Asian or Asian British: Any other Asian background": 7,
    "Black, Black British, Caribbean or African: African": 15,
    "Black, Black British, Caribbean or African: Caribbean": 12,
    "Other ethnic group: Arab": 3,
    "Other ethnic group: Any other ethnic group": 5,
    "No data: Refused": 10,
    "No data: Undeclared / Not known": 13,
}

# ILLUSTRATIVE shares of people (not from the reference).
FEMALE_SHARE = {YOUNG: 0.50, OLD: 0.58}
UNPAID_CARER_SHARE = 0.45  # of people supported at home
CARE_HOME_FAMILY_SHARE = 0.60  # care home residents with a family member recorded
AUTHORISED_PERSON_SHARE = 0.05
ADVOCATE_SHARE = 0.02
ATTORNEY_SHARE_MEMORY = 0.35  # people whose main need is memory and cognition
DIED_SHARE = 0.03
RESTRICTED_SHARE = 0.01
NO_NHS_NUMBER_SHARE = 0.02
ALLOCATED_SHARE = 0.85  # of living people
WORKER_SHARE = 0.80  # of those allocated
NOTES_SHARE = 0.30
PEOPLE_PER_WORKER = 35
DEMO_CASELOAD = 25

# ILLUSTRATIVE: who the unpaid carer is, by group.
CARER_RELATIONSHIP = {
    "older": {Relationship.SPOUSE: 45, Relationship.DAUGHTER: 30, Relationship.SON: 17, Relationship.NEIGHBOUR: 4,
              Relationship.OTHER_FAMILY: 4},
    "learning_disability": {Relationship.PARENT: 75, Relationship.SIBLING: 20, Relationship.OTHER_FAMILY: 5},
    "working_age": {Relationship.SPOUSE: 45, Relationship.PARENT: 28, Relationship.SIBLING: 10,
                    Relationship.FRIEND: 10, Relationship.DAUGHTER: 4, Relationship.SON: 3},
}  # fmt: skip
FAMILY = {
    Relationship.SPOUSE, Relationship.DAUGHTER, Relationship.SON, Relationship.PARENT, Relationship.SIBLING,
    Relationship.OTHER_FAMILY,
}  # fmt: skip
SAME_SURNAME = {Relationship.SPOUSE: 0.85, Relationship.SON: 0.9, Relationship.DAUGHTER: 0.45,
                Relationship.PARENT: 0.85, Relationship.SIBLING: 0.6, Relationship.OTHER_FAMILY: 0.4}  # fmt: skip

# --------------------------------------------------------------------------------------------------
# The fictional town of Northmoor
# --------------------------------------------------------------------------------------------------

# NM is not a real postcode area, so no generated address can be someone's real one. NM1-NM5 are the
# north of the town (Older People North), NM6-NM9 the south.
OUTWARD_NORTH = ("NM1", "NM2", "NM3", "NM4", "NM5")
OUTWARD_SOUTH = ("NM6", "NM7", "NM8", "NM9")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters the inward code allows (no C, I, K, M, O, V)
STREET_TYPES = ("Road", "Street", "Lane", "Close", "Avenue", "Drive", "Way", "Crescent", "Grove", "Gardens",
                "Terrace", "Court", "View", "Rise")  # fmt: skip
HOME_NAMES = ("Heather", "Moorview", "Ashfield", "Beechwood", "Oakwood", "Willow", "Larkrise", "Bramble",
              "Fernlea", "Highfield", "Meadowbank", "Rowan", "Elmtree", "Hollybank", "Pennine")  # fmt: skip
HOME_KINDS = ("House", "Lodge", "Court", "Grange", "Manor", "View")
GP_PRACTICES = ("Northmoor Health Centre", "Moor Lane Surgery", "Castle Street Medical Practice",
                "Northmoor Riverside Surgery", "Hill Top Family Practice", "Market Square Surgery",
                "Southgate Medical Centre", "Northmoor Park Practice")  # fmt: skip
PROVIDERS = ("Moorside Home Care", "Northmoor Care at Home", "Heatherdale Homecare", "Pennine Support Services",
             "Northmoor Community Support")  # fmt: skip
DAY_SERVICES = ("Northmoor Day Opportunities", "The Mill Day Centre", "Moorside Community Hub")
ADVOCACY_ORGS = ("Northmoor Advocacy Hub", "Moorside Independent Advocacy")
EQUIPMENT = ("perching stool", "raised toilet seat", "key safe", "bed lever", "pendant alarm", "bath lift",
             "walking frame", "profiling bed")  # fmt: skip
COMMUNICATION_NEEDS = {
    "Sensory Support: Support for hearing impairment": ("British Sign Language interpreter", "Uses a hearing loop"),
    "Sensory Support: Support for visual impairment": ("Large print letters", "Letters as audio or by phone"),
    "Sensory Support: Support for dual impairment": ("Deafblind manual; needs a communicator-guide",),
    LD: ("Easy Read documents", "Uses Makaton signs", "Short sentences, one question at a time"),
}
OTHER_COMMUNICATION_NEEDS = ("Interpreter: Punjabi", "Interpreter: Urdu", "Interpreter: Polish", "Large print letters",
                             "Hard of hearing: speak clearly, face to face")  # fmt: skip
NICKNAMES = {"Margaret": "Peggy", "Elizabeth": "Betty", "William": "Bill", "Robert": "Bob", "James": "Jim",
             "Patricia": "Pat", "Katherine": "Kate", "Catherine": "Cathy", "Christopher": "Chris",
             "Michael": "Mike", "Thomas": "Tom", "Joseph": "Joe", "Susan": "Sue", "Victoria": "Vicky",
             "Daniel": "Dan", "Samuel": "Sam", "Jennifer": "Jen", "Edward": "Ted", "Richard": "Dick"}  # fmt: skip
# Ofcom's numbers reserved for drama: 01632 960000-960999 and 07700 900000-900999 are never allocated.
LANDLINE, MOBILE = "01632 960{:03d}", "07700 900{:03d}"


# --------------------------------------------------------------------------------------------------
# Teams and demo staff
# --------------------------------------------------------------------------------------------------

FRONT_DOOR, OP_NORTH, OP_SOUTH = "front-door", "older-people-north", "older-people-south"
LD_TEAM, MH_TEAM, PDS_TEAM, DISCHARGE = (
    "learning-disability",
    "mental-health",
    "physical-disability",
    "hospital-discharge",
)
TEAMS = {
    FRONT_DOOR: ("Front Door and Duty", "First contact, information and advice, and urgent work for anyone new."),
    OP_NORTH: ("Older People North", "Long-term support for people aged 65 and over in NM1 to NM5."),
    OP_SOUTH: ("Older People South", "Long-term support for people aged 65 and over in NM6 to NM9."),
    LD_TEAM: ("Learning Disability", "Adults with a learning disability, including young people moving to adult care."),
    MH_TEAM: ("Mental Health (Working Age)", "Adults aged 18 to 64 whose main need is their mental health."),
    PDS_TEAM: ("Physical Disability and Sensory", "Adults aged 18 to 64 with a physical or sensory impairment."),
    DISCHARGE: ("Hospital Discharge", "Assessment and support to leave Northmoor General Hospital safely."),
}  # fmt: skip
ALLOCATION_REASON = {
    FRONT_DOOR: "New contact: screening and information and advice",
    OP_NORTH: "Long-term support, older people (north of the town)",
    OP_SOUTH: "Long-term support, older people (south of the town)",
    LD_TEAM: "Long-term support, learning disability",
    MH_TEAM: "Long-term support, mental health",
    PDS_TEAM: "Long-term support, physical disability or sensory impairment",
    DISCHARGE: "Assessment for discharge from hospital",
}
# ILLUSTRATIVE: the roles of generated caseholding staff (occupational therapists mostly in PD&S).
CASEHOLDER_ROLES = {Role.SOCIAL_WORKER: 55, Role.ASSESSOR: 25, Role.OCCUPATIONAL_THERAPIST: 12,
                    Role.SUPPORT_PLANNER: 8}  # fmt: skip
PDS_CASEHOLDER_ROLES = {Role.SOCIAL_WORKER: 35, Role.ASSESSOR: 20, Role.OCCUPATIONAL_THERAPIST: 40,
                        Role.SUPPORT_PLANNER: 5}  # fmt: skip


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    first_name: str
    last_name: str
    job_title: str
    teams: tuple[str, ...] = ()


DEMO_USERS = (
    DemoUser("social.worker", Role.SOCIAL_WORKER, "Priya", "Shah", "Social worker", (OP_NORTH,)),
    DemoUser("assessor", Role.ASSESSOR, "Tom", "Walsh", "Social care assessor", (FRONT_DOOR,)),
    DemoUser("ot", Role.OCCUPATIONAL_THERAPIST, "Grace", "Adeyemi", "Occupational therapist", (PDS_TEAM,)),
    DemoUser("broker", Role.SUPPORT_PLANNER, "Dan", "Hughes", "Support planner", (OP_SOUTH,)),
    DemoUser("manager", Role.TEAM_MANAGER, "Helen", "Marsh", "Team manager, Older People North",
             (OP_NORTH, OP_SOUTH, FRONT_DOOR, DISCHARGE)),
    DemoUser("panel", Role.PANEL_MEMBER, "Martin", "Cole", "Funding panel chair"),
    DemoUser("finance", Role.FINANCE_OFFICER, "Ruth", "Evans", "Financial assessment officer"),
    DemoUser("safeguarding", Role.SAFEGUARDING_LEAD, "Aisha", "Rahman", "Safeguarding adults lead"),
    DemoUser("commissioner", Role.COMMISSIONER, "Gareth", "Lloyd", "Commissioning manager"),
    DemoUser("analyst", Role.PERFORMANCE_ANALYST, "Nina", "Kowalski", "Performance analyst"),
    DemoUser("admin", Role.ADMINISTRATOR, "Chris", "Bennett", "System administrator"),
    DemoUser("dpo", Role.DATA_PROTECTION_OFFICER, "Olu", "Bankole", "Data protection officer"),
)  # fmt: skip
SUPERUSERS = {"admin"}

# --------------------------------------------------------------------------------------------------
# Case note templates, written for this demo. {name} is how the person likes to be called.
# Each needs some facts about the person: "carer", "family", "home" (lives at home), "care_home",
# "memory", "ld", or nothing.
# --------------------------------------------------------------------------------------------------

NOTE_TEMPLATES = (
    (CaseNote.Kind.PHONE, "carer", "Call from {rel} about a missed visit",
     "{carer} rang to say {provider} did not arrive for the {slot} call on {weekday}. {name} had no help until "
     "{carer} came round at lunchtime. I called {provider}: a new member of staff had missed the visit off the "
     "rota. They apologised and will record it as a missed visit. I will call {carer} on Friday to check the "
     "calls have been reliable since."),
    (CaseNote.Kind.PHONE, "carer", "Carer finding it hard to cope",
     "{carer} ({rel}) said they are exhausted after several broken nights with {name} and have not had a break "
     "since {month}. Offered a carer's assessment, which {carer} accepted, and gave the number for Northmoor "
     "Carers' Centre. Assessment to be booked this week."),
    (CaseNote.Kind.PHONE, "family", "Hospital admission after a fall",
     "{carer} rang to say {name} was admitted to Northmoor General Hospital after a fall on {weekday}. No bones "
     "broken. The hospital discharge team will be in touch; asked {carer} to let us know when a discharge date "
     "is set."),
    (CaseNote.Kind.VISIT, "home", "Home visit to review support",
     "Visited {name} at home. {name} said the morning calls from {provider} help but the evenings are long and "
     "lonely. The kitchen was tidy and there was food in the fridge. {name} would like to try the Wednesday "
     "lunch club at the library; I will ask the community connector to get in touch."),
    (CaseNote.Kind.VISIT, "care_home", "Visit at {home}",
     "Saw {name} in the lounge at {home}. Staff say {name} is eating well and joins in with the morning "
     "activities. The home's care plan was updated after a fall last month; no new injuries. {name} said the "
     "food is good and the staff are kind."),
    (CaseNote.Kind.VISIT, "", "Joint visit with the district nurse",
     "Joint visit with the district nurse to look at {name}'s pressure care. Skin intact. The nurse will visit "
     "twice a week; carers to help {name} change position at each call and record it on the chart."),
    (CaseNote.Kind.PHONE, "", "Call about the financial assessment",
     "{name} called to ask why a letter about contributions had arrived. Explained that the financial "
     "assessment works out what, if anything, {name} pays towards their support, and that the finance team "
     "can help fill in the form. Sent the form with a stamped addressed envelope."),
    (CaseNote.Kind.EMAIL, "", "Support plan sent",
     "Sent {name} a copy of the agreed support plan in the format they asked for, with the team's number and "
     "the out-of-hours duty number."),
    (CaseNote.Kind.EMAIL, "", "Email from {gp}",
     "{gp} emailed to say {name} has started new medication and may be drowsy for a few days. Passed this on "
     "to the care provider so staff know to take extra care with transfers."),
    (CaseNote.Kind.DECISION, "home", "Interim increase in support agreed",
     "Discussed {name}'s situation with the team manager. Agreed an interim increase of {hours} hours a week "
     "of home support for four weeks while a review is arranged. Brokerage asked to source the extra hours "
     "from {provider}."),
    (CaseNote.Kind.MEETING, "memory", "Best interests meeting",
     "Meeting with {name}, {carer}, the GP and the home care manager about where {name} should live. {name} "
     "could not retain the information about the options long enough to weigh them up (capacity assessment "
     "on file). Those present agreed a short stay at {home} to see how {name} settles is in {name}'s best "
     "interests. {name}'s wish to keep the cat was noted; the family will look after it."),
    (CaseNote.Kind.PHONE, "ld", "Call from {day_service}",
     "{day_service} rang: {name} has not been to the Tuesday session for three weeks. Staff think the new bus "
     "route is the problem. I will talk to {name} and {carer} about travel training."),
    (CaseNote.Kind.OTHER, "home", "Equipment delivered",
     "The community equipment service delivered a {equipment} on {weekday}. {name} is using it with help. "
     "Occupational therapist to check how it is working at the next visit."),
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SLOTS = ("morning", "lunchtime", "teatime", "bedtime")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


class Weighted:
    """A weighted choice that costs one random() and one bisect, for drawing 100,000 times."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, weights: dict):
        self.values = list(weights)
        self.cum = list(itertools.accumulate(weights.values()))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


def reference_date(today: datetime.date | None = None) -> datetime.date:
    """The default "as of" date: the first of this month, so a re-run this month gives the same council."""
    today = today or timezone.localdate()
    return today.replace(day=1)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch == "-")


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A time during the working day (8:30 to 17:30, London time) on `day`."""
    minutes = 510 + rng.randrange(540)
    return datetime.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=LONDON)


def synthetic_nhs_numbers(rng: random.Random, count: int) -> list[str]:
    """`count` distinct valid NHS numbers from 999 000 0000 to 999 999 9999, the range kept for testing
    and never issued to patients. About one in eleven 9-digit stems has no valid check digit."""
    if count > 900_000:
        raise SeedError("At most 900,000 synthetic NHS numbers exist in the test range.")
    stems = rng.sample(range(1_000_000), min(1_000_000, count + count // 8 + 64))
    numbers = []
    for stem in stems:
        first_nine = f"999{stem:06d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            numbers.append(f"{first_nine}{check}")
            if len(numbers) == count:
                return numbers
    raise SeedError("Could not draw enough synthetic NHS numbers.")  # pragma: no cover - sample is ample


# --------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------


class _Profile:
    """What pass 1 decides about a person: enough to size teams and share out caseloads."""

    __slots__ = ("age", "band", "group", "psr", "setting", "accommodation", "employment", "female", "ethnicity",
                 "created", "died", "restricted", "address", "carer", "family", "authorised", "advocate",
                 "attorney", "team", "earlier_front_door", "has_worker", "worker", "notes", "has_nhs")  # fmt: skip


@dataclass
class SeedResult:
    people: int = 0
    teams: int = 0
    staff: int = 0
    contacts: int = 0
    notes: int = 0
    allocations: int = 0
    events: int = 0
    reset: bool = False
    removed_people: int = 0

    def summary_text(self) -> str:
        lines = [f"Removed {self.removed_people:,} existing people."] if self.reset else []
        counts = {"people": self.people, "teams": self.teams, "staff": self.staff, "contacts": self.contacts,
                  "case notes": self.notes, "allocations": self.allocations,
                  "timeline events": self.events}  # fmt: skip
        lines.append(f"Seeded the synthetic council of {TOWN}:")
        lines += [f"  {label:<16}{count:>9,}" for label, count in counts.items()]
        return "\n".join(lines)


@dataclass
class _Staff:
    """Users by team, as ids, for dealing out caseloads and picking note authors."""

    caseholders: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    manager: dict[str, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    demo_worker: int = 0
    count: int = 0


class CouncilGenerator:
    def __init__(self, *, people: int, seed: int, as_of: datetime.date):
        self.n = people
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self._ages = Weighted(AGE_BANDS)
        self._settings = {band: Weighted(w) for band, w in SETTINGS.items()}
        self._psr = {band: Weighted(w) for band, w in PSR.items()}
        self._community = {group: Weighted(w) for group, w in COMMUNITY_ACCOMMODATION.items()}
        self._employment = {group: Weighted(w) for group, w in EMPLOYMENT.items()}
        self._carer_rel = {group: Weighted(w) for group, w in CARER_RELATIONSHIP.items()}
        self._ethnicity = Weighted(ETHNICITY)
        self.team_ids: dict[str, int] = {}  # filled in once the teams exist
        self.team_code: dict[int, str] = {}
        self.staff = _Staff()
        # Weighted Faker surnames cost ~60us each; a pool drawn from Faker keeps its frequencies for free.
        self.surnames = [self.fake.last_name() for _ in range(min(4_000, 200 + people))]
        self._streets()
        self._care_homes()

    # -- the town ---------------------------------------------------------------------------------

    def _postcode(self, outward: str) -> str:
        rng = self.rng
        code = normalise_postcode(
            f"{outward}{rng.randrange(10)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        )
        assert is_valid_postcode(code), code  # a wrong outward code or letter list would be a bug here
        return code

    def _streets(self) -> None:
        rng = self.rng
        outward = OUTWARD_NORTH + OUTWARD_SOUTH
        names = {f"{rng.choice(self.surnames)} {rng.choice(STREET_TYPES)}" for _ in range(max(40, self.n // 60))}
        self.streets = [
            (name, [self._postcode(outward[i % len(outward)]) for _ in range(rng.randint(1, 4))])
            for i, name in enumerate(sorted(names))
        ]

    def _care_homes(self) -> None:
        rng = self.rng
        count = max(3, min(len(HOME_NAMES) * len(HOME_KINDS), self.n // 250))
        names = rng.sample([f"{a} {b}" for a in HOME_NAMES for b in HOME_KINDS], count)
        self.homes = {"nursing": [], "residential": []}
        for i, name in enumerate(names):
            kind = "nursing" if i % 3 == 0 else "residential"
            street, postcodes = rng.choice(self.streets)
            label = "Nursing Home" if kind == "nursing" else "Care Home"
            self.homes[kind].append((f"{name} {label}", f"{rng.randint(1, 200)} {street}", postcodes[0]))

    # -- pass 1: profiles -------------------------------------------------------------------------

    def profiles(self) -> list[_Profile]:
        rng = self.rng
        out = []
        for _ in range(self.n):
            p = _Profile()
            p.band = self._ages.pick(rng)
            # 18-64 spread evenly; 65+ peaking in the 80s and thinning out towards 100 (ILLUSTRATIVE shape).
            p.age = rng.randint(18, 64) if p.band == YOUNG else min(100, int(rng.triangular(65, 101, 84)))
            p.psr = self._psr[p.band].pick(rng)
            p.group = "older" if p.band == OLD else ("learning_disability" if p.psr == LD else "working_age")
            p.setting = self._settings[p.band].pick(rng)
            if p.setting == "community":
                p.accommodation = self._community[p.group].pick(rng)
                street, postcodes = rng.choice(self.streets)
                p.address = (f"{rng.randint(1, 180)} {street}", "", rng.choice(postcodes))
            else:
                p.accommodation = CARE_HOME_STATUS[p.setting]
                p.address = rng.choice(self.homes[p.setting])
            p.employment = self._employment[p.group].pick(rng)
            p.female = rng.random() < FEMALE_SHARE[p.band]
            p.ethnicity = self._ethnicity.pick(rng)
            p.created = self.as_of - datetime.timedelta(days=rng.randint(365, 8 * 365))
            p.died = (
                p.created + datetime.timedelta(days=rng.randint(60, (self.as_of - p.created).days - 1))
                if rng.random() < DIED_SHARE
                else None
            )
            p.restricted = rng.random() < RESTRICTED_SHARE
            at_home = p.setting == "community"
            p.carer = at_home and rng.random() < UNPAID_CARER_SHARE
            p.family = p.carer or (not at_home and rng.random() < CARE_HOME_FAMILY_SHARE)
            p.authorised = at_home and rng.random() < AUTHORISED_PERSON_SHARE
            p.advocate = rng.random() < ADVOCATE_SHARE
            p.attorney = p.psr == MC and rng.random() < ATTORNEY_SHARE_MEMORY
            p.team = self._team_for(p) if rng.random() < ALLOCATED_SHARE else None
            p.has_worker = p.team is not None and rng.random() < WORKER_SHARE
            p.earlier_front_door = p.team not in (None, FRONT_DOOR) and rng.random() < 0.3
            p.worker = None
            p.notes = rng.randint(1, 3) if rng.random() < NOTES_SHARE else 0
            p.has_nhs = rng.random() >= NO_NHS_NUMBER_SHARE
            out.append(p)
        return out

    def _team_for(self, p: _Profile) -> str:
        """The team that would hold this person's case, from their support reason, age and address."""
        roll = self.rng.random()
        if roll < 0.07:
            return FRONT_DOOR  # new or urgent work still with the duty team
        if p.psr == LD:
            return LD_TEAM
        if p.band == OLD:
            if roll < 0.12:
                return DISCHARGE
            return OP_NORTH if p.address[2].split()[0] in OUTWARD_NORTH else OP_SOUTH
        if p.psr in (MH, MC):
            return MH_TEAM
        if p.psr.startswith(("Physical", "Sensory")):
            return PDS_TEAM
        return FRONT_DOOR  # social support needs for working-age adults stay with duty

    # -- staff ------------------------------------------------------------------------------------

    def staff_plan(self, profiles: list[_Profile]) -> list[dict]:
        """Generated practitioners and managers (demo users are separate), with their teams."""
        rng, fake = self.rng, self.fake
        needing = Counter(p.team for p in profiles if p.has_worker and p.died is None)
        workers_total = max(len(TEAMS), round(self.n / PEOPLE_PER_WORKER))
        weight = sum(needing.values()) or 1
        per_team = {code: max(1, round(workers_total * needing[code] / weight)) for code in TEAMS}
        plan = []
        for code in TEAMS:
            roles = Weighted(PDS_CASEHOLDER_ROLES if code == PDS_TEAM else CASEHOLDER_ROLES)
            if code != OP_NORTH:  # the demo manager manages Older People North
                plan.append({"role": Role.TEAM_MANAGER, "teams": [code], "title": f"Team manager, {TEAMS[code][0]}"})
            for _ in range(per_team[code]):
                role = roles.pick(rng)
                teams = [code]
                if rng.random() < 0.1:  # some staff work across two teams
                    teams.append(rng.choice([c for c in TEAMS if c != code]))
                plan.append({"role": role, "teams": teams, "title": Role(role).label})
        for entry in plan:
            female = rng.random() < 0.75  # ILLUSTRATIVE: most of the social care workforce are women
            entry["first_name"] = fake.first_name_female() if female else fake.first_name_male()
            entry["last_name"] = rng.choice(self.surnames)
        return plan

    def deal_caseloads(self, profiles: list[_Profile], staff: _Staff) -> None:
        """Share each team's cases round-robin among its caseholders; the demo social worker gets a fixed
        caseload in Older People North that shows the restricted-record and contact features."""
        rng = self.rng
        by_team = defaultdict(list)
        for p in profiles:
            if p.has_worker and p.died is None:  # the dead hold no caseload (see allocations())
                by_team[p.team].append(p)
        for code, people in by_team.items():
            holders = [u for u in staff.caseholders[code] if u != staff.demo_worker]
            rng.shuffle(holders)
            if code == OP_NORTH:
                demo = people[:DEMO_CASELOAD]
                for p in demo:
                    p.worker = staff.demo_worker
                self._showcase(demo)
                people = [p for p in people if p.worker is None]
            for i, p in enumerate(people):
                p.worker = holders[i % len(holders)]

    @staticmethod
    def _showcase(caseload: list[_Profile]) -> None:
        """Make sure the demo caseload has a restricted record, an authorised person and an advocate."""
        for flag, person in zip(("restricted", "authorised", "advocate"), caseload, strict=False):
            if not any(getattr(p, flag) for p in caseload):
                setattr(person, flag, True)

    # -- pass 2: records --------------------------------------------------------------------------
    # Rows are plain dicts of column values (see _Table); only case notes are model instances, because
    # their ids are needed for the timeline and bulk_create returns them on every database.

    def person(self, p: _Profile, council_id: str, nhs_number: str | None) -> dict:
        rng, fake = self.rng, self.fake
        first = fake.first_name_female() if p.female else fake.first_name_male()
        last = rng.choice(self.surnames)
        # Any day that makes the person exactly p.age on the "as of" date.
        earliest = _years_before(self.as_of, p.age + 1) + datetime.timedelta(days=1)
        latest = _years_before(self.as_of, p.age)
        born = earliest + datetime.timedelta(days=rng.randrange((latest - earliest).days + 1))
        needs = COMMUNICATION_NEEDS.get(p.psr)
        if needs and rng.random() < 0.5:
            communication = rng.choice(needs)
        elif rng.random() < 0.03:
            communication = rng.choice(OTHER_COMMUNICATION_NEEDS)
        else:
            communication = ""
        phone = ""
        if p.setting == "community" and rng.random() < 0.8:
            phone = (MOBILE if p.band == YOUNG or rng.random() < 0.3 else LANDLINE).format(rng.randrange(1000))
        email = ""
        if rng.random() < (0.2 if p.band == YOUNG else 0.05):
            email = f"{_ascii_slug(first)}.{_ascii_slug(last)}{rng.randrange(100)}@example.com"
        if p.carer and rng.random() < 0.3:
            method = ContactMethod.THROUGH_CONTACT
        elif email and rng.random() < 0.5:
            method = ContactMethod.EMAIL
        elif phone:
            method = ContactMethod.TEXT if phone.startswith("07") and rng.random() < 0.3 else ContactMethod.PHONE
        else:
            method = ContactMethod.LETTER
        alive = p.died is None
        line1, line2, postcode = p.address  # for a care home: its name, then its street
        return {
            "council_id": council_id,
            "first_name": first,
            "last_name": last,
            "preferred_name": NICKNAMES.get(first, "") if rng.random() < 0.4 else "",
            "date_of_birth": born,
            "nhs_number": nhs_number,
            "gender": "Female" if p.female else "Male",
            "ethnicity": p.ethnicity,
            "accommodation_status": p.accommodation,
            "employment_status": p.employment,
            "primary_support_reason": p.psr,
            "address_line_1": line1,
            "address_line_2": line2,
            "town": TOWN,
            "postcode": postcode,
            "phone": phone,
            "email": email,
            "preferred_contact_method": method.value,
            "communication_needs": communication,
            "gp_practice_name": rng.choice(GP_PRACTICES),
            "date_of_death": p.died,
            "is_restricted": p.restricted,
            "allocated_team_id": self.team_ids[p.team] if alive and p.team else None,
            "allocated_worker_id": p.worker if alive else None,
            "created_at": _at(p.created, rng),
        }

    def _contact(self, p: _Profile, person: dict, relationship: Relationship, *, at, **roles) -> dict:
        rng, fake = self.rng, self.fake
        if relationship == Relationship.SPOUSE:
            female = not p.female if rng.random() < 0.95 else p.female
        else:
            female = {Relationship.DAUGHTER: True, Relationship.SON: False}.get(relationship, rng.random() < 0.55)
        first = fake.first_name_female() if female else fake.first_name_male()
        last = person["last_name"] if rng.random() < SAME_SURNAME.get(relationship, 0.0) else rng.choice(self.surnames)
        lives_with = p.setting == "community" and (
            relationship == Relationship.SPOUSE
            or (
                relationship == Relationship.PARENT
                and p.accommodation == "Settled mainstream housing with family / friends"
            )
        )
        address = ", ".join(filter(None, (person["address_line_1"], TOWN, person["postcode"])))
        return {
            "name": f"{first} {last}",
            "relationship": relationship.value,
            "is_family": relationship in FAMILY,
            "phone": MOBILE.format(rng.randrange(1000)),
            "address": address if lives_with else "",
            "lives_with_person": lives_with,
            "created_at": at,
            **roles,
        }

    def contacts(self, p: _Profile, person: dict) -> list[dict]:
        rng = self.rng
        out = []
        at = _at(p.created + datetime.timedelta(days=rng.randint(1, 20)), rng)
        if p.family:
            if p.carer:
                relationship = self._carer_rel[p.group].pick(rng)
            else:
                relationship = rng.choice((Relationship.DAUGHTER, Relationship.SON, Relationship.SPOUSE))
            out.append(
                self._contact(p, person, relationship, at=at, is_unpaid_carer=p.carer, is_emergency_contact=True)
            )
        if p.authorised or p.attorney:
            # Usually the same relative takes on these roles; otherwise another family member does.
            if out and out[0]["is_family"]:
                holder = out[0]
            else:
                holder = self._contact(p, person, rng.choice((Relationship.DAUGHTER, Relationship.SON)), at=at)
                out.append(holder)
            holder["is_authorised_person"] = p.authorised
            holder["is_attorney"] = p.attorney
        if p.advocate:
            org = rng.choice(ADVOCACY_ORGS)
            advocate = self._contact(p, person, Relationship.PROFESSIONAL, at=at, is_advocate=True, organisation=org)
            advocate["phone"] = LANDLINE.format(rng.randrange(1000))
            advocate["email"] = f"{_ascii_slug(advocate['name'].split()[0])}@{_ascii_slug(org)}.example"
            out.append(advocate)
        return out

    def note(self, p: _Profile, person: dict, contacts: list[dict], author: int) -> CaseNote:
        rng = self.rng
        family = next((c for c in contacts if c["is_family"]), None)
        facts = {"": True, "family": family is not None, "carer": bool(family and family.get("is_unpaid_carer")),
                 "home": p.setting == "community", "care_home": p.setting != "community", "memory": p.psr == MC,
                 "ld": p.psr == LD}  # fmt: skip
        kind, _, subject, text = rng.choice([t for t in NOTE_TEMPLATES if facts[t[1]]])
        end = p.died or self.as_of - datetime.timedelta(days=1)
        day = p.created + datetime.timedelta(days=rng.randint(1, max(1, (end - p.created).days)))
        values = {
            "name": person["preferred_name"] or person["first_name"],
            "carer": family["name"].split()[0] if family else "the family",
            "rel": Relationship(family["relationship"]).label.lower() if family else "family",
            "provider": rng.choice(PROVIDERS),
            "day_service": rng.choice(DAY_SERVICES),
            "gp": person["gp_practice_name"],
            "home": p.address[0] if p.setting != "community" else rng.choice(self.homes["residential"])[0],
            "equipment": rng.choice(EQUIPMENT),
            "weekday": rng.choice(WEEKDAYS),
            "slot": rng.choice(SLOTS),
            "month": MONTHS[(day.month - 3) % 12],
            "hours": rng.choice((3, 4, 5, 7)),
        }
        return CaseNote(
            kind=kind,
            occurred_on=day,
            subject=subject.format(**values),
            text=text.format(**values),
            author_id=author,
            created_at=_at(day, rng),
        )

    def allocations(self, p: _Profile) -> list[dict]:
        """The allocation history, oldest first; the last is current unless the person has died."""
        if p.team is None:
            return []
        rng = self.rng
        start = p.created + datetime.timedelta(days=rng.randint(1, 3))
        out = []
        if p.earlier_front_door:
            out.append(self._allocation(FRONT_DOOR, None, start))
            start += datetime.timedelta(days=rng.randint(7, 90))
        worker = p.worker
        if p.died is not None and p.has_worker:
            worker = rng.choice(self.staff.caseholders[p.team])
        out.append(self._allocation(p.team, worker, min(start, (p.died or self.as_of) - datetime.timedelta(1))))
        for earlier, later in itertools.pairwise(out):
            earlier["ended_at"] = later["started_at"]
        if p.died is not None:
            out[-1]["ended_at"] = max(out[-1]["started_at"], _at(p.died, rng))
        return out

    def _allocation(self, team: str, worker: int | None, day: datetime.date) -> dict:
        return {
            "team_id": self.team_ids[team],
            "worker_id": worker,
            "reason": ALLOCATION_REASON[team],
            "started_at": _at(day, self.rng),
            "ended_at": None,
            "allocated_by_id": self.staff.manager[team],
        }

    def events(self, p: _Profile, person: dict, creator: int, contacts, allocations, notes) -> list[dict]:
        """Timeline entries worded as the services word them, so seeded and real records look alike."""
        made = [_event(PersonEvent.Type.CREATED, person["created_at"], "Record created", creator)]
        for c in contacts:
            roles = ", ".join(ContactRole(r).label for r, name in Contact.ROLE_FIELDS.items() if c.get(name))
            made.append(_event(PersonEvent.Type.CONTACT_ADDED, c["created_at"], f"Contact added: {c['name']}", creator,
                               roles))  # fmt: skip
        for a in allocations:
            team, worker = TEAMS[self.team_code[a["team_id"]]][0], a["worker_id"]
            who = f"{team}, {self.staff.names[worker]}" if worker else f"{team} (no worker yet)"
            made.append(_event(PersonEvent.Type.ALLOCATED, a["started_at"], f"Allocated to {who}", a["allocated_by_id"],
                               a["reason"]))  # fmt: skip
        for n in notes:
            title = f"{n.get_kind_display()}: {n.subject}"
            made.append(_event(PersonEvent.Type.NOTE_ADDED, n.created_at, title, n.author_id, n.text, note_id=n.pk))
        if p.died is not None:
            made.append(_event(PersonEvent.Type.DETAILS_CHANGED, _at(p.died, self.rng), "Details changed", creator,
                               "Changed: Date of death"))  # fmt: skip
        return made


def _event(type: PersonEvent.Type, at, title: str, actor: int, detail: str = "", note_id: int | None = None) -> dict:
    return {"type": type.value, "occurred_at": at, "title": title, "actor_id": actor, "detail": detail,
            "note_id": note_id}  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Writing it to the database
# --------------------------------------------------------------------------------------------------


class _Table:
    """Rows for one table, written with COPY on PostgreSQL and executemany elsewhere.

    bulk_create prepares every value through its model field, which at half a million rows costs more
    than generating them, and sends one INSERT per few thousand rows; these rows are already plain
    values, so only dates and times need adapting (for SQLite) before they go straight to the driver."""

    def __init__(self, model):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        qn = connection.ops.quote_name
        # Names come from the model's own metadata, quoted; the values go in as parameters.
        table, columns = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        self._index = {f.attname: i for i, f in enumerate(fields)}
        now = timezone.now()
        # Unset columns take the field's default; auto_now columns take the time of the seed.
        self._template = [now if getattr(f, "auto_now", False) else f.get_default() for f in fields]
        adapters = {
            "DateTimeField": connection.ops.adapt_datetimefield_value,
            "DateField": connection.ops.adapt_datefield_value,
        }
        self._adapt = [
            (i, adapters[f.get_internal_type()]) for i, f in enumerate(fields) if f.get_internal_type() in adapters
        ]
        self.rows: list[list] = []
        self.written = 0

    def add(self, values: dict, **more) -> None:
        row = self._template.copy()
        index = self._index
        for name, value in itertools.chain(values.items(), more.items()):
            row[index[name]] = value
        self.rows.append(row)

    def flush(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # psycopg adapts dates and aware datetimes itself; COPY is several times faster than INSERT.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                for row in self.rows:
                    for i, adapt in self._adapt:
                        if row[i] is not None:
                            row[i] = adapt(row[i])
                for start in range(0, len(self.rows), BATCH):
                    cursor.executemany(self.insert_sql, self.rows[start : start + BATCH])
        self.written += len(self.rows)
        self.rows.clear()


def _seed_users():
    return get_user_model().objects.filter(email__iendswith=f"@{STAFF_EMAIL_DOMAIN}")


def _dependants(model) -> set:
    """`model` and every model (including many-to-many tables) whose rows refer to it, directly or not."""
    from django.apps import apps

    # Every concrete foreign key, hidden reverse relations (related_name="+") included.
    referrers: dict = {}
    for candidate in apps.get_models(include_auto_created=True):
        for fk in candidate._meta.concrete_fields:
            if fk.is_relation and fk.related_model is not None:
                referrers.setdefault(fk.related_model, set()).add(candidate)
    seen, todo = set(), [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo += list(referrers.get(current, ()))
    return seen


def _delete_people() -> None:
    tables = _dependants(Person)
    others = tables - {Person, Contact, Allocation, CaseNote, PersonEvent}
    if connection.vendor == "postgresql" and not any(m._base_manager.exists() for m in others):
        # Nothing else holds data about these people, so emptying the tables is the same as deleting
        # the rows, without PostgreSQL checking every foreign key row by row (half a minute at 100,000).
        # No CASCADE: if a table outside this list referred to them, PostgreSQL would refuse.
        # TRUNCATE refuses while deferred foreign-key checks are pending in this transaction: run them now.
        connection.check_constraints()
        for sql in connection.ops.sql_flush(no_style(), [m._meta.db_table for m in tables]):
            with connection.cursor() as cursor:
                cursor.execute(sql)
        return
    # Children first, so deleting people does not have to gather 100,000 records' related rows. Other
    # apps' records about people go the way their on_delete says (PROTECT refuses, see _reset).
    for model in (PersonEvent, CaseNote, Contact, Allocation, Person):
        model.objects.all().delete()


def _reset() -> int:
    """Delete every person (with contacts, notes, timeline, allocations), the seeded teams, and seeded staff
    who have no audit history. Staff with audit events stay (the audit log is append-only and refers to
    them) and are re-used."""
    real = Person.objects.exclude(nhs_number__startswith="999").exclude(nhs_number__isnull=True)
    if real.exists():
        raise SeedError(
            "Refusing to reset: some people have NHS numbers outside the 999 test range, so this database "
            "holds real records. --reset is only for synthetic demo councils."
        )
    removed = Person.objects.count()
    try:
        _delete_people()
        Team.objects.filter(code__in=TEAMS).delete()
        _seed_users().filter(audit_events__isnull=True).delete()
    except ProtectedError as exc:
        names = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        raise SeedError(
            f"Refusing to reset: other records still refer to the seeded data ({', '.join(names)}). Delete those first."
        ) from exc
    return removed


def _teams() -> dict[str, int]:
    existing = {t.code: t for t in Team.objects.filter(code__in=TEAMS)}
    new = [Team(code=code, name=name, description=desc) for code, (name, desc) in TEAMS.items() if code not in existing]
    for team in Team.objects.bulk_create(new):
        existing[team.code] = team
    return {code: team.pk for code, team in existing.items()}


def _users(gen: CouncilGenerator, plan: list[dict]) -> _Staff:
    """Create the demo users and the generated staff, re-using seeded accounts kept for their audit history."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    kept = {u.username: u for u in _seed_users()}
    taken = set(User.objects.exclude(pk__in=[u.pk for u in kept.values()]).values_list("username", flat=True))
    clash = sorted(taken & {d.username for d in DEMO_USERS})
    if clash:
        raise SeedError(
            f"The demo username(s) {', '.join(clash)} already belong to accounts the seed did not create. "
            "Rename those accounts, or seed an empty database."
        )
    specs = [
        {"username": d.username, "role": d.role, "first_name": d.first_name, "last_name": d.last_name,
         "title": d.job_title, "teams": list(d.teams)}
        for d in DEMO_USERS
    ]  # fmt: skip
    used = taken | {d.username for d in DEMO_USERS}
    for entry in plan:
        base = f"{_ascii_slug(entry['first_name'])}.{_ascii_slug(entry['last_name'])}"
        username = next(f"{base}{i or ''}" for i in itertools.count() if f"{base}{i or ''}" not in used)
        used.add(username)
        specs.append({**entry, "username": username})
    users, new, reused = [], [], []
    for spec in specs:
        user = kept.pop(spec["username"], None) or User(username=spec["username"])
        user.first_name, user.last_name = spec["first_name"], spec["last_name"]
        user.email = f"{spec['username']}@{STAFF_EMAIL_DOMAIN}"
        user.role, user.job_title, user.password, user.is_active = spec["role"], spec["title"], password, True
        user.is_staff = user.is_superuser = spec["username"] in SUPERUSERS
        if user.pk is None:
            new.append(user)
        else:
            user.save()
            reused.append(user.pk)
        users.append(user)
    User.objects.bulk_create(new, batch_size=BATCH)
    if kept:  # seeded accounts from an earlier seed that this one does not use: keep for audit, switch off
        User.objects.filter(pk__in=[u.pk for u in kept.values()]).update(is_active=False)
    Membership = Team.members.through
    Membership.objects.filter(user_id__in=reused).delete()
    Membership.objects.bulk_create(
        [Membership(team_id=gen.team_ids[code], user_id=u.pk) for u, s in zip(users, specs, strict=True)
         for code in s["teams"]],
        batch_size=BATCH,
    )  # fmt: skip
    staff = _Staff(count=len(users))
    for user, spec in zip(users, specs, strict=True):
        staff.names[user.pk] = user.get_full_name()
        if user.role == Role.TEAM_MANAGER:
            staff.manager.setdefault(spec["teams"][0], user.pk)
        elif user.role in (Role.SOCIAL_WORKER, Role.ASSESSOR, Role.OCCUPATIONAL_THERAPIST, Role.SUPPORT_PLANNER):
            for code in spec["teams"]:
                staff.caseholders[code].append(user.pk)
        if spec["username"] == "social.worker":
            staff.demo_worker = user.pk
    return staff


def _write_chunk(gen: CouncilGenerator, chunk: list[_Profile], ids, nhs, tables: dict) -> int:
    """Generate and insert one chunk of people with everything about them; returns the number of notes."""
    people, contacts, allocations, events = (tables[m] for m in (Person, Contact, Allocation, PersonEvent))
    rows = [gen.person(p, next(ids), next(nhs) if p.has_nhs else None) for p in chunk]
    for row in rows:
        people.add(row)
    before = Person.objects.aggregate(last=Max("pk"))["last"] or 0
    people.flush()
    # New rows take ids above any existing one; matching on council ID ignores anyone else's inserts.
    pks = dict(Person.objects.filter(pk__gt=before).values_list("council_id", "pk"))
    front_door = gen.staff.caseholders[FRONT_DOOR]
    drafted, notes = [], []
    for p, row in zip(chunk, rows, strict=True):
        mine = gen.contacts(p, row)
        history = gen.allocations(p)
        authors = [p.worker] if p.worker else gen.staff.caseholders.get(p.team) or front_door
        written = [gen.note(p, row, mine, gen.rng.choice(authors)) for _ in range(p.notes)]
        for note in written:
            note.person_id = pks[row["council_id"]]
        notes += written
        drafted.append((p, row, gen.rng.choice(front_door), mine, history, written))
    CaseNote.objects.bulk_create(notes, batch_size=BATCH)  # gives the notes ids for the timeline
    for p, row, creator, mine, history, written in drafted:
        pk = pks[row["council_id"]]
        for contact in mine:
            contacts.add(contact, person_id=pk)
        for allocation in history:
            allocations.add(allocation, person_id=pk)
        for event in gen.events(p, row, creator, mine, history, written):
            events.add(event, person_id=pk)
    for table in (contacts, allocations, events):
        table.flush()
    return len(notes)


def seed_council(
    *,
    people: int,
    seed: int = 1,
    reset: bool = False,
    as_of: datetime.date | None = None,
    progress_stream=None,
) -> SeedResult:
    """Create a synthetic council in one transaction. Raises AlreadySeeded when people exist and not `reset`."""
    if people < 1:
        raise SeedError("Ask for at least one person.")
    result = SeedResult(reset=reset)
    with transaction.atomic():
        if reset:
            result.removed_people = _reset()
        elif Person.objects.exists():
            raise AlreadySeeded("The council is already seeded: people exist. Nothing was changed (use --reset).")
        gen = CouncilGenerator(people=people, seed=seed, as_of=as_of or reference_date())
        profiles = gen.profiles()
        gen.team_ids = _teams()
        gen.team_code = {pk: code for code, pk in gen.team_ids.items()}
        gen.staff = _users(gen, gen.staff_plan(profiles))
        gen.deal_caseloads(profiles, gen.staff)
        nhs = iter(synthetic_nhs_numbers(gen.rng, sum(p.has_nhs for p in profiles)))
        ids = iter(council_ids(people))
        tables = {model: _Table(model) for model in (Person, Contact, Allocation, PersonEvent)}
        with Progress(
            people, label="Seeding people", stream=progress_stream, enabled=progress_stream is not None
        ) as bar:
            for start in range(0, people, CHUNK):
                chunk = profiles[start : start + CHUNK]
                result.notes += _write_chunk(gen, chunk, ids, nhs, tables)
                bar.advance(len(chunk))
        result.people = tables[Person].written
        result.contacts = tables[Contact].written
        result.allocations = tables[Allocation].written
        result.events = tables[PersonEvent].written
        result.teams = len(gen.team_ids)
        result.staff = gen.staff.count
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            object_type="seed_council",
            summary=f"Seeded {people} synthetic people",
            changes={"people": people, "seed": seed, "reset": reset, "as_of": str(gen.as_of), "teams": result.teams,
                     "staff": result.staff, "contacts": result.contacts, "notes": result.notes},
        )  # fmt: skip
    return result


def demo_logins_text() -> str:
    """The demo sign-ins as a plain-text table, read from the database so any command can print it."""
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS])
             .prefetch_related("teams")}  # fmt: skip
    if not users:
        return "No demo accounts yet: run `python manage.py seed_council`."
    rows = [("Username", "Role", "Teams")]
    for d in DEMO_USERS:
        if user := users.get(d.username):
            teams = ", ".join(t.name for t in user.teams.all()) or "-"
            rows.append((d.username, Role(user.role).label if user.role else "-", teams))
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip() for a, b, c in rows]
    lines.insert(1, f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * 5}")
    from selfdirect.core.second_factor_demo import demo_second_factor_text

    return "\n".join([f"Demo sign-ins (password for every account: {DEMO_PASSWORD})", *lines, "",
                      demo_second_factor_text()])  # fmt: skip
