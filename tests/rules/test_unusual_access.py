"""The unusual-access rules, as tables worked out by hand."""

import datetime

import pytest

from selfdirect.rules.unusual_access import Flag, Read, sensitive_reads, unusual_workers

T = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)


def reads(*pairs):
    return [Read(worker, person, T + datetime.timedelta(minutes=i)) for i, (worker, person) in enumerate(pairs)]


CASELOADS = {1: {10, 11}, 2: {20}}


@pytest.mark.parametrize(
    ("opened", "threshold", "expected"),
    [
        # Worker 1 opens only their own caseload: never listed.
        ([(1, 10), (1, 11), (1, 10)], 1, []),
        # Worker 1 opens 3 different people outside: listed at threshold 3, not at 4.
        ([(1, 30), (1, 31), (1, 32), (1, 10)], 3, [(1, 3, 3)]),
        ([(1, 30), (1, 31), (1, 32), (1, 10)], 4, []),
        # Opening the same outside person 5 times is one person (5 openings).
        ([(1, 30)] * 5, 2, []),
        ([(1, 30)] * 5, 1, [(1, 1, 5)]),
        # A worker with no caseload at all (not in the map): everything is outside. Most people first.
        ([(3, 10), (3, 20), (1, 40), (3, 21), (1, 41)], 2, [(3, 3, 3), (1, 2, 2)]),
        # Ties: more openings first, then by worker number.
        ([(1, 30), (1, 31), (2, 30), (2, 31), (2, 31)], 2, [(2, 2, 3), (1, 2, 2)]),
    ],
)
def test_workers_opening_many_records_outside_their_caseload(opened, threshold, expected):
    found = unusual_workers(reads(*opened), CASELOADS, threshold=threshold)
    assert [(u.worker, u.people_outside_caseload, u.reads_outside_caseload) for u in found] == expected


def test_the_threshold_must_be_positive():
    with pytest.raises(ValueError):
        unusual_workers([], {}, threshold=0)


FLAGS = [Flag(10, "staff_member", 2), Flag(30, "staff_relative", 1), Flag(31, "staff_relative")]


@pytest.mark.parametrize(
    ("opened", "expected"),
    [
        # Worker 1 opens flagged person 10, who is in their caseload: not listed.
        ([(1, 10)], []),
        # Worker 2 (person 10 is worker 2 themself) opens their own record: listed as their own.
        ([(2, 10)], [(2, 10, True)]),
        # Worker 1 opens their own relative (30), outside their caseload: listed, not "own".
        ([(1, 30)], [(1, 30, False)]),
        # Worker 2 opens 31 (flagged, no staff member known) and 20 (not flagged, in caseload).
        ([(2, 31), (2, 20)], [(2, 31, False)]),
        # Unflagged people are never listed here.
        ([(1, 99), (2, 98)], []),
    ],
)
def test_reads_of_flagged_records(opened, expected):
    found = sensitive_reads(reads(*opened), FLAGS, CASELOADS)
    assert [(s.read.worker, s.read.person, s.own_record) for s in found] == expected


def test_newest_reads_first():
    found = sensitive_reads(reads((1, 30), (3, 30)), FLAGS, CASELOADS)
    assert [s.read.worker for s in found] == [3, 1]
