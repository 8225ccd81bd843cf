"""Demo data for information governance: the demo accounts' published authenticator secret (so people trying the
demo sign in without a phone, DEBUG only shows the code) and a few records flagged as staff members or their
relatives, with some openings from outside the caseload so the unusual-access report has something to show.

Runs after people. Safe to re-run: flags already there are kept, demo devices are replaced.
"""

import random

from django.contrib.auth import get_user_model
from django.db import transaction

from selfdirect.core.audit import audit_person_view
from selfdirect.core.second_factor_demo import seed_demo_second_factors
from selfdirect.people.models import Person

from .models import RetentionDecision, SensitiveRecordFlag

K = SensitiveRecordFlag.Kind


@transaction.atomic
def seed_governance(*, seed: int = 1) -> dict[str, int]:
    counts = {"demo_second_factors": seed_demo_second_factors(), "flags": 0, "openings": 0}
    User = get_user_model()
    staff = {u.username: u for u in User.objects.filter(username__in=["assessor", "broker", "admin", "dpo"])}
    if SensitiveRecordFlag.objects.exists() or "dpo" not in staff:
        return counts
    rng = random.Random(seed)
    candidates = list(Person.objects.filter(is_restricted=False, date_of_death__isnull=True).order_by("pk")[:400])
    if len(candidates) < 3:
        return counts
    chosen = rng.sample(candidates, 3)
    flagged = [
        (chosen[0], K.STAFF_MEMBER, staff.get("assessor")),
        (chosen[1], K.STAFF_RELATIVE, staff.get("broker")),
        (chosen[2], K.STAFF_RELATIVE, None),
    ]
    for person, kind, member in flagged:
        SensitiveRecordFlag.objects.create(person=person, kind=kind, staff_member=member, flagged_by=staff["dpo"])
        counts["flags"] += 1
    # The support planner looks up their own relative's record: the report lists it.
    if "broker" in staff:
        audit_person_view(actor=staff["broker"], person=chosen[1], what="Opened the record")
        counts["openings"] += 1
    return counts


def reset_governance() -> None:
    """Before people are deleted: flags and retention decisions refer to them."""
    SensitiveRecordFlag.objects.all().delete()
    RetentionDecision.objects.all().delete()
