"""Whether a personal assistant's checks are current, and whether the council's policy lets them start.

Pure rules, no Django. What a complete set of checks is (reference: PRODUCT requirement 4 and issue 5):
- an enhanced DBS check with the adult barred list: a certificate number, an issue date within the council's
  re-check period, unless the PA subscribes to the DBS Update Service (then the certificate stays current
  while the subscription does: the council records when it last looked at the status);
- two references;
- the right to work in the UK (a document with no end date, or one that has not ended);
- training (for example the Care Certificate).
Employer's liability insurance belongs to the employer (the direct-payment holder), so it is checked with
the arrangement, not here.

The policy is a council setting: "mandatory" (a PA starts only with every check current) or "recommended"
(a PA may start without them if the direct-payment holder's informed choice is recorded).
"""

import datetime
from dataclasses import dataclass

DBS = "dbs"
REFERENCE = "reference"
RIGHT_TO_WORK = "right_to_work"
TRAINING = "training"
KINDS = {
    DBS: "Enhanced DBS check with adult barred list",
    REFERENCE: "Reference",
    RIGHT_TO_WORK: "Right to work in the UK",
    TRAINING: "Training",
}
REFERENCES_NEEDED = 2
MANDATORY = "mandatory"
RECOMMENDED = "recommended"
# An Update Service status looked at longer ago than this no longer vouches for the certificate.
UPDATE_SERVICE_LOOKED_AT_WITHIN_DAYS = 365


@dataclass(frozen=True)
class Check:
    kind: str
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None
    certificate_number: str = ""
    adult_barred_list: bool = False
    update_service: bool = False
    update_service_checked_on: datetime.date | None = None


@dataclass(frozen=True)
class Problem:
    kind: str
    message: str


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def dbs_current_until(check: Check, *, recheck_years: int) -> datetime.date | None:
    """The last day a DBS certificate counts as current (None: it does not count at all)."""
    if not check.certificate_number or check.issued_on is None or not check.adult_barred_list:
        return None
    if check.update_service and check.update_service_checked_on:
        return check.update_service_checked_on + datetime.timedelta(days=UPDATE_SERVICE_LOOKED_AT_WITHIN_DAYS)
    return _add_years(check.issued_on, recheck_years) - datetime.timedelta(days=1)


def _current(check: Check, on: datetime.date) -> bool:
    return (check.issued_on is None or check.issued_on <= on) and (check.expires_on is None or check.expires_on >= on)


def problems(checks: list[Check], *, on: datetime.date, recheck_years: int) -> list[Problem]:
    """Everything missing or out of date on `on`; an empty list means every check is current."""
    found: list[Problem] = []
    dbs = [c for c in checks if c.kind == DBS]
    if not dbs:
        found.append(Problem(DBS, "No enhanced DBS check with the adult barred list is recorded"))
    else:
        untils = [dbs_current_until(c, recheck_years=recheck_years) for c in dbs]
        if all(u is None for u in untils):
            found.append(Problem(DBS, "The DBS check recorded is not an enhanced check with the adult barred list"))
        elif max(u for u in untils if u is not None) < on:
            found.append(Problem(DBS, "The DBS check has lapsed: it needs renewing"))
    references = [c for c in checks if c.kind == REFERENCE and _current(c, on)]
    if len(references) < REFERENCES_NEEDED:
        found.append(Problem(REFERENCE, f"{REFERENCES_NEEDED} references are needed; {len(references)} recorded"))
    rtw = [c for c in checks if c.kind == RIGHT_TO_WORK]
    if not rtw:
        found.append(Problem(RIGHT_TO_WORK, "Right to work in the UK is not recorded"))
    elif not any(_current(c, on) for c in rtw):
        found.append(Problem(RIGHT_TO_WORK, "The right to work document has ended"))
    training = [c for c in checks if c.kind == TRAINING]
    if not training:
        found.append(Problem(TRAINING, "No training is recorded (for example the Care Certificate)"))
    elif not any(_current(c, on) for c in training):
        found.append(Problem(TRAINING, "The training recorded has expired"))
    return found


def expiring(checks: list[Check], *, on: datetime.date, within_days: int, recheck_years: int) -> list[Problem]:
    """Checks current on `on` that lapse within `within_days`: the alerts list.

    Kinds are looked at one at a time: a check that has been replaced (a new DBS certificate, a renewed right to
    work document, a refresher course) is not an alert, so only the check of each kind that lasts longest counts,
    and a kind with a check that never ends (a British passport) never lapses. References are the exception: each
    one counts towards the two needed, so any of them lapsing is an alert."""
    horizon = on + datetime.timedelta(days=within_days)
    found = []
    for kind in KINDS:
        of_kind = [c for c in checks if c.kind == kind and (c.issued_on is None or c.issued_on <= on)]
        if kind == REFERENCE:  # each reference counts towards the two needed: any of them lapsing matters
            found += [
                Problem(kind, f"{KINDS[kind]} lapses on {c.expires_on:%-d %B %Y}")
                for c in of_kind
                if c.expires_on is not None and on <= c.expires_on < horizon
            ]
            continue
        if kind == DBS:
            untils = [u for c in of_kind if (u := dbs_current_until(c, recheck_years=recheck_years)) is not None]
        else:
            if any(c.expires_on is None for c in of_kind):
                continue
            untils = [c.expires_on for c in of_kind]
        if not untils:
            continue
        until = max(untils)
        if on <= until < horizon:
            found.append(Problem(kind, f"{KINDS[kind]} lapses on {until:%-d %B %Y}"))
    return found


def may_start(*, found: list[Problem], policy: str, informed_choice_recorded: bool) -> bool:
    """Whether a PA may start on a plan line under the council's policy."""
    if not found:
        return True
    return policy == RECOMMENDED and informed_choice_recorded
