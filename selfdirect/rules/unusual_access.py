"""Spotting unusual access in the audit log: pure rules, no Django.

"Outside their caseload" means a person who, during the period looked at, was neither allocated to the worker
nor to any of the worker's teams. A worker is listed when the number of DIFFERENT such people they opened reaches
the council's threshold (opening one record ten times is one person). Separately, every read of a record flagged
as a member of staff or a staff member's relative is listed unless the reader had that person in their caseload;
a member of staff opening their own record is always listed.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Read:
    """One opening of a person's record, from the audit log."""

    worker: int
    person: int
    at: datetime.datetime


@dataclass(frozen=True)
class Flag:
    """A person flagged as a member of staff or a relative of one (`staff_member` is that member, if known)."""

    person: int
    kind: str
    staff_member: int | None = None


@dataclass(frozen=True)
class UnusualWorker:
    worker: int
    people_outside_caseload: int
    reads_outside_caseload: int


@dataclass(frozen=True)
class SensitiveRead:
    read: Read
    flag: Flag
    own_record: bool


def outside_caseload(read: Read, caseloads: Mapping[int, set[int]]) -> bool:
    return read.person not in caseloads.get(read.worker, set())


def unusual_workers(reads: Iterable[Read], caseloads: Mapping[int, set[int]], *, threshold: int) -> list[UnusualWorker]:
    """Workers who opened at least `threshold` different people outside their caseload, most first."""
    if threshold < 1:
        raise ValueError("The threshold must be 1 or more")
    people: dict[int, set[int]] = {}
    counts: dict[int, int] = {}
    for read in reads:
        if outside_caseload(read, caseloads):
            people.setdefault(read.worker, set()).add(read.person)
            counts[read.worker] = counts.get(read.worker, 0) + 1
    found = [UnusualWorker(w, len(p), counts[w]) for w, p in people.items() if len(p) >= threshold]
    return sorted(found, key=lambda u: (-u.people_outside_caseload, -u.reads_outside_caseload, u.worker))


def sensitive_reads(
    reads: Iterable[Read], flags: Iterable[Flag], caseloads: Mapping[int, set[int]]
) -> list[SensitiveRead]:
    """Reads of flagged records by anyone without the person in their caseload, and anyone opening their own."""
    by_person = {flag.person: flag for flag in flags}
    found = []
    for read in reads:
        flag = by_person.get(read.person)
        if flag is None:
            continue
        own = flag.kind == "staff_member" and flag.staff_member == read.worker
        if own or outside_caseload(read, caseloads):
            found.append(SensitiveRead(read, flag, own))
    return sorted(found, key=lambda s: (s.read.at, s.read.worker), reverse=True)
