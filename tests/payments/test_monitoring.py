"""Proportionate monitoring (issue 6, item 5): a surplus proposes a recoupment agreed with the person; no PA wages
for four weeks asks for a check-in; contributions not paid in; spending outside the plan and cash not agreed are
questions, never blocks. Findings are idempotent and become tasks for a named worker with due dates. The Polars
and DuckDB versions (bench/bench_dp_monitoring.py) agree with the per-account rules exactly."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from bench.bench_dp_monitoring import (
    TODAY as BENCH_TODAY,
)
from bench.bench_dp_monitoring import (
    check,
    connect,
    duckdb_path,
    duckdb_sql,
    polars_path,
    python_findings,
    same_findings,
    synthetic_data,
)
from selfdirect.core.audit import AuditEvent
from selfdirect.core.models import CouncilSettings
from selfdirect.core.roles import Role
from selfdirect.core.services import DomainError
from selfdirect.payments import classification, monitoring
from selfdirect.payments.models import DirectPaymentAgreement, LedgerTransaction, MonitoringFinding
from selfdirect.payments.monitoring import dp_monitor, finding_resolve
from selfdirect.payments.selectors import balance
from selfdirect.people.models import PersonEvent
from selfdirect.reviews.models import Task
from tests.factories import UserFactory
from tests.payments.test_statements import HEADER, council_payment, finance_officer, import_text, make_agreement

TODAY = datetime.date(2025, 11, 20)  # the previous month is October 2025; this month runs from 1 November
D = datetime.date


def lines(*rows) -> str:
    """Generic-format statement lines: (dd/mm/yyyy, description, payee, amount)."""
    return HEADER + "".join(f"{day},{what},{who},{amount},,\n" for day, what, who, amount in rows)


def weekly_wages(first: datetime.date, last: datetime.date):
    day, rows = first, []
    while day <= last:
        rows.append((f"{day:%d/%m/%Y}", f"WAGES {day:%d%m}", "J SMITH", "-200.00"))
        day += datetime.timedelta(days=7)
    return rows


def findings(agreement, kind=None):
    found = MonitoringFinding.objects.filter(agreement=agreement)
    return list(found.filter(kind=kind) if kind else found)


@pytest.fixture
def worker():
    return UserFactory(role=Role.SOCIAL_WORKER, first_name="Sam", last_name="Worker")


# --- Surplus ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_balance_above_eight_weeks_proposes_a_recoupment_as_a_task_for_the_allocated_worker(worker):
    """£100 a week and 8 weeks allowed: a balance of £1,000 is £200 over. The finding is a task for Mary's worker,
    due in four weeks, pointing at the finding."""
    agreement = make_agreement(weekly_dp="100.00", worker=worker, lines=("provider",))
    council_payment(agreement, "1000.00", D(2025, 11, 3))
    result = dp_monitor(agreement=agreement, today=TODAY)
    (finding,) = result.created
    assert (finding.kind, finding.amount, finding.period_start, finding.period_end) == (
        "surplus",
        Decimal("200.00"),
        D(2025, 11, 1),
        TODAY,
    )
    assert (
        "holds £1,000.00, which is £200.00 more than 8 weeks of the direct payment (£100.00 a week)" in finding.detail
    )
    task = Task.objects.get(source=f"finding:{finding.pk}")
    assert (task.kind, task.assignee, task.role, task.person) == ("dp_finding", worker, "", agreement.person)
    assert task.due_on == timezone.localdate(finding.created_at) + datetime.timedelta(days=28)
    assert task.url == f"/direct-payments/findings/{finding.pk}/"
    assert "built up" in task.title


@pytest.mark.django_db
def test_the_councils_setting_decides_how_many_weeks():
    settings = CouncilSettings.current()
    settings.dp_surplus_weeks = 12
    settings.save()
    agreement = make_agreement(weekly_dp="100.00", lines=("provider",))
    council_payment(agreement, "1000.00", D(2025, 11, 3))
    assert dp_monitor(agreement=agreement, today=TODAY).created == []


@pytest.mark.django_db
def test_running_again_adds_nothing_and_a_resolved_finding_is_not_raised_again_that_month():
    agreement = make_agreement(weekly_dp="100.00", lines=("provider",))
    council_payment(agreement, "1000.00", D(2025, 11, 3))
    assert len(dp_monitor(agreement=agreement, today=TODAY).created) == 1
    again = dp_monitor(agreement=agreement, today=TODAY)
    assert (again.created, again.already_open) == ([], 1)
    (finding,) = findings(agreement)
    finding_resolve(finding=finding, actor=finance_officer(), resolution="Saving for a new wheelchair: agreed")
    later = dp_monitor(agreement=agreement, today=TODAY + datetime.timedelta(days=5))
    assert (later.created, later.already_raised) == ([], 1)
    # Next month it is looked at afresh.
    assert len(dp_monitor(agreement=agreement, today=D(2025, 12, 2)).created) == 1


@pytest.mark.django_db
def test_resolving_a_surplus_with_an_agreed_recoupment_posts_it_and_closes_the_task(worker):
    agreement = make_agreement(weekly_dp="100.00", worker=worker, lines=("provider",))
    council_payment(agreement, "1000.00", D(2025, 11, 3))
    (finding,) = dp_monitor(agreement=agreement, today=TODAY).created
    officer = finance_officer()
    finding_resolve(
        finding=finding, actor=officer, resolution="Mary agreed to return £200", recoup_amount=Decimal("200.00")
    )
    finding.refresh_from_db()
    assert (finding.status, finding.resolved_by) == ("resolved", officer)
    recoupment = finding.recoupment
    assert recoupment.kind == LedgerTransaction.Kind.RECOUPMENT
    assert {e.account.kind: e.amount for e in recoupment.entries.select_related("account")} == {
        "holder": Decimal("-200.00"),
        "recoupment": Decimal("200.00"),
    }
    assert balance(agreement=agreement) == Decimal("800.00")
    assert Task.objects.get(source=f"finding:{finding.pk}").done_at is not None
    event = PersonEvent.objects.get(person=agreement.person, title="Direct payment check resolved")
    assert "Recoupment of £200.00 agreed" in event.detail
    assert AuditEvent.objects.filter(object_type="payments.monitoringfinding", action="update").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"resolution": ""}, "Enter what was found or agreed"),
        ({"resolution": "ok", "recoup_amount": Decimal("1000.01")}, "cannot be more than that"),
        ({"resolution": "ok", "recoup_amount": Decimal("0")}, "more than £0"),
        ({"resolution": "ok", "recoup_amount": Decimal("1.001")}, "pounds and pence"),
    ],
)
def test_a_resolution_must_say_what_happened_and_a_recoupment_must_be_possible(kwargs, message):
    agreement = make_agreement(weekly_dp="100.00", lines=("provider",))
    council_payment(agreement, "1000.00", D(2025, 11, 3))
    (finding,) = dp_monitor(agreement=agreement, today=TODAY).created
    with pytest.raises(DomainError, match=message):
        finding_resolve(finding=finding, actor=finance_officer(), **kwargs)
    finding.refresh_from_db()
    assert finding.status == "open" and finding.recoupment is None


@pytest.mark.django_db
def test_only_finance_records_a_recoupment_and_only_for_a_surplus(worker):
    agreement = make_agreement(weekly_dp="100.00", worker=worker, lines=("provider",))
    council_payment(agreement, "1000.00", D(2025, 11, 3))
    (finding,) = dp_monitor(agreement=agreement, today=TODAY).created
    with pytest.raises(DomainError, match="Only a finance officer"):
        finding_resolve(finding=finding, actor=worker, resolution="ok", recoup_amount=Decimal("10.00"))
    finding_resolve(finding=finding, actor=worker, resolution="Talked it through: saving for respite")
    with pytest.raises(DomainError, match="already been resolved"):
        finding_resolve(finding=finding, actor=worker, resolution="again")
    cash = make_agreement(lines=("provider",))
    import_text(cash, lines(("02/10/2025", "ATM", "ATM HIGH ST", "-20.00")))
    (cash_finding,) = dp_monitor(agreement=cash, today=TODAY).created
    with pytest.raises(DomainError, match="for a surplus only"):
        finding_resolve(finding=cash_finding, actor=finance_officer(), resolution="ok", recoup_amount=Decimal("5"))


# --- No PA wages ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_pa_wages_for_four_weeks_asks_for_a_check_in():
    """Wages stopped after 1 October; statements run to 10 November: 40 days without wages."""
    agreement = make_agreement(weekly_dp="0.01")
    rows = weekly_wages(D(2025, 9, 3), D(2025, 10, 1)) + [("10/11/2025", "Groceries", "TESCO", "-5.00")]
    import_text(agreement, lines(*rows))
    (finding,) = dp_monitor(agreement=agreement, today=TODAY).created
    assert (finding.kind, finding.period_start, finding.period_end, finding.amount) == (
        "no_pa_wages",
        D(2025, 10, 2),
        D(2025, 11, 10),
        None,
    )
    assert "since 1 October 2025" in finding.detail and "is the support still happening?" in finding.detail
    task = Task.objects.get(source=f"finding:{finding.pk}")
    assert task.due_on == timezone.localdate(finding.created_at) + datetime.timedelta(days=5)
    assert task.role == Role.FINANCE_OFFICER and task.assignee is None  # nobody allocated: the finance queue


@pytest.mark.django_db
def test_regular_wages_or_a_plan_without_a_pa_raise_nothing():
    paying = make_agreement(weekly_dp="0.01")
    import_text(paying, lines(*weekly_wages(D(2025, 9, 3), D(2025, 11, 12))))
    assert findings_of_kind(paying, "no_pa_wages") == []
    agency = make_agreement(weekly_dp="0.01", lines=("provider",))
    import_text(agency, lines(("10/11/2025", "Invoice", "BRIGHT HOME CARE LTD", "-5.00")))
    assert findings_of_kind(agency, "no_pa_wages") == []


def findings_of_kind(agreement, kind):
    return [f for f in dp_monitor(agreement=agreement, today=TODAY).created if f.kind == kind]


@pytest.mark.django_db
def test_no_statements_means_nothing_to_judge_wages_by():
    agreement = make_agreement(weekly_dp="0.01")
    assert dp_monitor(agreement=agreement, today=TODAY).created == []


# --- Contributions ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_contributions_not_paid_into_a_net_account_are_found():
    """Net: the council pays £80 of a £100 budget and Mary pays £20 a week in. October: £88.57 expected, £40 paid:
    £48.57 short, more than a week's contribution."""
    agreement = make_agreement(weekly_dp="100.00", contribution="20.00", net=True, lines=("provider",))
    rows = [("03/10/2025", "Client contribution", "M SMITH", "40.00"), ("31/10/2025", "Shop", "TESCO", "-1.00")]
    import_text(agreement, lines(*rows))
    (finding,) = findings_of_kind(agreement, "contribution_missing")
    assert (finding.amount, finding.period_start, finding.period_end) == (
        Decimal("48.57"),
        D(2025, 10, 1),
        D(2025, 10, 31),
    )
    assert "£40.00 was paid into the account as contributions in October 2025, against £88.57 expected" in (
        finding.detail
    )


@pytest.mark.django_db
def test_contributions_within_a_week_of_what_was_expected_gross_accounts_and_partial_months_raise_nothing():
    """Four weekly payments in a 31-day month is not a shortfall; a gross agreement expects nothing in the account
    (the council collects the contribution); statements that stop before the month ends cannot tell."""
    four = [(f"{d:02d}/10/2025", "Client contribution", "M SMITH", "20.00") for d in (3, 10, 17, 24)]
    net = make_agreement(weekly_dp="100.00", contribution="20.00", net=True, lines=("provider",))
    import_text(net, lines(*four, ("31/10/2025", "Shop", "TESCO", "-1.00")))
    assert findings_of_kind(net, "contribution_missing") == []
    gross = make_agreement(weekly_dp="100.00", contribution="20.00", net=False, lines=("provider",))
    import_text(gross, lines(("31/10/2025", "Shop", "TESCO", "-1.00")))
    assert findings_of_kind(gross, "contribution_missing") == []
    partial = make_agreement(weekly_dp="100.00", contribution="20.00", net=True, lines=("provider",))
    import_text(partial, lines(("20/10/2025", "Shop", "TESCO", "-1.00")))
    assert findings_of_kind(partial, "contribution_missing") == []


# --- Outside the plan, and cash -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_spending_the_plan_does_not_cover_is_a_question_per_month():
    """A PA plan covers wages, tax, payroll and insurance; equipment and a taxi are asked about (October and
    November separately, one at a time), while a plan line for transport covers taxis."""
    agreement = make_agreement(weekly_dp="0.01")
    rows = [
        ("06/10/2025", "Wages", "J SMITH", "-200.00"),
        ("07/10/2025", "PAYE", "HMRC", "-40.00"),
        ("08/10/2025", "Policy", "Mark Bates Insurance", "-8.00"),
        ("09/10/2025", "Mobility aids", "NRS Healthcare", "-39.99"),
        ("10/11/2025", "Taxi", "Northmoor Cabs", "-12.00"),
        ("12/11/2025", "Wages", "J SMITH", "-200.00"),
    ]
    import_text(agreement, lines(*rows))
    classification.statement_line_reclassify(
        line=agreement.statement_lines.get(payee="NRS Healthcare"), category="equipment", actor=finance_officer()
    )
    (october,) = findings_of_kind(agreement, "outside_plan")
    assert (october.period_start, october.period_end, october.amount) == (
        D(2025, 10, 1),
        D(2025, 10, 31),
        Decimal("39.99"),
    )
    assert "£39.99 on equipment, which the plan does not mention" in october.detail
    assert "it may well be fine" in october.detail
    # One open question of a kind at a time: November's waits until October's is answered.
    finding_resolve(finding=october, actor=finance_officer(), resolution="A shower stool: fine, plan to be updated")
    (november,) = findings_of_kind(agreement, "outside_plan")
    assert (november.period_start, november.period_end, november.amount) == (D(2025, 11, 1), TODAY, Decimal("12.00"))
    covered = make_agreement(weekly_dp="0.01", components=("Transport",))
    import_text(covered, lines(("10/11/2025", "Taxi", "Northmoor Cabs", "-12.00")))
    assert findings_of_kind(covered, "outside_plan") == []


@pytest.mark.django_db
def test_cash_is_fine_where_agreed_and_asked_about_where_not():
    row = ("02/11/2025", "Cash withdrawal", "ATM HIGH ST", "-50.00")
    agreed = make_agreement(cash_agreed=True, lines=("provider",))
    import_text(agreed, lines(row))
    assert findings_of_kind(agreed, "cash") == []
    not_agreed = make_agreement(lines=("provider",))
    import_text(not_agreed, lines(row))
    (finding,) = findings_of_kind(not_agreed, "cash")
    assert finding.amount == Decimal("50.00") and "cash can be agreed in the plan" in finding.detail


@pytest.mark.django_db
def test_only_paying_agreements_are_looked_at_and_the_command_reports():
    paying = make_agreement(weekly_dp="100.00", lines=("provider",))
    council_payment(paying, "1000.00", D(2025, 11, 3))
    ended = make_agreement(weekly_dp="100.00", lines=("provider",))
    council_payment(ended, "1000.00", D(2025, 11, 3))
    DirectPaymentAgreement.objects.filter(pk=ended.pk).update(status=DirectPaymentAgreement.Status.ENDED)
    out, err = io.StringIO(), io.StringIO()
    call_command("dp_monitor", today="2025-11-20", stdout=out, stderr=err)
    assert "Looked over 1 direct payment on 2025-11-20: 1 new finding (0 already open, 0 already raised)." in (
        out.getvalue()
    )
    assert "Balance above the council's limit" in out.getvalue()
    assert "Direct payments" in err.getvalue()  # the progress bar
    assert findings(ended) == []
    call_command("dp_monitor", today="2025-11-20", agreement=paying.pk, stdout=out, stderr=err, no_progress=True)
    assert "0 new findings (1 already open" in out.getvalue()


# --- Many accounts at once: Polars, DuckDB and the per-account rules agree --------------------------------------


def test_polars_duckdb_and_the_per_account_rules_agree_exactly_on_generated_data():
    """3,000 generated lines over 40 accounts, and 60,000 over 600: the Polars frames, the DuckDB query and
    findings_due (line by line through classification.classify) give exactly the same findings, and every line
    the same category both ways."""
    rules = classification.compile_rules(classification.DEFAULT_RULES)
    for rows, accounts in ((3_000, 40), (60_000, 600)):
        lines_frame, accounts_frame = synthetic_data(rows, accounts, seed=rows)
        classified, found = polars_path(lines_frame, accounts_frame, rules)
        connection = connect(lines_frame, accounts_frame)
        duck = duckdb_path(connection, duckdb_sql(rules))
        checked = check(lines_frame, accounts_frame, rules, classified, found, duck, connection, sample=accounts)
        assert len(checked) == 4
        assert found.height > 0
        everyone = python_findings(lines_frame, accounts_frame, rules, range(accounts))
        assert same_findings(everyone, found)
    assert set(found["kind"]) == set(monitoring.KIND_ORDER)  # the larger set has every kind of finding


def test_monitor_frame_applies_each_rule_at_its_edges():
    """Hand-made accounts at the boundaries: exactly 8 weeks of balance is not a surplus, a penny more is; 27 days
    without wages is not a gap, 28 is; a week's contribution short is not a finding, a penny more is."""
    import polars as pl

    today = BENCH_TODAY
    (prev_start, prev_end), _ = monitoring.months_checked(today)
    start = D(2024, 1, 1)
    accounts = pl.DataFrame(
        {
            "account_id": [1, 2, 3, 4, 5, 6],
            "opening_balance": [80_000, 80_001, 0, 0, 0, 0],
            "weekly_amount": [10_000, 10_000, 0, 0, 0, 0],
            "weekly_contribution": [0, 0, 0, 0, 1_000, 1_000],
            "started_on": [start] * 6,
            "has_pa": [False, False, True, True, False, False],
            "cash_agreed": [True] * 6,
            "covered": [[], [], ["pa_wages"], ["pa_wages"], [], []],
        },
        schema_overrides={"covered": pl.List(pl.String)},
    )
    expected_contribution = (1_000 * ((prev_end - prev_start).days + 1) * 2 + 7) // 14
    rows = [
        (3, today - datetime.timedelta(days=27), -100, "pa_wages"),
        (3, today, -1, "other"),
        (4, today - datetime.timedelta(days=28), -100, "pa_wages"),
        (4, today, -1, "other"),
        (5, prev_start, expected_contribution - 1_000, "contribution"),
        (5, today, -1, "other"),
        (6, prev_start, expected_contribution - 1_001, "contribution"),
        (6, today, -1, "other"),
    ]
    frame = pl.DataFrame(rows, schema=["account_id", "occurred_on", "amount", "category"], orient="row")
    found = monitoring.monitor_frame(frame, accounts, today=today, surplus_weeks=8, no_wages_weeks=4)
    assert [(r["account_id"], r["kind"], r["amount"]) for r in found.iter_rows(named=True)] == [
        (2, "surplus", 1),
        (4, "no_pa_wages", None),
        (6, "contribution_missing", 1_001),
    ]
