"""The demo directory for the synthetic town of Northmoor: postcode centroids for its fictional NM postcodes, and
about forty community services run by local charities and groups, plus every care provider and support-planning
organisation (listed by the sync from the market).

NM is not a real postcode area. Its centroids are made up but plausible: the town sits at about 53.70 N, 1.95 W
(a Pennine town), NM1-NM5 north of the centre and NM6-NM9 south, each district about 1-2 km across and each
sector (the digit after the space) a few hundred metres from its district's centre. The guides and the taxonomy
come from migration 0002, so they are not made here.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from selfdirect.core.audit import audit_record
from selfdirect.core.models import AuditEvent
from selfdirect.people.seeding import INWARD_LETTERS, OUTWARD_NORTH, OUTWARD_SOUTH, TOWN

from .models import Contact, CostOption, Location, Organisation, Postcode, RegularSchedule, Service, Taxonomy
from .reference_data import taxonomy_code
from .services import directory_sync_from_market

SOURCE = "synthetic"
TOWN_CENTRE = (53.700, -1.950)
# Each district's centre as (north, east) offsets in km from the town centre.
DISTRICT_OFFSETS_KM = {
    "NM1": (0.4, 0.1), "NM2": (1.6, -1.2), "NM3": (2.2, 0.9), "NM4": (1.1, 2.3), "NM5": (3.4, -0.3),
    "NM6": (-0.6, -0.4), "NM7": (-1.9, 1.1), "NM8": (-2.4, -1.6), "NM9": (-3.6, 0.4),
}  # fmt: skip
KM_PER_DEGREE_LAT = 111.2


def _point(district: str, sector: int) -> tuple[float, float]:
    north, east = DISTRICT_OFFSETS_KM[district]
    # Sectors spread round the district centre on a small circle, so neighbours are a few hundred metres apart.
    north += 0.35 * ((sector % 3) - 1)
    east += 0.35 * ((sector // 3) % 3 - 1)
    lat = TOWN_CENTRE[0] + north / KM_PER_DEGREE_LAT
    lon = TOWN_CENTRE[1] + east / (KM_PER_DEGREE_LAT * 0.6626)  # cos(53.7°)
    return round(lat, 6), round(lon, 6)


def sector_centroids() -> list[Postcode]:
    """One made-up centroid postcode per sector ("NM1 0AA" ... "NM9 9AA"): a full postcode we do not hold is
    placed at its sector's centroid (selectors.postcode_locate)."""
    return [
        Postcode(postcode=f"{d} {s}AA", latitude=lat, longitude=lon, source=SOURCE)
        for d in OUTWARD_NORTH + OUTWARD_SOUTH
        for s in range(10)
        for lat, lon in [_point(d, s)]
    ]


# (organisation, [(service name, terms, description, eligibility, cost, attending, access, [(day, open, close,
#   note)], accessibility, languages)])
D = "drop-in"
A = "appointment"
R = "referral"
V = "venue"
P = "phone"
H = "home visit"
STEP_FREE = "Step-free entrance\nAccessible toilet"
LOOP = "Step-free entrance\nAccessible toilet\nHearing loop"

ORGANISATIONS = [
    ("Age Concern Northmoor", "A local charity for older people in Northmoor.", [
        ("Moorside Lunch Club", ["lunch-clubs", "loneliness"], "A two-course hot lunch and a chat, with a quiz or "
         "music afterwards. Special diets are catered for if you tell us a week before.", "People aged 60 and over.",
         "£4.50 a meal", V, D, [("TU", "12:00", "14:00", ""), ("TH", "12:00", "14:00", "")], LOOP, []),
        ("Castle Street Lunch Club", ["lunch-clubs"], "A hot lunch in the church hall, then tea and cake. "
         "Transport can be arranged if you cannot get there.", "Older people and carers.", "£5 a meal", V, D,
         [("WE", "12:00", "14:00", "")], STEP_FREE, []),
        ("Telephone friends", ["loneliness"], "A friendly volunteer rings you at the same time each week for a chat.",
         "Anyone aged 60 and over who feels lonely.", "Free", P, R, [], "", ["English", "Urdu", "Polish"]),
        ("Home visiting befriending", ["loneliness"], "A volunteer visits you at home for an hour each week. They "
         "can help you get out to the shops or the park.", "Older people who live alone.", "Free", H, R, [], "", []),
        ("Help with forms", ["advice"], "Help to fill in forms for benefits like Attendance Allowance and Pension "
         "Credit.", "People aged 60 and over.", "Free", V, A, [("MO", "10:00", "15:00", "")], STEP_FREE, []),
    ]),
    ("Northmoor Carers' Centre", "Support, advice and breaks for unpaid carers in Northmoor.", [
        ("Carers' drop-in", ["carers"], "Come for a cup of tea and advice. Meet other carers and find out about "
         "breaks, carer's assessments and money.", "Anyone who looks after a family member or friend.", "Free", V, D,
         [("MO", "10:00", "13:00", ""), ("FR", "10:00", "13:00", "")], LOOP, []),
        ("Carers' sitting service", ["carers"], "A trained volunteer sits with the person you care for, so you can "
         "have a few hours for yourself.", "Carers who have had a carer's assessment.", "Free", H, R, [], "", []),
        ("Young adult carers group", ["carers", "mental-health"], "A group for carers aged 18 to 25 to meet, relax "
         "and get support.", "Carers aged 18 to 25.", "Free", V, D, [("WE", "17:00", "19:00", "")], STEP_FREE, []),
        ("Carers' emergency card", ["carers"], "A card you carry that tells people you are a carer, and who to call "
         "if something happens to you.", "Unpaid carers living in Northmoor.", "Free", P, A, [], "", []),
    ]),
    ("Northmoor Advocacy Hub", "Independent advocacy for adults in Northmoor.", [
        ("Care Act advocacy", ["advocacy"], "An independent advocate helps you take part in your assessment, your "
         "support plan and your review. They make sure your views are heard.", "Adults who would have substantial "
         "difficulty being involved, and have no one suitable to help.", "Free", H, R, [], "", ["English", "BSL"]),
        ("Self-advocacy group", ["advocacy", "day-opportunities"], "A group of people with learning disabilities "
         "who meet to speak up together about local services.", "Adults with a learning disability.", "Free", V, D,
         [("TH", "13:30", "15:30", "")], LOOP, []),
        ("Advocacy advice line", ["advocacy"], "Ring us to find out if an advocate can help you.", "Anyone in "
         "Northmoor.", "Free", P, D, [("MO", "09:00", "17:00", ""), ("WE", "09:00", "17:00", "")], "", []),
    ]),
    ("Moorside Dementia Friends", "A volunteer group supporting people living with dementia and their families.", [
        ("Memory Café", ["dementia", "loneliness", "carers"], "A relaxed café for people with memory problems and "
         "the people who care for them. Music, games and advice.", "People living with dementia and their carers.",
         "Free, donations welcome", V, D, [("TU", "14:00", "16:00", "First Tuesday of the month")], LOOP, []),
        ("Singing for the Brain", ["dementia", "day-opportunities"], "Singing songs you know, warm-ups and a cup of "
         "tea. No singing skills needed.", "People living with dementia and a friend or carer.", "£2 a session", V, D,
         [("FR", "10:30", "12:00", "")], STEP_FREE, []),
        ("Dementia advice clinic", ["dementia", "advice"], "Talk to a dementia adviser about diagnosis, planning "
         "ahead and support.", "Anyone affected by dementia.", "Free", V, A, [("TH", "10:00", "12:00", "")],
         STEP_FREE, []),
    ]),
    ("Northmoor Shopmobility", "Mobility scooters and wheelchairs to borrow in the town centre.", [
        ("Shopmobility scooter hire", ["transport", "equipment"], "Borrow a mobility scooter or wheelchair to get "
         "round the town centre shops.", "Anyone with limited mobility. Bring ID the first time.", "£3 a day", V, D,
         [("MO", "09:30", "16:30", ""), ("TU", "09:30", "16:30", ""), ("WE", "09:30", "16:30", ""),
          ("TH", "09:30", "16:30", ""), ("FR", "09:30", "16:30", ""), ("SA", "09:30", "15:00", "")],
         "Step-free entrance\nRamp to the car park", []),
    ]),
    ("Northmoor Community Transport", "Door-to-door minibuses for people who cannot use buses.", [
        ("Dial-a-ride", ["transport"], "A minibus picks you up at home and takes you to the shops, a lunch club or "
         "appointments. Book a day ahead.", "People who find it hard to use buses.", "£2.50 a trip", P, A,
         [("MO", "09:00", "16:00", "Bookings by phone")], "", []),
        ("Hospital car scheme", ["transport"], "Volunteer drivers take you to hospital appointments.", "People with "
         "no other way to get there.", "45p a mile", P, A, [], "", []),
    ]),
    ("Pennine Day Opportunities", "Day activities for adults with learning disabilities and autistic adults.", [
        ("Pennine Arts Studio", ["day-opportunities"], "Painting, pottery and crafts in a friendly studio. Work "
         "towards exhibitions in the town.", "Adults with a learning disability or autism.", "£35 a day, or from "
         "a personal budget", V, A, [("MO", "09:30", "15:30", ""), ("WE", "09:30", "15:30", "")], LOOP, []),
        ("Gardening project", ["day-opportunities", "exercise"], "Grow fruit and vegetables at the community "
         "allotment and sell them at the market.", "Adults with a learning disability.", "£30 a day, or from a "
         "personal budget", V, A, [("TU", "10:00", "15:00", ""), ("TH", "10:00", "15:00", "")],
         "Level paths\nAccessible toilet", []),
        ("Independent living skills", ["day-opportunities"], "Learn to cook, shop, travel by bus and manage money.",
         "Adults aged 18 to 30 with a learning disability.", "£35 a day, or from a personal budget", V, A,
         [("FR", "09:30", "15:00", "")], STEP_FREE, []),
    ]),
    ("Northmoor Direct Payments Support Service", "Independent help to use a direct payment.", [
        ("Direct payments advice", ["personal-budgets"], "Advice on using a direct payment: opening the account, "
         "keeping records and your statements.", "Anyone with, or thinking about, a direct payment.", "Free", V, A,
         [("TU", "09:30", "16:30", "")], STEP_FREE, []),
        ("Payroll for PA employers", ["personal-budgets"], "We work out your personal assistant's pay and tax, and "
         "send the payslips.", "People who employ a personal assistant with a direct payment.", "£12 a month, paid "
         "from the direct payment", P, A, [], "", []),
        ("PA finder", ["personal-budgets", "home-care"], "Help to advertise for and interview a personal assistant.",
         "People with a direct payment.", "Free", P, A, [], "", []),
    ]),
    ("Northmoor Money Advice", "Free, independent advice about money and benefits.", [
        ("Benefits check", ["advice"], "Find out if you are getting all the benefits you could.", "Anyone living in "
         "Northmoor.", "Free", V, A, [("WE", "09:30", "16:00", "")], LOOP, ["English", "Punjabi"]),
    ]),
    ("Moor Lane Community Centre", "A community centre run by local people.", [
        ("Chair-based exercise", ["exercise"], "Gentle exercise to music, sitting down. Good for balance and "
         "strength.", "Anyone who finds exercise hard.", "£2 a session", V, D, [("MO", "11:00", "12:00", "")],
         STEP_FREE, []),
        ("Knit and natter", ["loneliness"], "Knitting, crochet and a chat. Beginners welcome.", "Adults of any age.",
         "Free", V, D, [("TH", "14:00", "16:00", "")], STEP_FREE, []),
        ("Community lunch", ["lunch-clubs", "loneliness"], "A cheap hot lunch cooked by volunteers. Everyone "
         "welcome.", "Anyone.", "£3 a meal", V, D, [("FR", "12:30", "14:00", "")], LOOP, []),
        ("Walking group", ["exercise", "loneliness"], "A slow walk round the park, then a cup of tea.", "Anyone who "
         "can walk for 30 minutes.", "Free", V, D, [("SA", "10:00", "11:30", "")], "", []),
    ]),
    ("Northmoor Mind", "Mental health support in Northmoor.", [
        ("Wellbeing café", ["mental-health", "loneliness"], "A calm place to talk and meet people, with peer "
         "support workers.", "Adults.", "Free", V, D, [("WE", "18:00", "20:00", "")], STEP_FREE, []),
        ("Peer support groups", ["mental-health"], "Groups for anxiety, low mood and hearing voices.", "Adults.",
         "Free", V, R, [("MO", "18:00", "19:30", ""), ("TH", "18:00", "19:30", "")], STEP_FREE, []),
    ]),
    ("Northmoor Independent Living Centre", "Equipment advice and a showroom.", [
        ("Equipment showroom", ["equipment"], "Try out equipment for the home, like bath seats, grab rails and "
         "kitchen aids, and get advice.", "Anyone.", "Free advice. Equipment from the council is free.", V, A,
         [("TU", "10:00", "16:00", ""), ("TH", "10:00", "16:00", "")], LOOP, []),
        ("Pendant alarm service", ["equipment"], "An alarm you wear. Press it and someone answers day or night.",
         "People who live alone or might fall.", "£4.20 a week", H, A, [], "", []),
    ]),
    ("St Mark's Church", "A parish church with community groups.", [
        ("Friendship club", ["loneliness", "lunch-clubs"], "Tea, cake, bingo and a light lunch.", "Older people.",
         "£2", V, D, [("TU", "10:30", "13:00", "")], STEP_FREE, []),
        ("Bereavement group", ["loneliness", "mental-health"], "Meet others who have lost someone close.", "Adults.",
         "Free", V, D, [("WE", "14:00", "15:30", "Second Wednesday of the month")], STEP_FREE, []),
    ]),
    ("Northmoor Sight and Hearing", "Support for people with sight or hearing loss.", [
        ("Sight loss support", ["equipment", "advice"], "Advice, magnifiers and talking books.", "People with sight "
         "loss.", "Free", V, A, [("MO", "10:00", "13:00", "")], "Step-free entrance\nLarge print information", []),
        ("Hearing aid clinic", ["equipment"], "Hearing aid batteries, cleaning and small repairs.", "NHS hearing aid "
         "users.", "Free", V, D, [("FR", "10:00", "12:00", "")], LOOP, []),
    ]),
]  # fmt: skip

STREETS = ("Market Street", "Moor Lane", "Castle Street", "Church Road", "Mill Lane", "Park Road", "High Street",
           "Station Road", "Victoria Road", "Bridge Street")  # fmt: skip
VENUES = ("Community Centre", "Church Hall", "Methodist Hall", "Library", "Resource Centre", "Pavilion")


def _time(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


@transaction.atomic
def seed_directory(*, seed: int = 1) -> dict[str, int]:
    """Make the demo directory (deterministic for a seed). Does nothing and returns {} if it already exists.
    Returns directory_postcodes, directory_organisations, directory_services and directory_synced (care providers
    and planning organisations listed)."""
    if Organisation.objects.filter(source=SOURCE).exists():
        return {}
    rng = random.Random(seed)
    centroids = [c for c in sector_centroids() if not Postcode.objects.filter(postcode=c.postcode).exists()]
    Postcode.objects.bulk_create(centroids)
    terms = {t.code: t for t in Taxonomy.objects.all()}
    checker = get_user_model().objects.filter(username="commissioner").first()
    now, today = timezone.now(), timezone.localdate()
    districts = list(OUTWARD_NORTH + OUTWARD_SOUTH)
    made = 0
    for o_index, (org_name, org_description, services) in enumerate(ORGANISATIONS):
        slug = org_name.lower().replace("'", "").replace(" ", "")[:30]
        org = Organisation.objects.create(
            name=org_name, description=org_description, email=f"info@{slug}.example",
            phone=f"01632 96{rng.randint(1000, 9999)}", source=SOURCE, source_id=f"org-{o_index}",
        )  # fmt: skip
        for s_index, (
            name,
            codes,
            description,
            eligibility,
            cost,
            attending,
            access,
            times,
            access_text,
            langs,
        ) in enumerate(services):
            service = Service.objects.create(
                organisation=org, name=name, description=description, eligibility=eligibility, fees=cost,
                is_free=cost.startswith("Free"), attending_type=attending, attending_access=access,
                phone=org.phone, email=org.email, languages=langs, service_area=TOWN, source=SOURCE,
                source_id=f"service-{o_index}-{s_index}",
                review_due=today + datetime.timedelta(days=rng.randint(-40, 330)),
                last_checked_at=(now - datetime.timedelta(days=rng.randint(10, 400))) if rng.random() < 0.8 else None,
                last_checked_by=checker,
            )  # fmt: skip
            service.taxonomies.set([terms[taxonomy_code(c)] for c in codes if taxonomy_code(c) in terms])
            location = None
            if attending == V:
                district = rng.choice(districts)
                sector = rng.randrange(10)
                lat, lon = _point(district, sector)
                # A few hundred metres from the sector centroid, so two venues never sit on the same spot.
                lat += rng.uniform(-0.002, 0.002)
                lon += rng.uniform(-0.003, 0.003)
                postcode = f"{district} {sector}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
                location = Location.objects.create(
                    name=f"{rng.choice(STREETS).split()[0]} {rng.choice(VENUES)}",
                    address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}", town=TOWN, postcode=postcode,
                    latitude=round(lat, 6), longitude=round(lon, 6), accessibility=access_text, source=SOURCE,
                    source_id=f"location-{o_index}-{s_index}",
                )  # fmt: skip
                service.locations.add(location)
            RegularSchedule.objects.bulk_create(
                RegularSchedule(service=service, location=location, weekday=day, opens_at=_time(o), closes_at=_time(c),
                                description=note)
                for day, o, c, note in times
            )  # fmt: skip
            if "£" in cost and "a" in cost:
                amount = cost.split("£")[1].split()[0]
                CostOption.objects.create(service=service, option=cost.split(amount, 1)[1].strip() or "each time",
                                          amount=amount)  # fmt: skip
            Contact.objects.create(service=service, name=f"{name} organiser", phone=org.phone)
            made += 1
    synced = directory_sync_from_market()
    counts = {
        "directory_postcodes": len(centroids),
        "directory_organisations": len(ORGANISATIONS),
        "directory_services": made,
        "directory_synced": synced["added"] + synced["updated"] + synced["unchanged"],
    }
    audit_record(
        actor=None,
        action=AuditEvent.Action.CREATE,
        object_type="seed_directory",
        summary=f"Seeded the directory: {made} community services",
        changes={**counts, "seed": seed},
    )
    return counts


def reset_directory() -> None:
    """Remove the directory's entries and postcodes (demo databases only). The guides and taxonomy stay: they are
    reference data from migration 0002."""
    RegularSchedule.objects.all().delete()
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organisation.objects.all().delete()
    Postcode.objects.all().delete()
